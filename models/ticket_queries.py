"""Queries the bot and the CLI share, over an open session."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.column_types import utcnow
from models.tables import (
    Attachment,
    AuditEvent,
    Conversation,
    Message,
    Ticket,
)


async def message_by_external_id(
    session: AsyncSession, channel: str, external_ids: Sequence[str]
) -> Message | None:
    """The first stored message whose external id is one of these (Message-IDs, Slack ts)."""
    ids = [i for i in external_ids if i]
    if not ids:
        return None
    result = await session.exec(
        select(Message)
        .where(Message.channel == channel, col(Message.external_id).in_(ids))
        .order_by(col(Message.id))
    )
    return result.first()


async def ticket_for_conversation(session: AsyncSession, conversation_id: int) -> Ticket | None:
    result = await session.exec(select(Ticket).where(Ticket.conversation_id == conversation_id))
    return result.first()


async def conversation_by_slack_thread(
    session: AsyncSession, channel: str, thread_ts: str
) -> Conversation | None:
    result = await session.exec(
        select(Conversation).where(
            Conversation.slack_channel == channel, Conversation.slack_thread_ts == thread_ts
        )
    )
    return result.first()


async def ticket_by_card(session: AsyncSession, channel: str, card_ts: str) -> Ticket | None:
    result = await session.exec(
        select(Ticket).where(
            Ticket.triage_card_channel == channel, Ticket.triage_card_ts == card_ts
        )
    )
    return result.first()


async def conversation_messages(session: AsyncSession, conversation_id: int) -> list[Message]:
    result = await session.exec(
        select(Message)
        .where(Message.conversation_id == conversation_id)
        .order_by(col(Message.created_at), col(Message.id))
    )
    return list(result.all())


async def attachments_of(session: AsyncSession, message_ids: Sequence[int]) -> list[Attachment]:
    if not message_ids:
        return []
    result = await session.exec(
        select(Attachment)
        .where(col(Attachment.message_id).in_(list(message_ids)))
        .order_by(col(Attachment.id))
    )
    return list(result.all())


async def audit_events(session: AsyncSession, ticket_id: int) -> list[AuditEvent]:
    result = await session.exec(
        select(AuditEvent).where(AuditEvent.ticket_id == ticket_id).order_by(col(AuditEvent.id))
    )
    return list(result.all())


def record_audit(
    session: AsyncSession, ticket_id: int, type_: str, actor: str, old: Any, new: Any
) -> AuditEvent:
    """Append an audit event (the table is append-only: nothing updates or deletes rows)."""
    event = AuditEvent(ticket_id=ticket_id, type=type_, actor=actor, at=utcnow(), old=old, new=new)
    session.add(event)
    return event


async def list_tickets(session: AsyncSession, *, limit: int | None = None) -> list[Ticket]:
    stmt = select(Ticket).order_by(col(Ticket.id))
    if limit:
        stmt = stmt.limit(limit)
    return list((await session.exec(stmt)).all())
