"""Asking the customer for exactly what is missing — once, unless they answered without it.

Pure functions: the bot keeps, per ticket, which fields it asked for and how many customer
messages it had seen at that moment; these functions decide what to ask next and word it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from triage.levels import COMPLETENESS_FIELDS

# What to send, with a concrete example, per field (names are the contract in triage.levels).
FIELD_REQUESTS: dict[str, str] = {
    "repro_steps": "the steps to reproduce the problem, e.g. \"1. open Reports 2. pick last month 3. click Export → error\"",
    "version": "the product version you run — you can find it under Settings → About, e.g. 4.2.1",
    "logs": "logs or a stack trace from around the time of the problem (paste them or attach a .log/.zip/.har file)",
    "first_line_confirmation": "what you already checked on your side (network/firewall, credentials, permissions, your integration) and that the problem persists",
    "error_message": "the exact error message you see, copied as text or as a screenshot",
    "impact": "who or what is affected and how badly, e.g. \"all 40 agents cannot log in\"",
    "occurred_at": "when it started, e.g. \"since 09:10 UTC today\" or \"after Tuesday's upgrade\"",
}


def plan_ask(
    missing_required: Sequence[str],
    *,
    previously_asked: Mapping[str, int],
    customer_messages_seen: int,
) -> list[str]:
    """The fields to ask for now, in contract order.

    A field is asked for when it is missing and either was never asked, or was asked before the
    customer's latest message(s) and is still missing after them. Nothing is asked twice for
    the same customer message.
    """
    wanted = []
    for field in COMPLETENESS_FIELDS:
        if field not in missing_required:
            continue
        asked_at = previously_asked.get(field)
        if asked_at is None or asked_at < customer_messages_seen:
            wanted.append(field)
    return wanted


def render_ask(
    fields: Sequence[str], *, channel: str, requester_name: str | None, ticket_id: int
) -> str:
    """One message listing only these fields: a bullet list for Slack, a paragraph + list for email."""
    items = [FIELD_REQUESTS[f] for f in fields if f in FIELD_REQUESTS]
    if not items:
        return ""
    if channel == "slack":
        lines = ["To get started we still need:"] + [f"• {item}" for item in items]
        return "\n".join(lines)
    lines = [
        f"To work on ticket #{ticket_id} we still need a few details. Could you please reply with:",
        "",
        *[f"  - {item}" for item in items],
    ]
    return "\n".join(lines)
