"""Email funnelled into Slack: an emailed ticket gets a card, engineers answer from its thread,
and the answer reaches the customer as a properly threaded email (real SMTP both ways).
"""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import make_msgid

import aiosmtplib

from tests.bot.slack_event_factory import user_message
from tests.bot.slack_harness import TRIAGE, SlackHarness
from tests.bot.smtp_sink import SmtpSink

REPORT = """Hello,

the nightly export has produced empty files since Tuesday. We run version 4.2.1.

Regards,
Olga
"""


def customer_email(
    body: str = REPORT, subject: str = "Nightly export is empty", **headers: str
) -> EmailMessage:
    message = EmailMessage()
    message["From"] = "Olga Ops <ops@acme.test>"
    message["To"] = "support@example.com"
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="acme.test")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


async def _email_ticket(slack: SlackHarness, relay: SmtpSink) -> tuple[int, EmailMessage]:
    original = customer_email()
    await aiosmtplib.send(original, hostname="127.0.0.1", port=slack.runtime.ports.smtp)
    await slack.settle()
    ticket = await slack.ticket()
    assert ticket.channel == "email" and ticket.id is not None
    return ticket.id, original


async def test_an_emailed_ticket_gets_a_card_that_shows_the_email(
    slack: SlackHarness, relay: SmtpSink
) -> None:
    ticket_id, _ = await _email_ticket(slack, relay)

    card = slack.card(ticket_id)
    shown = card.block_text()
    assert "Nightly export is empty" in shown
    assert "the nightly export has produced empty files since Tuesday" in shown
    assert "ops@acme.test" in shown and "Email" in shown
    assert set(card.actions()) == {"severity_confirm", "severity_set"}


async def test_an_engineer_reply_in_the_card_thread_is_emailed_to_the_customer_in_thread(
    slack: SlackHarness, relay: SmtpSink
) -> None:
    ticket_id, original = await _email_ticket(slack, relay)
    card = slack.card(ticket_id)

    answer = "Hi Olga, a stuck export worker was the cause. It is restarted; tonight's run is fine."
    await slack.deliver(user_message(answer, channel=TRIAGE, user="U0ENG1", thread_ts=card.ts))
    await slack.settle()

    acknowledgement, reply = relay.to("ops@acme.test")
    assert reply.message["In-Reply-To"] == original["Message-ID"]
    assert original["Message-ID"] in reply.message["References"]
    assert reply.message["Subject"] == f"Re: Nightly export is empty [#{ticket_id}]"
    assert answer in reply.message.get_content()
    assert reply.mail_from == "support@example.com"  # a person's answer, not an auto-reply
    [stored] = [m for m in await slack.messages() if m.author == "U0ENG1"]
    assert (stored.channel, stored.direction, stored.author_kind) == ("email", "out", "engineer")
    assert stored.external_id == reply.message["Message-ID"].strip("<>")
    assert "first_response_met" in [e.type for e in await slack.audit(ticket_id)]


async def test_a_note_in_an_email_card_thread_sends_no_email(
    slack: SlackHarness, relay: SmtpSink
) -> None:
    ticket_id, _ = await _email_ticket(slack, relay)
    card = slack.card(ticket_id)
    sent_before = len(relay.received)

    await slack.deliver(
        user_message(
            "!note customer is on the old export worker build",
            channel=TRIAGE,
            user="U0ENG1",
            thread_ts=card.ts,
        )
    )
    await slack.settle()

    assert len(relay.received) == sent_before
    [note] = [m for m in await slack.messages() if m.author == "U0ENG1"]
    assert note.is_internal_note and note.body == "customer is on the old export worker build"


async def test_a_later_customer_email_is_posted_into_the_card_thread(
    slack: SlackHarness, relay: SmtpSink
) -> None:
    ticket_id, original = await _email_ticket(slack, relay)
    acknowledgement = relay.to("ops@acme.test")[0].message

    follow_up = customer_email(
        body="It happened again last night; the export log says 'worker timeout after 300s'.",
        subject=f"Re: {acknowledgement['Subject']}",
        In_Reply_To=acknowledgement["Message-ID"],
        References=f"{original['Message-ID']} {acknowledgement['Message-ID']}",
    )
    await aiosmtplib.send(follow_up, hostname="127.0.0.1", port=slack.runtime.ports.smtp)
    await slack.settle()

    assert len(await slack.tickets()) == 1
    card = slack.card(ticket_id)
    [mirrored] = slack.api.in_channel(TRIAGE, thread_ts=card.ts)
    assert "Email from Olga Ops" in mirrored.text
    assert "worker timeout after 300s" in mirrored.text
