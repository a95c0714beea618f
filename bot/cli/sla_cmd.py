"""`intake sla`: the deadlines a plan gives a ticket of one severity starting at one instant.

Lets support staff (and checks) see exactly what the bot will promise, with the same plans
`serve` reads, before a customer ever sees it.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Annotated

import typer

from bot.cli import app
from bot.cli.errors import UsageError
from bot.config import ConfigError, load_config
from triage.levels import SEVERITY_ORDER
from triage.sla_calendar import CalendarError, check_holiday_country, load_zone
from triage.sla_plans import (
    CLOCK_ORDER,
    DEFAULT_CUSTOMER_COUNTRY,
    DEFAULT_CUSTOMER_TZ,
    SlaPlan,
    compute_deadlines,
)


@app.command("sla")
def sla(
    plan: Annotated[str, typer.Option("--plan", help="Plan name from config.yaml `plans:`.")],
    severity: Annotated[
        str, typer.Option("--severity", help="critical/high/medium/low or the plan's own name.")
    ],
    start: Annotated[str, typer.Option("--start", help="Clock start, ISO-8601 with UTC offset.")],
    tz: Annotated[
        str | None,
        typer.Option(
            "--tz", help=f"Customer time zone for `customer` plans [{DEFAULT_CUSTOMER_TZ}]."
        ),
    ] = None,
    country: Annotated[
        str | None,
        typer.Option(
            "--country",
            help=f"Customer holiday country for `customer` plans [{DEFAULT_CUSTOMER_COUNTRY}].",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Show the first-response, workaround and resolution deadlines of a plan."""
    started = _parse_start(start)
    customer_tz = _check_zone(tz or DEFAULT_CUSTOMER_TZ)
    customer_country = _check_country(country or DEFAULT_CUSTOMER_COUNTRY)
    chosen = _plan(plan)
    level = chosen.severity_named(severity)
    if level is None:
        names = ", ".join(f"{lvl.value} ({chosen.display_name(lvl)})" for lvl in SEVERITY_ORDER)
        raise UsageError(f"unknown severity {severity!r} for plan {plan!r} (use {names})")
    calendar = chosen.calendar_for(customer_tz, customer_country)
    deadlines = compute_deadlines(
        chosen, level, started, customer_tz=customer_tz, customer_country=customer_country
    )
    if as_json:
        payload = {
            "plan": chosen.name,
            "severity": level.value,
            "calendar": calendar.describe(),
            "deadlines": deadlines.as_dict(),
        }
        typer.echo(json.dumps(payload))
        return
    typer.echo(f"plan      {chosen.name}: {calendar.describe()}")
    typer.echo(f"severity  {level.value} ({chosen.display_name(level)})")
    typer.echo(f"start     {started.isoformat()}")
    for clock in CLOCK_ORDER:
        due = deadlines.due(clock)
        target = chosen.target(clock, level)
        shown = f"{due.isoformat()}  ({target})" if due is not None else "no target"
        typer.echo(f"{clock.value:<15} {shown}")


def _parse_start(text: str) -> datetime:
    try:
        started = datetime.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"--start {text!r} is not an ISO-8601 time (e.g. 2026-03-10T09:30:00+02:00)"
        ) from None
    if started.tzinfo is None or started.utcoffset() is None:
        raise UsageError(f"--start {text!r} has no UTC offset (add e.g. +02:00 or Z)")
    return started


def _check_zone(name: str) -> str:
    try:
        return load_zone(name).key
    except CalendarError as exc:
        raise UsageError(f"--tz: {exc}") from None


def _check_country(code: str) -> str:
    try:
        return check_holiday_country(code)
    except CalendarError as exc:
        raise UsageError(f"--country: {exc}") from None


def _plan(name: str) -> SlaPlan:
    try:
        plans: dict[str, SlaPlan] = load_config().sla_plans
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    if name not in plans:
        known = ", ".join(sorted(plans)) or "none configured"
        raise UsageError(f"unknown plan {name!r} (known: {known})")
    return plans[name]
