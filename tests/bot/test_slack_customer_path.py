"""A customer in Slack, end to end: signed events over HTTP → store → triage → thread replies.

The customer writes in Acme's shared channel (C0ACME) or DMs the bot; the bot answers in the
customer's thread and puts a card in the engineers' channel (C0TRIAGE).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.config import load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from bot.slack_intake import UNMATCHED_DM_TEXT
from tests.bot.fake_slack_api import BOT_TOKEN, FakeSlackApi
from tests.bot.slack_event_factory import SignedSender, file_share, message_changed, user_message
from tests.bot.slack_harness import TRIAGE, SlackHarness

VAGUE = "Hi, the export button does nothing."
DETAILS = (
    "We are on version 4.2.1. Steps to reproduce:\n"
    "1. Open the Reports page\n2. Click Export\n3. Nothing happens\n"
    "We already restarted the browser and cleared the cache, and checked with our IT that "
    "the network is fine."
)
LOGS = (
    "Logs:\n2026-11-20 09:10:02 ERROR export worker crashed: NullPointerException "
    "at ExportJob.run(ExportJob.java:42)"
)


async def test_a_message_opens_a_ticket_acknowledged_in_the_thread_with_what_is_missing(
    slack: SlackHarness,
) -> None:
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()

    ticket = await slack.ticket()
    assert (ticket.channel, ticket.customer_org, ticket.requester) == ("slack", "Acme", "U0CUST1")
    assert ticket.requester_name == "Olga Ops"  # from users.info
    assert ticket.missing == ["repro_steps", "version", "logs", "first_line_confirmation"]

    [acknowledgement] = slack.customer_thread("C0ACME", question["ts"])
    assert f"#{ticket.id}" in acknowledgement
    assert "version" in acknowledgement.lower() and "log" in acknowledgement.lower()
    [reply] = [m for m in await slack.messages() if m.direction == "out"]
    assert reply.external_id is not None and reply.external_id.startswith("C0ACME:")


async def test_every_new_ticket_gets_a_triage_card_with_the_two_severity_controls(
    slack: SlackHarness,
) -> None:
    await slack.deliver(user_message(VAGUE))
    await slack.settle()
    ticket = await slack.ticket()

    card = slack.card(ticket.id or 0)
    shown = card.block_text()
    assert "<@U0CUST1>" in shown and "Acme" in shown and "<#C0ACME>" in shown
    assert "the export button does nothing" in shown
    assert "% confidence" in shown
    assert "✗ Product version" in shown and "✗ Logs" in shown
    controls = card.actions()
    assert controls["severity_confirm"]["type"] == "button"
    assert controls["severity_set"]["type"] == "static_select"
    assert [o["value"] for o in controls["severity_set"]["options"]] == [
        "critical",
        "high",
        "medium",
        "low",
    ]
    assert (ticket.triage_card_channel, ticket.triage_card_ts) == (TRIAGE, card.ts)


async def test_a_follow_up_in_the_thread_completes_the_ticket_and_the_bot_says_so_once(
    slack: SlackHarness,
) -> None:
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()
    first_due = (await slack.ticket()).due_first_response

    await slack.deliver(user_message(DETAILS, thread_ts=question["ts"]))
    await slack.settle()
    assert (await slack.ticket()).missing == ["logs"]

    await slack.deliver(user_message(LOGS, thread_ts=question["ts"]))
    await slack.deliver(user_message("Anything else you need?", thread_ts=question["ts"]))
    await slack.settle()

    ticket = await slack.ticket()
    assert ticket.missing == []
    assert first_due is None and ticket.due_first_response is not None  # the clock started
    thread = slack.customer_thread("C0ACME", question["ts"])
    assert len([t for t in thread if "everything we need" in t]) == 1
    assert len(await slack.tickets()) == 1
    card = slack.card(ticket.id or 0)
    assert card.updates >= 1 and "✓ Product version" in card.block_text()
    mirrored = [m.text for m in slack.api.in_channel(TRIAGE, thread_ts=card.ts)]
    assert any("version 4.2.1" in text for text in mirrored)


async def test_an_edit_updates_the_stored_message_instead_of_adding_one(
    slack: SlackHarness,
) -> None:
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()

    await slack.deliver(message_changed(question, VAGUE + " " + DETAILS))
    await slack.settle()

    [inbound] = [m for m in await slack.messages() if m.direction == "in"]
    assert inbound.edited_at is not None
    assert "version 4.2.1" in inbound.body
    ticket = await slack.ticket()
    assert ticket.missing == ["logs"]  # the edit supplied the rest
    assert "message_edited" in [e.type for e in await slack.audit(ticket.id or 0)]


async def test_a_shared_log_file_is_recorded_and_counts_as_logs(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    question = user_message(VAGUE + " " + DETAILS)
    await slack.deliver(question)
    await slack.settle()
    assert (await slack.ticket()).missing == ["logs"]

    log_file = fake_slack.add_file(
        "F0LOGS1", name="export-worker.log", mimetype="text/plain", content=b"ERROR boom\n" * 50
    )
    await slack.deliver(file_share("here you go", [log_file], thread_ts=question["ts"]))
    await slack.settle()

    [attachment] = await slack.attachments()
    assert (attachment.filename, attachment.content_type, attachment.external_id) == (
        "export-worker.log",
        "text/plain",
        "F0LOGS1",
    )
    assert attachment.size == len(b"ERROR boom\n" * 50)
    assert attachment.storage_path is None  # downloads are off unless configured
    assert (await slack.ticket()).missing == []


async def test_a_partial_slack_connect_file_is_completed_with_files_info(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_file("F0CONNECT", name="trace.log", mimetype="text/plain", content=b"x" * 10)
    partial = {"id": "F0CONNECT", "mode": "file_access", "file_access": "check_file_info"}
    await slack.deliver(file_share(VAGUE + " " + DETAILS, [partial]))
    await slack.settle()

    [attachment] = await slack.attachments()
    assert (attachment.filename, attachment.size) == ("trace.log", 10)
    assert [c.args["file"] for c in fake_slack.calls_to("files.info")] == ["F0CONNECT"]
    assert (await slack.ticket()).missing == []


async def test_a_dm_from_a_customer_user_opens_a_ticket_for_their_org(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    dm = user_message(VAGUE, channel="D0OLGA", channel_type="im")
    await slack.deliver(dm)
    await slack.settle()

    ticket = await slack.ticket()
    assert ticket.customer_org == "Acme"  # users.info: ops@acme.test
    assert len(slack.customer_thread("D0OLGA", dm["ts"])) == 1
    assert slack.card(ticket.id or 0).block_text().count("direct message") == 1


async def test_a_dm_from_a_slack_connect_team_maps_by_team_without_a_lookup(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    dm = user_message(
        VAGUE, channel="D0CONNECT", channel_type="im", user="U0ACMEX", team="T0ACMECONNECT"
    )
    await slack.deliver(dm)
    await slack.settle()

    assert (await slack.ticket()).customer_org == "Acme"


async def test_an_unmatched_dm_gets_a_polite_answer_and_no_ticket_or_clock(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    dm = user_message(
        "Can you help me with my account?", channel="D0STAN", user="U0STRANGER", channel_type="im"
    )
    await slack.deliver(dm)
    await slack.settle()

    assert await slack.tickets() == []
    assert slack.customer_thread("D0STAN", dm["ts"]) == [UNMATCHED_DM_TEXT]
    assert [m.disposition for m in await slack.messages() if m.direction == "in"] == ["unverified"]
    assert slack.api.top_level(TRIAGE) == []


async def test_a_dm_whose_author_cannot_be_looked_up_is_retried_not_refused(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    fake_slack.answer_next("users.info", error="internal_error")
    dm = user_message(VAGUE, channel="D0OLGA", channel_type="im")
    await slack.deliver(dm)
    await slack.settle()

    [item] = await slack.inbox()
    assert item.status == "pending" and item.attempts == 1
    assert slack.customer_thread("D0OLGA", dm["ts"]) == []

    await _expire_leases(slack)
    await slack.settle()
    assert (await slack.ticket()).customer_org == "Acme"


async def test_an_engineer_answering_in_the_customer_thread_is_recorded_as_the_first_response(
    slack: SlackHarness,
) -> None:
    question = user_message(VAGUE + " " + DETAILS + "\n" + LOGS)
    await slack.deliver(question)
    await slack.deliver(
        user_message("Looking into it now.", user="U0ENG1", thread_ts=question["ts"])
    )
    await slack.deliver(user_message("Heads-up: maintenance tonight.", user="U0ENG1"))
    await slack.settle()

    ticket = await slack.ticket()  # the engineer's top-level post opened nothing
    engineer = [m for m in await slack.messages() if m.author == "U0ENG1"]
    assert [(m.direction, m.author_kind) for m in engineer] == [("out", "engineer")]
    assert "first_response_met" in [e.type for e in await slack.audit(ticket.id or 0)]


@pytest.fixture
async def downloading_slack(
    slack_settings: Settings, fake_slack: FakeSlackApi
) -> AsyncIterator[SlackHarness]:
    """The Slack runtime with file downloads switched on (INTAKE_SLACK_DOWNLOAD_FILES=1)."""
    settings = slack_settings.model_copy(update={"slack_download_files": True})
    runtime = IntakeRuntime(settings=settings, config=load_config(settings.config))
    await runtime.start(run_workers=False)
    url = f"http://127.0.0.1:{runtime.ports.http}/slack/events"
    yield SlackHarness(runtime, fake_slack, SignedSender(url))
    await runtime.stop()


async def test_a_shared_file_is_downloaded_with_the_bot_token_where_configured(
    downloading_slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    content = b"2026-11-20 ERROR export worker crashed\n"
    info = fake_slack.add_file("F0DL", name="worker.log", mimetype="text/plain", content=content)
    await downloading_slack.deliver(file_share(VAGUE, [info]))
    await downloading_slack.settle()

    [attachment] = await downloading_slack.attachments()
    assert attachment.storage_path is not None
    assert await asyncio.to_thread(Path(attachment.storage_path).read_bytes) == content
    [download] = fake_slack.calls_to("files.download")
    assert download.token == f"Bearer {BOT_TOKEN}"


async def test_an_html_sign_in_page_is_never_stored_as_the_customer_file(
    downloading_slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    info = fake_slack.add_file(
        "F0HTML", name="worker.log", mimetype="text/plain", content=b"x", served_as="text/html"
    )
    await downloading_slack.deliver(file_share(VAGUE, [info]))
    await downloading_slack.settle()

    [attachment] = await downloading_slack.attachments()
    assert attachment.storage_path is None
    [download] = await downloading_slack.outbox("slack.file_download")
    assert download.status == "failed" and "HTML" in (download.last_error or "")


async def _expire_leases(slack: SlackHarness) -> None:
    from sqlalchemy import text

    async with slack.runtime.store.transaction() as session:
        await session.execute(text("UPDATE inbox SET locked_until = '2000-01-01 00:00:00'"))
        await session.execute(text("UPDATE outbox SET available_at = '2000-01-01 00:00:00'"))
