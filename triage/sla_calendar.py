"""Business calendars: when an SLA clock runs, and how far open time takes a deadline.

Three kinds, written as in config.yaml:

* `24x7`: every instant counts and holidays are ignored. Durations are absolute elapsed time.
* `24x5`: Monday 00:00 to Saturday 00:00 local time counts; holidays optional.
* weekly windows such as `mon-fri 09:00-18:00` (or `sun-thu 08:00-16:00`, `mon,wed,fri 10:00-14:00`;
  a window may close at `24:00`), in an IANA time zone, with optional holidays.

Windows are wall-clock local times computed per local date, so 09:00-17:00 stays 09:00-17:00
(eight hours) on both sides of a DST change. Open time inside a window is real elapsed time
between the window's actual instants (engineering notes §13); the two agree for every window
that does not itself contain a DST transition, which covers all the shipped presets.
A holiday closes the whole local day. Windows are half-open: at the closing instant the
calendar is closed, but a deadline that lands exactly there is that closing instant.

The walks step window by window (one local day at a time), never minute by minute, and each
calendar caches its windows and the `holidays` lookups, because the scheduler asks often.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache, lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

AROUND_THE_CLOCK = "24x7"
WEEKDAYS_AROUND_THE_CLOCK = "24x5"
WEEKLY = "weekly"

_DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY = re.compile(
    r"^(?P<days>[a-z,\-]+)\s+(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})$"
)
_MINUTES_PER_DAY = 24 * 60
# A calendar that finds no open time in ten years is misconfigured; stop instead of spinning.
_MAX_SEARCH_DAYS = 3660
_WINDOW_CACHE_LIMIT = 8192

CALENDAR_HINT = "use 24x7, 24x5 or days and hours like 'mon-fri 09:00-17:00'"


class CalendarError(ValueError):
    """A calendar that cannot be built or used: bad spec, unknown zone or country, naive time."""


@dataclass(frozen=True, slots=True)
class CalendarSpec:
    """The shape of a calendar, independent of its time zone and holidays."""

    kind: str  # AROUND_THE_CLOCK | WEEKDAYS_AROUND_THE_CLOCK | WEEKLY
    days: frozenset[int]  # open weekdays, Monday = 0
    opens: int  # minutes after local midnight
    closes: int  # minutes after local midnight, up to 1440 (24:00)

    @property
    def business_day(self) -> timedelta:
        """Length of one business day (`1bd`): the daily window, 24 h for 24x5 and 24x7."""
        return timedelta(minutes=self.closes - self.opens)

    @property
    def is_around_the_clock(self) -> bool:
        return self.kind == AROUND_THE_CLOCK

    def __str__(self) -> str:
        if self.kind != WEEKLY:
            return self.kind
        hours = f"{_format_minutes(self.opens)}-{_format_minutes(self.closes)}"
        return f"{_format_days(self.days)} {hours}"


def parse_calendar_spec(text: object) -> CalendarSpec:
    """Read `24x7`, `24x5` or `<days> HH:MM-HH:MM`; the error message shows the syntax."""
    if not isinstance(text, str):
        raise CalendarError(f"{text!r} is not a calendar ({CALENDAR_HINT})")
    normal = " ".join(text.strip().lower().split())
    if normal == AROUND_THE_CLOCK:
        return CalendarSpec(AROUND_THE_CLOCK, frozenset(range(7)), 0, _MINUTES_PER_DAY)
    if normal == WEEKDAYS_AROUND_THE_CLOCK:
        return CalendarSpec(WEEKDAYS_AROUND_THE_CLOCK, frozenset(range(5)), 0, _MINUTES_PER_DAY)
    match = _WEEKLY.match(normal)
    if match is None:
        raise CalendarError(f"{text!r} is not a calendar ({CALENDAR_HINT})")
    days = _parse_days(match["days"], text)
    opens = _parse_minutes(match["opens"], text)
    closes = _parse_minutes(match["closes"], text)
    if opens >= closes:
        raise CalendarError(
            f"{text!r}: the window must open before it closes (no overnight windows)"
        )
    return CalendarSpec(WEEKLY, days, opens, closes)


def _parse_days(text: str, whole: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.split(","):
        first, _, last = part.partition("-")
        if first not in _DAY_NAMES or (last and last not in _DAY_NAMES):
            raise CalendarError(f"{whole!r}: unknown day in {part!r} (use mon, tue, ... sun)")
        start = _DAY_NAMES.index(first)
        end = _DAY_NAMES.index(last) if last else start
        days.update((start + step) % 7 for step in range((end - start) % 7 + 1))
    return frozenset(days)


def _parse_minutes(text: str, whole: str) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    value = hours * 60 + minutes
    if minutes >= 60 or value > _MINUTES_PER_DAY:
        raise CalendarError(f"{whole!r}: {text!r} is not a time of day (00:00 to 24:00)")
    return value


def _format_minutes(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _format_days(days: frozenset[int]) -> str:
    for start in range(7):
        length = len(days)
        run = {(start + step) % 7 for step in range(length)}
        if run == days and (start - 1) % 7 not in days:
            if length == 1:
                return _DAY_NAMES[start]
            return f"{_DAY_NAMES[start]}-{_DAY_NAMES[(start + length - 1) % 7]}"
    return ",".join(_DAY_NAMES[day] for day in sorted(days))


def load_zone(name: str) -> ZoneInfo:
    """An IANA zone by name, or `CalendarError` naming it."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise CalendarError(f"unknown time zone {name!r}") from None


@cache
def _supported_countries() -> dict[str, tuple[str, ...]]:
    return {code: tuple(subdivs) for code, subdivs in holidays.list_supported_countries().items()}


def check_holiday_country(code: str) -> str:
    """Normalise `RO`, `us` or `US-CA` (country-subdivision) and check `holidays` knows it."""
    country, _, subdivision = code.strip().upper().partition("-")
    known = _supported_countries()
    if country not in known:
        raise CalendarError(f"unknown holiday country {code!r} (use an ISO code such as US or RO)")
    if subdivision and subdivision not in known[country]:
        raise CalendarError(f"unknown subdivision {subdivision!r} of holiday country {country}")
    return f"{country}-{subdivision}" if subdivision else country


@lru_cache(maxsize=1024)
def holiday_dates(country: str, year: int) -> frozenset[date]:
    """Public holidays (including observed days) of one country and year, cached."""
    code, _, subdivision = country.partition("-")
    return frozenset(holidays.country_holidays(code, subdiv=subdivision or None, years=year))


class BusinessCalendar:
    """One calendar in one zone with its holidays: answers every open-time question.

    Results are aware datetimes in the calendar's zone, so their UTC offsets are the ones
    the customer's business hours are written in. A zone-less 24x7 calendar answers in the
    offset of the datetime it was asked about.
    """

    def __init__(
        self,
        spec: CalendarSpec,
        zone: ZoneInfo | None,
        holiday_country: str | None = None,
        extra_holidays: Iterable[date] = (),
    ) -> None:
        if zone is None and not spec.is_around_the_clock:
            raise CalendarError(f"calendar {spec} needs a time zone")
        self.spec = spec
        self.zone = zone
        self.holiday_country = None if spec.is_around_the_clock else holiday_country
        self.extra_holidays = frozenset(() if spec.is_around_the_clock else extra_holidays)
        self._windows: dict[date, tuple[datetime, datetime] | None] = {}

    @property
    def business_day(self) -> timedelta:
        return self.spec.business_day

    def describe(self) -> str:
        """`mon-fri 09:00-17:00 Europe/Bucharest, holidays RO`: what a human needs to check it."""
        parts = [str(self.spec)]
        if self.zone is not None:
            parts.append(f" {self.zone.key}")
        if self.holiday_country:
            parts.append(f", holidays {self.holiday_country}")
        if self.extra_holidays:
            parts.append(f", {len(self.extra_holidays)} extra holiday(s)")
        return "".join(parts)

    def is_holiday(self, day: date) -> bool:
        """True when the whole local day is closed for a holiday."""
        if day in self.extra_holidays:
            return True
        return bool(self.holiday_country) and day in holiday_dates(self.holiday_country, day.year)

    def is_open(self, at: datetime) -> bool:
        """Whether the clock runs at this instant (a window's closing instant is closed)."""
        instant = _utc(at)
        if self.spec.is_around_the_clock:
            return True
        window = self._window_on(self._local_date(instant))
        return window is not None and window[0] <= instant < window[1]

    def next_opening(self, at: datetime) -> datetime:
        """`at` itself when open, else the instant open time next begins."""
        opens, _ = next(self._windows_from(_utc(at)))
        return self._present(opens, at)

    def add_business_duration(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of open time after `start` (a closed start waits for opening).

        A deadline that uses up a window exactly is that window's close, not the next opening.
        """
        if duration < timedelta(0):
            raise CalendarError(f"negative duration {duration}")
        remaining = duration
        for opens, closes in self._windows_from(_utc(start)):
            if remaining <= closes - opens:
                return self._present(opens + remaining, start)
            remaining -= closes - opens
        raise AssertionError("unreachable: _windows_from never ends without raising")

    def open_time_between(self, earlier: datetime, later: datetime) -> timedelta:
        """Open time in [earlier, later): what a running clock consumed (zero if reversed)."""
        begin, end = _utc(earlier), _utc(later)
        if end <= begin:
            return timedelta(0)
        total = timedelta(0)
        for opens, closes in self._windows_from(begin):
            if opens >= end:
                break
            total += min(closes, end) - opens
            if closes >= end:
                break
        return total

    def _windows_from(self, instant: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Open intervals (UTC) in time order, the first one clipped to start at `instant`."""
        if self.spec.is_around_the_clock:
            yield instant, instant + timedelta(days=_MAX_SEARCH_DAYS)
            raise CalendarError("duration longer than the calendar search horizon")
        day = self._local_date(instant)
        for offset in range(_MAX_SEARCH_DAYS):
            window = self._window_on(day + timedelta(days=offset))
            # A window wholly inside a skipped DST hour is empty: it never opens.
            if window is not None and window[1] > instant and window[1] > window[0]:
                yield max(window[0], instant), window[1]
        raise CalendarError(f"calendar {self.describe()} has no open time within ten years")

    def _window_on(self, day: date) -> tuple[datetime, datetime] | None:
        if day in self._windows:
            return self._windows[day]
        window = None
        if day.weekday() in self.spec.days and not self.is_holiday(day):
            midnight = datetime.combine(day, time(0))
            window = (
                self._wall_to_utc(midnight + timedelta(minutes=self.spec.opens)),
                self._wall_to_utc(midnight + timedelta(minutes=self.spec.closes)),
            )
        if len(self._windows) >= _WINDOW_CACHE_LIMIT:
            self._windows.clear()
        self._windows[day] = window
        return window

    def _local_date(self, instant: datetime) -> date:
        assert self.zone is not None
        return instant.astimezone(self.zone).date()

    def _wall_to_utc(self, wall: datetime) -> datetime:
        """Local wall time to UTC: a repeated time is its first occurrence, a skipped time
        (spring-forward gap) the transition instant, so later wall times never map earlier."""
        zone = self.zone
        assert zone is not None
        first = wall.replace(tzinfo=zone, fold=0).astimezone(UTC)
        if first.astimezone(zone).replace(tzinfo=None) == wall:
            return first
        # In a gap, fold=1 lands before the transition and fold=0 after it; bisect to the second.
        low = wall.replace(tzinfo=zone, fold=1).astimezone(UTC)
        high = first
        while high - low > timedelta(seconds=1):
            middle = low + (high - low) / 2
            if middle.astimezone(zone).replace(tzinfo=None) >= wall:
                high = middle
            else:
                low = middle
        return high.replace(microsecond=0)

    def _present(self, instant: datetime, asked: datetime) -> datetime:
        target: tzinfo | None = self.zone if self.zone is not None else asked.tzinfo
        return instant.astimezone(target)


def _utc(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise CalendarError(f"{at.isoformat()} has no UTC offset; SLA times must be aware")
    return at.astimezone(UTC)
