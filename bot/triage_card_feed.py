"""Keeps the engineers' triage channel in step with the tickets, whatever channel they came from.

Hooked into `TicketDesk`: a new ticket (Slack or email) queues its card; any change queues a
card update; a customer's follow-up (a later email, a reply in the Slack thread) is copied
into the card's thread, so engineers read and answer the whole conversation in one place.
Everything is queued in the outbox inside the transaction that made the change.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig
from bot.sla_scheduler import TRIAGE_THREAD_KIND
from bot.triage_card import escape_mrkdwn
from models.store import NewOutboxItem, Store
from models.tables import (
    AuthorKind,
    Channel,
    Conversation,
    Direction,
    Disposition,
    Message,
    Ticket,
)

if TYPE_CHECKING:
    from bot.ticket_desk import TicketDesk

log = logging.getLogger(__name__)

CARD_KIND = "slack.card"
CARD_UPDATE_KIND = "slack.card_update"

_MIRROR_CHARS = 2800  # a section's text limit is 3000


class TriageCardFeed:
    def __init__(self, *, store: Store, config: AppConfig) -> None:
        self._store = store
        self._config = config

    def install(self, desk: TicketDesk) -> None:
        desk.on_ticket_opened.append(self.on_ticket_opened)
        desk.on_ticket_changed.append(self.on_ticket_changed)

    @property
    def enabled(self) -> bool:
        return bool(self._config.slack.triage_channel)

    async def on_ticket_opened(
        self, session: AsyncSession, ticket: Ticket, conversation: Conversation, message: Message
    ) -> None:
        if not self.enabled:
            return
        await self._store.enqueue(
            session,
            NewOutboxItem(
                kind=CARD_KIND,
                payload={"ticket_id": ticket.id},
                ticket_id=ticket.id,
                dedupe_key=f"card:{ticket.id}",
            ),
        )

    async def on_ticket_changed(self, session: AsyncSession, ticket: Ticket, reason: str) -> None:
        if not self.enabled:
            return
        if reason == "follow_up":
            await self._mirror_latest_customer_message(session, ticket)
        # The handler renders the ticket as it is when it runs, so later updates supersede.
        await self._store.enqueue(
            session,
            NewOutboxItem(
                kind=CARD_UPDATE_KIND, payload={"ticket_id": ticket.id}, ticket_id=ticket.id
            ),
        )

    async def _mirror_latest_customer_message(self, session: AsyncSession, ticket: Ticket) -> None:
        result = await session.exec(
            select(Message)
            .where(
                Message.conversation_id == ticket.conversation_id,
                Message.direction == Direction.IN,
                col(Message.author_kind).in_([AuthorKind.CUSTOMER, AuthorKind.STAFF]),
                Message.disposition == Disposition.TICKET,
            )
            .order_by(col(Message.id).desc())
        )
        latest = result.first()
        if latest is None or latest.id is None:
            return
        await self._store.enqueue(
            session,
            NewOutboxItem(
                kind=TRIAGE_THREAD_KIND,
                payload={"ticket_id": ticket.id, "text": follow_up_text(latest)},
                ticket_id=ticket.id,
                dedupe_key=f"mirror:{latest.id}",  # an edit re-checks the ticket, not re-posts
            ),
        )


def follow_up_text(message: Message) -> str:
    """A customer's follow-up as shown in the card's thread."""
    body = message.body.strip() or "(no text)"
    if len(body) > _MIRROR_CHARS:
        body = body[:_MIRROR_CHARS].rstrip() + " …"
    quoted = "\n".join(f">{escape_mrkdwn(line)}" for line in body.splitlines())
    if message.channel == Channel.EMAIL:
        who = f"{message.author_name} <{message.author}>" if message.author_name else message.author
        subject = f" — {message.subject}" if message.subject else ""
        return f":email: *Email from {escape_mrkdwn(who)}*{escape_mrkdwn(subject)}\n{quoted}"
    return f":speech_balloon: *<@{message.author}> wrote in the customer's thread:*\n{quoted}"
