"""Raw test emails written the way mail clients write them (bytes, not parser objects)."""

from __future__ import annotations

from email import message_from_bytes
from email.message import EmailMessage
from email.policy import SMTP, default

STAFF = {"staff_domains": ("example.com",), "staff_addresses": ()}


def raw_mail(
    body: str | bytes,
    *,
    sender: str = "Ann Customer <ann@customer.test>",
    subject: str = "Export fails",
    content_type: str = "text/plain; charset=utf-8",
    extra_headers: str = "",
    message_id: str | None = "<m1@customer.test>",
) -> bytes:
    """A single-part message from literal header lines (so odd headers stay odd)."""
    head = [f"From: {sender}", "To: support@example.com", f"Subject: {subject}"]
    if message_id is not None:
        head.append(f"Message-ID: {message_id}")
    head += ["Date: Tue, 4 Mar 2025 09:12:00 +0000", "MIME-Version: 1.0"]
    head.append(f"Content-Type: {content_type}")
    text = "\r\n".join(head) + "\r\n"
    if extra_headers:
        text += extra_headers.rstrip("\r\n").replace("\n", "\r\n") + "\r\n"
    payload = body if isinstance(body, bytes) else body.replace("\n", "\r\n").encode("utf-8")
    return text.encode("utf-8") + b"\r\n" + payload


def built_mail(
    text: str | None = None,
    *,
    html: str | None = None,
    sender: str = "Ann Customer <ann@customer.test>",
    subject: str = "Export fails",
    attachments: tuple[tuple[str, str, bytes], ...] = (),
    attached_messages: tuple[bytes, ...] = (),
) -> bytes:
    """A multipart message built with the stdlib, as a well-behaved client would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = "<built@customer.test>"
    if text is not None:
        message.set_content(text)
        if html is not None:
            message.add_alternative(html, subtype="html")
    elif html is not None:
        message.set_content(html, subtype="html")
    for filename, content_type, payload in attachments:
        maintype, subtype = content_type.split("/", 1)
        message.add_attachment(payload, maintype=maintype, subtype=subtype, filename=filename)
    for attached in attached_messages:
        inner = message_from_bytes(attached, policy=default)
        message.add_attachment(inner)
    return message.as_bytes(policy=SMTP)
