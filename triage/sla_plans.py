"""SLA plans: a calendar plus per-severity targets, read from the `plans:` section of config.yaml.

`parse_plans` validates everything up front and names the exact key of the first problem
(`plans.kubeark.targets.first_response.critical: '4x' is not a duration (use 15m, 4h or 2bd)`),
so a typo fails at start-up instead of producing a wrong deadline at 3 a.m.

Deadlines are expressed in the calendar's time zone (the customer's zone for `timezone:
customer` plans), so the UTC offset a customer sees is the one their business hours are
written in. A 24x7 plan without a time zone answers in the offset of the start time.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum
from functools import lru_cache
from typing import Any

from triage.levels import COMPLETENESS_FIELDS, DEFAULT_REQUIRED_FIELDS, SEVERITY_ORDER, Severity
from triage.sla_calendar import (
    BusinessCalendar,
    CalendarError,
    CalendarSpec,
    check_holiday_country,
    load_zone,
    parse_calendar_spec,
)
from triage.sla_durations import DurationError, SlaDuration, parse_duration

CUSTOMER = "customer"
DEFAULT_CUSTOMER_TZ = "America/New_York"
DEFAULT_CUSTOMER_COUNTRY = "US"


class Clock(StrEnum):
    """The three promises a plan can make; each has its own target per severity."""

    FIRST_RESPONSE = "first_response"
    WORKAROUND = "workaround"
    RESOLUTION = "resolution"


CLOCK_ORDER: tuple[Clock, ...] = (Clock.FIRST_RESPONSE, Clock.WORKAROUND, Clock.RESOLUTION)


class StartClock(StrEnum):
    """When a non-critical ticket's clock starts (critical ones always start on receipt)."""

    ON_RECEIPT = "on_receipt"
    ON_COMPLETE = "on_complete"  # complete, or an engineer confirmed the severity: first wins


class PlanConfigError(ValueError):
    """An invalid `plans:` entry; the message starts with the key path (`plans.x.calendar: ...`)."""


@dataclass(frozen=True)
class SlaPlan:
    """One support plan. `timezone`/`holidays` may be "customer": resolved per organisation."""

    name: str
    calendar: CalendarSpec
    timezone: str | None  # IANA name, CUSTOMER, or None (24x7 only: answer in the start's offset)
    holidays: str | None  # country code (`RO`, `US-CA`), CUSTOMER, or None
    extra_holidays: tuple[date, ...] = ()
    targets: Mapping[Clock, Mapping[Severity, SlaDuration]] = field(default_factory=dict)
    display_names: Mapping[Severity, str] = field(default_factory=dict)
    start_clock: StartClock = StartClock.ON_COMPLETE
    required_fields: tuple[str, ...] = DEFAULT_REQUIRED_FIELDS

    def target(self, clock: Clock | str, severity: Severity | str) -> SlaDuration | None:
        """The promised duration, or None when the plan promises nothing (e.g. "next release")."""
        return self.targets.get(Clock(clock), {}).get(Severity(severity))

    def display_name(self, severity: Severity | str) -> str:
        """The vendor's word for the level, so customers see the names in their contract."""
        level = Severity(severity)
        return self.display_names.get(level, level.value.capitalize())

    def severity_named(self, text: str) -> Severity | None:
        """A severity from its canonical or display name (`high`, `P2`, `Significant`)."""
        wanted = text.strip().casefold()
        for level in SEVERITY_ORDER:
            if wanted in (level.value, self.display_name(level).casefold()):
                return level
        return None

    def starts_on_receipt(self, severity: Severity | str) -> bool:
        """Critical tickets, and every ticket of an `on_receipt` plan, start at receipt."""
        return Severity(severity) is Severity.CRITICAL or self.start_clock is StartClock.ON_RECEIPT

    def calendar_for(
        self,
        customer_tz: str = DEFAULT_CUSTOMER_TZ,
        customer_country: str = DEFAULT_CUSTOMER_COUNTRY,
    ) -> BusinessCalendar:
        """The calendar for one customer (their zone/country only matter for "customer" plans).

        Raises `CalendarError` for an unknown customer zone or country.
        """
        zone = customer_tz if self.timezone == CUSTOMER else self.timezone
        country = customer_country if self.holidays == CUSTOMER else self.holidays
        if country is not None:
            country = check_holiday_country(country)
        return _calendar(self.calendar, zone, country, self.extra_holidays)


@lru_cache(maxsize=256)
def _calendar(
    spec: CalendarSpec, zone: str | None, country: str | None, extra: tuple[date, ...]
) -> BusinessCalendar:
    # Shared across tickets so the per-day window cache is warm for the scheduler.
    return BusinessCalendar(spec, load_zone(zone) if zone else None, country, extra)


@dataclass(frozen=True)
class Deadlines:
    """When each clock's target falls due (None: no target, or the clock has not started).

    Filled by `compute_deadlines` for a fresh start, and by a running `SlaClock`, which also
    says which targets are met (and when) and which are paused waiting on the customer; a met
    target keeps the deadline it was met against.
    """

    first_response: datetime | None = None
    workaround: datetime | None = None
    resolution: datetime | None = None
    met_at: Mapping[Clock, datetime] = field(default_factory=dict, hash=False)
    paused: frozenset[Clock] = frozenset()

    def due(self, clock: Clock | str) -> datetime | None:
        wanted = Clock(clock)
        if wanted is Clock.FIRST_RESPONSE:
            return self.first_response
        return self.workaround if wanted is Clock.WORKAROUND else self.resolution

    def as_dict(self) -> dict[str, str | None]:
        """ISO-8601 with UTC offsets (or None), keyed by clock name: the CLI's JSON contract."""
        return {
            clock.value: (due.isoformat() if (due := self.due(clock)) is not None else None)
            for clock in CLOCK_ORDER
        }


def compute_deadlines(
    plan: SlaPlan,
    severity: Severity | str,
    start: datetime,
    *,
    customer_tz: str = DEFAULT_CUSTOMER_TZ,
    customer_country: str = DEFAULT_CUSTOMER_COUNTRY,
) -> Deadlines:
    """Deadlines of a clock starting at `start`, in the calendar's zone (see module docstring)."""
    calendar = plan.calendar_for(customer_tz, customer_country)
    level = Severity(severity)

    def due(clock: Clock) -> datetime | None:
        target = plan.target(clock, level)
        if target is None:
            return None
        return calendar.add_business_duration(start, target.open_time(calendar.business_day))

    return Deadlines(
        first_response=due(Clock.FIRST_RESPONSE),
        workaround=due(Clock.WORKAROUND),
        resolution=due(Clock.RESOLUTION),
    )


# ---------------------------------------------------------------- parsing config.yaml `plans:`

_PLAN_KEYS = frozenset(
    {
        "calendar",
        "timezone",
        "holidays",
        "extra_holidays",
        "targets",
        "display_names",
        "start_clock",
        "required_fields",
    }
)
_NONE_WORDS = frozenset({"none", ""})
_CLOCK_NAMES = ", ".join(clock.value for clock in CLOCK_ORDER)


def parse_plans(raw: Mapping[str, Any] | None) -> dict[str, SlaPlan]:
    """Validate the `plans:` mapping of config.yaml into plans by name.

    Raises `PlanConfigError` naming the exact key path of the first problem.
    """
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise PlanConfigError("plans: must be a mapping of plan names to plans")
    plans: dict[str, SlaPlan] = {}
    for name, body in raw.items():
        if not isinstance(name, str) or not name.strip():
            raise PlanConfigError(f"plans: plan name {name!r} must be a non-empty string")
        plans[name] = _parse_plan(name, body, f"plans.{name}")
    return plans


def _parse_plan(name: str, body: Any, path: str) -> SlaPlan:
    if not isinstance(body, Mapping):
        raise PlanConfigError(f"{path}: must be a mapping with at least `calendar` and `targets`")
    unknown = sorted(str(key) for key in body if key not in _PLAN_KEYS)
    if unknown:
        raise PlanConfigError(
            f"{path}.{unknown[0]}: unknown key (expected one of {', '.join(sorted(_PLAN_KEYS))})"
        )
    if "calendar" not in body:
        raise PlanConfigError(f"{path}.calendar: missing (use 24x7, 24x5 or 'mon-fri 09:00-17:00')")
    try:
        spec = parse_calendar_spec(body["calendar"])
    except CalendarError as exc:
        raise PlanConfigError(f"{path}.calendar: {exc}") from None
    return SlaPlan(
        name=name,
        calendar=spec,
        timezone=_parse_timezone(body.get("timezone"), spec, f"{path}.timezone"),
        holidays=_parse_holidays(body.get("holidays"), f"{path}.holidays"),
        extra_holidays=_parse_extra_holidays(body.get("extra_holidays"), f"{path}.extra_holidays"),
        targets=_parse_targets(body.get("targets"), f"{path}.targets"),
        display_names=_parse_display_names(body.get("display_names"), f"{path}.display_names"),
        start_clock=_parse_start_clock(body.get("start_clock"), f"{path}.start_clock"),
        required_fields=_parse_required_fields(
            body.get("required_fields"), f"{path}.required_fields"
        ),
    )


def _parse_timezone(value: Any, spec: CalendarSpec, path: str) -> str | None:
    if value is None:
        if spec.is_around_the_clock:
            return None
        raise PlanConfigError(f"{path}: missing; calendar {spec} needs an IANA zone or 'customer'")
    if not isinstance(value, str):
        raise PlanConfigError(f"{path}: {value!r} is not a time zone name")
    if value.strip().lower() == CUSTOMER:
        return CUSTOMER
    try:
        return load_zone(value.strip()).key
    except CalendarError as exc:
        raise PlanConfigError(f"{path}: {exc}") from None


def _parse_holidays(value: Any, path: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        # YAML 1.1 reads bare no/NO (Norway!) and yes as booleans: refuse to guess which was meant.
        raise PlanConfigError(
            f"{path}: read as a boolean; write none for no holidays, or quote a code such as 'NO'"
        )
    if not isinstance(value, str):
        raise PlanConfigError(f"{path}: {value!r} is not a country code, 'customer' or 'none'")
    word = value.strip()
    if word.lower() in _NONE_WORDS:
        return None
    if word.lower() == CUSTOMER:
        return CUSTOMER
    try:
        return check_holiday_country(word)
    except CalendarError as exc:
        raise PlanConfigError(f"{path}: {exc}") from None


def _parse_extra_holidays(value: Any, path: str) -> tuple[date, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise PlanConfigError(f"{path}: must be a list of dates (YYYY-MM-DD)")
    days: list[date] = []
    for index, item in enumerate(value):
        # YAML already turns an unquoted 2026-12-24 into a date; accept quoted strings too.
        if isinstance(item, date) and not isinstance(item, datetime):
            days.append(item)
            continue
        try:
            days.append(date.fromisoformat(str(item).strip()))
        except ValueError:
            raise PlanConfigError(f"{path}[{index}]: {item!r} is not a date (YYYY-MM-DD)") from None
    return tuple(sorted(set(days)))


def _parse_targets(value: Any, path: str) -> dict[Clock, dict[Severity, SlaDuration]]:
    if value is None:
        raise PlanConfigError(f"{path}: missing (give at least first_response)")
    if not isinstance(value, Mapping):
        raise PlanConfigError(f"{path}: must map clocks to severities, e.g. first_response: {{}}")
    targets: dict[Clock, dict[Severity, SlaDuration]] = {}
    for clock_name, per_severity in value.items():
        if clock_name not in Clock._value2member_map_:
            raise PlanConfigError(f"{path}.{clock_name}: unknown clock (use {_CLOCK_NAMES})")
        clock = Clock(clock_name)
        clock_path = f"{path}.{clock_name}"
        if per_severity is None:
            continue
        if not isinstance(per_severity, Mapping):
            raise PlanConfigError(f"{clock_path}: must map severities to durations")
        durations: dict[Severity, SlaDuration] = {}
        for level_name, text in per_severity.items():
            if level_name not in Severity._value2member_map_:
                raise PlanConfigError(
                    f"{clock_path}.{level_name}: unknown severity (use critical, high, medium, low)"
                )
            if text is None:
                continue  # an explicit null: no promise for this level
            try:
                durations[Severity(level_name)] = parse_duration(text)
            except DurationError as exc:
                raise PlanConfigError(f"{clock_path}.{level_name}: {exc}") from None
        if durations:
            targets[clock] = durations
    return targets


def _parse_display_names(value: Any, path: str) -> dict[Severity, str]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise PlanConfigError(f"{path}: must map severities to names, e.g. {{critical: P1}}")
    names: dict[Severity, str] = {}
    for level_name, text in value.items():
        if level_name not in Severity._value2member_map_:
            raise PlanConfigError(
                f"{path}.{level_name}: unknown severity (use critical, high, medium, low)"
            )
        if not isinstance(text, str | int) or not str(text).strip():
            raise PlanConfigError(f"{path}.{level_name}: must be a non-empty name")
        names[Severity(level_name)] = str(text).strip()
    # `intake sla --severity` and the card accept either word, so no word may name two levels.
    for level, text in names.items():
        for other in SEVERITY_ORDER:
            if other is not level and text.casefold() in (
                other.value,
                names.get(other, other.value).casefold(),
            ):
                raise PlanConfigError(f"{path}.{level.value}: {text!r} also names {other.value}")
    return names


def _parse_start_clock(value: Any, path: str) -> StartClock:
    if value is None:
        return StartClock.ON_COMPLETE
    if value not in StartClock._value2member_map_:
        raise PlanConfigError(f"{path}: {value!r} is not on_receipt or on_complete")
    return StartClock(value)


def _parse_required_fields(value: Any, path: str) -> tuple[str, ...]:
    if value is None:
        return DEFAULT_REQUIRED_FIELDS
    if not isinstance(value, list):
        raise PlanConfigError(f"{path}: must be a list of field names")
    for index, name in enumerate(value):
        if name not in COMPLETENESS_FIELDS:
            raise PlanConfigError(
                f"{path}[{index}]: unknown field {name!r} (one of {', '.join(COMPLETENESS_FIELDS)})"
            )
    return tuple(dict.fromkeys(value))
