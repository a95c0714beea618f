"""From a stored raw email to a conversation message: thread it, authorise it, triage it.

Runs in the intake worker, after the SMTP edge has already said 250. Only the new text of a
reply is triaged; the raw bytes stay in the inbox row so the message can be re-parsed.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig
from bot.email_parser import ParsedEmail
from bot.sender_directory import SenderKind, SenderResolution, refusal_text, resolve_sender
from bot.ticket_desk import TicketDesk
from bot.triage_engine import Assessment, TriageEngine
from models.column_types import utcnow
from models.tables import (
    Attachment,
    AuthorKind,
    Channel,
    Conversation,
    Direction,
    Disposition,
    InboxItem,
    Message,
    Ticket,
)
from models.ticket_queries import message_by_external_id, ticket_for_conversation
from triage.ticket_text import AttachmentInfo, CustomerMessage, TicketText

if TYPE_CHECKING:
    from bot.triage_process import TriageProcess

log = logging.getLogger(__name__)

_NULL_SENDERS = {"", "<>"}


@dataclass(frozen=True, slots=True)
class EmailOutcome:
    disposition: str
    ticket_id: int | None
    conversation_id: int | None
    duplicate: bool = False


def ticket_text_of(parsed: ParsedEmail) -> TicketText:
    """What the classifier and checker see for a new email ticket."""
    attachments = tuple(
        AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size)
        for a in parsed.attachments
    )
    message = CustomerMessage(text=parsed.body, channel="email", attachments=attachments)
    return TicketText(subject=parsed.subject, messages=(message,), channel="email")


class EmailIntake:
    def __init__(self, *, desk: TicketDesk, attachments_dir: Path | None) -> None:
        self._desk = desk
        self._config = desk.config
        self._attachments_dir = attachments_dir

    async def process(
        self,
        session: AsyncSession,
        *,
        item: InboxItem,
        parsed: ParsedEmail,
        assessment: Assessment | None,
    ) -> EmailOutcome:
        message_id = (parsed.message_id or "").strip("<> ") or None
        if message_id:
            existing = await message_by_external_id(session, Channel.EMAIL, [message_id])
            if existing is not None:
                return EmailOutcome(
                    existing.disposition, None, existing.conversation_id, duplicate=True
                )

        envelope_from = str(item.envelope.get("mail_from", "x")).strip()
        automatic = parsed.is_auto_reply or envelope_from in _NULL_SENDERS
        resolution = resolve_sender(
            self._config,
            sender=parsed.from_address or envelope_from or "unknown@invalid",
            sender_name=parsed.from_name,
            forwarded_from=parsed.forwarded.from_address if parsed.forwarded else None,
            forwarded_name=parsed.forwarded.from_name if parsed.forwarded else None,
        )
        conversation, ticket = await self._find_thread(session, parsed, resolution)
        now = utcnow()

        if automatic:
            conversation = conversation or await self._new_conversation(
                session, parsed, resolution, now
            )
            await self._store_message(
                session, item, parsed, conversation, resolution, Disposition.AUTO_REPLY, now
            )
            return EmailOutcome(Disposition.AUTO_REPLY, None, conversation.id)

        if conversation is not None and ticket is not None:
            await self._store_message(
                session, item, parsed, conversation, resolution, Disposition.TICKET, now
            )
            await self._desk.customer_follow_up(
                session, ticket=ticket, conversation=conversation, at=now
            )
            return EmailOutcome(Disposition.TICKET, ticket.id, conversation.id)

        if not resolution.may_open_ticket:
            conversation = conversation or await self._new_conversation(
                session, parsed, resolution, now
            )
            await self._store_message(
                session, item, parsed, conversation, resolution, Disposition.UNVERIFIED, now
            )
            await self._desk.notices.reply(
                session,
                ticket=None,
                conversation=conversation,
                text=refusal_text(resolution),
                to_address=resolution.requester,
                purpose="refusal",
            )
            return EmailOutcome(Disposition.UNVERIFIED, None, conversation.id)

        conversation = conversation or await self._new_conversation(
            session, parsed, resolution, now
        )
        message = await self._store_message(
            session, item, parsed, conversation, resolution, Disposition.TICKET, now
        )
        if assessment is None:
            assessment = self._desk.engine.assess_many([ticket_text_of(parsed)])[0]
        cc = (resolution.brought_in_by,) if resolution.brought_in_by else ()
        ticket = await self._desk.open_ticket(
            session,
            conversation=conversation,
            message=message,
            requester=resolution.requester,
            requester_name=resolution.requester_name,
            org=resolution.org,
            assessment=assessment,
            received_at=item.received_at,
            cc=cc,
        )
        return EmailOutcome(Disposition.TICKET, ticket.id, conversation.id)

    async def _find_thread(
        self, session: AsyncSession, parsed: ParsedEmail, resolution: SenderResolution
    ) -> tuple[Conversation | None, Ticket | None]:
        """In-Reply-To/References against stored Message-IDs, then a `[#123]` subject tag."""
        candidates = [r.strip("<> ") for r in (parsed.in_reply_to, *parsed.references) if r]
        earlier = await message_by_external_id(session, Channel.EMAIL, candidates)
        if earlier is not None:
            conversation = await session.get(Conversation, earlier.conversation_id)
            ticket = await ticket_for_conversation(session, earlier.conversation_id)
            return conversation, ticket
        if parsed.ticket_tag is not None:
            ticket = await session.get(Ticket, parsed.ticket_tag)
            if ticket is not None and self._may_continue(ticket, resolution):
                return await session.get(Conversation, ticket.conversation_id), ticket
        return None, None

    def _may_continue(self, ticket: Ticket, resolution: SenderResolution) -> bool:
        # A subject tag is easy to guess: only the requester, their organisation or staff use it.
        if resolution.kind in (SenderKind.STAFF, SenderKind.STAFF_FORWARD):
            return True
        if resolution.requester == ticket.requester.lower():
            return True
        return resolution.org is not None and resolution.org.name == ticket.customer_org

    async def _new_conversation(
        self, session: AsyncSession, parsed: ParsedEmail, resolution: SenderResolution, now
    ) -> Conversation:
        conversation = Conversation(
            channel=Channel.EMAIL,
            subject=parsed.subject,
            customer_org=resolution.org.name if resolution.org else None,
            created_at=now,
            updated_at=now,
        )
        session.add(conversation)
        await session.flush()
        return conversation

    async def _store_message(
        self,
        session: AsyncSession,
        item: InboxItem,
        parsed: ParsedEmail,
        conversation: Conversation,
        resolution: SenderResolution,
        disposition: str,
        now,
    ) -> Message:
        assert conversation.id is not None
        staff_forward = resolution.kind is SenderKind.STAFF_FORWARD
        message = Message(
            conversation_id=conversation.id,
            channel=Channel.EMAIL,
            direction=Direction.IN,
            author=resolution.requester
            if staff_forward
            else (parsed.from_address or "unknown@invalid"),
            author_name=resolution.requester_name if staff_forward else parsed.from_name,
            author_kind=AuthorKind.CUSTOMER,
            brought_in_by=resolution.brought_in_by,
            disposition=disposition,
            subject=parsed.subject,
            body=parsed.body,
            full_text=parsed.full_text,
            external_id=(parsed.message_id or "").strip("<> ") or None,
            in_reply_to=(parsed.in_reply_to or "").strip("<> ") or None,
            references=[r.strip("<> ") for r in parsed.references],
            inbox_id=item.id,
            problems=list(parsed.problems),
            created_at=item.received_at,
        )
        session.add(message)
        conversation.updated_at = now
        if not parsed.attachments:
            return message
        await session.flush()  # the attachments need the message id
        for attachment in parsed.attachments:
            path = self._write_attachment(message.id or 0, attachment.filename, attachment.payload)
            session.add(
                Attachment(
                    message_id=message.id or 0,
                    filename=attachment.filename,
                    content_type=attachment.content_type,
                    size=attachment.size,
                    storage_path=str(path) if path else None,
                )
            )
        return message

    def _write_attachment(self, message_id: int, filename: str, payload: bytes) -> Path | None:
        if self._attachments_dir is None:
            return None
        # The parser already sanitised the name; refuse anything that still escapes the folder.
        folder = (self._attachments_dir / str(message_id)).resolve()
        target = (folder / re.sub(r"[/\\]", "_", filename)).resolve()
        if folder not in target.parents:
            log.warning("attachment name %r refused", filename)
            return None
        folder.mkdir(parents=True, exist_ok=True)
        target.write_bytes(payload)
        return target


def prepare_email_batch(
    raws: list[bytes], *, config: AppConfig, engine: TriageEngine
) -> list[tuple[ParsedEmail, Assessment | None]]:
    """Parse a batch of raw emails and assess the would-be tickets (pure CPU, no database).

    Runs in the intake worker's thread or in its triage child process (bot/triage_process.py).
    """
    from bot.email_parser import parse_email

    parsed = [
        parse_email(raw, staff_domains=config.staff_domains, staff_addresses=config.staff_addresses)
        for raw in raws
    ]
    # Batched inference is much cheaper per message; only would-be tickets need it.
    candidates = [i for i, p in enumerate(parsed) if not p.is_auto_reply]
    assessments = engine.assess_many([ticket_text_of(parsed[i]) for i in candidates])
    by_index: dict[int, Assessment] = dict(zip(candidates, assessments, strict=True))
    return [(p, by_index.get(i)) for i, p in enumerate(parsed)]


class EmailInboxProcessor:
    """Adapts `EmailIntake` to the intake worker: parse and classify a batch up front.

    With a `TriageProcess` the batch is prepared in that child process, beside this process's
    database work instead of under its GIL.
    """

    def __init__(self, intake: EmailIntake, *, triage_process: TriageProcess | None = None) -> None:
        self._intake = intake
        self._config = intake._config
        self._engine = intake._desk.engine
        self.triage_process = triage_process

    @property
    def prepares_elsewhere(self) -> bool:
        """True while a child process prepares batches (the worker then overlaps them)."""
        return self.triage_process is not None

    def prepare(self, items: list[InboxItem]) -> list[tuple[ParsedEmail, Assessment | None]]:
        return prepare_email_batch(
            [item.raw for item in items], config=self._config, engine=self._engine
        )

    async def prepare_async(
        self, items: list[InboxItem]
    ) -> list[tuple[ParsedEmail, Assessment | None]]:
        if self.triage_process is not None:
            try:
                return await self.triage_process.prepare_emails([item.raw for item in items])
            except BrokenProcessPool:
                log.error("the triage process died; triaging in this process from now on")
                self.triage_process = None
        return await asyncio.to_thread(self.prepare, items)

    async def process(
        self,
        session: AsyncSession,
        item: InboxItem,
        prepared: tuple[ParsedEmail, Assessment | None],
    ) -> None:
        parsed, assessment = prepared
        await self._intake.process(session, item=item, parsed=parsed, assessment=assessment)
