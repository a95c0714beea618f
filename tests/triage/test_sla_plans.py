"""Plan configuration: durations, validation that names the exact key, and plan lookups."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from triage.levels import DEFAULT_REQUIRED_FIELDS, Severity
from triage.sla_durations import DurationError, SlaDuration, parse_duration
from triage.sla_plans import (
    CUSTOMER,
    Clock,
    PlanConfigError,
    SlaPlan,
    StartClock,
    parse_plans,
)


def minimal(**overrides: Any) -> dict[str, Any]:
    plan: dict[str, Any] = {
        "calendar": "mon-fri 09:00-17:00",
        "timezone": "Europe/Bucharest",
        "targets": {"first_response": {"critical": "1h"}},
    }
    plan.update(overrides)
    return plan


# ---------------------------------------------------------------- durations


@pytest.mark.parametrize(
    ("text", "business_days", "clock_time"),
    [
        ("15m", 0, timedelta(minutes=15)),
        ("4h", 0, timedelta(hours=4)),
        ("72h", 0, timedelta(hours=72)),
        ("2bd", 2, timedelta(0)),
        ("1h30m", 0, timedelta(hours=1, minutes=30)),
        (" 1BD 4h ", 1, timedelta(hours=4)),
    ],
)
def test_durations_read_minutes_hours_and_business_days(
    text: str, business_days: int, clock_time: timedelta
) -> None:
    assert parse_duration(text) == SlaDuration(business_days, clock_time)


def test_a_business_day_is_as_long_as_the_calendar_says() -> None:
    two_days = parse_duration("2bd")
    assert two_days.open_time(timedelta(hours=8)) == timedelta(hours=16)
    assert two_days.open_time(timedelta(hours=9)) == timedelta(hours=18)
    assert two_days.open_time(timedelta(hours=24)) == timedelta(hours=48)


@pytest.mark.parametrize("text", ["4x", "", "h", "1.5h", "-1h", "2d", "4h 2bd", 4, None])
def test_unreadable_durations_show_the_syntax(text: object) -> None:
    with pytest.raises(DurationError, match="use 15m, 4h or 2bd"):
        parse_duration(text)


def test_a_zero_duration_is_refused() -> None:
    with pytest.raises(DurationError, match="zero"):
        parse_duration("0h")


# ---------------------------------------------------------------- parse_plans


def test_a_minimal_plan_gets_the_documented_defaults() -> None:
    plan = parse_plans({"acme": minimal()})["acme"]
    assert plan.start_clock is StartClock.ON_COMPLETE
    assert plan.required_fields == DEFAULT_REQUIRED_FIELDS
    assert plan.holidays is None
    assert plan.display_name("high") == "High"
    assert plan.target(Clock.FIRST_RESPONSE, Severity.CRITICAL) == SlaDuration(
        0, timedelta(hours=1)
    )
    assert plan.target(Clock.FIRST_RESPONSE, Severity.LOW) is None
    assert plan.target(Clock.RESOLUTION, Severity.CRITICAL) is None


def test_customer_zone_and_holidays_are_kept_symbolic() -> None:
    plan = parse_plans({"acme": minimal(timezone="customer", holidays="customer")})["acme"]
    assert (plan.timezone, plan.holidays) == (CUSTOMER, CUSTOMER)


def test_extra_holidays_accept_yaml_dates_and_strings() -> None:
    plan = parse_plans({"acme": minimal(extra_holidays=[date(2026, 12, 24), "2026-12-31"])})["acme"]
    assert plan.extra_holidays == (date(2026, 12, 24), date(2026, 12, 31))


def test_24x7_plans_need_no_zone() -> None:
    plan = parse_plans({"acme": minimal(calendar="24x7", timezone=None)})["acme"]
    assert plan.timezone is None


@pytest.mark.parametrize(
    ("plan", "message"),
    [
        (
            minimal(targets={"first_response": {"critical": "4x"}}),
            "plans.acme.targets.first_response.critical: '4x' is not a duration "
            "(use 15m, 4h or 2bd)",
        ),
        (minimal(calendar="weekdays"), "plans.acme.calendar: 'weekdays' is not a calendar"),
        (minimal(timezone="Europe/Bucharestt"), "plans.acme.timezone: unknown time zone"),
        (minimal(timezone=None), "plans.acme.timezone: missing"),
        (minimal(holidays="XX"), "plans.acme.holidays: unknown holiday country 'XX'"),
        (minimal(holidays=False), "plans.acme.holidays: read as a boolean"),
        (minimal(extra_holidays=["2026-13-01"]), "plans.acme.extra_holidays[0]: '2026-13-01'"),
        (minimal(targets={"reply": {"critical": "1h"}}), "plans.acme.targets.reply: unknown clock"),
        (
            minimal(targets={"resolution": {"urgent": "1h"}}),
            "plans.acme.targets.resolution.urgent: unknown severity",
        ),
        (minimal(targets=None), "plans.acme.targets: missing"),
        (minimal(start_clock="later"), "plans.acme.start_clock: 'later' is not on_receipt"),
        (minimal(required_fields=["logs", "mood"]), "plans.acme.required_fields[1]: unknown field"),
        (minimal(display_names={"urgent": "P1"}), "plans.acme.display_names.urgent: unknown"),
        (
            minimal(display_names={"critical": "High"}),
            "plans.acme.display_names.critical: 'High' also names high",
        ),
        (minimal(timezon="UTC"), "plans.acme.timezon: unknown key"),
        ({"calendar": "24x7"}, "plans.acme.targets: missing"),
        ("24x7", "plans.acme: must be a mapping"),
    ],
)
def test_config_errors_name_the_exact_key(plan: Any, message: str) -> None:
    with pytest.raises(PlanConfigError) as raised:
        parse_plans({"acme": plan})
    assert str(raised.value).startswith(message)


def test_an_empty_plans_section_is_no_plans() -> None:
    assert parse_plans(None) == {}
    assert parse_plans({}) == {}


# ---------------------------------------------------------------- lookups


def test_severity_accepts_canonical_and_vendor_words() -> None:
    plan = parse_plans({"acme": minimal(display_names={"critical": "Sev 1", "high": "Sev 2"})})[
        "acme"
    ]
    assert plan.severity_named("sev 1") is Severity.CRITICAL
    assert plan.severity_named("HIGH") is Severity.HIGH
    assert plan.severity_named("Medium") is Severity.MEDIUM
    assert plan.severity_named("Sev 9") is None


def test_critical_and_on_receipt_plans_start_on_receipt() -> None:
    plans = parse_plans({"a": minimal(), "b": minimal(start_clock="on_receipt")})
    on_complete: SlaPlan = plans["a"]
    on_receipt: SlaPlan = plans["b"]
    assert on_complete.starts_on_receipt("critical")
    assert not on_complete.starts_on_receipt("high")
    assert on_receipt.starts_on_receipt("low")


def test_customer_calendar_follows_the_customer() -> None:
    plan = parse_plans({"acme": minimal(timezone="customer", holidays="customer")})["acme"]
    berlin = plan.calendar_for("Europe/Berlin", "DE")
    assert berlin.describe() == "mon-fri 09:00-17:00 Europe/Berlin, holidays DE"
    assert plan.calendar_for().describe() == "mon-fri 09:00-17:00 America/New_York, holidays US"
