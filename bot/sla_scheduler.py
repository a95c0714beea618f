"""Fires SLA warnings (75 % of a target's time used, and breach), each exactly once.

Exactly once holds across restarts and replicas without in-memory state: a warning is
recorded by inserting its key (ticket, clock, kind, deadline) into `sla_alarms`, whose unique
constraint lets only one insert win, and the warning message is queued in the outbox in that
same transaction. Replicas on PostgreSQL claim due tickets with SKIP LOCKED so they don't
step on each other; on SQLite the single writer serialises them.
"""

from __future__ import annotations

import logging

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.polling_worker import PollingWorker
from bot.ticket_desk import TicketDesk
from models.column_types import utcnow
from models.store import NewOutboxItem, Store
from models.tables import SlaAlarm as SlaAlarmRow
from models.tables import Ticket
from models.ticket_queries import record_audit
from triage.sla_clock import AlarmKind, SlaAlarm

log = logging.getLogger(__name__)

TRIAGE_THREAD_KIND = "slack.triage_thread"


def warning_text(ticket: Ticket, alarm: SlaAlarm) -> str:
    clock = alarm.clock.value.replace("_", " ")
    due = alarm.due.isoformat(timespec="minutes")
    if alarm.kind is AlarmKind.BREACH:
        return f":rotating_light: Ticket #{ticket.id}: {clock} target BREACHED (was due {due})."
    return f":warning: Ticket #{ticket.id}: 75% of the {clock} time is used; due {due}."


class SlaScheduler(PollingWorker):
    def __init__(self, *, store: Store, desk: TicketDesk, interval: float = 30.0) -> None:
        self._store = store
        self._desk = desk
        super().__init__(interval=interval, name="SLA scheduler")

    async def run_once(self) -> int:
        """Fire every alarm that is due and not yet fired; returns how many fired now."""
        fired = 0
        now = utcnow()
        async with self._store.transaction() as session:
            due = await session.exec(
                select(Ticket)
                .where(col(Ticket.next_alarm_at).is_not(None), col(Ticket.next_alarm_at) <= now)
                .order_by(col(Ticket.next_alarm_at))
                .limit(200)
                .with_for_update(skip_locked=True)
            )
            for ticket in due.all():
                alarms = self._desk.sla.alarms(ticket)
                for alarm in (a for a in alarms if a.at <= now):
                    if await self._record_once(session, ticket, alarm):
                        fired += 1
                        await self._announce(session, ticket, alarm)
                upcoming = [a.at for a in alarms if a.at > now]
                ticket.next_alarm_at = min(upcoming) if upcoming else None
                session.add(ticket)
        return fired

    async def _record_once(self, session: AsyncSession, ticket: Ticket, alarm: SlaAlarm) -> bool:
        insert = sqlite.insert if self._store.is_sqlite else postgresql.insert
        stmt = (
            insert(SlaAlarmRow)
            .values(
                ticket_id=ticket.id,
                clock=alarm.clock.value,
                kind=alarm.kind.value,
                deadline_at=alarm.deadline,
                fired_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=["ticket_id", "clock", "kind", "deadline_at"])
            .returning(SlaAlarmRow.id)  # type: ignore[arg-type]
        )
        return (await session.execute(stmt)).first() is not None

    async def _announce(self, session: AsyncSession, ticket: Ticket, alarm: SlaAlarm) -> None:
        assert ticket.id is not None
        text = warning_text(ticket, alarm)
        log.warning("%s", text)
        record_audit(
            session,
            ticket.id,
            f"sla_{alarm.kind.value}",
            "scheduler",
            None,
            {"clock": alarm.clock.value, "due": alarm.due.isoformat()},
        )
        if self._desk.notices.slack_enabled:
            await self._store.enqueue(
                session,
                NewOutboxItem(
                    kind=TRIAGE_THREAD_KIND,
                    payload={"ticket_id": ticket.id, "text": text},
                    ticket_id=ticket.id,
                    dedupe_key=f"sla:{ticket.id}:{alarm.clock.value}:{alarm.kind.value}:{alarm.deadline.isoformat()}",
                ),
            )
