"""Properties every calendar must have, over random starts and durations (hypothesis)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from triage.sla_calendar import BusinessCalendar, parse_calendar_spec
from triage.sla_clock import SlaClock
from triage.sla_plans import parse_plans

CALENDARS = [
    BusinessCalendar(parse_calendar_spec(spec), ZoneInfo(zone) if zone else None, country)
    for spec, zone, country in [
        ("mon-fri 09:00-17:00", "Europe/Bucharest", "RO"),
        ("mon-fri 09:00-17:00", "Asia/Shanghai", "CN"),
        ("mon-fri 09:00-18:00", "America/New_York", "US"),
        ("24x5", "America/New_York", "US"),
        ("24x5", "Asia/Kolkata", None),
        ("sun-thu 08:00-16:00", "Asia/Jerusalem", "IL"),
        # windows that contain DST switches and skipped/repeated hours
        ("mon-sun 00:00-24:00", "America/New_York", None),
        ("sun 01:30-03:30", "Europe/London", None),
        ("mon,wed,fri 10:00-24:00", "Australia/Lord_Howe", "AU"),
        ("24x7", None, None),
    ]
] + [
    BusinessCalendar(
        parse_calendar_spec("mon-fri 09:00-17:00"),
        ZoneInfo("Europe/Berlin"),
        "DE",
        [date(2026, 12, 24), date(2026, 12, 31)],
    )
]
ZONES = ["UTC", "Europe/Bucharest", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]

calendars = st.sampled_from(CALENDARS)
starts = st.builds(
    lambda instant, zone: instant.replace(tzinfo=UTC).astimezone(ZoneInfo(zone)),
    st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 12, 31)),
    st.sampled_from(ZONES),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))
TINY = timedelta(microseconds=1)


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations)
def test_deadline_is_never_before_start(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    assert calendar.add_business_duration(start, duration) >= start


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations, durations)
def test_deadline_grows_with_duration(
    calendar: BusinessCalendar, start: datetime, one: timedelta, other: timedelta
) -> None:
    shorter, longer = sorted((one, other))
    assert calendar.add_business_duration(start, shorter) <= calendar.add_business_duration(
        start, longer
    )


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations)
def test_deadline_is_open_time_or_exactly_a_close(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = calendar.add_business_duration(start, duration)
    closing_instant = not calendar.is_open(deadline) and calendar.is_open(deadline - TINY)
    assert calendar.is_open(deadline) or closing_instant


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations)
def test_open_time_between_start_and_deadline_is_the_duration(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    deadline = calendar.add_business_duration(start, duration)
    assert calendar.open_time_between(start, deadline) == duration


@settings(max_examples=300, deadline=None)
@given(calendars, starts, durations)
def test_closed_start_waits_for_the_next_opening(
    calendar: BusinessCalendar, start: datetime, duration: timedelta
) -> None:
    opening = calendar.next_opening(start)
    assert calendar.add_business_duration(start, duration) == calendar.add_business_duration(
        opening, duration
    )


@settings(max_examples=300, deadline=None)
@given(starts, durations)
def test_24x7_deadline_is_start_plus_duration(start: datetime, duration: timedelta) -> None:
    around_the_clock = BusinessCalendar(parse_calendar_spec("24x7"), None)
    deadline = around_the_clock.add_business_duration(start, duration)
    # Compare absolute instants: same-zone aware arithmetic would be wall-clock arithmetic.
    assert deadline.astimezone(UTC) == start.astimezone(UTC) + duration
    assert deadline.utcoffset() is not None


# ---------------------------------------------------------------- running clock with waits

WAITING_PLANS = parse_plans(
    {
        "round-the-week": {
            "calendar": "24x5",
            "timezone": "Asia/Kolkata",
            "targets": {"resolution": {"critical": "48h"}},
        },
        "office": {
            "calendar": "mon-fri 09:00-17:00",
            "timezone": "Europe/Bucharest",
            "holidays": "RO",
            "targets": {"resolution": {"critical": "3bd"}},
        },
    }
)
hours = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=60))


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(WAITING_PLANS)), starts, st.lists(st.tuples(hours, hours), max_size=4)
)
def test_waits_before_the_deadline_add_back_exactly_their_open_time(
    plan_name: str, start: datetime, waits: list[tuple[timedelta, timedelta]]
) -> None:
    plan = WAITING_PLANS[plan_name]
    calendar = plan.calendar_for()
    clock = SlaClock.opened(start, "critical")
    intervals = []
    cursor = start
    for gap, length in waits:
        intervals.append((cursor + gap, cursor + gap + length))
        cursor += gap + length
        clock = clock.pause(intervals[-1][0]).resume(intervals[-1][1])

    due = clock.deadlines(plan).resolution
    assert due is not None
    waited = sum(
        (
            calendar.open_time_between(begin, min(end, due))
            for begin, end in intervals
            if begin < due
        ),
        timedelta(0),
    )
    target = plan.target("resolution", "critical")
    assert target is not None
    assert calendar.open_time_between(start, due) - waited == target.open_time(
        calendar.business_day
    )
    warn, breach = clock.alarms(plan)
    assert breach.at == due
    assert start <= warn.at <= breach.at
