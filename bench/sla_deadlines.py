"""SLA engine benchmark: how many deadlines and alarm lists per second the scheduler can afford.

    .venv/bin/python bench/sla_deadlines.py [-n 20000]

1. `compute_deadlines` for every preset over N pseudo-random starts in 2026 (seeded), with a
   random severity: calls/s per preset, first with cold window caches, then warm.
2. `SlaClock.alarms` for N running tickets of kissflow (24x5, three clocks) and kubeark
   (office hours), half of them with a finished wait on the customer: tickets/s.
3. A long target: 40bd on office hours, to show the walk is per window, not per minute.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

from triage.levels import SEVERITY_ORDER
from triage.sla_calendar import BusinessCalendar, parse_calendar_spec
from triage.sla_clock import SlaClock
from triage.sla_plans import SlaPlan, _calendar, compute_deadlines, parse_plans

REPO = Path(__file__).resolve().parents[1]


def starts(count: int, seed: int = 7) -> list[datetime]:
    rng = random.Random(seed)
    origin = datetime(2026, 1, 1, tzinfo=UTC)
    return [origin + timedelta(minutes=rng.randrange(365 * 24 * 60)) for _ in range(count)]


def rate(label: str, count: int, work: Callable[[], None]) -> None:
    began = time.perf_counter()
    work()
    elapsed = time.perf_counter() - began
    print(f"  {label:<44} {count / elapsed:>10,.0f}/s  ({elapsed * 1e6 / count:,.1f} µs each)")


def bench_deadlines(plans: dict[str, SlaPlan], instants: list[datetime]) -> None:
    print(f"compute_deadlines, {len(instants):,} starts per preset")
    rng = random.Random(11)
    levels = [rng.choice(SEVERITY_ORDER) for _ in instants]
    for name, plan in plans.items():
        for phase in ("cold", "warm"):
            if phase == "cold":
                _calendar.cache_clear()

            def work(plan: SlaPlan = plan) -> None:
                for start, level in zip(instants, levels, strict=True):
                    compute_deadlines(plan, level, start)

            rate(f"{name} ({phase})", len(instants), work)


def bench_alarms(plans: dict[str, SlaPlan], instants: list[datetime]) -> None:
    print(f"SlaClock.alarms, {len(instants):,} running tickets")
    for name in ("kissflow", "kubeark"):
        plan = plans[name]
        clocks = []
        for index, start in enumerate(instants):
            clock = SlaClock.opened(start, SEVERITY_ORDER[index % 4], complete=True)
            if index % 2:
                clock = clock.pause(start + timedelta(hours=1)).resume(start + timedelta(hours=5))
            clocks.append(clock)

        def work(plan: SlaPlan = plan, clocks: list[SlaClock] = clocks) -> None:
            for clock in clocks:
                clock.alarms(plan)

        rate(f"{name}: alarms()", len(clocks), work)

        def round_trip(clocks: list[SlaClock] = clocks) -> None:
            for clock in clocks:
                SlaClock.from_dict(clock.to_dict())

        rate(f"{name}: to_dict + from_dict", len(clocks), round_trip)


def bench_long_target(instants: list[datetime]) -> None:
    print("long target")
    office = BusinessCalendar(
        parse_calendar_spec("mon-fri 09:00-17:00"), ZoneInfo("Europe/Bucharest"), "RO"
    )
    sample = instants[:2000]

    def work() -> None:
        for start in sample:
            office.add_business_duration(start, timedelta(hours=8 * 40))

    rate("office hours, 40bd (≈ 2 months of windows)", len(sample), work)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=20000, help="starts / tickets per measurement")
    args = parser.parse_args()
    plans = parse_plans(yaml.safe_load((REPO / "config.yaml").read_text())["plans"])
    instants = starts(args.n)
    bench_deadlines(plans, instants)
    bench_alarms(plans, instants)
    bench_long_target(instants)


if __name__ == "__main__":
    main()
