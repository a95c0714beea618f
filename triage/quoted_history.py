"""Blank out quoted email history so only what the customer wrote counts as evidence.

The bot strips quoted history before calling the checker, but stripping is heuristic and
customers paste earlier replies by hand: a support agent asking "could you send the logs?"
in a quoted reply must never make the ticket look as if logs were supplied.

Quoted parts are replaced by spaces (newlines kept) instead of being cut out, so character
offsets found in the masked text are valid offsets into the original text.
"""

from __future__ import annotations

import re

# "On Thu, Mar 6, 2025 at 5:41 PM Support <s@x.io> wrote:" (may wrap onto a second line),
# plus the German/French/Dutch/Spanish variants mail clients produce.
_REPLY_HEADER = re.compile(
    r"^[ \t]*(?:On|Am|Le|Op|El)\b[^\n]{0,300}?(?:\n[^\n]{0,120}?)?"
    r"\b(?:wrote|schrieb|a écrit|schreef|escribió)\s*:[ \t]*$",
    re.MULTILINE,
)
# A forwarded block ("---------- Forwarded message ----------") is NOT history: it is
# content the customer chose to pass on, such as a colleague's report with the logs.
_ORIGINAL_MESSAGE = re.compile(
    r"^[ \t]*(?:-{3,}\s*(?:Original Message|Ursprüngliche Nachricht|Message d'origine)\s*-{3,}"
    r"|_{10,})[ \t]*$",
    re.MULTILINE | re.IGNORECASE,
)
# Outlook-style header block: "From: …" followed within a few lines by "Sent:"/"Date:".
_OUTLOOK_HEADER = re.compile(
    r"^[ \t]*From:[^\n]*\n(?:[^\n]*\n){0,2}[ \t]*(?:Sent|Date):[^\n]*$",
    re.MULTILINE,
)
_QUOTED_LINE = re.compile(r"^[ \t]*>[^\n]*$", re.MULTILINE)


_FORWARD_SEPARATOR = re.compile(
    r"(?i)(?:-{3,}\s*forwarded message\s*-{3,}|begin forwarded message:)\s*$"
)


def _header_block_start(text: str) -> int | None:
    """The first From:/Sent: header block that is not the header of a forwarded message."""
    for match in _OUTLOOK_HEADER.finditer(text):
        before = text[: match.start()].rstrip()
        if not _FORWARD_SEPARATOR.search(before[-80:]):
            return match.start()
    return None


def quoted_history_start(text: str) -> int | None:
    """Offset where the quoted earlier conversation begins, or None when there is none."""
    starts = [
        match.start()
        for pattern in (_REPLY_HEADER, _ORIGINAL_MESSAGE)
        if (match := pattern.search(text)) is not None
    ]
    header = _header_block_start(text)
    if header is not None:
        starts.append(header)
    return min(starts) if starts else None


def _blank(text: str) -> str:
    return re.sub(r"[^\n]", " ", text)


def mask_quoted_history(text: str) -> str:
    """Return `text` with quoted lines and the quoted tail blanked, offsets preserved."""
    masked = _QUOTED_LINE.sub(lambda m: _blank(m.group(0)), text)
    start = quoted_history_start(masked)
    if start is not None:
        masked = masked[:start] + _blank(masked[start:])
    return masked
