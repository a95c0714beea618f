"""`intake tickets list|show|confirm|set-severity`: the store from the command line.

Reads the same INTAKE_DATABASE_URL as `serve` and works while it runs (SQLite WAL readers
never block the writer). Decisions go through the same `TicketDesk` as the Slack buttons.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import typer

from bot.cli import app
from bot.cli.errors import CliError, UsageError
from bot.cli.store_access import run_with_store
from bot.ticket_json import event_json, message_json, ticket_summary
from models.store import Store
from models.tables import Ticket, TicketStatus
from models.ticket_queries import audit_events, conversation_messages, list_tickets
from triage.levels import Severity

if TYPE_CHECKING:
    from bot.ticket_desk import TicketDesk

tickets_app = typer.Typer(help="List, inspect and decide tickets.", no_args_is_help=True)
app.add_typer(tickets_app, name="tickets")


def _print_json(value: object) -> None:
    typer.echo(json.dumps(value, ensure_ascii=False, indent=None))


@tickets_app.command("list")
def list_command(
    as_json: bool = typer.Option(False, "--json", help="JSON array on stdout."),
    limit: int = typer.Option(0, help="At most this many (0 = all)."),
) -> None:
    """Every ticket, oldest first."""

    async def work(store: Store) -> list[dict[str, object]]:
        async with store.reading() as session:
            return [ticket_summary(t) for t in await list_tickets(session, limit=limit or None)]

    tickets = run_with_store(work)
    if as_json:
        _print_json(tickets)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("id", "channel", "requester", "subject", "status", "severity", "missing")
    for t in tickets:
        table.add_row(
            str(t["id"]),
            str(t["channel"]),
            str(t["requester"]),
            str(t["subject"] or "")[:50],
            str(t["status"]),
            f"{t['severity']} ({t['severity_source']})",
            ", ".join(t["missing"]),  # type: ignore[arg-type]
        )
    Console().print(table)


@tickets_app.command("show")
def show_command(
    ticket_id: int = typer.Argument(..., help="Ticket number."),
    as_json: bool = typer.Option(False, "--json", help="JSON object on stdout."),
) -> None:
    """One ticket with its messages and audit events."""

    async def work(store: Store) -> dict[str, object]:
        async with store.reading() as session:
            ticket = await session.get(Ticket, ticket_id)
            if ticket is None:
                raise CliError(f"no ticket #{ticket_id}")
            data = ticket_summary(ticket)
            data["messages"] = [
                message_json(m)
                for m in await conversation_messages(session, ticket.conversation_id)
            ]
            data["events"] = [event_json(e) for e in await audit_events(session, ticket_id)]
            data["completeness"] = ticket.completeness
            return data

    data = run_with_store(work)
    if as_json:
        _print_json(data)
        return
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _with_desk(action: Callable[[TicketDesk], Awaitable[Ticket]]) -> dict[str, object]:
    """Run an engineer's action through the same desk serve uses (audit, clocks, notices)."""
    from bot.config import load_config
    from bot.settings import load_settings
    from bot.ticket_desk import TicketNotFound, assemble_desk

    settings = load_settings()
    config = load_config(settings.config)

    async def work(store: Store) -> dict[str, object]:
        desk = assemble_desk(
            store,
            config=config,
            model_dir=settings.resolved_model_dir,
            slack_enabled=bool(settings.slack_bot_token),
        )
        try:
            return ticket_summary(await action(desk))
        except TicketNotFound as exc:
            raise CliError(str(exc)) from None

    return run_with_store(work)


def _decide(ticket_id: int, level: Severity | None, by: str) -> dict[str, object]:
    async def action(desk: TicketDesk) -> Ticket:
        return (await desk.decide_severity(ticket_id, level=level, actor=by)).ticket

    return _with_desk(action)


@tickets_app.command("set-status")
def set_status_command(
    ticket_id: int = typer.Argument(...),
    status: str = typer.Argument(..., help="open, waiting_on_customer or resolved"),
    by: str = typer.Option(..., "--by", help="Who changes it (recorded in the audit log)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Change the status: waiting_on_customer pauses workaround/resolution clocks."""
    allowed = [s.value for s in TicketStatus]
    if status not in allowed:
        raise UsageError(f"unknown status {status!r}: use {', '.join(allowed)}")

    async def action(desk: TicketDesk) -> Ticket:
        return await desk.change_status(ticket_id, status, actor=by)

    result = _with_desk(action)
    if as_json:
        _print_json(result)
    else:
        typer.echo(f"ticket #{ticket_id}: status {status} (by {by})", err=True)


@tickets_app.command("confirm")
def confirm_command(
    ticket_id: int = typer.Argument(...),
    by: str = typer.Option(..., "--by", help="Who confirms (recorded in the audit log)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Confirm the suggested severity."""
    result = _decide(ticket_id, None, by)
    _print_json(result) if as_json else typer.echo(
        f"ticket #{ticket_id}: {result['severity']} confirmed by {by}", err=True
    )


@tickets_app.command("set-severity")
def set_severity_command(
    ticket_id: int = typer.Argument(...),
    level: str = typer.Argument(..., help="critical, high, medium or low"),
    by: str = typer.Option(..., "--by", help="Who decides (recorded in the audit log)."),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Correct (or confirm) the severity."""
    try:
        severity = Severity(level.lower())
    except ValueError:
        raise UsageError(f"unknown severity {level!r}: use critical, high, medium or low") from None
    result = _decide(ticket_id, severity, by)
    _print_json(result) if as_json else typer.echo(
        f"ticket #{ticket_id}: set to {result['severity']} by {by}", err=True
    )
