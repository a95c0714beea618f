"""What the bot says to customers, per channel: short for Slack threads, polite for email."""

from __future__ import annotations

from collections.abc import Sequence

from models.tables import Ticket
from triage.missing_info_ask import render_ask


def _greeting(ticket: Ticket) -> str:
    name = (ticket.requester_name or "").split(" ")[0].strip('"')
    return f"Hello {name}," if name else "Hello,"


def acknowledgement_text(
    *, ticket: Ticket, asked: Sequence[str], channel: str, display_name: str
) -> str:
    """The first reply: ticket number, and exactly what is missing (if anything)."""
    assert ticket.id is not None
    ask = (
        render_ask(
            list(asked), channel=channel, requester_name=ticket.requester_name, ticket_id=ticket.id
        )
        if asked
        else ""
    )
    if channel == "slack":
        head = f"Thanks, we've opened ticket *#{ticket.id}* for this."
        return f"{head}\n{ask}" if ask else f"{head} We have everything we need to start."
    body = [
        _greeting(ticket),
        "",
        f"thank you for contacting support. We have opened ticket #{ticket.id} "
        f'("{ticket.subject or "your request"}") and an engineer will look at it.',
    ]
    if ask:
        body += ["", ask]
    else:
        body += ["", "Your report has everything we need to start working on it."]
    body += ["", "Please keep the ticket number in the subject when you reply.", "", "Support team"]
    return "\n".join(body)


def completed_text(*, ticket: Ticket, channel: str) -> str:
    if channel == "slack":
        return f"Thanks — ticket *#{ticket.id}* now has everything we need; the clock is running."
    return "\n".join(
        [
            _greeting(ticket),
            "",
            f"thank you — ticket #{ticket.id} now has everything we asked for, and our response "
            "times apply from now.",
            "",
            "Support team",
        ]
    )


def severity_decision_text(*, ticket: Ticket, channel: str, display_name: str) -> str:
    if channel == "slack":
        return f"An engineer has set ticket *#{ticket.id}* to *{display_name}*."
    return "\n".join(
        [
            _greeting(ticket),
            "",
            f"an engineer has reviewed ticket #{ticket.id} and set its severity to {display_name}.",
            "",
            "Support team",
        ]
    )
