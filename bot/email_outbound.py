"""Outbound email: build a properly threaded reply and hand it to the relay.

Automatic replies follow RFC 3834: `Auto-Submitted: auto-replied`, threading headers that
point at the customer's message, and the null envelope sender so no bounce ever loops back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib

from models.column_types import utcnow

_PREFIX = re.compile(r"^\s*((re|fwd?|fw|aw|wg|tr|sv|vs|antw)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE)
_TAG = re.compile(r"\s*\[#\d+\]\s*")


def reply_subject(original: str | None, ticket_id: int) -> str:
    """`Re: <original> [#<ticket id>]`, without stacking prefixes or tags."""
    base = _TAG.sub(" ", _PREFIX.sub("", original or "")).strip() or "Your support request"
    return f"Re: {base} [#{ticket_id}]"


def new_message_id(from_address: str) -> str:
    return make_msgid(domain=from_address.rpartition("@")[2] or "intake.invalid")


@dataclass(frozen=True, slots=True)
class OutboundEmail:
    """What the outbox stores for an email (JSON round-trip via `to_payload`/`from_payload`)."""

    from_address: str
    to: tuple[str, ...]
    subject: str
    body: str
    message_id: str
    cc: tuple[str, ...] = ()
    in_reply_to: str | None = None
    references: tuple[str, ...] = field(default_factory=tuple)
    automatic: bool = True

    def to_payload(self) -> dict[str, Any]:
        return {
            "from": self.from_address,
            "to": list(self.to),
            "cc": list(self.cc),
            "subject": self.subject,
            "body": self.body,
            "message_id": self.message_id,
            "in_reply_to": self.in_reply_to,
            "references": list(self.references),
            "automatic": self.automatic,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> OutboundEmail:
        return cls(
            from_address=payload["from"],
            to=tuple(payload["to"]),
            cc=tuple(payload.get("cc", ())),
            subject=payload["subject"],
            body=payload["body"],
            message_id=payload["message_id"],
            in_reply_to=payload.get("in_reply_to"),
            references=tuple(payload.get("references", ())),
            automatic=payload.get("automatic", True),
        )

    def to_message(self) -> EmailMessage:
        message = EmailMessage()
        message["From"] = self.from_address
        message["To"] = ", ".join(self.to)
        if self.cc:
            message["Cc"] = ", ".join(self.cc)
        message["Subject"] = self.subject
        message["Date"] = format_datetime(utcnow())
        message["Message-ID"] = self.message_id
        if self.in_reply_to:
            message["In-Reply-To"] = self.in_reply_to
        if self.references:
            message["References"] = " ".join(self.references)
        # Every message the bot sends is machine-sent; auto-responders must not answer it.
        message["Auto-Submitted"] = "auto-replied"
        message["X-Auto-Response-Suppress"] = "All"
        message.set_content(self.body)
        return message


class PermanentSendError(Exception):
    """The relay refused the message for good (5xx): retrying cannot help."""


class TransientSendError(Exception):
    """The relay is down or said 4xx: try again later."""


@dataclass(frozen=True, slots=True)
class RelaySettings:
    host: str
    port: int
    starttls: bool = False
    username: str | None = None
    password: str | None = None
    timeout: float = 30.0


async def send_via_relay(email: OutboundEmail, relay: RelaySettings) -> dict[str, Any]:
    """Send one email; raises Transient/PermanentSendError by the relay's answer."""
    message = email.to_message()
    # Null reverse-path for automatic replies (RFC 3834 §3.3); aiosmtplib wants "" for <>.
    sender = "" if email.automatic else email.from_address
    try:
        errors, response = await aiosmtplib.send(
            message,
            sender=sender,
            recipients=[*email.to, *email.cc],
            hostname=relay.host,
            port=relay.port,
            start_tls=relay.starttls,
            use_tls=False,
            username=relay.username,
            password=relay.password,
            timeout=relay.timeout,
        )
    except aiosmtplib.SMTPRecipientsRefused as exc:
        codes = [r.code for r in exc.recipients]
        if all(code // 100 == 5 for code in codes):
            raise PermanentSendError(str(exc)) from exc
        raise TransientSendError(str(exc)) from exc
    except aiosmtplib.SMTPResponseException as exc:
        if exc.code // 100 == 5:
            raise PermanentSendError(f"{exc.code} {exc.message}") from exc
        raise TransientSendError(f"{exc.code} {exc.message}") from exc
    except (aiosmtplib.SMTPException, OSError, TimeoutError) as exc:
        raise TransientSendError(f"{type(exc).__name__}: {exc}") from exc
    return {"response": response, "refused": {k: str(v) for k, v in errors.items()}}
