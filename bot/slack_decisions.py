"""Engineers' clicks on a triage card: confirm or correct the severity, or be politely refused.

Runs in the intake worker from the stored click (the HTTP edge only stored and acknowledged
it), inside the worker's transaction, through the same `TicketDesk.apply_severity_decision`
as `intake tickets confirm/set-severity`: same audit entry, deadline recompute, customer
notice, and (via the desk's hook) card update.
"""

from __future__ import annotations

import logging
from concurrent.futures import Future

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.slack_directory import awaited
from bot.slack_outbox import EPHEMERAL_KIND
from bot.slack_payloads import InteractivePayload, SeverityAction
from bot.ticket_desk import TicketDesk, TicketNotFound
from bot.triage_card import CONFIRM_ACTION, SET_ACTION
from models.store import NewOutboxItem
from models.ticket_queries import ticket_by_card
from triage.levels import Severity

log = logging.getLogger(__name__)

REFUSAL_TEXT = (
    "Sorry, only the support engineers listed in the bot's configuration (`slack.engineers`) "
    "can confirm or change a ticket's severity. Nothing was changed."
)


class SeverityDecisions:
    def __init__(self, *, desk: TicketDesk) -> None:
        self._desk = desk
        self._config = desk.config

    @property
    def engineer_group(self) -> str | None:
        return self._config.slack.engineer_group

    def needs_group_lookup(self, payload: InteractivePayload) -> bool:
        """Whether deciding needs the engineer group's members (someone not on the list)."""
        return bool(self.engineer_group) and any(
            a.user_id not in self._config.slack.engineers for a in payload.actions
        )

    async def apply(
        self,
        session: AsyncSession,
        payload: InteractivePayload,
        group_members: Future[frozenset[str]] | None,
    ) -> None:
        for action in payload.actions:
            if action.action_id not in (CONFIRM_ACTION, SET_ACTION):
                continue
            ticket_id = await self._ticket_id(session, action)
            if ticket_id is None:
                log.warning("click on a card that belongs to no ticket: %s", action)
                continue
            if not await self._may_decide(action.user_id, group_members):
                log.info("%s may not decide severity (ticket #%s)", action.user_id, ticket_id)
                await self._refuse(session, action, ticket_id)
                continue
            level = self._level(action)
            if action.action_id == SET_ACTION and level is None:
                log.warning("severity_set with an unknown value %r ignored", action.selected)
                continue
            try:
                decision = await self._desk.apply_severity_decision(
                    session, ticket_id, level=level, actor=action.user_id
                )
            except TicketNotFound:
                log.warning("click for ticket #%s, which no longer exists", ticket_id)
                continue
            log.info(
                "ticket #%s severity %s → %s (%s by %s)",
                ticket_id,
                decision.old,
                decision.new,
                decision.source,
                action.user_id,
            )

    async def _ticket_id(self, session: AsyncSession, action: SeverityAction) -> int | None:
        if action.ticket_id is not None:
            return action.ticket_id
        ticket = await ticket_by_card(session, action.channel_id, action.message_ts)
        return ticket.id if ticket else None

    async def _may_decide(self, user_id: str, group_members: Future[frozenset[str]] | None) -> bool:
        if user_id in self._config.slack.engineers:
            return True
        if group_members is None:
            return False
        # A failed look-up raises: the click is retried rather than wrongly refused.
        return user_id in await awaited(group_members)

    @staticmethod
    def _level(action: SeverityAction) -> Severity | None:
        if action.action_id == CONFIRM_ACTION:
            return None  # confirm what the ticket currently says
        try:
            return Severity(action.selected or "")
        except ValueError:
            return None

    async def _refuse(self, session: AsyncSession, action: SeverityAction, ticket_id: int) -> None:
        await self._desk.store.enqueue(
            session,
            NewOutboxItem(
                kind=EPHEMERAL_KIND,
                payload={
                    "channel": action.channel_id,
                    "user": action.user_id,
                    "text": REFUSAL_TEXT,
                },
                ticket_id=ticket_id,
                dedupe_key=f"refusal:{action.action_ts}:{action.user_id}",
            ),
        )
