"""Channel-independent ticket operations: open, follow up, decide severity, change status.

Email and Slack intake both end here, and so do the engineers' decisions (Slack buttons or
`intake tickets confirm`), so every path writes the same audit trail and recomputes the same
deadlines.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig, CustomerOrg
from bot.customer_notices import CustomerNotices
from bot.sla_tracker import SlaTracker
from bot.ticket_wording import (
    acknowledgement_text,
    completed_text,
    severity_decision_text,
)
from bot.triage_engine import Assessment, TriageEngine
from models.column_types import utcnow
from models.store import Store
from models.tables import (
    AuthorKind,
    Conversation,
    Direction,
    Disposition,
    Message,
    SeveritySource,
    Ticket,
    TicketStatus,
)
from models.ticket_queries import attachments_of, conversation_messages, record_audit
from triage.levels import Severity
from triage.missing_info_ask import plan_ask
from triage.ticket_text import AttachmentInfo, CustomerMessage

log = logging.getLogger(__name__)


class TicketNotFound(LookupError):
    pass


class NotAllowed(PermissionError):
    pass


@dataclass(frozen=True, slots=True)
class SeverityDecision:
    ticket: Ticket
    old: str
    new: str
    source: str


class TicketDesk:
    def __init__(
        self,
        *,
        store: Store,
        config: AppConfig,
        engine: TriageEngine,
        notices: CustomerNotices,
        sla: SlaTracker,
    ) -> None:
        self.store = store
        self.config = config
        self.engine = engine
        self.notices = notices
        self.sla = sla
        # Called after a ticket is opened (inside the transaction), e.g. to queue the triage card.
        self.on_ticket_opened: list = []
        self.on_ticket_changed: list = []

    # -- opening -------------------------------------------------------------------------------

    async def open_ticket(
        self,
        session: AsyncSession,
        *,
        conversation: Conversation,
        message: Message,
        requester: str,
        requester_name: str | None,
        org: CustomerOrg | None,
        assessment: Assessment,
        received_at: datetime,
        cc: tuple[str, ...] = (),
    ) -> Ticket:
        """Create the ticket for a new conversation, start its clocks, acknowledge the customer."""
        assert conversation.id is not None
        plan = self.config.plan_for(org)
        verdict = assessment.verdict
        required = self.engine.required_fields(plan)
        report = assessment.completeness
        missing = report.missing(required)
        ticket = Ticket(
            conversation_id=conversation.id,
            channel=conversation.channel,
            requester=requester,
            requester_name=requester_name,
            customer_org=org.name if org else None,
            plan=plan,
            subject=conversation.subject,
            status=TicketStatus.OPEN,
            severity=str(verdict.severity),
            severity_source=SeveritySource.SUGGESTED,
            suggested_severity=str(verdict.severity),
            suggestion_confidence=float(verdict.confidence),
            suggestion_reason=verdict.reason,
            needs_human=bool(verdict.needs_human),
            probabilities={str(k): float(v) for k, v in verdict.probabilities.items()},
            completeness=_completeness_column(report),
            missing=list(missing),
            created_at=received_at,
            updated_at=received_at,
            # A complete ticket has nothing to announce later; said here, so one INSERT does.
            completion_announced=not missing,
        )
        # Everything the row needs is set before its one INSERT (no follow-up UPDATEs).
        deadlines = self.sla.open(ticket, org=org, received_at=received_at, complete=not missing)
        asked = plan_ask(missing, previously_asked={}, customer_messages_seen=1)
        ticket.asked_fields = {field: 1 for field in asked}
        session.add(ticket)
        await session.flush()
        assert ticket.id is not None
        record_audit(
            session,
            ticket.id,
            "ticket_opened",
            "bot",
            None,
            {"channel": ticket.channel, "requester": requester},
        )
        record_audit(
            session,
            ticket.id,
            "severity_suggested",
            "classifier",
            None,
            {"severity": ticket.severity, "confidence": round(ticket.suggestion_confidence, 3)},
        )
        record_audit(session, ticket.id, "deadlines_set", "bot", None, deadlines)

        text = acknowledgement_text(
            ticket=ticket,
            asked=asked,
            channel=conversation.channel,
            display_name=self.sla.display_name(ticket),
        )
        await self.notices.reply(
            session,
            ticket=ticket,
            conversation=conversation,
            text=text,
            cc=cc,
            purpose="acknowledgement",
            anchor=message if message.channel == "email" else None,
        )
        for hook in self.on_ticket_opened:
            await hook(session, ticket, conversation, message)
        return ticket

    # -- follow-ups ----------------------------------------------------------------------------

    async def customer_follow_up(
        self, session: AsyncSession, *, ticket: Ticket, conversation: Conversation, at: datetime
    ) -> None:
        """Re-check completeness over the whole conversation after a customer message."""
        assert ticket.id is not None and conversation.id is not None
        messages = await self.customer_messages(session, conversation.id)
        report = self.engine.completeness(messages, subject=conversation.subject)
        required = self.engine.required_fields(ticket.plan)
        missing = report.missing(required)
        old_missing = list(ticket.missing)
        ticket.completeness = _completeness_column(report)
        ticket.missing = list(missing)
        ticket.updated_at = at
        if old_missing != missing:
            record_audit(session, ticket.id, "completeness_changed", "bot", old_missing, missing)
        if ticket.status == TicketStatus.WAITING_ON_CUSTOMER:
            await self.set_status(session, ticket, TicketStatus.OPEN, actor="customer", at=at)
        if old_missing and not missing:
            changes = self.sla.on_complete(ticket, at=at)
            if changes:
                record_audit(session, ticket.id, "deadlines_changed", "bot", changes[0], changes[1])
            if not ticket.completion_announced:
                ticket.completion_announced = True
                await self.notices.reply(
                    session,
                    ticket=ticket,
                    conversation=conversation,
                    text=completed_text(ticket=ticket, channel=conversation.channel),
                    purpose="completed",
                )
        elif missing:
            asked = plan_ask(
                missing,
                previously_asked=dict(ticket.asked_fields),
                customer_messages_seen=len(messages),
            )
            if asked:
                ticket.asked_fields = {**ticket.asked_fields, **{f: len(messages) for f in asked}}
                from triage.missing_info_ask import render_ask

                await self.notices.reply(
                    session,
                    ticket=ticket,
                    conversation=conversation,
                    text=render_ask(
                        asked,
                        channel=conversation.channel,
                        requester_name=ticket.requester_name,
                        ticket_id=ticket.id,
                        greeting=True,
                    ),
                    purpose="ask",
                )
        for hook in self.on_ticket_changed:
            await hook(session, ticket, "follow_up")

    async def customer_messages(
        self, session: AsyncSession, conversation_id: int
    ) -> list[CustomerMessage]:
        """The customer's own words in a conversation, with attachments, for the checkers."""
        rows = [
            m
            for m in await conversation_messages(session, conversation_id)
            if m.direction == Direction.IN
            and m.author_kind in (AuthorKind.CUSTOMER, AuthorKind.STAFF)
            and m.disposition == Disposition.TICKET
        ]
        attachments = await attachments_of(session, [m.id for m in rows if m.id is not None])
        by_message: dict[int, list[AttachmentInfo]] = {}
        for a in attachments:
            by_message.setdefault(a.message_id, []).append(
                AttachmentInfo(filename=a.filename, content_type=a.content_type, size=a.size)
            )
        return [
            CustomerMessage(
                text=m.body, channel=m.channel, attachments=tuple(by_message.get(m.id or 0, ()))
            )
            for m in rows
        ]

    async def engineer_replied(
        self, session: AsyncSession, ticket: Ticket, *, at: datetime, actor: str
    ) -> None:
        assert ticket.id is not None
        was_met = "first_response" in (ticket.sla_state or {}).get("met", {})
        changes = self.sla.on_first_response(ticket, at=at)
        now_met = "first_response" in (ticket.sla_state or {}).get("met", {})
        # Meeting the target usually leaves the deadline columns as they were: audit the meeting.
        if changes or (now_met and not was_met):
            old, new = changes if changes else (None, {"first_response_met_at": at.isoformat()})
            record_audit(session, ticket.id, "first_response_met", actor, old, new)

    # -- decisions -----------------------------------------------------------------------------

    def is_engineer(self, actor: str) -> bool:
        return actor in self.config.slack.engineers

    async def decide_severity(
        self, ticket_id: int, *, level: Severity | None, actor: str, require_engineer: bool = False
    ) -> SeverityDecision:
        """Confirm the suggestion (level None or equal) or correct it; audit, re-plan, notify."""
        if require_engineer and not self.is_engineer(actor):
            raise NotAllowed(f"{actor} is not allowed to change severity")
        async with self.store.transaction() as session:
            return await self.apply_severity_decision(session, ticket_id, level=level, actor=actor)

    async def apply_severity_decision(
        self, session: AsyncSession, ticket_id: int, *, level: Severity | None, actor: str
    ) -> SeverityDecision:
        """`decide_severity` inside the caller's transaction (the Slack intake worker's batch)."""
        ticket = await session.get(Ticket, ticket_id, with_for_update=True)
        if ticket is None:
            raise TicketNotFound(f"no ticket #{ticket_id}")
        now = utcnow()
        old = ticket.severity
        new = str(level) if level is not None else old
        source = (
            SeveritySource.CONFIRMED
            if new == ticket.suggested_severity
            else SeveritySource.CORRECTED
        )
        old_source = ticket.severity_source
        ticket.severity = new
        ticket.severity_source = source
        ticket.severity_decided_by = actor
        ticket.severity_decided_at = now
        ticket.updated_at = now
        record_audit(
            session,
            ticket_id,
            f"severity_{source}",
            actor,
            {"severity": old, "source": old_source},
            {"severity": new, "source": str(source)},
        )
        changes = self.sla.on_severity_decided(ticket, at=now, severity=Severity(new))
        if changes:
            record_audit(session, ticket_id, "deadlines_changed", actor, changes[0], changes[1])
        conversation = await session.get(Conversation, ticket.conversation_id)
        assert conversation is not None
        await self.notices.reply(
            session,
            ticket=ticket,
            conversation=conversation,
            text=severity_decision_text(
                ticket=ticket,
                channel=conversation.channel,
                display_name=self.sla.display_name(ticket),
            ),
            purpose="severity_decision",
        )
        for hook in self.on_ticket_changed:
            await hook(session, ticket, "severity_decided")
        session.add(ticket)
        return SeverityDecision(ticket=ticket, old=old, new=new, source=str(source))

    async def set_status(
        self,
        session: AsyncSession,
        ticket: Ticket,
        status: str,
        *,
        actor: str,
        at: datetime | None = None,
    ) -> None:
        assert ticket.id is not None
        at = at or utcnow()
        old = ticket.status
        if old == status:
            return
        ticket.status = status
        ticket.updated_at = at
        record_audit(session, ticket.id, "status_changed", actor, old, status)
        changes = self.sla.on_status(ticket, old=old, new=status, at=at)
        if changes:
            record_audit(session, ticket.id, "deadlines_changed", actor, changes[0], changes[1])

    async def change_status(self, ticket_id: int, status: str, *, actor: str) -> Ticket:
        """Set a ticket's status in its own transaction (CLI and engineers' commands).

        `waiting_on_customer` pauses the workaround and resolution clocks, `resolved` meets the
        resolution target; anything else resumes a paused clock.
        """
        if status not in {s.value for s in TicketStatus}:
            raise ValueError(f"unknown status {status!r}")
        async with self.store.transaction() as session:
            ticket = await session.get(Ticket, ticket_id, with_for_update=True)
            if ticket is None:
                raise TicketNotFound(f"no ticket #{ticket_id}")
            await self.set_status(session, ticket, status, actor=actor)
            for hook in self.on_ticket_changed:
                await hook(session, ticket, "status_changed")
            session.add(ticket)
        return ticket


def _completeness_column(report: object) -> dict[str, object]:
    """Per-field presence plus the evidence, as stored on the ticket (and shown on the card)."""
    return {"complete": dict(report.complete), "evidence": report.to_dict()}  # type: ignore[attr-defined]


def assemble_desk(
    store: Store, *, config: AppConfig, model_dir: Path, slack_enabled: bool
) -> TicketDesk:
    """The desk with its collaborators, as both `serve` and the CLI use it."""
    desk = TicketDesk(
        store=store,
        config=config,
        engine=TriageEngine(config, model_dir=model_dir),
        notices=CustomerNotices(store=store, config=config, slack_enabled=slack_enabled),
        sla=SlaTracker(config),
    )
    if slack_enabled:
        # Cards follow every ticket change, whoever makes it (serve, or `intake tickets confirm`).
        from bot.triage_card_feed import TriageCardFeed

        TriageCardFeed(store=store, config=config).install(desk)
    return desk
