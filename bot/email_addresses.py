"""Sender and recipient addresses from the headers real clients actually write.

The requester of a ticket is decided by this address, so it must survive what strict RFC 5322
parsers turn into nonsense: `alice@example.com <bob@example.com>` (an address as display name),
`bob@example.com (Bob)` comments, unquoted `Big Bug bb@bug.com`, raw 8-bit names, encoded-words
holding commas, Outlook's `Name [mailto:addr]` and `addr<mailto:addr>` in forwarded blocks.
Encoded-words inside the address itself are deliberately NOT decoded: decoding them is how
`=?utf-8?q?attacker=40evil.example?=@victim.example` style spoofing works.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.email_headers import decode_encoded_words, unfold

_MAILTO_BRACKET = re.compile(r"\[\s*mailto:\s*([^\]\s]+)\s*\]", re.IGNORECASE)
# "discuss@foo.bar<mailto:discuss@foo.bar>": Outlook's plain-text rendering of a link.
_GLUED_MAILTO = re.compile(r"(?<=[^\s<])<\s*mailto:[^<>]*>", re.IGNORECASE)
_LOCAL_PART_ONLY = re.compile(r"[A-Za-z0-9._%+=-]+")
_MAX_CHARS = 16 * 1024


@dataclass(frozen=True, slots=True)
class MailAddress:
    """One mailbox: bare lower-cased address ("" when none is given) and decoded name."""

    address: str
    name: str = ""


def parse_mailbox(value: str | None) -> MailAddress:
    """The first mailbox of an address header value (raw text, 8-bit already restored)."""
    boxes = parse_mailbox_list(value, limit=1)
    return boxes[0] if boxes else MailAddress("")


def parse_mailbox_list(value: str | None, *, limit: int = 200) -> tuple[MailAddress, ...]:
    """Every mailbox of an address-list header value, in order, duplicates kept."""
    if not value:
        return ()
    text = _normalise_mailto(unfold(value[:_MAX_CHARS]))
    boxes: list[MailAddress] = []
    for chunk in _split_top_level(text, ","):
        box = _parse_one(_strip_group(chunk))
        if box is not None:
            boxes.append(box)
            if len(boxes) >= limit:
                break
    return tuple(boxes)


def _normalise_mailto(text: str) -> str:
    text = _GLUED_MAILTO.sub("", text)
    return _MAILTO_BRACKET.sub(r"<\1>", text)


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split at `separator` outside quotes, comments, angle brackets and encoded-words."""
    parts: list[str] = []
    start = 0
    depth_paren = 0
    in_quote = False
    in_angle = False
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        if in_quote:
            if ch == "\\":
                i += 2
                continue
            if ch == '"':
                in_quote = False
        elif ch == "=" and text.startswith("=?", i):
            # Skip an encoded-word whole: its text may contain the separator (`B=FCrling,=20A`).
            end = text.find("?=", i + 2, i + 200)  # encoded-words are short (RFC 2047: 75)
            question_marks = text.count("?", i + 2, end) if end != -1 else 0
            if end != -1 and question_marks >= 2:
                i = end + 2
                continue
        elif ch == '"':
            in_quote = True
        elif ch == "(":
            depth_paren += 1
        elif ch == ")" and depth_paren:
            depth_paren -= 1
        elif ch == "<" and not depth_paren:
            in_angle = True
        elif ch == ">" and not depth_paren:
            in_angle = False
        elif ch == separator and not depth_paren and not in_angle:
            parts.append(text[start:i])
            start = i + 1
        i += 1
    parts.append(text[start:])
    return parts


def _strip_group(chunk: str) -> str:
    # "Undisclosed recipients:;" and "team: a@x.example" (RFC 5322 group syntax).
    chunk = chunk.strip()
    colon = chunk.find(":")
    if colon > 0 and "<" not in chunk[:colon] and "@" not in chunk[:colon] and '"' not in chunk:
        chunk = chunk[colon + 1 :]
    return chunk.strip().rstrip(";").strip()


def _parse_one(chunk: str) -> MailAddress | None:
    if not chunk:
        return None
    angle = _last_angle_address(chunk)
    if angle is not None:
        start, end = angle
        address = _clean_address(chunk[start + 1 : end])
        # RFC 5322 comments are not part of the name: "MAILER-DAEMON (Mail Delivery System)".
        name = _display_name(_remove_comments(chunk[:start])) or _comment_text(chunk[:start])
        if not name:
            name = _comment_text(chunk[end + 1 :])
        return MailAddress(address, name)
    comment = _comment_text(chunk)
    without_comments = _remove_comments(chunk).strip()
    tokens = _split_words(without_comments)
    for index, token in enumerate(tokens):
        if "@" in token:
            others = tokens[:index] + tokens[index + 1 :]
            name = _display_name(" ".join(others)) or comment
            return MailAddress(_clean_address(token), name)
    # No address at all: "Outlook user", "MAILER-DAEMON", a bare local part.
    name = _display_name(without_comments) or comment
    if not name:
        return None
    return MailAddress("", name)


def _last_angle_address(chunk: str) -> tuple[int, int] | None:
    """Position of the last top-level `<...>` (outside quotes), preferring one with an @."""
    best: tuple[int, int] | None = None
    in_quote = False
    i = 0
    n = len(chunk)
    while i < n:
        ch = chunk[i]
        if ch == "\\" and in_quote:
            i += 2
            continue
        if ch == '"':
            in_quote = not in_quote
        elif ch == "<" and not in_quote:
            end = chunk.find(">", i + 1)
            if end == -1:
                end = n
            if best is None or "@" in chunk[i:end] or "@" not in chunk[best[0] : best[1]]:
                best = (i, end)
            i = end
        i += 1
    return best


def _clean_address(raw: str) -> str:
    address = raw.strip().strip("<>").strip()
    if address.lower().startswith("mailto:"):
        address = address[7:].strip()
    if address.startswith("@") and ":" in address:  # obsolete source route "@a,@b:x@y"
        address = address.split(":", 1)[1]
    address = address.rstrip(".,;")
    if len(address) >= 2 and address[0] == address[-1] == "'":
        address = address[1:-1]
    return address.strip().lower()


def _display_name(raw: str) -> str:
    name = raw.strip()
    if len(name) >= 2 and name[0] == '"' and name.endswith('"'):
        name = name[1:-1]
    name = name.replace('\\"', '"').replace("\\\\", "\\")
    name = decode_encoded_words(name).text
    name = name.replace('"', "").strip() if name.count('"') % 2 else name.strip()
    return " ".join(name.split()).strip("'").strip()


def _comment_text(raw: str) -> str:
    start = raw.find("(")
    end = raw.rfind(")")
    if start == -1 or end <= start:
        return ""
    return _display_name(raw[start + 1 : end])


def _remove_comments(raw: str) -> str:
    out: list[str] = []
    depth = 0
    in_quote = False
    for ch in raw:
        if ch == '"' and not depth:
            in_quote = not in_quote
        if not in_quote and ch == "(":
            depth += 1
            continue
        if not in_quote and ch == ")" and depth:
            depth -= 1
            continue
        if not depth:
            out.append(ch)
    return "".join(out)


def _split_words(text: str) -> list[str]:
    """Whitespace-separated words, keeping quoted strings (and `"x y"@host`) whole."""
    words: list[str] = []
    current: list[str] = []
    in_quote = False
    for ch in text:
        if ch == '"':
            in_quote = not in_quote
            current.append(ch)
        elif ch.isspace() and not in_quote:
            if current:
                words.append("".join(current))
                current = []
        else:
            current.append(ch)
    if current:
        words.append("".join(current))
    return words


def is_local_part_only(text: str) -> bool:
    """True for a bare mailbox name such as `MAILER-DAEMON` (no domain)."""
    return _LOCAL_PART_ONLY.fullmatch(text) is not None
