"""The running SLA clock of one ticket: a pure, JSON-serialisable state machine.

The bot stores `to_dict()` in the ticket's `sla_state` column and feeds events in as they
happen; every transition returns a new `SlaClock`. Rules (issue 3, "Calendar and target
semantics"):

* Critical tickets, and every ticket of an `on_receipt` plan, start at receipt. Others start
  when the ticket becomes complete or an engineer confirms/corrects the severity, whichever
  comes first.
* A severity change measures every unmet target afresh, for the new severity, from the moment
  of the change; met targets stay met.
* Waiting on the customer pauses `workaround` and `resolution` (not `first_response`); the open
  time spent paused is added back. A pause that begins after a target's deadline does not
  un-breach it.
* `first_response` is met by the first engineer reply, `resolution` by the ticket being
  resolved, `workaround` when an engineer records one. A resolved ticket raises no more alarms.

Events are recorded at the instant given; an instant before receipt is treated as receipt,
because mail `Date:` headers and Slack timestamps can be a little skewed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from triage.levels import Severity
from triage.sla_calendar import BusinessCalendar
from triage.sla_plans import (
    CLOCK_ORDER,
    DEFAULT_CUSTOMER_COUNTRY,
    DEFAULT_CUSTOMER_TZ,
    Clock,
    Deadlines,
    SlaPlan,
    StartClock,
)

STATE_VERSION = 1
_PAUSABLE = frozenset({Clock.WORKAROUND, Clock.RESOLUTION})
_WARN_FRACTION = (3, 4)  # 75 %, kept as a ratio so timedelta arithmetic stays exact


class ClockError(ValueError):
    """An event or stored state the clock cannot accept (naive time, malformed JSON state)."""


class AlarmKind(StrEnum):
    WARN_75 = "warn_75"
    BREACH = "breach"


@dataclass(frozen=True, slots=True)
class Pause:
    """One wait on the customer; `ended` is None while it lasts."""

    started: datetime
    ended: datetime | None = None


@dataclass(frozen=True, slots=True)
class MetTarget:
    """A met target, with what it was measured against so its deadline can still be shown."""

    clock: Clock
    at: datetime
    severity: Severity
    basis: datetime | None  # None: met before the clock started, so there was no deadline


@dataclass(frozen=True, slots=True)
class SlaAlarm:
    """A warning the scheduler fires once, at `at`.

    `deadline` is the alarm's identity: the target's deadline before any wait on the customer.
    It stays put across pause/resume (so a 75 % warning already sent is not repeated when a
    wait moves the real deadline) and changes when a severity change sets a new target.
    Store it as the `deadline` of the once-only key (ticket, clock, kind, deadline).
    `at` and `deadline` are in UTC: Python's == and hash treat an ambiguous local time (the
    repeated hour of a DST fall-back) differently across zones, and keys must match exactly.
    `due` is the real current deadline in the calendar's zone, for the message text.
    """

    clock: Clock
    kind: AlarmKind
    at: datetime
    due: datetime
    deadline: datetime

    @property
    def key(self) -> tuple[str, str, datetime]:
        return (self.clock.value, self.kind.value, self.deadline)


@dataclass(frozen=True)
class SlaClock:
    """State of one ticket's clocks; build with `opened`, advance with the event methods."""

    received_at: datetime
    severity: Severity
    complete: bool = False
    started_at: datetime | None = None
    basis: datetime | None = None  # unmet targets are measured from here (start or last change)
    pauses: tuple[Pause, ...] = ()
    met: tuple[MetTarget, ...] = ()

    # ------------------------------------------------------------------ transitions

    @classmethod
    def opened(
        cls,
        received_at: datetime,
        severity: Severity | str,
        complete: bool = False,
        *,
        start_clock: StartClock | str = StartClock.ON_COMPLETE,
    ) -> SlaClock:
        """A new ticket; pass the plan's `start_clock` so `on_receipt` plans start at once."""
        received = _aware(received_at)
        level = Severity(severity)
        on_receipt = level is Severity.CRITICAL or StartClock(start_clock) is StartClock.ON_RECEIPT
        starts = complete or on_receipt
        return cls(
            received_at=received,
            severity=level,
            complete=complete,
            started_at=received if starts else None,
            basis=received if starts else None,
        )

    def mark_complete(self, at: datetime) -> SlaClock:
        """The plan's required fields are all present: starts a clock that was waiting for it."""
        moment = self._moment(at)
        if self.started_at is not None:
            return replace(self, complete=True)
        return replace(self, complete=True, started_at=moment, basis=moment)

    def severity_decided(self, at: datetime, severity: Severity | str) -> SlaClock:
        """An engineer confirmed or corrected the severity.

        Starts the clock if it was waiting; a different level re-measures unmet targets from now.
        """
        moment = self._moment(at)
        level = Severity(severity)
        if self.started_at is None:
            return replace(self, severity=level, started_at=moment, basis=moment)
        if level is self.severity:
            return self
        return replace(self, severity=level, basis=moment)

    def pause(self, at: datetime) -> SlaClock:
        """Status became waiting_on_customer (no-op if already waiting)."""
        if self.is_paused:
            return self
        return replace(self, pauses=(*self.pauses, Pause(self._moment(at))))

    def resume(self, at: datetime) -> SlaClock:
        """The wait ended (the customer answered, or the status moved on); no-op if not waiting."""
        if not self.is_paused:
            return self
        last = self.pauses[-1]
        ended = max(self._moment(at), last.started)
        return replace(self, pauses=(*self.pauses[:-1], Pause(last.started, ended)))

    def first_response(self, at: datetime) -> SlaClock:
        """An engineer replied (the bot decides who counts; its own acknowledgement does not)."""
        return self._meet(Clock.FIRST_RESPONSE, at)

    def workaround_provided(self, at: datetime) -> SlaClock:
        """An engineer recorded a workaround."""
        return self._meet(Clock.WORKAROUND, at)

    def resolved(self, at: datetime) -> SlaClock:
        """Status became resolved: the resolution target is met and alarms stop."""
        return self._meet(Clock.RESOLUTION, at)

    def _meet(self, clock: Clock, at: datetime) -> SlaClock:
        if self.met_at(clock) is not None:
            return self
        met = MetTarget(clock, self._moment(at), self.severity, self.basis)
        return replace(self, met=(*self.met, met))

    def _moment(self, at: datetime) -> datetime:
        return max(_aware(at), self.received_at)

    # ------------------------------------------------------------------ queries

    @property
    def is_started(self) -> bool:
        return self.started_at is not None

    @property
    def is_paused(self) -> bool:
        return bool(self.pauses) and self.pauses[-1].ended is None

    @property
    def resolved_at(self) -> datetime | None:
        return self.met_at(Clock.RESOLUTION)

    def met_at(self, clock: Clock | str) -> datetime | None:
        wanted = Clock(clock)
        return next((met.at for met in self.met if met.clock is wanted), None)

    def deadlines(
        self,
        plan: SlaPlan,
        *,
        customer_tz: str = DEFAULT_CUSTOMER_TZ,
        customer_country: str = DEFAULT_CUSTOMER_COUNTRY,
        now: datetime | None = None,
    ) -> Deadlines:
        """Every target's deadline in the calendar's zone; met ones keep the one they met.

        While waiting on the customer, a paused target's deadline is projected as if the wait
        ended at `now` (at the start of the wait when `now` is not given).
        """
        calendar = plan.calendar_for(customer_tz, customer_country)
        due: dict[Clock, datetime | None] = {}
        met_at: dict[Clock, datetime] = {}
        horizon = _aware(now) if now is not None else None
        for clock in CLOCK_ORDER:
            met = next((m for m in self.met if m.clock is clock), None)
            if met is not None:
                met_at[clock] = met.at
                due[clock] = self._due(plan, calendar, clock, met.severity, met.basis, met.at)
            else:
                due[clock] = self._due(plan, calendar, clock, self.severity, self.basis, horizon)
        paused = frozenset(
            clock
            for clock in _PAUSABLE
            if self.is_paused and clock not in met_at and due[clock] is not None
        )
        return Deadlines(
            first_response=due[Clock.FIRST_RESPONSE],
            workaround=due[Clock.WORKAROUND],
            resolution=due[Clock.RESOLUTION],
            met_at=met_at,
            paused=paused,
        )

    def alarms(
        self,
        plan: SlaPlan,
        *,
        customer_tz: str = DEFAULT_CUSTOMER_TZ,
        customer_country: str = DEFAULT_CUSTOMER_COUNTRY,
    ) -> list[SlaAlarm]:
        """For each unmet, running target: when 75 % of its open time is used, and its breach.

        Past instants are included: the scheduler fires whatever is due and not yet stored.
        """
        if self.basis is None or self.resolved_at is not None:
            return []
        calendar = plan.calendar_for(customer_tz, customer_country)
        alarms: list[SlaAlarm] = []
        for clock in CLOCK_ORDER:
            target = plan.target(clock, self.severity)
            if target is None or self.met_at(clock) is not None:
                continue
            if clock in _PAUSABLE and self.is_paused:
                continue
            length = target.open_time(calendar.business_day)
            pauses = self.pauses if clock in _PAUSABLE else ()
            nominal = calendar.add_business_duration(self.basis, length)
            due = _walk(calendar, self.basis, length, pauses, None)
            warn_length = length * _WARN_FRACTION[0] / _WARN_FRACTION[1]
            warn = _walk(calendar, self.basis, warn_length, pauses, None)
            key = nominal.astimezone(UTC)
            alarms.append(SlaAlarm(clock, AlarmKind.WARN_75, warn.astimezone(UTC), due, key))
            alarms.append(SlaAlarm(clock, AlarmKind.BREACH, due.astimezone(UTC), due, key))
        return alarms

    def _due(
        self,
        plan: SlaPlan,
        calendar: BusinessCalendar,
        clock: Clock,
        severity: Severity,
        basis: datetime | None,
        horizon: datetime | None,
    ) -> datetime | None:
        target = plan.target(clock, severity)
        if target is None or basis is None:
            return None
        pauses = self.pauses if clock in _PAUSABLE else ()
        return _walk(calendar, basis, target.open_time(calendar.business_day), pauses, horizon)

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types only (ISO-8601 strings with offsets), for the ticket's JSON column."""
        return {
            "version": STATE_VERSION,
            "received_at": self.received_at.isoformat(),
            "severity": self.severity.value,
            "complete": self.complete,
            "started_at": _iso(self.started_at),
            "basis": _iso(self.basis),
            "pauses": [{"started": _iso(p.started), "ended": _iso(p.ended)} for p in self.pauses],
            "met": {
                met.clock.value: {
                    "at": _iso(met.at),
                    "severity": met.severity.value,
                    "basis": _iso(met.basis),
                }
                for met in self.met
            },
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> SlaClock:
        """Inverse of `to_dict`; raises `ClockError` on a state it did not write."""
        try:
            if data.get("version") != STATE_VERSION:
                raise ClockError(f"unsupported SLA state version {data.get('version')!r}")
            pauses = tuple(
                Pause(_parse_time(p["started"]), _parse_optional(p.get("ended")))
                for p in data.get("pauses", [])
            )
            met = tuple(
                MetTarget(
                    Clock(name),
                    _parse_time(entry["at"]),
                    Severity(entry["severity"]),
                    _parse_optional(entry.get("basis")),
                )
                for name, entry in data.get("met", {}).items()
            )
            return cls(
                received_at=_parse_time(data["received_at"]),
                severity=Severity(data["severity"]),
                complete=bool(data.get("complete", False)),
                started_at=_parse_optional(data.get("started_at")),
                basis=_parse_optional(data.get("basis")),
                pauses=pauses,
                met=met,
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, ClockError):
                raise
            raise ClockError(f"malformed SLA state: {exc!r}") from None


def _walk(
    calendar: BusinessCalendar,
    basis: datetime,
    length: timedelta,
    pauses: Iterable[Pause],
    horizon: datetime | None,
) -> datetime:
    """Consume `length` of open time from `basis`, skipping the open time spent in pauses.

    Pauses that begin at or after the point the length runs out, or at or after `horizon`, do
    not move it. A pause still running at `horizon` counts up to `horizon`; with no horizon, an
    unfinished pause counts as ending where it began.
    """
    cursor, remaining = basis, length
    for pause in sorted(pauses, key=lambda p: p.started):
        if horizon is not None and pause.started >= horizon:
            break  # began after the target was met (or after `now`): it cannot move the deadline
        if pause.ended is not None and pause.ended <= cursor:
            continue
        pause_start = max(pause.started, cursor)
        reached = calendar.add_business_duration(cursor, remaining)
        if reached <= pause_start:
            return reached
        remaining -= calendar.open_time_between(cursor, pause_start)
        end = pause.ended
        if end is None or (horizon is not None and end > horizon):
            end = horizon if horizon is not None else pause_start
        cursor = max(end, pause_start)
    return calendar.add_business_duration(cursor, remaining)


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ClockError(f"{at.isoformat()} has no UTC offset; SLA events must be aware")
    return at


def _iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


def _parse_time(text: str) -> datetime:
    return _aware(datetime.fromisoformat(text))


def _parse_optional(text: str | None) -> datetime | None:
    return None if text is None else _parse_time(text)
