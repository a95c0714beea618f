"""Email end to end: a real SMTP client → the real server → store → triage → reply via relay.

The workers are the real ones; the test only decides when they run (`drain`, `run_once`),
so nothing waits on timing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib
import pytest
from sqlalchemy import text

from bot.runtime import IntakeRuntime
from bot.settings import Settings
from tests.bot.smtp_sink import SmtpSink

OUTAGE = """Hello,

since 09:10 this morning nobody at Acme can log in to the production console: every user
gets "HTTP 502 Bad Gateway" after the SSO redirect. All 300 agents are blocked.

We run version 4.2.1. We already checked our own side: the firewall and our SSO
credentials are fine, and it fails from every network.

Steps to reproduce:
1. Open https://console.acme.test
2. Sign in with SSO
3. The page shows 502 Bad Gateway

Logs:
2026-11-20 09:10:02 ERROR gateway upstream timed out (110: Connection timed out)
2026-11-20 09:10:03 ERROR gateway upstream timed out (110: Connection timed out)

Regards,
Olga
"""


def email(
    *,
    sender: str = "Olga Ops <ops@acme.test>",
    subject: str = "Console login fails",
    body: str = OUTAGE,
    **headers: str,
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = headers.pop("message_id", make_msgid(domain="acme.test"))
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


async def send(runtime: IntakeRuntime, message: EmailMessage, **kwargs: object) -> tuple[int, str]:
    """Send over real SMTP; once 250 came back, move the edge's spool into the inbox."""
    _, response = await aiosmtplib.send(
        message,
        hostname="127.0.0.1",
        port=runtime.ports.smtp,
        **kwargs,  # type: ignore[arg-type]
    )
    await runtime.flush_spool()
    return 250, response


async def process(runtime: IntakeRuntime) -> None:
    """Let the real workers do everything that is pending."""
    await runtime.flush_spool()
    await runtime.intake_worker.drain()
    while await runtime.outbox_worker.run_once():
        pass


def cli(settings: Settings, *args: str) -> object:
    env = {
        **os.environ,
        "INTAKE_DATABASE_URL": settings.database_url,
        "INTAKE_CONFIG": str(settings.config),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", *args], capture_output=True, text=True, env=env, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


async def test_an_email_becomes_a_triaged_ticket_and_the_sender_gets_a_threaded_auto_reply(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    original = email()
    await send(runtime, original)
    await process(runtime)

    [ticket] = cli(settings, "tickets", "list", "--json")  # type: ignore[misc]
    assert ticket["channel"] == "email"
    assert ticket["requester"] == "ops@acme.test"
    assert ticket["subject"] == "Console login fails"
    assert ticket["status"] == "open"
    assert ticket["severity"] in {"critical", "high", "medium", "low"}
    assert ticket["severity_source"] == "suggested"
    assert set(ticket["complete"]) >= {"repro_steps", "version", "logs", "first_line_confirmation"}
    assert ticket["deadlines"]["first_response"] is not None  # alauda-premium is 24x7

    [reply] = relay.to("ops@acme.test")
    assert reply.mail_from == "<>", "automatic replies use the null envelope sender"
    assert reply.message["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in reply.message["References"]
    assert reply.message["Auto-Submitted"] == "auto-replied"
    assert reply.message["Subject"] == f"Re: Console login fails [#{ticket['id']}]"
    assert f"#{ticket['id']}" in reply.message.get_content()

    shown = cli(settings, "tickets", "show", str(ticket["id"]), "--json")
    assert [m["direction"] for m in shown["messages"]] == ["in", "out"]  # type: ignore[index]
    assert {e["type"] for e in shown["events"]} >= {"ticket_opened", "severity_suggested"}  # type: ignore[index]


async def test_an_incomplete_ticket_is_asked_for_exactly_what_is_missing(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    await send(
        runtime, email(subject="Question", body="Hi, the export button does nothing. Thanks")
    )
    await process(runtime)

    [ticket] = cli(settings, "tickets", "list", "--json")  # type: ignore[misc]
    assert ticket["missing"] == ["repro_steps", "version", "logs", "first_line_confirmation"]
    [reply] = relay.to("ops@acme.test")
    body = reply.message.get_content().lower()
    assert "version" in body and "log" in body


async def test_a_reply_threads_into_its_ticket_instead_of_opening_another(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    first = email(subject="Export broken", body="Hi, the export button does nothing.")
    await send(runtime, first)
    await process(runtime)
    ack = relay.to("ops@acme.test")[0].message

    follow_up = email(
        subject=f"Re: {ack['Subject']}",
        body="We are on version 4.2.1.\n\n> Hello, thank you for contacting support",
        In_Reply_To=ack["Message-ID"],
        References=f"{first['Message-ID']} {ack['Message-ID']}",
    )
    await send(runtime, follow_up)
    await process(runtime)

    tickets = cli(settings, "tickets", "list", "--json")
    assert len(tickets) == 1  # type: ignore[arg-type]
    shown = cli(settings, "tickets", "show", str(tickets[0]["id"]), "--json")  # type: ignore[index]
    inbound = [m for m in shown["messages"] if m["direction"] == "in"]  # type: ignore[index]
    assert len(inbound) == 2
    assert "version" not in shown["missing"]  # type: ignore[index]


async def test_the_same_message_delivered_twice_is_stored_once(
    runtime: IntakeRuntime, settings: Settings
) -> None:
    message = email()
    await send(runtime, message)
    await send(runtime, message)
    await process(runtime)

    assert len(cli(settings, "tickets", "list", "--json")) == 1  # type: ignore[arg-type]
    assert await runtime.store.inbox_counts() == {"done": 1}


async def test_a_staff_forward_opens_the_ticket_for_the_original_sender(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    forwarded = (
        "Can you look at this one?\n\n"
        "---------- Forwarded message ---------\n"
        "From: Carla CTO <cto@acme.test>\n"
        "Date: Thu, 19 Nov 2026 at 10:02\n"
        "Subject: Reports are empty\n"
        "To: Anna <anna@example.com>\n\n"
        "Since yesterday every report in production is empty. Version 4.2.1.\n"
    )
    await send(
        runtime,
        email(sender="Anna <anna@example.com>", subject="Fwd: Reports are empty", body=forwarded),
    )
    await process(runtime)

    [ticket] = cli(settings, "tickets", "list", "--json")  # type: ignore[misc]
    assert ticket["requester"] == "cto@acme.test"
    assert ticket["subject"] == "Reports are empty"
    shown = cli(settings, "tickets", "show", str(ticket["id"]), "--json")
    first = shown["messages"][0]  # type: ignore[index]
    assert first["author"] == "cto@acme.test"
    assert first["brought_in_by"] == "anna@example.com"
    assert "every report in production is empty" in first["body"]


async def test_an_auto_reply_is_stored_but_opens_nothing_and_gets_no_answer(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    await send(
        runtime,
        email(
            subject="Out of office", body="I am away until Monday.", Auto_Submitted="auto-replied"
        ),
    )
    await process(runtime)

    assert cli(settings, "tickets", "list", "--json") == []
    assert relay.received == []
    async with runtime.store.reading() as session:
        dispositions = (
            (await session.execute(text("SELECT disposition FROM messages"))).scalars().all()
        )
    assert dispositions == ["auto_reply"]


async def test_an_unknown_sender_gets_a_polite_refusal_and_no_ticket(
    runtime: IntakeRuntime, relay: SmtpSink, settings: Settings
) -> None:
    await send(
        runtime, email(sender="Mallory <mallory@acme.test>", body="Please reset everything.")
    )
    await process(runtime)

    assert cli(settings, "tickets", "list", "--json") == []
    [refusal] = relay.to("mallory@acme.test")
    assert "designated support contacts" in refusal.message.get_content()


async def test_a_reply_queued_while_the_relay_is_down_is_delivered_when_it_comes_back(
    runtime: IntakeRuntime, relay: SmtpSink
) -> None:
    await relay.stop()
    await send(runtime, email())
    await runtime.intake_worker.drain()

    assert await runtime.outbox_worker.run_once() == 1  # attempt fails: relay is down
    assert await runtime.store.pending_outbox() == 1
    assert relay.received == []

    await relay.start()  # same port
    async with runtime.store.transaction() as session:  # the backoff has passed
        await session.execute(text("UPDATE outbox SET available_at = '2000-01-01 00:00:00'"))
    assert await runtime.outbox_worker.run_once() == 1
    assert len(relay.to("ops@acme.test")) == 1
    assert await runtime.store.pending_outbox() == 0


async def test_unknown_recipients_are_refused_with_550(runtime: IntakeRuntime) -> None:
    message = email()
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await aiosmtplib.send(
            message, hostname="127.0.0.1", port=runtime.ports.smtp, recipients=["sales@example.com"]
        )
    assert refused.value.recipients[0].code == 550
    assert "5.1.1" in refused.value.recipients[0].message


async def test_oversized_mail_is_refused_with_552_5_3_4(runtime: IntakeRuntime) -> None:
    runtime_limit = runtime.config.email.max_message_bytes
    message = email(body="x" * 70 + "\n")
    message.set_content(("y" * 76 + "\n") * (runtime_limit // 77 + 10))
    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await aiosmtplib.send(message, hostname="127.0.0.1", port=runtime.ports.smtp)
    assert refused.value.code == 552
    assert "5.3.4" in refused.value.message
    assert await runtime.store.inbox_counts() == {}


async def _make_storage_fail(runtime: IntakeRuntime, *, failing: bool) -> None:
    """A real storage failure where the SMTP edge writes: its spool on SQLite, else the inbox."""
    if runtime.spool is not None:
        with sqlite3.connect(runtime.spool.path) as spool:
            spool.execute(
                "CREATE TRIGGER storage_fails BEFORE INSERT ON spool "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                if failing
                else "DROP TRIGGER storage_fails"
            )
        return
    async with runtime.store.transaction() as session:
        await session.execute(
            text(
                "CREATE TRIGGER storage_fails BEFORE INSERT ON inbox "
                "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                if failing
                else "DROP TRIGGER storage_fails"
            )
        )


async def test_no_250_without_storage_the_sender_gets_451_and_can_retry(
    runtime: IntakeRuntime,
) -> None:
    await _make_storage_fail(runtime, failing=True)
    message = email()
    with pytest.raises(aiosmtplib.SMTPDataError) as failed:
        await aiosmtplib.send(message, hostname="127.0.0.1", port=runtime.ports.smtp)
    assert failed.value.code == 451
    await runtime.flush_spool()
    assert await runtime.store.inbox_counts() == {}

    await _make_storage_fail(runtime, failing=False)
    await send(runtime, message)
    assert await runtime.store.inbox_counts() == {"pending": 1}
