"""The Slack tests' view of the system: deliver signed payloads, run the workers, read results.

The workers are the real ones; `settle()` runs them until nothing is left to do, so a test
reads what happened without waiting on time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import col, select

from bot.runtime import IntakeRuntime
from models.tables import Attachment, AuditEvent, InboxItem, Message, OutboxItem, Ticket
from tests.bot.fake_slack_api import FakeSlackApi, PostedMessage
from tests.bot.slack_event_factory import SignedSender, SlackResponse, block_actions

TRIAGE = "C0TRIAGE"


@dataclass
class SlackHarness:
    runtime: IntakeRuntime
    api: FakeSlackApi
    sender: SignedSender

    # -- acting ------------------------------------------------------------------------------------

    async def deliver(self, event: dict[str, Any], **kwargs: Any) -> SlackResponse:
        response = await self.sender.event(event, **kwargs)
        assert response.status == 200, response.body
        return response

    async def settle(self) -> None:
        """Process every stored delivery and send everything sendable now."""
        while True:
            await self.runtime.flush_spool()  # mail the SMTP edge acknowledged
            worked = await self.runtime.intake_worker.drain()
            while await self.runtime.outbox_worker.run_once():
                worked += 1
            if not worked:
                return

    async def click(
        self, card: PostedMessage, *, user: str, action_id: str, selected: str | None = None
    ) -> SlackResponse:
        payload = block_actions(
            card_channel=card.channel,
            card_ts=card.ts,
            user=user,
            action=card.actions()[action_id],
            selected=selected,
        )
        return await self.sender.interactive(payload)

    # -- reading -----------------------------------------------------------------------------------

    def card(self, ticket_id: int) -> PostedMessage:
        [card] = [
            m
            for m in self.api.top_level(TRIAGE)
            if any(a.get("block_id") == f"triage:{ticket_id}" for a in m.actions().values())
        ]
        return card

    def customer_thread(self, channel: str, root_ts: str) -> list[str]:
        return [m.text for m in self.api.in_channel(channel, thread_ts=root_ts)]

    async def tickets(self) -> list[Ticket]:
        async with self.runtime.store.reading() as session:
            return list((await session.exec(select(Ticket).order_by(col(Ticket.id)))).all())

    async def ticket(self) -> Ticket:
        [ticket] = await self.tickets()
        return ticket

    async def messages(self) -> list[Message]:
        async with self.runtime.store.reading() as session:
            return list((await session.exec(select(Message).order_by(col(Message.id)))).all())

    async def attachments(self) -> list[Attachment]:
        async with self.runtime.store.reading() as session:
            return list((await session.exec(select(Attachment).order_by(col(Attachment.id)))).all())

    async def audit(self, ticket_id: int) -> list[AuditEvent]:
        async with self.runtime.store.reading() as session:
            result = await session.exec(
                select(AuditEvent)
                .where(AuditEvent.ticket_id == ticket_id)
                .order_by(col(AuditEvent.id))
            )
            return list(result.all())

    async def inbox(self) -> list[InboxItem]:
        """Everything the edge has acknowledged (the spool is moved into the inbox first)."""
        await self.runtime.flush_spool()
        async with self.runtime.store.reading() as session:
            return list((await session.exec(select(InboxItem).order_by(col(InboxItem.id)))).all())

    async def outbox(self, kind: str | None = None) -> list[OutboxItem]:
        async with self.runtime.store.reading() as session:
            stmt = select(OutboxItem).order_by(col(OutboxItem.id))
            if kind:
                stmt = stmt.where(OutboxItem.kind == kind)
            return list((await session.exec(stmt)).all())
