"""Messages attached as `message/rfc822` parts: what they say, and the original inside.

Outlook's "Forward as attachment" and Gmail's forwarded `.eml` carry the customer's mail as a
part of its own (Gmail base64-encodes it; `mime_content` has already decoded and parsed it).
Its headers name the original sender outright, so a staff forward of this kind opens the
ticket for that sender. A forward of a forward is followed down to the innermost message.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.message import EmailMessage

from bot.email_addresses import MailAddress, parse_mailbox
from bot.email_headers import decode_header, first_header, header_map, restore_8bit
from bot.email_subjects import has_forward_prefix
from bot.forward_parser import unwrap_forward
from bot.mime_content import MimeContent, RawAttachment, collect_content

MAX_NESTED_FORWARDS = 5


@dataclass(frozen=True, slots=True)
class AttachedMessage:
    """An attached message with its sender, subject, date and readable content."""

    message: EmailMessage
    content: MimeContent
    sender: MailAddress
    subject: str
    date: str

    def text(self) -> str:
        return self.content.text()


@dataclass(frozen=True, slots=True)
class AttachedOriginal:
    """The innermost original message found through attached (or inline) forwards."""

    from_address: str
    from_name: str
    subject: str
    date: str
    content: str


def read_attached_messages(attachments: list[RawAttachment]) -> list[AttachedMessage]:
    """Every attached message of a message, in order."""
    return [read_attached(a.message, depth=1) for a in attachments if a.message is not None]


def read_attached(message: EmailMessage, *, depth: int) -> AttachedMessage:
    """Headers and content of one attached message (`depth` bounds further nesting)."""
    content = collect_content(message, embedded_depth=depth)
    headers = header_map(message)
    hint = content.charset_hint
    sender = parse_mailbox(restore_8bit(first_header(headers, "from") or "", hint).text)
    subject = " ".join(decode_header(first_header(headers, "subject"), hint).text.split())
    date = " ".join((first_header(headers, "date") or "").split())
    return AttachedMessage(message, content, sender, subject, date)


def text_with_attached(main_text: str, attached: list[AttachedMessage]) -> str:
    """The body followed by each attached message, the way mail clients display them."""
    pieces = [main_text] if main_text.strip() else []
    for item in attached:
        heading = "\n".join(
            line
            for line in (
                "---------- Attached message ----------",
                f"From: {item.sender.name} <{item.sender.address}>".replace(" <>", ""),
                f"Date: {item.date}" if item.date else "",
                f"Subject: {item.subject}",
            )
            if line
        )
        pieces.append(f"{heading}\n\n{item.text()}".strip())
    return "\n\n".join(pieces)


def original_in_attachment(item: AttachedMessage, *, depth: int = 1) -> AttachedOriginal:
    """The innermost original: descend while the attached message is itself a forward."""
    text = item.text()
    if depth < MAX_NESTED_FORWARDS and has_forward_prefix(item.subject):
        inline = unwrap_forward(text, item.subject)
        if inline is not None and inline.from_address:
            return AttachedOriginal(
                inline.from_address, inline.from_name, inline.subject, inline.date, inline.content
            )
        nested = [a.message for a in item.content.attachments if a.message is not None]
        if nested:
            inner = read_attached(nested[0], depth=depth + 1)
            return original_in_attachment(inner, depth=depth + 1)
    return AttachedOriginal(item.sender.address, item.sender.name, item.subject, item.date, text)
