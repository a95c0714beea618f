"""The engineers' side: clicks on the triage card, answers in its thread, and delivery to Slack
that survives rate limits and outages.

Clicks are real signed `block_actions` posts built from the card the fake Slack received,
so the action ids and option values tested are the ones the bot actually rendered.
"""

from __future__ import annotations

from sqlalchemy import text

from bot.slack_decisions import REFUSAL_TEXT
from models.tables import Ticket
from tests.bot.fake_slack_api import FakeSlackApi
from tests.bot.slack_event_factory import user_message
from tests.bot.slack_harness import TRIAGE, SlackHarness

VAGUE = "Hi, the export button does nothing."


async def _open_ticket(slack: SlackHarness) -> tuple[Ticket, dict[str, str]]:
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()
    return await slack.ticket(), question


async def test_an_engineer_confirms_the_suggestion_with_one_click(slack: SlackHarness) -> None:
    ticket, question = await _open_ticket(slack)
    assert ticket.due_first_response is None  # incomplete: the clock waits

    response = await slack.click(
        slack.card(ticket.id or 0), user="U0ENG1", action_id="severity_confirm"
    )
    assert response.status == 200
    await slack.settle()

    decided = await slack.ticket()
    assert (decided.severity, decided.severity_source) == (ticket.suggested_severity, "confirmed")
    assert decided.severity_decided_by == "U0ENG1" and decided.severity_decided_at is not None
    assert decided.due_first_response is not None  # a decision starts the clock
    [event] = [e for e in await slack.audit(ticket.id or 0) if e.type == "severity_confirmed"]
    assert event.actor == "U0ENG1"
    assert event.old == {"severity": ticket.severity, "source": "suggested"}
    assert event.new == {"severity": ticket.severity, "source": "confirmed"}
    card = slack.card(ticket.id or 0)
    assert (
        card.updates >= 1
        and "Confirmed as" in card.block_text()
        and "<@U0ENG1>" in card.block_text()
    )
    told = slack.customer_thread("C0ACME", question["ts"])[-1]
    assert "An engineer has set ticket" in told and f"#{ticket.id}" in told


async def test_an_engineer_corrects_the_severity_from_the_select(slack: SlackHarness) -> None:
    ticket, question = await _open_ticket(slack)
    other = next(level for level in ("critical", "low") if level != ticket.suggested_severity)

    await slack.click(
        slack.card(ticket.id or 0), user="U0ENG1", action_id="severity_set", selected=other
    )
    await slack.settle()

    decided = await slack.ticket()
    assert (decided.severity, decided.severity_source) == (other, "corrected")
    [event] = [e for e in await slack.audit(ticket.id or 0) if e.type == "severity_corrected"]
    assert (event.actor, event.old["severity"], event.new["severity"]) == (
        "U0ENG1",
        ticket.suggested_severity,
        other,
    )
    assert "deadlines_changed" in [e.type for e in await slack.audit(ticket.id or 0)]
    select = slack.card(ticket.id or 0).actions()["severity_set"]
    assert select["initial_option"]["value"] == other
    assert "An engineer has set ticket" in slack.customer_thread("C0ACME", question["ts"])[-1]


async def test_someone_who_is_not_an_engineer_is_refused_privately_and_nothing_changes(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    ticket, question = await _open_ticket(slack)
    card_before = slack.card(ticket.id or 0)
    thread_before = slack.customer_thread("C0ACME", question["ts"])

    await slack.click(card_before, user="U0SALES", action_id="severity_set", selected="critical")
    await slack.settle()

    [ephemeral] = fake_slack.calls_to("chat.postEphemeral")
    assert (ephemeral.args["channel"], ephemeral.args["user"], ephemeral.args["text"]) == (
        TRIAGE,
        "U0SALES",
        REFUSAL_TEXT,
    )
    after = await slack.ticket()
    assert (after.severity, after.severity_source, after.severity_decided_by) == (
        ticket.severity,
        "suggested",
        None,
    )
    assert not [e for e in await slack.audit(ticket.id or 0) if e.type.startswith("severity_c")]
    assert fake_slack.calls_to("chat.update") == []
    assert slack.customer_thread("C0ACME", question["ts"]) == thread_before


async def test_a_click_delivered_twice_is_decided_once(slack: SlackHarness) -> None:
    from tests.bot.slack_event_factory import block_actions

    ticket, _ = await _open_ticket(slack)
    card = slack.card(ticket.id or 0)
    click = block_actions(
        card_channel=card.channel,
        card_ts=card.ts,
        user="U0ENG1",
        action=card.actions()["severity_confirm"],
    )
    assert (await slack.sender.interactive(click)).status == 200
    assert (await slack.sender.interactive(click)).status == 200
    await slack.settle()

    assert len([i for i in await slack.inbox() if i.dedupe_key.startswith("interactive:")]) == 1
    decisions = [e for e in await slack.audit(ticket.id or 0) if e.type == "severity_confirmed"]
    assert len(decisions) == 1


async def test_an_engineer_reply_in_the_card_thread_reaches_the_customer_thread(
    slack: SlackHarness,
) -> None:
    ticket, question = await _open_ticket(slack)
    card = slack.card(ticket.id or 0)

    answer = "Thanks Olga, could you tell us which browser you use?"
    await slack.deliver(user_message(answer, channel=TRIAGE, user="U0ENG1", thread_ts=card.ts))
    await slack.settle()

    assert slack.customer_thread("C0ACME", question["ts"])[-1] == answer
    [reply] = [m for m in await slack.messages() if m.author == "U0ENG1"]
    assert (reply.direction, reply.author_kind, reply.is_internal_note) == (
        "out",
        "engineer",
        False,
    )
    assert reply.external_id is not None  # the ts Slack gave the relayed post
    assert "first_response_met" in [e.type for e in await slack.audit(ticket.id or 0)]


async def test_a_note_in_the_card_thread_is_kept_internal(slack: SlackHarness) -> None:
    ticket, question = await _open_ticket(slack)
    card = slack.card(ticket.id or 0)
    thread_before = slack.customer_thread("C0ACME", question["ts"])

    note = user_message(
        "!note probably the export worker again, see INC-311",
        channel=TRIAGE,
        user="U0ENG1",
        thread_ts=card.ts,
    )
    await slack.deliver(note)
    await slack.deliver(note)  # a replay stores it once
    await slack.settle()

    assert slack.customer_thread("C0ACME", question["ts"]) == thread_before
    [stored] = [m for m in await slack.messages() if m.author == "U0ENG1"]
    assert stored.is_internal_note
    assert stored.body == "probably the export worker again, see INC-311"
    assert "first_response_met" not in [e.type for e in await slack.audit(ticket.id or 0)]


async def test_a_rate_limited_post_waits_for_retry_after_and_lands(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    fake_slack.rate_limit_next("chat.postMessage", retry_after=0)
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()

    ticket = await slack.ticket()
    assert len(slack.customer_thread("C0ACME", question["ts"])) == 1
    assert slack.card(ticket.id or 0) is not None
    posts = fake_slack.calls_to("chat.postMessage")
    assert len(posts) == 3  # acknowledgement (429, then again) and the card
    assert posts[0].args == posts[1].args
    assert await slack.runtime.store.pending_outbox() == 0


async def test_a_failed_post_stays_queued_and_is_sent_on_a_later_attempt(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    fake_slack.answer_next("chat.postMessage", error="internal_error")
    question = user_message(VAGUE)
    await slack.deliver(question)
    await slack.settle()

    assert slack.customer_thread("C0ACME", question["ts"]) == []
    [waiting] = [r for r in await slack.outbox("slack.post") if r.status == "pending"]
    assert "internal_error" in (waiting.last_error or "")

    async with slack.runtime.store.transaction() as session:  # the backoff has passed
        await session.execute(text("UPDATE outbox SET available_at = '2000-01-01 00:00:00'"))
    await slack.settle()
    assert len(slack.customer_thread("C0ACME", question["ts"])) == 1
    assert await slack.runtime.store.pending_outbox() == 0
