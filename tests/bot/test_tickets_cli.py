"""`intake tickets confirm` / `set-severity`: the card's decisions without Slack, same effects.

The CLI runs as a real process against the serve runtime's database; the runtime's outbox
then delivers what the decision queued (the customer notice, and with Slack the card update).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from bot.runtime import IntakeRuntime
from bot.settings import Settings
from tests.bot.slack_event_factory import user_message
from tests.bot.slack_harness import SlackHarness
from tests.bot.smtp_sink import SmtpSink


def intake(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "INTAKE_DATABASE_URL": settings.database_url,
        "INTAKE_CONFIG": str(settings.config),
        "INTAKE_MODEL_DIR": str(settings.model_dir),
    }
    if settings.slack_bot_token:
        env["SLACK_BOT_TOKEN"] = settings.slack_bot_token
        env["SLACK_SIGNING_SECRET"] = settings.slack_signing_secret or ""
    return subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, check=False
    )


async def _email_ticket(runtime: IntakeRuntime) -> int:
    message = EmailMessage()
    message["From"] = "Olga Ops <ops@acme.test>"
    message["To"] = "support@example.com"
    message["Subject"] = "Export button does nothing"
    message["Message-ID"] = make_msgid(domain="acme.test")
    message.set_content("Hi, the export button does nothing.")
    await aiosmtplib.send(message, hostname="127.0.0.1", port=runtime.ports.smtp)
    await _deliver_everything(runtime)
    result = intake(runtime.settings, "tickets", "list", "--json")
    [ticket] = json.loads(result.stdout)
    return int(ticket["id"])


async def _deliver_everything(runtime: IntakeRuntime) -> None:
    await runtime.flush_spool()
    await runtime.intake_worker.drain()
    while await runtime.outbox_worker.run_once():
        pass


async def test_confirm_records_who_starts_the_clock_and_tells_the_customer(
    runtime: IntakeRuntime, relay: SmtpSink
) -> None:
    ticket_id = await _email_ticket(runtime)

    result = intake(
        runtime.settings, "tickets", "confirm", str(ticket_id), "--by", "alice", "--json"
    )
    assert result.returncode == 0, result.stderr
    decided = json.loads(result.stdout)
    assert decided["severity_source"] == "confirmed"
    assert decided["severity"] == decided["suggested_severity"]
    assert decided["deadlines"]["first_response"] is not None  # a decision starts the clock

    shown = json.loads(intake(runtime.settings, "tickets", "show", str(ticket_id), "--json").stdout)
    [event] = [e for e in shown["events"] if e["type"] == "severity_confirmed"]
    assert event["actor"] == "alice"
    assert (event["old"]["source"], event["new"]["source"]) == ("suggested", "confirmed")

    await _deliver_everything(runtime)
    acknowledgement, notice = relay.to("ops@acme.test")
    assert "set its severity to" in notice.message.get_content()


async def test_set_severity_corrects_and_recomputes_the_deadlines(
    runtime: IntakeRuntime, relay: SmtpSink
) -> None:
    ticket_id = await _email_ticket(runtime)
    suggested = json.loads(intake(runtime.settings, "tickets", "list", "--json").stdout)[0]
    level = "critical" if suggested["severity"] != "critical" else "low"

    result = intake(
        runtime.settings,
        "tickets",
        "set-severity",
        str(ticket_id),
        level.upper(),
        "--by",
        "bob",
        "--json",
    )
    assert result.returncode == 0, result.stderr
    decided = json.loads(result.stdout)
    assert (decided["severity"], decided["severity_source"]) == (level, "corrected")
    shown = json.loads(intake(runtime.settings, "tickets", "show", str(ticket_id), "--json").stdout)
    types = [e["type"] for e in shown["events"]]
    assert "severity_corrected" in types and "deadlines_changed" in types


async def test_an_unknown_level_is_a_usage_error_and_an_unknown_ticket_an_error(
    runtime: IntakeRuntime,
) -> None:
    ticket_id = await _email_ticket(runtime)

    bad_level = intake(
        runtime.settings, "tickets", "set-severity", str(ticket_id), "urgent", "--by", "bob"
    )
    assert bad_level.returncode == 2
    assert bad_level.stdout == ""
    assert len(bad_level.stderr.strip().splitlines()) == 1 and "urgent" in bad_level.stderr

    missing = intake(runtime.settings, "tickets", "confirm", "999", "--by", "bob")
    assert missing.returncode == 1
    assert "no ticket #999" in missing.stderr


async def test_a_cli_decision_updates_the_slack_card_and_the_customer_thread(
    slack: SlackHarness,
) -> None:
    question = user_message("Hi, the export button does nothing.")
    await slack.deliver(question)
    await slack.settle()
    ticket = await slack.ticket()

    result = intake(slack.runtime.settings, "tickets", "confirm", str(ticket.id), "--by", "alice")
    assert result.returncode == 0, result.stderr
    await slack.settle()

    card = slack.card(ticket.id or 0)
    assert (
        card.updates >= 1 and "Confirmed as" in card.block_text() and "alice" in card.block_text()
    )
    assert "An engineer has set ticket" in slack.customer_thread("C0ACME", question["ts"])[-1]
