"""A real SMTP server standing in for the outbound relay: it records what it receives."""

from __future__ import annotations

import asyncio
import functools
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.smtp import SMTP, Envelope, Session


@dataclass
class ReceivedMail:
    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage


@dataclass
class SmtpSink:
    host: str = "127.0.0.1"
    port: int = 0
    received: list[ReceivedMail] = field(default_factory=list)
    _server: asyncio.Server | None = None
    _arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        parsed = message_from_bytes(envelope.original_content or b"", policy=policy.default)
        async with self._arrived:
            self.received.append(ReceivedMail(envelope.mail_from, list(envelope.rcpt_tos), parsed))  # type: ignore[arg-type]
            self._arrived.notify_all()
        return "250 2.0.0 OK"

    async def start(self) -> None:
        loop = asyncio.get_running_loop()
        factory = functools.partial(SMTP, self, enable_SMTPUTF8=True)
        self._server = await loop.create_server(factory, host=self.host, port=self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None

    def to(self, address: str) -> list[ReceivedMail]:
        return [m for m in self.received if address in m.rcpt_tos]
