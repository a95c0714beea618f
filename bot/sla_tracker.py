"""Keeps a ticket's SLA columns in step with its running clock (`triage.sla_clock`).

The clock's JSON state lives on the ticket; the deadlines are also copied to plain columns so
the CLI shows them and the scheduler can find tickets whose next alarm is due with an index.
Every method returns `(old, new)` deadlines when they changed, for the audit trail.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import AppConfig, CustomerOrg
from models.tables import Ticket, TicketStatus
from triage.levels import Severity
from triage.sla_clock import SlaAlarm, SlaClock
from triage.sla_plans import Deadlines, SlaPlan

DeadlineChange = tuple[dict[str, str | None], dict[str, str | None]] | None


class SlaTracker:
    def __init__(self, config: AppConfig) -> None:
        self._config = config

    def plan(self, ticket: Ticket) -> SlaPlan | None:
        return self._config.sla_plans.get(ticket.plan)

    def display_name(self, ticket: Ticket, severity: str | None = None) -> str:
        plan = self.plan(ticket)
        level = severity or ticket.severity
        return plan.display_name(level) if plan else level.capitalize()

    def _customer(self, ticket: Ticket) -> tuple[str, str]:
        org = self._config.customer_by_name(ticket.customer_org)
        return (org.timezone, org.country) if org else ("America/New_York", "US")

    def deadlines(self, ticket: Ticket, clock: SlaClock | None = None) -> Deadlines:
        plan = self.plan(ticket)
        if plan is None or not ticket.sla_state and clock is None:
            return Deadlines()
        clock = clock or SlaClock.from_dict(ticket.sla_state)
        tz, country = self._customer(ticket)
        return clock.deadlines(plan, customer_tz=tz, customer_country=country)

    def alarms(self, ticket: Ticket) -> list[SlaAlarm]:
        plan = self.plan(ticket)
        if plan is None or not ticket.sla_state:
            return []
        tz, country = self._customer(ticket)
        return SlaClock.from_dict(ticket.sla_state).alarms(
            plan, customer_tz=tz, customer_country=country
        )

    def _save(self, ticket: Ticket, clock: SlaClock) -> DeadlineChange:
        old = self._columns(ticket)
        ticket.sla_state = clock.to_dict()
        deadlines = self.deadlines(ticket, clock)
        ticket.due_first_response = deadlines.first_response
        ticket.due_workaround = deadlines.workaround
        ticket.due_resolution = deadlines.resolution
        pending = [a.at for a in self.alarms(ticket)]
        ticket.next_alarm_at = min(pending) if pending else None
        new = self._columns(ticket)
        return (old, new) if old != new else None

    @staticmethod
    def _columns(ticket: Ticket) -> dict[str, str | None]:
        return {
            "first_response": ticket.due_first_response.isoformat()
            if ticket.due_first_response
            else None,
            "workaround": ticket.due_workaround.isoformat() if ticket.due_workaround else None,
            "resolution": ticket.due_resolution.isoformat() if ticket.due_resolution else None,
        }

    def open(
        self, ticket: Ticket, *, org: CustomerOrg | None, received_at: datetime, complete: bool
    ) -> dict[str, str | None]:
        plan = self.plan(ticket)
        start_clock = plan.start_clock if plan else "on_complete"
        clock = SlaClock.opened(
            received_at, Severity(ticket.severity), complete, start_clock=start_clock
        )
        self._save(ticket, clock)
        return self._columns(ticket)

    def _apply(self, ticket: Ticket, change: str, at: datetime, *args: object) -> DeadlineChange:
        if not ticket.sla_state:
            return None
        clock = SlaClock.from_dict(ticket.sla_state)
        return self._save(ticket, getattr(clock, change)(at, *args))

    def on_complete(self, ticket: Ticket, *, at: datetime) -> DeadlineChange:
        return self._apply(ticket, "mark_complete", at)

    def on_severity_decided(
        self, ticket: Ticket, *, at: datetime, severity: Severity
    ) -> DeadlineChange:
        return self._apply(ticket, "severity_decided", at, severity)

    def on_first_response(self, ticket: Ticket, *, at: datetime) -> DeadlineChange:
        return self._apply(ticket, "first_response", at)

    def on_status(self, ticket: Ticket, *, old: str, new: str, at: datetime) -> DeadlineChange:
        if new == TicketStatus.WAITING_ON_CUSTOMER:
            return self._apply(ticket, "pause", at)
        if new == TicketStatus.RESOLVED:
            resumed = self._apply(ticket, "resume", at)
            return self._apply(ticket, "resolved", at) or resumed
        if old == TicketStatus.WAITING_ON_CUSTOMER:
            return self._apply(ticket, "resume", at)
        return None
