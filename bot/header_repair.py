"""Repairing a raw header block before the stdlib parser sees it.

The stdlib ends the header block at the first line that is neither `Name: value` nor a
continuation. One junk line then turns every later header (From, Subject, Content-Type) into
body text: a copy-paste banner such as `---- Original email message ----` above the headers,
a gateway that lost the indentation of folded `Received:`/DKIM lines, or a stray word before
`Delivered-To:`. Such lines are dropped (before the first header) or re-indented as
continuations (after it), but only when real headers follow, so an ordinary message whose
body starts without a blank line is left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_HEADER_LINE = re.compile(rb"[!-9;-~]+[ \t]*:")
_CONTINUATION = re.compile(rb"[ \t]")
_WELL_KNOWN = re.compile(
    rb"(?i)(from|to|cc|subject|date|received|message-id|content-type|mime-version|"
    rb"return-path|reply-to|in-reply-to|references|delivered-to|x-[a-z0-9-]+|"
    rb"content-transfer-encoding|dkim-signature|authentication-results):"
)
_MAX_HEADER_BYTES = 256 * 1024
_LOOKAHEAD_LINES = 40


@dataclass(frozen=True, slots=True)
class RepairedHeaders:
    """The raw message to parse and, when anything was changed, what was done."""

    raw: bytes
    problem: str | None = None


def repair_header_block(raw: bytes) -> RepairedHeaders:
    """Return `raw` with a parseable header block; unchanged (same object) when it already is."""
    if raw[:1] in (b"\r", b"\n"):
        # Blank lines above the headers (files saved by hand, some gateways) read as "no
        # headers at all" to the stdlib; drop them when headers follow.
        candidate = raw.lstrip(b"\r\n")
        if _WELL_KNOWN.match(candidate):
            inner = repair_header_block(candidate)
            note = "blank lines above the headers removed"
            return RepairedHeaders(inner.raw, f"{note}; {inner.problem}" if inner.problem else note)
    end = _header_block_end(raw)
    block = raw[:end]
    lines = block.splitlines(keepends=True)
    if not lines or all(_is_header_or_continuation(line, i) for i, line in enumerate(lines)):
        return RepairedHeaders(raw)
    repaired: list[bytes] = []
    dropped = reindented = 0
    seen_header = False
    for index, line in enumerate(lines):
        if _is_header_or_continuation(line, index) and (seen_header or not line[:1].isspace()):
            seen_header = True
            repaired.append(line)
            continue
        if not _well_known_header_follows(lines, index + 1):
            # Real body text starts here (a message without the blank separator line).
            repaired.extend(lines[index:])
            break
        if seen_header:
            repaired.append(b" " + line.lstrip())
            reindented += 1
        else:
            dropped += 1
    if not dropped and not reindented:
        return RepairedHeaders(raw)
    problem = f"header block repaired ({dropped} junk line(s) dropped, {reindented} re-indented)"
    return RepairedHeaders(b"".join(repaired) + raw[end:], problem)


def _header_block_end(raw: bytes) -> int:
    limit = min(len(raw), _MAX_HEADER_BYTES)
    candidates = [
        i for i in (raw.find(b"\n\n", 0, limit), raw.find(b"\n\r\n", 0, limit)) if i != -1
    ]
    return min(candidates) + 1 if candidates else limit


def _is_header_or_continuation(line: bytes, index: int) -> bool:
    if index == 0 and line.startswith(b"From "):
        return True  # mbox separator, understood by the stdlib parser
    return bool(_HEADER_LINE.match(line) or _CONTINUATION.match(line))


def _well_known_header_follows(lines: list[bytes], start: int) -> bool:
    return any(_WELL_KNOWN.match(line) for line in lines[start : start + _LOOKAHEAD_LINES])
