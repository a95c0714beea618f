"""One raw email in, everything intake needs out: who, about what, the new text, attachments.

`parse_email` is what the SMTP intake worker and `intake email parse` both call, so the CLI
shows exactly what the server will do. It never raises: malformed MIME, unknown charsets,
missing headers, 8-bit junk or a 0-byte message still give the best result we can, with the
trouble listed in `problems` (stored on the message, so a human can see why a body looks odd).

The pieces live in focused modules: header repair, MIME walking, charsets, addresses,
subjects, reply trimming, forward unwrapping, auto-reply detection and attachment names.
"""

from __future__ import annotations

import hashlib
import mimetypes
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from email.message import EmailMessage, Message
from email.parser import BytesHeaderParser
from email.utils import parsedate_to_datetime

from bot.attached_messages import (
    AttachedMessage,
    original_in_attachment,
    read_attached_messages,
    text_with_attached,
)
from bot.attachment_names import sanitize_filename, unique_filenames
from bot.auto_reply_detection import detect_auto_reply
from bot.email_addresses import MailAddress, parse_mailbox, parse_mailbox_list
from bot.email_charsets import decode_bytes, storable_text
from bot.email_headers import (
    decode_header,
    first_header,
    first_message_id,
    header_map,
    parse_message_ids,
    restore_8bit,
)
from bot.email_subjects import find_ticket_tag, has_forward_prefix, strip_subject_prefixes
from bot.forward_parser import unwrap_forward
from bot.header_repair import repair_header_block
from bot.mime_content import (
    INTAKE_POLICY,
    MimeContent,
    RawAttachment,
    collect_content,
    parse_message_bytes,
)
from bot.reply_trimmer import trim_reply

_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_MAX_PROBLEMS = 50
_SHORT_COVER_NOTE = 1000


@dataclass(frozen=True, slots=True)
class ParsedAttachment:
    """An attachment with a name that is safe to use as a file name (sanitised, unique)."""

    filename: str
    content_type: str
    size: int
    payload: bytes = field(repr=False)
    original_filename: str | None = None  # as sent (decoded), None when the part had no name
    inline: bool = False
    content_id: str | None = None


@dataclass(frozen=True, slots=True)
class ForwardInfo:
    """The original message inside a forward (the innermost one for a forward of a forward)."""

    from_address: str
    from_name: str
    subject: str
    date: str
    comment: str  # what the forwarder wrote above it
    source: str = "inline"  # "inline" (quoted block in the body) or "attachment" (.eml part)


@dataclass(frozen=True, slots=True)
class ParsedEmail:
    """Everything intake uses from one message. Addresses are bare and lower-cased."""

    from_address: str
    from_name: str
    requester_address: str  # the original sender for staff forwards, else the sender
    requester_name: str
    subject: str  # ticket subject: the original one (no Fwd:) for staff forwards
    header_subject: str  # the decoded Subject header as sent
    body: str  # the new text: quoted history and signature removed; a forward's content
    full_text: str  # all decoded text, history and attached messages included
    html: str | None
    attachments: tuple[ParsedAttachment, ...]
    forwarded: ForwardInfo | None
    forwarded_by: str | None  # the staff address that brought a forwarded mail in
    message_id: str | None  # without angle brackets
    in_reply_to: str | None
    references: tuple[str, ...]
    ticket_tag: int | None  # the N of a "[#N]" in the subject
    is_auto_reply: bool
    auto_reply_reason: str | None
    dedupe_key: str  # Message-ID, else "sha256:<hex of the raw bytes>"
    to_addresses: tuple[str, ...] = ()
    cc_addresses: tuple[str, ...] = ()
    reply_to_address: str | None = None
    date: datetime | None = None
    problems: list[str] = field(default_factory=list)

    def to_json_dict(self, file: str | None = None) -> dict[str, object]:
        """The `intake email parse --json` object (one per file) for this message."""
        forwarded = (
            {
                "from": self.forwarded.from_address,
                "subject": self.forwarded.subject,
                "date": self.forwarded.date,
            }
            if self.forwarded is not None
            else None
        )
        return {
            "file": file,
            "from": self.from_address,
            "from_name": self.from_name,
            "requester": self.requester_address,
            "subject": self.subject,
            "body": self.body,
            "full_text": self.full_text,
            "attachments": [
                {"filename": a.filename, "content_type": a.content_type, "size": a.size}
                for a in self.attachments
            ],
            "forwarded": forwarded,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "auto_reply": self.is_auto_reply,
            "problems": list(self.problems),
        }


@dataclass(frozen=True, slots=True)
class _Original:
    """The original message found inside a forward, before requester rules are applied."""

    info: ForwardInfo
    content: str


def parse_email(
    raw: bytes,
    *,
    staff_domains: Sequence[str] = (),
    staff_addresses: Sequence[str] = (),
) -> ParsedEmail:
    """Parse one raw message; never raises.

    With staff lists given, a forward sent by staff opens the ticket for the original sender
    (requester, subject and body come from the forwarded message). Without them (as in the
    CLI) a message that is clearly a forward still names the original sender as requester.
    """
    raw = bytes(raw)
    problems: list[str] = []
    if not raw.strip():
        problems.append("empty message" if not raw else "blank message")
    elif raw.startswith(_OLE2_MAGIC):
        problems.append("not an RFC 5322 message: an Outlook .msg (OLE2) file")
    repaired = repair_header_block(raw)
    if repaired.problem:
        problems.append(repaired.problem)
    message, content = _parse_structure(repaired.raw, problems)
    problems.extend(content.problems)
    headers = header_map(message)
    hint = content.charset_hint

    sender = _sender(headers, hint, problems)
    header_subject = _decoded(headers, "subject", hint, problems)
    message_id = first_message_id(first_header(headers, "message-id"))
    if message_id is None and raw.strip():
        problems.append("missing or empty Message-ID")
    verdict = detect_auto_reply(
        headers,
        from_address=sender.address,
        from_name=sender.name,
        is_report=content.is_report,
    )

    main_text = content.text()
    attached = read_attached_messages(content.attachments)
    full_text = text_with_attached(main_text, attached)

    is_staff = _is_staff(sender.address, staff_domains, staff_addresses)
    staff_known = bool(staff_domains or staff_addresses)
    original = None
    if not verdict.is_auto:
        original = _find_original(main_text, header_subject, attached, sender_is_staff=is_staff)
    forwarded = _storable_forward(original.info) if original is not None else None
    takes_original = (
        forwarded is not None
        and bool(forwarded.from_address)
        and (is_staff or not staff_known)
        and forwarded.from_address != sender.address
    )
    if forwarded is not None and not forwarded.from_address:
        problems.append("forwarded message names no sender address; the forwarder is requester")
    requester = (
        MailAddress(forwarded.from_address, forwarded.from_name)
        if takes_original and forwarded is not None
        else sender
    )
    subject = header_subject
    if forwarded is not None and takes_original and staff_known:
        subject = strip_subject_prefixes(forwarded.subject or header_subject)
    body = _body(main_text, original, takes_original)

    return ParsedEmail(
        from_address=storable_text(sender.address),
        from_name=storable_text(sender.name),
        requester_address=storable_text(requester.address),
        requester_name=storable_text(requester.name),
        subject=storable_text(subject),
        header_subject=storable_text(header_subject),
        body=storable_text(body),
        full_text=storable_text(full_text),
        html=storable_text(content.html) if content.html is not None else None,
        attachments=_attachments(content.attachments),
        forwarded=forwarded,
        forwarded_by=storable_text(sender.address) if takes_original else None,
        message_id=message_id,
        in_reply_to=first_message_id(first_header(headers, "in-reply-to")),
        references=parse_message_ids(first_header(headers, "references")),
        ticket_tag=find_ticket_tag(header_subject),
        is_auto_reply=verdict.is_auto,
        auto_reply_reason=verdict.reason,
        dedupe_key=message_id or f"sha256:{hashlib.sha256(raw).hexdigest()}",
        to_addresses=tuple(storable_text(a) for a in _addresses(headers, "to", hint)),
        cc_addresses=tuple(storable_text(a) for a in _addresses(headers, "cc", hint)),
        reply_to_address=_reply_to(headers, hint),
        date=_date(headers, problems),
        problems=[storable_text(p) for p in _unique(problems)],
    )


def _storable_forward(info: ForwardInfo) -> ForwardInfo:
    return replace(
        info,
        from_address=storable_text(info.from_address),
        from_name=storable_text(info.from_name),
        subject=storable_text(info.subject),
        date=storable_text(info.date),
        comment=storable_text(info.comment),
    )


def _parse_structure(raw: bytes, problems: list[str]) -> tuple[Message, MimeContent]:
    try:
        message = parse_message_bytes(raw)
        return message, collect_content(message)
    except Exception as exc:  # noqa: BLE001 - RecursionError/MemoryError-free fallback below
        problems.append(f"MIME structure unreadable ({type(exc).__name__}); raw text used")
    try:
        message = BytesHeaderParser(policy=INTAKE_POLICY).parsebytes(raw)
    except Exception:  # noqa: BLE001 - even the headers are unreadable
        message = EmailMessage(policy=INTAKE_POLICY)
    end = raw.find(b"\n\n")
    text = decode_bytes(raw[end + 2 :] if end != -1 else raw, None).text
    return message, MimeContent.from_plain_text(text)


def _decoded(
    headers: dict[str, list[str]], name: str, hint: str | None, problems: list[str]
) -> str:
    decoded = decode_header(first_header(headers, name), hint)
    problems.extend(decoded.problems)
    return " ".join(decoded.text.split())


def _sender(headers: dict[str, list[str]], hint: str | None, problems: list[str]) -> MailAddress:
    for name in ("from", "sender", "reply-to", "return-path"):
        value = first_header(headers, name)
        if value is None or not value.strip():
            continue
        if name != "from":
            problems.append(f"missing From header; sender taken from {name.title()}")
        restored = restore_8bit(value, hint)
        if restored.problem:
            problems.append(f"From: {restored.problem}")
        box = parse_mailbox(restored.text)
        if box.address or box.name:
            return box
    problems.append("no sender address")
    return MailAddress("")


def _addresses(headers: dict[str, list[str]], name: str, hint: str | None) -> tuple[str, ...]:
    values = headers.get(name) or []
    found: list[str] = []
    for value in values:
        boxes = parse_mailbox_list(restore_8bit(value, hint).text)
        found.extend(box.address for box in boxes if box.address)
    return tuple(found)


def _reply_to(headers: dict[str, list[str]], hint: str | None) -> str | None:
    value = first_header(headers, "reply-to")
    if not value:
        return None
    return storable_text(parse_mailbox(restore_8bit(value, hint).text).address) or None


def _date(headers: dict[str, list[str]], problems: list[str]) -> datetime | None:
    value = first_header(headers, "date")
    if not value or not value.strip():
        return None
    try:
        return parsedate_to_datetime(" ".join(value.split()))
    except (TypeError, ValueError, IndexError, OverflowError):
        problems.append("unparseable Date header")
        return None


def _find_original(
    main_text: str,
    subject: str,
    attached: list[AttachedMessage],
    *,
    sender_is_staff: bool,
) -> _Original | None:
    """The forwarded original: an inline forward block, else a forwarded .eml part."""
    inline = unwrap_forward(main_text, subject, trust_retitled=sender_is_staff)
    if inline is not None:
        info = ForwardInfo(
            inline.from_address, inline.from_name, inline.subject, inline.date, inline.comment
        )
        return _Original(info, inline.content)
    if not attached:
        return None
    cover_note = main_text.strip()
    # Forward-as-attachment: a forward subject, a bare attached message, or staff attaching one.
    if not (has_forward_prefix(subject) or not cover_note or sender_is_staff):
        return None
    if len(attached) > 1 and not has_forward_prefix(subject):
        return None
    found = original_in_attachment(attached[0])
    info = ForwardInfo(
        found.from_address, found.from_name, found.subject, found.date, cover_note, "attachment"
    )
    return _Original(info, found.content)


def _body(main_text: str, original: _Original | None, takes_original: bool) -> str:
    """The new text triage should see (see ParsedEmail.body)."""
    if original is None:
        return trim_reply(main_text).text
    forwarded = trim_reply(original.content).text or original.content.strip()
    if takes_original:
        return forwarded
    # A customer forwarding something: their cover note and the forwarded text both matter.
    note = trim_reply(original.info.comment).text
    return "\n\n".join(piece for piece in (note, forwarded) if piece)


def _is_staff(address: str, domains: Sequence[str], addresses: Sequence[str]) -> bool:
    if not address:
        return False
    if address in {a.strip().lower() for a in addresses}:
        return True
    domain = address.rsplit("@", 1)[-1]
    return domain in {d.strip().lower().lstrip("@") for d in domains}


def _attachments(raw_attachments: list[RawAttachment]) -> tuple[ParsedAttachment, ...]:
    names = unique_filenames(
        sanitize_filename(att.name, fallback=_fallback_name(att)) for att in raw_attachments
    )
    return tuple(
        ParsedAttachment(
            filename=name,
            content_type=att.content_type,
            size=len(att.payload),
            payload=att.payload,
            original_filename=att.name,
            inline=att.inline,
            content_id=att.content_id,
        )
        for name, att in zip(names, raw_attachments, strict=True)
    )


def _fallback_name(attachment: RawAttachment) -> str:
    """A name for a part that has none, from what it is (`message.eml`, `part.pdf`…)."""
    if attachment.message is not None or attachment.content_type in (
        "message/rfc822",
        "message/global",
    ):
        subject = ""
        if attachment.message is not None:
            subject = decode_header(first_header(header_map(attachment.message), "subject")).text
        return sanitize_filename(f"{subject[:80]}.eml" if subject else "", fallback="message.eml")
    if attachment.content_type == "message/delivery-status":
        return "delivery-status.txt"
    extension = mimetypes.guess_extension(attachment.content_type, strict=False) or ".bin"
    return f"part{extension}"


def _unique(problems: list[str]) -> list[str]:
    seen: set[str] = set()
    unique: list[str] = []
    for problem in problems:
        if problem not in seen:
            seen.add(problem)
            unique.append(problem)
    return unique[:_MAX_PROBLEMS]
