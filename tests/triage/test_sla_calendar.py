"""Business calendars: spec syntax, open/closed instants, open-time sums, holidays and DST.

Expected values are worked out by hand (comments show how); 2026-03-09 is a Monday.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from triage.sla_calendar import (
    BusinessCalendar,
    CalendarError,
    check_holiday_country,
    parse_calendar_spec,
)

BUCHAREST = ZoneInfo("Europe/Bucharest")
NEW_YORK = ZoneInfo("America/New_York")


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def calendar(
    spec: str, zone: ZoneInfo | None = BUCHAREST, country: str | None = None, extra: tuple = ()
) -> BusinessCalendar:
    return BusinessCalendar(parse_calendar_spec(spec), zone, country, extra)


# ---------------------------------------------------------------- spec syntax


@pytest.mark.parametrize(
    ("text", "canonical", "day_hours"),
    [
        ("24x7", "24x7", 24),
        ("24X5", "24x5", 24),
        ("mon-fri 09:00-17:00", "mon-fri 09:00-17:00", 8),
        ("Mon-Fri  9:00 - 18:00", "mon-fri 09:00-18:00", 9),
        ("sun-thu 08:00-16:00", "sun-thu 08:00-16:00", 8),
        ("mon,wed,fri 10:00-24:00", "mon,wed,fri 10:00-24:00", 14),
        ("fri-mon 09:00-17:00", "fri-mon 09:00-17:00", 8),
    ],
)
def test_spec_reads_and_names_the_business_day(text: str, canonical: str, day_hours: int) -> None:
    spec = parse_calendar_spec(text)
    assert str(spec) == canonical
    assert spec.business_day == timedelta(hours=day_hours)


def test_wrapping_day_range_covers_the_weekend_days() -> None:
    assert parse_calendar_spec("sun-thu 08:00-16:00").days == frozenset({6, 0, 1, 2, 3})


@pytest.mark.parametrize(
    "text",
    ["", "24x6", "mon-fri", "mon-fri 17:00-09:00", "mon-fry 09:00-17:00", "mon 09:00-25:00",
     "mon 09:61-10:00", "9 to 5", 24],
)  # fmt: skip
def test_spec_rejects_what_it_cannot_read(text: object) -> None:
    with pytest.raises(CalendarError):
        parse_calendar_spec(text)


def test_weekly_calendar_needs_a_zone() -> None:
    with pytest.raises(CalendarError, match="needs a time zone"):
        calendar("mon-fri 09:00-17:00", zone=None)


# ---------------------------------------------------------------- open and closed instants


def test_window_is_open_from_opening_to_just_before_close() -> None:
    office = calendar("mon-fri 09:00-17:00")
    assert not office.is_open(at("2026-03-09T08:59:59+02:00"))
    assert office.is_open(at("2026-03-09T09:00:00+02:00"))
    assert office.is_open(at("2026-03-09T16:59:59+02:00"))
    assert not office.is_open(at("2026-03-09T17:00:00+02:00"))
    assert not office.is_open(at("2026-03-07T12:00:00+02:00"))  # Saturday


def test_openness_is_judged_in_the_calendar_zone() -> None:
    # 07:30Z is 09:30 in Bucharest (open) even though it is 07:30 in London.
    assert calendar("mon-fri 09:00-17:00").is_open(at("2026-03-09T07:30:00+00:00"))


def test_next_opening_is_the_instant_itself_when_open() -> None:
    office = calendar("mon-fri 09:00-17:00")
    assert office.next_opening(at("2026-03-09T10:00:00+02:00")) == at("2026-03-09T10:00:00+02:00")
    # Friday 17:00 is closed: next opening Monday 09:00
    assert office.next_opening(at("2026-03-06T17:00:00+02:00")) == at("2026-03-09T09:00:00+02:00")


def test_24x5_runs_monday_midnight_to_saturday_midnight() -> None:
    weekdays = calendar("24x5", zone=ZoneInfo("Asia/Kolkata"))
    assert weekdays.is_open(at("2026-03-09T00:00:00+05:30"))  # Monday 00:00
    assert weekdays.is_open(at("2026-03-13T23:59:59+05:30"))  # Friday 23:59:59
    assert not weekdays.is_open(at("2026-03-14T00:00:00+05:30"))  # Saturday 00:00
    assert not weekdays.is_open(at("2026-03-15T23:59:59+05:30"))  # Sunday


def test_24x7_is_always_open_and_ignores_holidays() -> None:
    always = calendar("24x7", zone=None, country="RO")
    assert always.is_open(at("2026-12-01T03:00:00+02:00"))
    assert always.holiday_country is None


# ---------------------------------------------------------------- open time between two instants


def test_open_time_skips_nights_and_weekends() -> None:
    office = calendar("mon-fri 09:00-17:00")
    # Fri 15:00-17:00 = 2h, Mon 09:00-11:30 = 2h30
    assert office.open_time_between(
        at("2026-03-06T15:00:00+02:00"), at("2026-03-09T11:30:00+02:00")
    ) == timedelta(hours=4, minutes=30)


def test_open_time_of_a_reversed_or_closed_interval_is_zero() -> None:
    office = calendar("mon-fri 09:00-17:00")
    assert office.open_time_between(
        at("2026-03-09T12:00:00+02:00"), at("2026-03-09T10:00:00+02:00")
    ) == timedelta(0)
    assert office.open_time_between(
        at("2026-03-07T09:00:00+02:00"), at("2026-03-08T18:00:00+02:00")
    ) == timedelta(0)


def test_open_time_undoes_adding_business_time() -> None:
    office = calendar("mon-fri 09:00-17:00", country="RO")
    start = at("2026-11-27T16:30:00+02:00")
    deadline = office.add_business_duration(start, timedelta(hours=11))
    # Fri 30m; 30 Nov and 1 Dec holidays; Wed 8h (8h30); Thu 09:00 + 2h30
    assert deadline == at("2026-12-03T11:30:00+02:00")
    assert office.open_time_between(start, deadline) == timedelta(hours=11)


def test_24x7_open_time_is_real_elapsed_time_across_dst() -> None:
    always = calendar("24x7", zone=None)
    # Sat 12:00 EST to Sun 12:00 EDT is only 23 real hours
    begin = datetime(2026, 3, 7, 12, tzinfo=NEW_YORK)
    end = datetime(2026, 3, 8, 12, tzinfo=NEW_YORK)
    assert always.open_time_between(begin, end) == timedelta(hours=23)


# ---------------------------------------------------------------- holidays


def test_holiday_closes_the_whole_local_day() -> None:
    office = calendar("mon-fri 09:00-17:00", country="RO")
    assert office.is_holiday(date(2026, 12, 1))
    assert not office.is_open(at("2026-12-01T10:00:00+02:00"))
    # 1 Dec 00:30 in Bucharest is still 30 Nov in UTC: the local date decides.
    assert office.is_holiday(at("2026-11-30T22:30:00+00:00").astimezone(BUCHAREST).date())


def test_extra_holidays_close_days_the_country_list_does_not() -> None:
    office = calendar("mon-fri 09:00-17:00", extra=(date(2026, 3, 10),))
    # Mon 16:00 + 2h: 1h Monday, Tuesday is an extra holiday, Wed 09:00 + 1h
    assert office.add_business_duration(at("2026-03-09T16:00:00+02:00"), timedelta(hours=2)) == at(
        "2026-03-11T10:00:00+02:00"
    )


def test_24x5_holiday_closes_a_full_weekday() -> None:
    weekdays = calendar("24x5", zone=NEW_YORK, country="US")
    # Wed 23:00 + 2h: 1h Wednesday, Thanksgiving closed, Fri 00:00 + 1h
    assert weekdays.add_business_duration(
        at("2026-11-25T23:00:00-05:00"), timedelta(hours=2)
    ) == at("2026-11-27T01:00:00-05:00")


@pytest.mark.parametrize(("code", "normal"), [("ro", "RO"), ("US-CA", "US-CA"), (" de ", "DE")])
def test_holiday_countries_are_normalised(code: str, normal: str) -> None:
    assert check_holiday_country(code) == normal


@pytest.mark.parametrize("code", ["XX", "Romania", "US-ZZ"])
def test_unknown_holiday_countries_are_refused(code: str) -> None:
    with pytest.raises(CalendarError):
        check_holiday_country(code)


def test_subdivision_holidays_apply() -> None:
    # César Chávez Day (31 March) is a California state holiday, not a federal one.
    california = calendar(
        "mon-fri 09:00-17:00", zone=ZoneInfo("America/Los_Angeles"), country="US-CA"
    )
    federal = calendar("mon-fri 09:00-17:00", zone=ZoneInfo("America/Los_Angeles"), country="US")
    assert california.is_holiday(date(2026, 3, 31))
    assert not federal.is_holiday(date(2026, 3, 31))


# ---------------------------------------------------------------- DST


def test_office_day_keeps_its_local_hours_across_spring_forward() -> None:
    office = calendar("mon-fri 09:00-17:00")
    # Friday before the switch opens 07:00Z, Monday after it 06:00Z: both 09:00 local.
    assert office.next_opening(at("2026-03-27T05:00:00+00:00")) == at("2026-03-27T09:00:00+02:00")
    assert office.next_opening(at("2026-03-28T12:00:00+00:00")) == at("2026-03-30T09:00:00+03:00")
    assert office.open_time_between(
        at("2026-03-30T00:00:00+03:00"), at("2026-03-31T00:00:00+03:00")
    ) == timedelta(hours=8)


def test_window_containing_the_switch_counts_real_elapsed_time() -> None:
    # A window that spans the NY spring-forward (Sunday 02:00 -> 03:00) lasts 23 real hours.
    every_day = calendar("mon-sun 00:00-24:00", zone=NEW_YORK)
    assert every_day.open_time_between(
        at("2026-03-08T00:00:00-05:00"), at("2026-03-09T00:00:00-04:00")
    ) == timedelta(hours=23)


def test_window_opening_in_the_skipped_hour_opens_when_the_clock_jumps() -> None:
    # 02:30 does not exist on 2026-03-08 in New York; the window opens at 03:00 EDT (07:00Z).
    sunday = calendar("sun 02:30-05:00", zone=NEW_YORK)
    assert sunday.next_opening(at("2026-03-08T01:00:00-05:00")) == at("2026-03-08T03:00:00-04:00")
    assert sunday.open_time_between(
        at("2026-03-08T00:00:00-05:00"), at("2026-03-08T12:00:00-04:00")
    ) == timedelta(hours=2)


def test_window_closing_in_the_repeated_hour_closes_at_its_first_occurrence() -> None:
    # 01:30 happens twice on 2026-11-01 in New York; the window closes at the first (05:30Z).
    # (Compared as text: Python's == is always False across zones for an ambiguous time.)
    sunday = calendar("sun 00:00-01:30", zone=NEW_YORK)
    deadline = sunday.add_business_duration(
        at("2026-11-01T00:00:00-04:00"), timedelta(hours=1, minutes=30)
    )
    assert deadline.isoformat() == "2026-11-01T01:30:00-04:00"
    assert not sunday.is_open(at("2026-11-01T01:15:00-05:00"))  # the second 01:15


# ---------------------------------------------------------------- guards


def test_naive_datetimes_are_refused() -> None:
    office = calendar("mon-fri 09:00-17:00")
    with pytest.raises(CalendarError, match="no UTC offset"):
        office.add_business_duration(datetime(2026, 3, 9, 10), timedelta(hours=1))


def test_negative_durations_are_refused() -> None:
    with pytest.raises(CalendarError, match="negative"):
        calendar("24x7", zone=None).add_business_duration(
            at("2026-03-09T10:00:00+00:00"), timedelta(hours=-1)
        )


def test_zero_duration_from_closed_time_is_the_next_opening() -> None:
    office = calendar("mon-fri 09:00-17:00")
    assert office.add_business_duration(at("2026-03-07T12:00:00+02:00"), timedelta(0)) == at(
        "2026-03-09T09:00:00+02:00"
    )


def test_results_are_expressed_in_the_calendar_zone() -> None:
    office = calendar("mon-fri 09:00-17:00")
    deadline = office.add_business_duration(at("2026-03-09T08:00:00+00:00"), timedelta(hours=1))
    assert deadline.tzinfo == BUCHAREST
    assert deadline.isoformat() == "2026-03-09T11:00:00+02:00"
