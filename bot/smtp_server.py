"""The SMTP edge: accept mail for the support addresses, store it raw, then say 250.

Runs inside the serve process's own event loop (`loop.create_server`), not aiosmtpd's
threaded Controller, so handlers share the loop, the database engine and the inbox writer.
Parsing and triage happen later, from the stored inbox: the 250 only promises durability.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import re
from collections.abc import Sequence
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

from bot.inbox_writer import InboxWriter
from models.store import NewInboxItem, StoreUnavailable, raw_dedupe_key

log = logging.getLogger(__name__)

_SIZE_REPLIES = (
    "552 Error: message size exceeds fixed maximum message size",
    "552 Error: Too much mail data",
)
SIZE_EXCEEDED = "552 5.3.4 Message size exceeds fixed maximum message size"
_MESSAGE_ID = re.compile(rb"^message-id:[ \t]*(.*(?:\r?\n[ \t].*)*)", re.IGNORECASE | re.MULTILINE)
_HEADER_END = re.compile(rb"\r?\n\r?\n")


def email_dedupe_key(raw: bytes) -> str:
    """Message-ID when the mail has one, else a hash of the bytes.

    Only the header block is scanned (cheap, before any MIME parsing): this runs before 250.
    """
    end = _HEADER_END.search(raw, 0, 256 * 1024)
    headers = raw[: end.start()] if end else raw[: 256 * 1024]
    match = _MESSAGE_ID.search(headers)
    if match:
        value = re.sub(rb"\s+", b"", match.group(1)).strip()
        if value:
            return "mid:" + value.decode("ascii", "replace").strip("<>").lower()[:900]
    return raw_dedupe_key(raw)


class _IntakeSMTP(SMTP):
    """aiosmtpd's SMTP with the enhanced status code RFC 3463 gives oversized mail."""

    async def push(self, status: str) -> None:
        await super().push(SIZE_EXCEEDED if status in _SIZE_REPLIES else status)


class IntakeSmtpHandler:
    """aiosmtpd handler: recipient check, durable store, and never a 250 without it."""

    def __init__(self, *, inbox: InboxWriter, support_addresses: Sequence[str]) -> None:
        self._inbox = inbox
        self._mailboxes = {a.lower() for a in support_addresses}

    def accepts(self, address: str) -> bool:
        local, _, domain = address.lower().rpartition("@")
        base = local.split("+", 1)[0]  # support+42@… reaches the support mailbox
        return f"{local}@{domain}" in self._mailboxes or f"{base}@{domain}" in self._mailboxes

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not self.accepts(address):
            return f"550 5.1.1 <{address}>: no such support mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        raw = envelope.original_content or b""
        if not isinstance(raw, bytes):
            raw = bytes(raw)
        item = NewInboxItem(
            source="email",
            dedupe_key=email_dedupe_key(raw),
            raw=raw,
            envelope={
                "mail_from": envelope.mail_from or "",
                "rcpt_tos": list(envelope.rcpt_tos),
                "peer": _peer(session),
                "helo": session.host_name,
            },
        )
        try:
            is_new = await self._inbox.put(item)
        except StoreUnavailable as exc:
            log.warning("451 for a message from %s: %s", envelope.mail_from, exc)
            return "451 4.3.0 Temporary storage failure, please try again later"
        return "250 2.0.0 OK: queued" if is_new else "250 2.0.0 OK: already received"

    async def handle_exception(self, error: Exception) -> str:
        # aiosmtpd's default turns any exception into a permanent 500; a transient 451 makes
        # the sender keep the message and retry instead of bouncing it.
        log.exception("SMTP session error", exc_info=error)
        return "451 4.3.0 Temporary local error, please try again later"


def _peer(session: Session) -> str:
    peer: Any = session.peer
    if isinstance(peer, tuple) and peer:
        return str(peer[0])
    return str(peer or "")


async def start_smtp_server(
    handler: IntakeSmtpHandler,
    *,
    host: str,
    port: int,
    max_message_bytes: int,
    hostname: str | None = None,
) -> asyncio.Server:
    """Listen on host:port (0 = any free port) in the running loop."""
    factory = functools.partial(
        _IntakeSMTP,
        handler,
        enable_SMTPUTF8=True,
        data_size_limit=max_message_bytes,
        hostname=hostname,
        ident="support-intake",
        command_call_limit={"RCPT": 1000, "*": 20000},
        timeout=300,
    )
    loop = asyncio.get_running_loop()
    return await loop.create_server(factory, host=host, port=port)
