"""Inline forwarded messages: who originally wrote them, what about, and what they said.

When staff forward a customer's mail to the bot, the ticket belongs to the customer, so we
need the original sender from the forwarded block that Gmail ("---------- Forwarded message
---------"), Outlook ("-----Original Message-----" or a From/Sent/To/Subject block under a
rule), Apple Mail ("Begin forwarded message:") or Thunderbird ("-------- Forwarded Message
--------") write, in English, French, German and more. A forward of a forward is unwrapped
down to the innermost original.

"-----Original Message-----" and bare header blocks also introduce quoted REPLIES, so such a
block only counts as a forward when the separator says so ("Forwarded message") or the subject
it travels under carries a forward prefix (Fwd:, FW:, WG:, TR:, I:, RV:…). For staff senders
a third case is accepted: a subject that is not a reply (no Re:/AW:) and differs from the
quoted message's own subject, i.e. a forward whose "FW:" was retyped into a new title. For
anyone else that pattern is as likely a reply under a changed subject, and naming the quoted
sender as requester would be the worse mistake.

Only the first `MAX_SCAN_LINES` lines are searched: forward markers sit near the top, and a
bounded scan keeps huge bodies cheap.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.email_addresses import parse_mailbox
from bot.email_subjects import has_forward_prefix, has_reply_prefix, strip_subject_prefixes
from bot.quote_markers import (
    header_field,
    is_forward_separator,
    is_original_separator,
    is_underscore_separator,
    may_hold_forwarded_block,
    quote_depth,
    strip_quote_prefix,
)

MAX_SCAN_LINES = 400
_MAX_NESTING = 8
_MIN_HEADERS = 2
_MAX_HINT_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class ForwardedBlock:
    """One forwarded (or quoted) message found inside a body."""

    explicit_forward: bool  # the separator itself says "forwarded"
    comment: str  # text above the block: what the forwarder wrote
    headers: dict[str, str]  # canonical name (from/to/cc/date/subject/reply-to) -> raw value
    content: str  # the forwarded message's own text


@dataclass(frozen=True, slots=True)
class InlineForward:
    """The innermost original of an inline forward, and the forwarder's comment."""

    from_address: str
    from_name: str
    subject: str
    date: str
    comment: str
    content: str
    depth: int  # 1 for a simple forward, 2 for a forward of a forward, …


def find_forwarded_block(text: str) -> ForwardedBlock | None:
    """The first forwarded/quoted header block in `text`, whatever kind introduces it."""
    if not text or not may_hold_forwarded_block(text[:_MAX_HINT_CHARS]):
        return None
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for index, line in enumerate(lines[:MAX_SCAN_LINES]):
        if not line.strip():
            continue
        explicit = is_forward_separator(line)
        if explicit or is_original_separator(line) or is_underscore_separator(line):
            header_start = _next_non_blank(lines, index + 1, limit=4)
            if header_start is not None:
                parsed = _parse_header_block(lines, header_start)
                if parsed is not None:
                    headers, content_start = parsed
                    return _block(lines, index, headers, content_start, explicit)
            if explicit:
                # "Begin forwarded message:" with the headers missing or unrecognised.
                return _block(lines, index, {}, index + 1, True)
            continue
        if header_field(strip_quote_prefix(line)) is not None:
            parsed = _parse_header_block(lines, index)
            if parsed is not None and "from" in parsed[0]:
                headers, content_start = parsed
                return _block(lines, index, headers, content_start, False)
    return None


def unwrap_forward(
    text: str, subject: str | None, *, trust_retitled: bool = False
) -> InlineForward | None:
    """The innermost original message when `text` (sent under `subject`) is a forward.

    Returns None for replies that merely quote history. `trust_retitled` also accepts an
    ambiguous block under a new, non-reply subject (see the module notes); the parser sets it
    for staff senders only, whose mail to the bot is forwarding by definition.
    """
    block = find_forwarded_block(text)
    if block is None or not _is_forward(block, subject, trust_retitled=trust_retitled):
        return None
    comment = block.comment
    depth = 1
    while depth < _MAX_NESTING:
        inner = find_forwarded_block(block.content)
        if inner is None:
            break
        inner_subject = block.headers.get("subject")
        inner_is_forward = inner.explicit_forward or has_forward_prefix(inner_subject)
        if not inner_is_forward or not _is_short_comment(inner.comment):
            break
        block = inner
        depth += 1
    sender = parse_mailbox(block.headers.get("from", ""))
    return InlineForward(
        from_address=sender.address,
        from_name=sender.name,
        subject=block.headers.get("subject", ""),
        date=block.headers.get("date", ""),
        comment=comment,
        content=block.content,
        depth=depth,
    )


def _is_forward(block: ForwardedBlock, subject: str | None, *, trust_retitled: bool) -> bool:
    if block.explicit_forward or has_forward_prefix(subject):
        return True
    if not trust_retitled:
        return False
    quoted_subject = block.headers.get("subject")
    if not subject or not quoted_subject or has_reply_prefix(subject):
        return False
    return strip_subject_prefixes(subject).lower() != strip_subject_prefixes(quoted_subject).lower()


def _is_short_comment(comment: str) -> bool:
    # A middle forwarder's "FYI, see below" must not stop the descent to the original.
    return len(comment.strip()) <= 600


def _block(
    lines: list[str], marker: int, headers: dict[str, str], content_start: int, explicit: bool
) -> ForwardedBlock:
    content_lines = lines[content_start:]
    if content_start > 0 and quote_depth(lines[min(content_start - 1, len(lines) - 1)]):
        # A quoted forward ("> From: …"): unquote the forwarded text one level.
        content_lines = [strip_quote_prefix(line) for line in content_lines]
    return ForwardedBlock(
        explicit_forward=explicit,
        comment="\n".join(lines[:marker]).strip(),
        headers=headers,
        content="\n".join(content_lines).strip(),
    )


def _parse_header_block(lines: list[str], start: int) -> tuple[dict[str, str], int] | None:
    """Headers starting at `start`, and the index where the forwarded text begins."""
    headers: dict[str, str] = {}
    current: str | None = None
    continuation_lines = 0
    index = start
    count = 0
    end = min(len(lines), start + 30)
    while index < end:
        raw = lines[index]
        line = strip_quote_prefix(raw).strip()
        if not line:
            if count:
                index += 1
                break
            return None
        field = header_field(line)
        if field is not None:
            name, value = field
            headers.setdefault(name, value)
            current = name
            continuation_lines = 0
            count += 1
        elif current is not None and continuation_lines < 2 and count < 6:
            # A wrapped value ("Subject: Some subject that\nspans over 2 lines").
            headers[current] = f"{headers[current]} {line}".strip()
            continuation_lines += 1
        else:
            break
        index += 1
    if count < _MIN_HEADERS:
        return None
    return headers, index


def _next_non_blank(lines: list[str], start: int, *, limit: int) -> int | None:
    for index in range(start, min(len(lines), start + limit)):
        if strip_quote_prefix(lines[index]).strip():
            return index
    return None
