"""What a subject line tells us: reply/forward prefixes and our own ticket tag.

Clients prefix subjects in their own language (Re:, AW:, SV:, Fwd:, FW:, WG:, TR:, I:, RV:…),
sometimes several times and with counters (`Re[2]:`). A staff forward opens its ticket under
the customer's original subject, so those prefixes are stripped; and the prefix is how a
"-----Original Message-----" block is told apart as a forward rather than a quoted reply.
"""

from __future__ import annotations

import re

_COUNTER = r"(?:\s*(?:\[\d{1,3}\]|\(\d{1,3}\)|\^\d{1,3}))?"
_REPLY_WORDS = r"re|aw|antw|antwort|sv|vs|r|rif|ref|réf|rép|odp|ynt|atb|vá|res|reply"
_FORWARD_WORDS = r"fwd|fw|wg|tr|i|enc|rv|doorst|vb|vl|fs|pd|přep|fwd\.|wtr|redir|inoltro"
_PREFIX = rf"(?:{_REPLY_WORDS}|{_FORWARD_WORDS}){_COUNTER}\s*[:：]"
_LEADING_PREFIXES = re.compile(rf"^\s*(?:{_PREFIX}\s*)+", re.IGNORECASE)
_BRACKETED = re.compile(r"^\s*\[(?:fwd|fw)\s*:\s*(.*)\]\s*$", re.IGNORECASE | re.DOTALL)
# Only a LEADING forward prefix counts: "Re: Fwd: x" is a reply in a forwarded thread.
_FORWARD_PREFIX = re.compile(rf"^\s*(?:{_FORWARD_WORDS}){_COUNTER}\s*[:：]", re.IGNORECASE)
_REPLY_PREFIX = re.compile(rf"^\s*(?:{_REPLY_WORDS}){_COUNTER}\s*[:：]", re.IGNORECASE)
_BRACKETED_FORWARD = re.compile(r"^\s*\[(?:fwd|fw)\s*:", re.IGNORECASE)
_TRAILING_FWD = re.compile(r"\((?:fwd|forw)\)\s*$", re.IGNORECASE)
_TICKET_TAG = re.compile(r"\[#(\d{1,9})\]")


def strip_subject_prefixes(subject: str | None) -> str:
    """The subject without any leading reply/forward prefixes (`Re: FW: AW: x` -> `x`)."""
    if not subject:
        return ""
    bracketed = _BRACKETED.match(subject)  # "[Fwd: Netscape Enterprise vs. Apache Secure]"
    if bracketed:
        subject = bracketed.group(1)
    stripped = _LEADING_PREFIXES.sub("", subject, count=1)
    return _TRAILING_FWD.sub("", stripped).strip()


def has_forward_prefix(subject: str | None) -> bool:
    """True when the subject says the message is a forward (`Fwd:`, `FW:`, `WG:`, `[Fwd: …]`)."""
    if not subject:
        return False
    return bool(
        _FORWARD_PREFIX.match(subject)
        or _BRACKETED_FORWARD.match(subject)
        or _TRAILING_FWD.search(subject)
    )


def has_reply_prefix(subject: str | None) -> bool:
    """True when the subject starts with a reply prefix (`Re:`, `AW:`, `SV:`, `Re[2]:`…)."""
    return bool(subject) and _REPLY_PREFIX.match(subject or "") is not None


def find_ticket_tag(subject: str | None) -> int | None:
    """The ticket number of a `[#123]` tag our outbound replies put in the subject."""
    if not subject:
        return None
    matches = _TICKET_TAG.findall(subject)
    return int(matches[-1]) if matches else None
