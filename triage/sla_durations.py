"""SLA target durations as written in config.yaml: `15m`, `4h`, `2bd`, or combinations (`1h30m`).

A business day (`bd`) has no fixed length: it is the daily window of the calendar the target
is measured in (8 h for 09:00-17:00, 24 h for 24x5 and 24x7), so the parsed value keeps days
and clock time apart until a calendar resolves it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta

_DURATION = re.compile(r"^(?:(?P<bd>\d+)bd)?(?:(?P<h>\d+)h)?(?:(?P<m>\d+)m)?$")

DURATION_HINT = "use 15m, 4h or 2bd"


class DurationError(ValueError):
    """A duration string that cannot be read; the message quotes it and shows the syntax."""


@dataclass(frozen=True, slots=True)
class SlaDuration:
    """A target length: whole business days plus clock time, both counted in open time only."""

    business_days: int = 0
    clock_time: timedelta = timedelta(0)

    def open_time(self, business_day: timedelta) -> timedelta:
        """The open time to consume, given the calendar's business-day length."""
        return self.business_days * business_day + self.clock_time

    def __str__(self) -> str:
        minutes = int(self.clock_time.total_seconds()) // 60
        parts = []
        if self.business_days:
            parts.append(f"{self.business_days}bd")
        if minutes // 60:
            parts.append(f"{minutes // 60}h")
        if minutes % 60:
            parts.append(f"{minutes % 60}m")
        return "".join(parts) or "0m"


def parse_duration(text: object) -> SlaDuration:
    """Read `15m`, `4h`, `2bd` or `1bd4h30m`; a zero length is refused (omit the target instead)."""
    if not isinstance(text, str):
        raise DurationError(f"{text!r} is not a duration ({DURATION_HINT})")
    compact = text.strip().lower().replace(" ", "")
    match = _DURATION.match(compact)
    if not compact or match is None:
        raise DurationError(f"{text!r} is not a duration ({DURATION_HINT})")
    duration = SlaDuration(
        business_days=int(match["bd"] or 0),
        clock_time=timedelta(hours=int(match["h"] or 0), minutes=int(match["m"] or 0)),
    )
    if duration.business_days == 0 and duration.clock_time == timedelta(0):
        raise DurationError(f"{text!r} is zero; leave the target out for no deadline")
    return duration
