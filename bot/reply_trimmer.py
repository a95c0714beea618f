"""The new text of a reply: quoted history and signature removed.

Triage must count what the customer wrote now, not the whole thread they quoted. Each line is
classified (blank, quoted, reply intro, header, signature delimiter, mobile signature, text),
then the history starts at the first of: a reply/forward marker line, an Outlook header block
(From/Sent/To/Subject in any of our languages), or a quoted block that runs to the end of the
message. Quotes followed by new text (inline answers) are kept: they give the answer its
context. Closings such as "Best regards, Ann" are kept too: they are the customer's words, and
cutting at them loses text that follows ("Thanks, … P.S. it is down again").

Lines are classified by anchored, length-capped patterns, and only the first `MAX_LINES` lines
are examined, so the cost stays linear on huge bodies.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.quote_markers import (
    REPLY_INTRO_START,
    header_field,
    is_forward_separator,
    is_original_separator,
    is_reply_intro,
    is_underscore_separator,
    marker_text,
    quote_depth,
)

MAX_LINES = 5000

# Line kinds.
_BLANK = "blank"
_QUOTE = "quote"
_MARKER = "marker"  # reply intro or forward/original-message separator
_HEADER = "header"  # From:/Sent:/To:/Subject: line of a quoted block
_SIG_DELIMITER = "sig"  # "-- "
_MOBILE = "mobile"  # "Sent from my iPhone"
_DECORATION = "decoration"  # "_____", "=====", "-----"
_TEXT = "text"

_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\u1427\u034f\xa0]")
_SIG_DASH = re.compile(r"^(?:--|—|-- ?[^\w\s]?)\s*$")
_DECORATION_LINE = re.compile(r"^[-_=*~#+.·•]{3,}$")
_MOBILE_SIGNATURE = re.compile(
    r"^[(<\[]*(?:"
    r"(?:sent|envoy[ée]|enviado|inviato|verzonden|gesendet|skickat|sendt|lähetetty|wysłane)"
    r"\s+(?:from|with|via|using|by|on|depuis|de|desde|da|dal|von|vom|met|mit|från|fra|z|från)\s.{0,90}"
    r"|get \[?outlook for .{1,80}"
    r"|(?:von|vom) meine[mn]? .{1,60} gesendet\.?"
    r"|diese nachricht wurde von meinem .{1,80} gesendet\.?"
    r"|envoy[ée] de mon .{1,40}"
    r"|(?:從|从)我的.{1,30}(?:傳送|发送)"
    r"|sent by .{1,40}"
    r")[)>\]]*$",
    re.IGNORECASE,
)
_INTRO_WORD_HINT = re.compile(r"\d|@")


@dataclass(frozen=True, slots=True)
class TrimmedReply:
    """The new text, plus what was cut off (kept for display, never re-counted)."""

    text: str
    quoted: str = ""
    signature: str = ""


def trim_reply(text: str) -> TrimmedReply:
    """Split a plain-text body into the sender's new text, the quoted history and signature."""
    if not text or not text.strip():
        return TrimmedReply("")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    tail: list[str] = []
    if len(lines) > MAX_LINES:
        lines, tail = lines[:MAX_LINES], lines[MAX_LINES:]
    kinds = [_classify(line) for line in lines]
    _join_wrapped_intros(lines, kinds)

    cut = _history_start(lines, kinds)
    if cut is None:
        # No history in the examined lines: the unexamined rest is new text too (a long
        # pasted log must not be silently cut at MAX_LINES).
        body_lines, quoted_lines = lines + tail, []
        kinds = kinds + [_TEXT] * len(tail)
    else:
        body_lines, quoted_lines = lines[:cut], lines[cut:] + tail
        body_kinds = kinds[:cut]
        if not any(k == _TEXT for k in body_kinds):
            return _bottom_posted(lines, kinds, tail)
        answers = _inline_answers(lines, kinds, cut)
        if answers:
            body_lines = body_lines + [""] + answers
            body_kinds = body_kinds + [_BLANK] + [_classify(line) for line in answers]
        kinds = body_kinds

    body_lines, signature_lines = _split_signature(body_lines, kinds[: len(body_lines)])
    new_text = _tidy(body_lines)
    return TrimmedReply(new_text, _tidy(quoted_lines), _tidy(signature_lines))


def _inline_answers(lines: list[str], kinds: list[str], cut: int) -> list[str]:
    """Answers written between the lines of a quote ("> question\\nanswer").

    Only after an "On … wrote:" intro that is directly followed by `>`-quoted lines: clients
    that quote history without `>` (many HTML ones) would otherwise make the whole history
    look like new text.
    """
    if kinds[cut] != _MARKER or not is_reply_intro(lines[cut]):
        return []
    first = _next_non_blank(kinds, cut + 1)
    if first is None or kinds[first] != _QUOTE:
        return []
    answers: list[str] = []
    for index in range(first, len(kinds)):
        kind = kinds[index]
        if kind in (_MARKER, _SIG_DELIMITER) or (
            kind == _HEADER and _starts_header_block(lines, kinds, index)
        ):
            break
        if kind == _TEXT or (kind == _BLANK and answers):
            answers.append(lines[index])
    while answers and not answers[-1].strip():
        answers.pop()
    return answers


def _bottom_posted(lines: list[str], kinds: list[str], tail: list[str]) -> TrimmedReply:
    """No text above the history: the sender answered below the quote (or wrote nothing).

    The unquoted text lines are the answer; a message that is nothing but quote is returned
    whole rather than as an empty string.
    """
    answer = [line for line, kind in zip(lines, kinds, strict=True) if kind in (_TEXT, _BLANK)]
    if not any(kind == _TEXT for kind in kinds):
        return TrimmedReply(_tidy(lines + tail))
    quoted = [line for line, kind in zip(lines, kinds, strict=True) if kind not in (_TEXT,)]
    body, signature = _split_signature(answer, [_classify(line) for line in answer])
    return TrimmedReply(_tidy(body), _tidy(quoted + tail), _tidy(signature))


def _classify(line: str) -> str:
    stripped = _INVISIBLE.sub("", line).strip()
    if not stripped:
        return _BLANK
    if len(stripped) > 3000:
        return _TEXT
    depth = quote_depth(line)
    if depth:
        bare = marker_text(line)
        if not bare:
            return _QUOTE
        if is_forward_separator(line) or is_original_separator(line):
            return _MARKER
        return _QUOTE
    if _SIG_DASH.match(stripped):
        return _SIG_DELIMITER
    if is_forward_separator(line) or is_original_separator(line) or is_reply_intro(line):
        return _MARKER
    if header_field(stripped) is not None:
        return _HEADER
    if is_underscore_separator(line) or _DECORATION_LINE.match(stripped):
        return _DECORATION
    if len(stripped) <= 120 and _MOBILE_SIGNATURE.match(stripped):
        return _MOBILE
    return _TEXT


def _join_wrapped_intros(lines: list[str], kinds: list[str]) -> None:
    """Mark "On Mon, 1 Jan 2024 at 10:00, Ann <ann@x>\\nwrote:" split over lines as a marker."""
    for i, kind in enumerate(kinds):
        if kind != _TEXT or not REPLY_INTRO_START.match(lines[i].strip()):
            continue
        joined = lines[i].strip()
        for j in range(i + 1, min(i + 3, len(lines))):
            if kinds[j] == _BLANK:
                break
            joined = f"{joined} {marker_text(lines[j])}"
            if is_reply_intro(joined):
                for k in range(i, j + 1):
                    kinds[k] = _MARKER
                break


def _history_start(lines: list[str], kinds: list[str]) -> int | None:
    n = len(kinds)
    runs_to_end = _quotes_run_to_end(kinds)
    for i, kind in enumerate(kinds):
        if kind == _MARKER:
            return _include_wrapped_start(lines, kinds, i)
        if kind == _HEADER and _starts_header_block(lines, kinds, i):
            return _include_separator_above(kinds, i)
        if kind == _QUOTE and runs_to_end[i]:
            return _include_intro_above(lines, kinds, i)
        if kind == _DECORATION and i + 1 < n:
            nxt = _next_non_blank(kinds, i + 1)
            if (
                nxt is not None
                and kinds[nxt] == _HEADER
                and _starts_header_block(lines, kinds, nxt)
            ):
                return i
    return None


def _include_wrapped_start(lines: list[str], kinds: list[str], marker: int) -> int:
    """A marker line that does not begin like an intro is the tail of a wrapped one."""
    if marker == 0 or REPLY_INTRO_START.match(lines[marker].strip()):
        return marker
    above = marker - 1
    if kinds[above] == _TEXT and _INTRO_WORD_HINT.search(lines[above]) and len(lines[above]) < 300:
        return above
    return marker


def _starts_header_block(lines: list[str], kinds: list[str], start: int) -> bool:
    """A From-like header followed by at least two more header lines close below."""
    first = header_field(lines[start].strip())
    if first is None or not first[1]:
        return False
    names = {first[0]}
    count = 1
    for j in range(start + 1, min(start + 10, len(kinds))):
        if kinds[j] == _HEADER:
            field = header_field(lines[j].strip())
            if field is not None:
                names.add(field[0])
                count += 1
        elif kinds[j] not in (_BLANK, _TEXT):
            break
    return count >= 3 and "from" in names or count >= 3 and {"date", "subject"} <= names


def _include_separator_above(kinds: list[str], start: int) -> int:
    previous = _previous_non_blank(kinds, start - 1)
    if previous is not None and kinds[previous] in (_DECORATION, _MARKER):
        return previous
    return start


def _quotes_run_to_end(kinds: list[str]) -> list[bool]:
    """For each line: do only quotes, blanks, decoration and a final signature follow it?

    Computed in one backward pass; asking line by line was quadratic on long quotes.
    """
    result = [False] * len(kinds)
    clean_to_end = True
    for i in range(len(kinds) - 1, -1, -1):
        kind = kinds[i]
        if kind == _SIG_DELIMITER:
            clean_to_end = True  # everything below a "-- " is signature
        elif kind not in (_QUOTE, _BLANK, _MOBILE, _DECORATION):
            clean_to_end = False
        result[i] = clean_to_end
    return result


def _include_intro_above(lines: list[str], kinds: list[str], start: int) -> int:
    """Also cut an unrecognised, possibly wrapped intro ("20 окт. 2016 г. … написал:") above."""
    last = _previous_non_blank(kinds, start - 1)
    if last is None or kinds[last] != _TEXT:
        return start
    first = last
    while first > 0 and last - first < 2 and kinds[first - 1] == _TEXT:
        first -= 1
    ending = lines[last].strip()
    if not ending.endswith((":", "：")):
        return start
    # Take wrapped lines above only while they look like intro text (dates, addresses).
    for begin in range(first, last + 1):
        if all(_INTRO_WORD_HINT.search(line) for line in lines[begin : last + 1]):
            joined = " ".join(line.strip() for line in lines[begin : last + 1])
            if len(joined) <= 400:
                return begin
    return start


def _split_signature(lines: list[str], kinds: list[str]) -> tuple[list[str], list[str]]:
    """Drop mobile one-liners and everything from a "-- " delimiter that follows text."""
    seen_text = False
    for i, kind in enumerate(kinds):
        if kind == _SIG_DELIMITER and seen_text:
            return _without_mobile(lines[:i], kinds[:i]), lines[i:]
        if kind == _TEXT:
            seen_text = True
    return _without_mobile(lines, kinds), []


def _without_mobile(lines: list[str], kinds: list[str]) -> list[str]:
    kept = [line for line, kind in zip(lines, kinds, strict=True) if kind != _MOBILE]
    while kept and kinds and _classify(kept[-1]) in (_BLANK, _DECORATION, _SIG_DELIMITER):
        kept.pop()
    return kept


def _next_non_blank(kinds: list[str], start: int) -> int | None:
    for j in range(start, len(kinds)):
        if kinds[j] != _BLANK:
            return j
    return None


def _previous_non_blank(kinds: list[str], start: int) -> int | None:
    for j in range(start, -1, -1):
        if kinds[j] != _BLANK:
            return j
    return None


def _tidy(lines: list[str]) -> str:
    return "\n".join(line.rstrip() for line in lines).strip("\n").strip()
