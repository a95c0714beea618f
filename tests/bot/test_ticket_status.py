"""Status changes drive the clocks: waiting on the customer pauses workaround and resolution,
the customer's answer resumes them, and resolving meets the resolution target."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.runtime import IntakeRuntime
from models.tables import Ticket
from tests.bot.conftest import write_config
from tests.bot.test_email_path import email, process, send
from tests.bot.test_tickets_cli import intake


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    # kissflow promises a workaround and a resolution, so there are clocks to pause.
    return write_config(
        tmp_path / "config.yaml",
        customers=[
            {
                "name": "Acme",
                "domains": ["acme.test"],
                "contacts": ["ops@acme.test"],
                "plan": "kissflow",
                "timezone": "Asia/Kolkata",
                "country": "IN",
            }
        ],
    )


async def _ticket(runtime: IntakeRuntime, ticket_id: int) -> Ticket:
    async with runtime.store.reading() as session:
        ticket = await session.get(Ticket, ticket_id)
    assert ticket is not None
    return ticket


async def test_waiting_on_the_customer_pauses_until_they_answer_and_resolving_meets_resolution(
    runtime: IntakeRuntime,
) -> None:
    first = email(subject="Workflow engine stopped", body="All workflows in production stopped.")
    await send(runtime, first)
    await process(runtime)
    decided = intake(runtime.settings, "tickets", "set-severity", "1", "critical", "--by", "U0ENG1")
    assert decided.returncode == 0, decided.stderr
    ticket = await _ticket(runtime, 1)
    assert ticket.due_workaround is not None and ticket.due_resolution is not None

    waiting = intake(
        runtime.settings,
        "tickets",
        "set-status",
        "1",
        "waiting_on_customer",
        "--by",
        "U0ENG1",
        "--json",
    )
    assert waiting.returncode == 0, waiting.stderr
    assert json.loads(waiting.stdout)["status"] == "waiting_on_customer"
    paused = await _ticket(runtime, 1)
    assert paused.sla_state["pauses"][-1]["ended"] is None

    await send(
        runtime,
        email(
            subject="Re: Workflow engine stopped [#1]",
            body="Here is what you asked for: version 3.2.1.",
            In_Reply_To=first["Message-ID"],
        ),
    )
    await process(runtime)
    resumed = await _ticket(runtime, 1)
    assert resumed.status == "open"
    assert resumed.sla_state["pauses"][-1]["ended"] is not None
    assert resumed.due_resolution is not None and resumed.due_resolution >= ticket.due_resolution

    done = intake(runtime.settings, "tickets", "set-status", "1", "resolved", "--by", "U0ENG1")
    assert done.returncode == 0, done.stderr
    resolved = await _ticket(runtime, 1)
    assert "resolution" in resolved.sla_state["met"]

    shown = json.loads(intake(runtime.settings, "tickets", "show", "1", "--json").stdout)
    statuses = [(e["old"], e["new"]) for e in shown["events"] if e["type"] == "status_changed"]
    assert statuses == [
        ("open", "waiting_on_customer"),
        ("waiting_on_customer", "open"),
        ("open", "resolved"),
    ]


async def test_an_unknown_status_is_a_usage_error(runtime: IntakeRuntime) -> None:
    result = intake(runtime.settings, "tickets", "set-status", "1", "closed", "--by", "me")
    assert result.returncode == 2
    assert "unknown status" in result.stderr
