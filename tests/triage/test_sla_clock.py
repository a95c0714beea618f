"""The running clock: when it starts, severity changes, waits on the customer, met targets,
alarm instants, and JSON persistence (including exactly-once alarms across a restart).

Plans are the shipped presets. kissflow: 24x5 Asia/Kolkata (+05:30), first response
4h/4h/8h/48h, workaround critical 4h / high 24h, resolution critical 48h / high 5bd.
kubeark: mon-fri 09:00-17:00 Europe/Bucharest (+02:00 in March), first response 1h/4h/1bd/1bd.
2026-03-10 is a Tuesday, 2026-03-13 a Friday. Expected instants are worked out by hand.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from triage.levels import Severity
from triage.sla_clock import AlarmKind, ClockError, SlaAlarm, SlaClock
from triage.sla_plans import Clock, SlaPlan, StartClock


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def kissflow(sla_presets: dict[str, SlaPlan]) -> SlaPlan:
    return sla_presets["kissflow"]


@pytest.fixture
def kubeark(sla_presets: dict[str, SlaPlan]) -> SlaPlan:
    return sla_presets["kubeark"]


TUE_10 = at("2026-03-10T10:00:00+05:30")


# ---------------------------------------------------------------- when the clock starts


def test_critical_starts_at_receipt_even_when_incomplete(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "critical", complete=False)
    assert clock.started_at == TUE_10
    # +4h, +4h, +48h (Tue 14h, Wed 24h, Thu 00:00 + 10h)
    assert clock.deadlines(kissflow).as_dict() == {
        "first_response": "2026-03-10T14:00:00+05:30",
        "workaround": "2026-03-10T14:00:00+05:30",
        "resolution": "2026-03-12T10:00:00+05:30",
    }


def test_incomplete_non_critical_ticket_has_no_deadlines_yet(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "high", complete=False)
    assert not clock.is_started
    assert clock.deadlines(kissflow).as_dict() == {
        "first_response": None,
        "workaround": None,
        "resolution": None,
    }
    assert clock.alarms(kissflow) == []


def test_becoming_complete_starts_the_clock_then(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "high").mark_complete(at("2026-03-10T11:00:00+05:30"))
    # from Tue 11:00: +4h; +24h; 5bd = 120h = Tue 13h, Wed-Fri 72h (85), Mon 24h (109), Tue 11h
    assert clock.deadlines(kissflow).as_dict() == {
        "first_response": "2026-03-10T15:00:00+05:30",
        "workaround": "2026-03-11T11:00:00+05:30",
        "resolution": "2026-03-17T11:00:00+05:30",
    }


def test_engineer_confirmation_starts_the_clock_if_it_comes_first(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "high")
        .severity_decided(at("2026-03-10T10:30:00+05:30"), "high")
        .mark_complete(at("2026-03-10T11:00:00+05:30"))  # too late to move the start
    )
    assert clock.started_at == at("2026-03-10T10:30:00+05:30")
    assert clock.deadlines(kissflow).first_response == at("2026-03-10T14:30:00+05:30")


def test_complete_on_arrival_starts_at_receipt() -> None:
    assert SlaClock.opened(TUE_10, "low", complete=True).started_at == TUE_10


def test_on_receipt_plans_start_every_level_at_receipt() -> None:
    clock = SlaClock.opened(TUE_10, "low", start_clock=StartClock.ON_RECEIPT)
    assert clock.started_at == TUE_10


# ---------------------------------------------------------------- severity changes


def test_severity_change_recomputes_unmet_targets_from_the_change(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "high", complete=True)
        .first_response(at("2026-03-10T11:00:00+05:30"))
        .severity_decided(at("2026-03-10T12:00:00+05:30"), "critical")
    )
    deadlines = clock.deadlines(kissflow)
    # first response stays met, against its high deadline (10:00 + 4h)
    assert deadlines.first_response == at("2026-03-10T14:00:00+05:30")
    assert deadlines.met_at == {Clock.FIRST_RESPONSE: at("2026-03-10T11:00:00+05:30")}
    # critical targets from 12:00: workaround +4h, resolution +48h
    assert deadlines.workaround == at("2026-03-10T16:00:00+05:30")
    assert deadlines.resolution == at("2026-03-12T12:00:00+05:30")


def test_downgrade_before_first_response_moves_it_later(kubeark: SlaPlan) -> None:
    clock = SlaClock.opened(at("2026-03-10T10:00:00+02:00"), "critical").severity_decided(
        at("2026-03-10T10:30:00+02:00"), "low"
    )
    # low = 1bd = 8h from Tue 10:30: 6h30 Tue, Wed 09:00 + 1h30
    assert clock.deadlines(kubeark).first_response == at("2026-03-11T10:30:00+02:00")


def test_confirming_the_same_severity_changes_nothing() -> None:
    clock = SlaClock.opened(TUE_10, "high", complete=True)
    assert clock.severity_decided(at("2026-03-10T12:00:00+05:30"), Severity.HIGH) == clock


# ---------------------------------------------------------------- waiting on the customer


def test_wait_adds_its_open_time_to_workaround_and_resolution_only(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "critical")
        .pause(at("2026-03-10T11:00:00+05:30"))
        .resume(at("2026-03-10T13:00:00+05:30"))
    )
    # 2h waited: first response unchanged, workaround 14:00 -> 16:00, resolution Thu 10:00 -> 12:00
    assert clock.deadlines(kissflow).as_dict() == {
        "first_response": "2026-03-10T14:00:00+05:30",
        "workaround": "2026-03-10T16:00:00+05:30",
        "resolution": "2026-03-12T12:00:00+05:30",
    }


def test_wait_over_a_weekend_only_adds_back_open_time(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(at("2026-03-13T20:00:00+05:30"), "critical")
        .pause(at("2026-03-13T22:00:00+05:30"))
        .resume(at("2026-03-16T02:00:00+05:30"))
    )
    # open time waited = Fri 22:00-24:00 + Mon 00:00-02:00 = 4h (not the 52h of wall time).
    # workaround: 2h used before the wait, 2h from Mon 02:00 -> Mon 04:00
    # resolution: 46h left from Mon 02:00: Mon 22h, Tue 24h -> Wed 00:00
    assert clock.deadlines(kissflow).as_dict() == {
        "first_response": "2026-03-14T00:00:00+05:30",
        "workaround": "2026-03-16T04:00:00+05:30",
        "resolution": "2026-03-18T00:00:00+05:30",
    }


def test_wait_that_begins_after_a_breach_does_not_undo_it(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "critical")
        .pause(at("2026-03-10T15:00:00+05:30"))
        .resume(at("2026-03-10T17:00:00+05:30"))
    )
    deadlines = clock.deadlines(kissflow)
    assert deadlines.workaround == at("2026-03-10T14:00:00+05:30")  # breached before the wait
    assert deadlines.resolution == at("2026-03-12T12:00:00+05:30")  # still running: +2h


def test_running_wait_projects_deadlines_to_now(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "critical").pause(at("2026-03-10T11:00:00+05:30"))
    assert clock.is_paused
    deadlines = clock.deadlines(kissflow, now=at("2026-03-10T12:30:00+05:30"))
    assert deadlines.paused == frozenset({Clock.WORKAROUND, Clock.RESOLUTION})
    # 1h of workaround used; 3h left from "now" 12:30
    assert deadlines.workaround == at("2026-03-10T15:30:00+05:30")
    assert deadlines.first_response == at("2026-03-10T14:00:00+05:30")
    # without `now`: as if the wait ended where it began
    assert clock.deadlines(kissflow).workaround == at("2026-03-10T14:00:00+05:30")


def test_paused_targets_raise_no_alarms_but_first_response_does(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "critical").pause(at("2026-03-10T11:00:00+05:30"))
    assert {alarm.clock for alarm in clock.alarms(kissflow)} == {Clock.FIRST_RESPONSE}


def test_pause_and_resume_are_idempotent() -> None:
    paused = SlaClock.opened(TUE_10, "critical").pause(at("2026-03-10T11:00:00+05:30"))
    assert paused.pause(at("2026-03-10T12:00:00+05:30")) == paused
    running = paused.resume(at("2026-03-10T13:00:00+05:30"))
    assert running.resume(at("2026-03-10T14:00:00+05:30")) == running


# ---------------------------------------------------------------- met targets


def test_first_engineer_reply_meets_first_response_once(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "critical")
        .first_response(at("2026-03-10T11:00:00+05:30"))
        .first_response(at("2026-03-10T12:00:00+05:30"))
    )
    assert clock.met_at(Clock.FIRST_RESPONSE) == at("2026-03-10T11:00:00+05:30")
    assert Clock.FIRST_RESPONSE not in {alarm.clock for alarm in clock.alarms(kissflow)}


def test_reply_before_the_clock_started_meets_first_response_without_deadline(
    kissflow: SlaPlan,
) -> None:
    clock = (
        SlaClock.opened(TUE_10, "high")
        .first_response(at("2026-03-10T10:20:00+05:30"))
        .mark_complete(at("2026-03-10T11:00:00+05:30"))
    )
    deadlines = clock.deadlines(kissflow)
    assert deadlines.first_response is None
    assert deadlines.met_at[Clock.FIRST_RESPONSE] == at("2026-03-10T10:20:00+05:30")
    assert deadlines.workaround == at("2026-03-11T11:00:00+05:30")


def test_workaround_is_met_when_recorded(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "critical").workaround_provided(at("2026-03-10T13:00:00+05:30"))
    assert {alarm.clock for alarm in clock.alarms(kissflow)} == {
        Clock.FIRST_RESPONSE,
        Clock.RESOLUTION,
    }


def test_resolution_meets_its_target_and_silences_every_alarm(kissflow: SlaPlan) -> None:
    clock = SlaClock.opened(TUE_10, "critical").resolved(at("2026-03-11T09:00:00+05:30"))
    assert clock.resolved_at == at("2026-03-11T09:00:00+05:30")
    assert clock.alarms(kissflow) == []
    deadlines = clock.deadlines(kissflow)
    assert deadlines.met_at[Clock.RESOLUTION] == at("2026-03-11T09:00:00+05:30")
    assert deadlines.resolution == at("2026-03-12T10:00:00+05:30")


def test_resolving_during_a_wait_counts_the_wait_until_resolution(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "critical")
        .pause(at("2026-03-10T11:00:00+05:30"))
        .resolved(at("2026-03-10T15:00:00+05:30"))
        .resume(at("2026-03-10T16:00:00+05:30"))
    )
    # the met resolution is measured against 48h + the 4h waited until it was met
    assert clock.deadlines(kissflow).resolution == at("2026-03-12T14:00:00+05:30")


# ---------------------------------------------------------------- alarm instants


def test_alarms_fire_at_75_percent_and_at_the_breach(kissflow: SlaPlan) -> None:
    alarms = SlaClock.opened(TUE_10, "critical").alarms(kissflow)
    # 4h targets: 75 % = 3h -> 13:00; resolution 48h: 75 % = 36h -> Wed 22:00
    assert [(a.clock, a.kind, a.at) for a in alarms] == [
        (Clock.FIRST_RESPONSE, AlarmKind.WARN_75, at("2026-03-10T13:00:00+05:30")),
        (Clock.FIRST_RESPONSE, AlarmKind.BREACH, at("2026-03-10T14:00:00+05:30")),
        (Clock.WORKAROUND, AlarmKind.WARN_75, at("2026-03-10T13:00:00+05:30")),
        (Clock.WORKAROUND, AlarmKind.BREACH, at("2026-03-10T14:00:00+05:30")),
        (Clock.RESOLUTION, AlarmKind.WARN_75, at("2026-03-11T22:00:00+05:30")),
        (Clock.RESOLUTION, AlarmKind.BREACH, at("2026-03-12T10:00:00+05:30")),
    ]
    assert all(alarm.at.utcoffset() is not None and alarm.at.tzname() == "UTC" for alarm in alarms)


def test_warning_is_measured_in_open_time(kubeark: SlaPlan) -> None:
    alarms = SlaClock.opened(at("2026-03-10T15:00:00+02:00"), "high", complete=True).alarms(kubeark)
    # 4h: 75 % = 3h = Tue 15:00-17:00 + Wed 09:00-10:00; breach Wed 11:00
    assert [(a.kind, a.at) for a in alarms] == [
        (AlarmKind.WARN_75, at("2026-03-11T10:00:00+02:00")),
        (AlarmKind.BREACH, at("2026-03-11T11:00:00+02:00")),
    ]


def test_warning_of_a_15_minute_target_skips_the_weekend(sla_presets: dict[str, SlaPlan]) -> None:
    plan = sla_presets["collibra-premium"]  # 24x5, customer zone (New York by default)
    alarms = SlaClock.opened(at("2026-03-13T23:55:00-04:00"), "critical").alarms(plan)
    first_response = [a for a in alarms if a.clock is Clock.FIRST_RESPONSE]
    # 75 % of 15m = 11m15s: Fri 5m, Mon 00:00 + 6m15s; breach Fri 5m + Mon 10m
    assert [a.at for a in first_response] == [
        at("2026-03-16T00:06:15-04:00"),
        at("2026-03-16T00:10:00-04:00"),
    ]


def test_alarm_identity_survives_a_wait(kissflow: SlaPlan) -> None:
    before = SlaClock.opened(TUE_10, "critical")
    after = before.pause(at("2026-03-10T13:30:00+05:30")).resume(at("2026-03-10T14:30:00+05:30"))
    workaround_before = {a.kind: a for a in before.alarms(kissflow) if a.clock is Clock.WORKAROUND}
    workaround_after = {a.kind: a for a in after.alarms(kissflow) if a.clock is Clock.WORKAROUND}
    # the 13:00 warning (already sent before the wait) keeps its key and instant
    warning_before, warning_after = (
        workaround_before[AlarmKind.WARN_75],
        workaround_after[AlarmKind.WARN_75],
    )
    assert (warning_after.key, warning_after.at) == (warning_before.key, warning_before.at)
    # the breach moves one hour later, but it is still the same alarm
    breach = workaround_after[AlarmKind.BREACH]
    assert breach.at == at("2026-03-10T15:00:00+05:30")
    assert breach.due == at("2026-03-10T15:00:00+05:30")
    assert breach.key == workaround_before[AlarmKind.BREACH].key


def test_severity_change_gives_new_alarms(kissflow: SlaPlan) -> None:
    critical = SlaClock.opened(TUE_10, "critical")
    high = critical.severity_decided(at("2026-03-10T12:00:00+05:30"), "high")
    old_keys = {a.key for a in critical.alarms(kissflow)}
    new = {a.kind: a for a in high.alarms(kissflow) if a.clock is Clock.WORKAROUND}
    # high workaround 24h from the change at 12:00: warn at 18h = Wed 06:00, breach Wed 12:00
    assert new[AlarmKind.WARN_75].at == at("2026-03-11T06:00:00+05:30")
    assert new[AlarmKind.BREACH].at == at("2026-03-11T12:00:00+05:30")
    assert not {a.key for a in new.values()} & old_keys


# ---------------------------------------------------------------- persistence


def test_state_round_trips_through_json(kissflow: SlaPlan) -> None:
    clock = (
        SlaClock.opened(TUE_10, "high")
        .mark_complete(at("2026-03-10T10:30:00+05:30"))
        .first_response(at("2026-03-10T11:00:00+05:30"))
        .pause(at("2026-03-10T12:00:00+05:30"))
        .resume(at("2026-03-10T13:00:00+05:30"))
        .severity_decided(at("2026-03-10T14:00:00+05:30"), "critical")
        .pause(at("2026-03-10T15:00:00+05:30"))
    )
    restored = SlaClock.from_dict(json.loads(json.dumps(clock.to_dict())))
    assert restored == clock
    assert restored.deadlines(kissflow) == clock.deadlines(kissflow)
    assert restored.alarms(kissflow) == clock.alarms(kissflow)


@pytest.mark.parametrize(
    "state",
    [
        {"version": 99},
        {"version": 1, "severity": "high"},
        {"version": 1, "received_at": "2026-03-10T10:00:00+05:30", "severity": "urgent"},
        {"version": 1, "received_at": "2026-03-10T10:00:00", "severity": "high"},
        {"version": 1, "received_at": "yesterday", "severity": "high"},
    ],
)
def test_foreign_state_is_refused(state: dict[str, object]) -> None:
    with pytest.raises(ClockError):
        SlaClock.from_dict(state)


def test_naive_event_times_are_refused() -> None:
    with pytest.raises(ClockError, match="no UTC offset"):
        SlaClock.opened(datetime(2026, 3, 10, 10), "high")


def test_event_before_receipt_counts_as_receipt() -> None:
    clock = SlaClock.opened(TUE_10, "high").mark_complete(at("2026-03-10T09:59:00+05:30"))
    assert clock.started_at == TUE_10


def test_each_alarm_fires_exactly_once_across_a_restart(kissflow: SlaPlan) -> None:
    # Stands in for the scheduler: the unique (ticket, clock, kind, deadline) rows it stores,
    # and the ticket's JSON column, which is all that survives a restart.
    stored_keys: set[tuple[str, str, datetime]] = set()
    fired: list[SlaAlarm] = []

    def tick(state: dict[str, object], now: str) -> None:
        clock = SlaClock.from_dict(state)  # a fresh process reads the state back
        for alarm in clock.alarms(kissflow):
            if alarm.at <= at(now) and alarm.key not in stored_keys:
                stored_keys.add(alarm.key)
                fired.append(alarm)

    state = json.loads(json.dumps(SlaClock.opened(TUE_10, "critical").to_dict()))
    tick(state, "2026-03-10T13:05:00+05:30")  # both 75 % warnings
    tick(state, "2026-03-10T13:10:00+05:30")  # restarted replica: nothing new
    clock = SlaClock.from_dict(state).pause(at("2026-03-10T13:30:00+05:30"))
    state = json.loads(json.dumps(clock.resume(at("2026-03-10T14:30:00+05:30")).to_dict()))
    tick(state, "2026-03-10T14:31:00+05:30")  # first-response breach (14:00); workaround moved
    tick(state, "2026-03-10T15:01:00+05:30")  # workaround breach at its new 15:00 deadline
    tick(state, "2026-03-10T15:02:00+05:30")

    assert [(a.clock.value, a.kind.value) for a in fired] == [
        ("first_response", "warn_75"),
        ("workaround", "warn_75"),
        ("first_response", "breach"),
        ("workaround", "breach"),
    ]
