"""The ask: one friendly message listing exactly the required fields that are still missing.

Engineers lose hours chasing steps, versions and logs; customers get annoyed when asked twice
for something they already sent. So the bot asks only for missing REQUIRED fields, never for
what is present, and never repeats a question unless the customer has replied since and the
reply still lacks the field. Wording differs per channel: a short bullet list in the Slack
thread, a polite paragraph plus list by email. Pure text logic: the bot sends and records.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from triage.levels import COMPLETENESS_FIELDS
from triage.version_parser import ParsedVersion, is_out_of_support, parse_version

Channel = Literal["slack", "email"]


@dataclass(frozen=True, slots=True)
class FieldAsk:
    """How to ask for one field: what it is, where to find it, and a concrete example."""

    label: str
    how: str
    example: str
    example_is_code: bool = False  # shown as `code` in Slack


FIELD_ASKS: Mapping[str, FieldAsk] = {
    "repro_steps": FieldAsk(
        label="the steps to reproduce the problem",
        how="what you clicked, ran or sent, in order",
        example="1. Open Reports › Monthly, 2. click Export, 3. the page shows error 502",
    ),
    "version": FieldAsk(
        label="the product version",
        how="you can find it under Settings → About or in the Help menu",
        example="4.2.1",
        example_is_code=True,
    ),
    "logs": FieldAsk(
        label="logs or other evidence",
        how="attach the log file, a support bundle or a HAR capture, or paste the log lines "
        "around the error",
        example="agent.log or support-bundle.zip",
    ),
    "first_line_confirmation": FieldAsk(
        label="what you have already checked on your side",
        how="such as network/firewall access, credentials or API keys, user permissions, your "
        "own configuration, or another browser or device, and whether the problem persists",
        example="port 443 is open and the API key is valid, still failing",
    ),
    "error_message": FieldAsk(
        label="the exact error message",
        how="copy the text or error code exactly as shown",
        example="ERR 3021: certificate verify failed",
        example_is_code=True,
    ),
    "impact": FieldAsk(
        label="who is affected and how badly",
        how="how many users, sites or orders, and what they cannot do",
        example="all 40 agents in one office cannot take calls",
    ),
    "occurred_at": FieldAsk(
        label="when it started",
        how="a date and time with time zone, or the change it followed",
        example="since 09:15 CET today",
    ),
}


def plan_ask(
    missing_required: Sequence[str],
    *,
    previously_asked: Mapping[str, int],
    customer_messages_seen: int,
) -> list[str]:
    """The missing required fields to ask for now, in contract order.

    `previously_asked` maps a field to the number of customer messages the bot had seen
    when it last asked for it. A field is asked if it was never asked, or if the customer
    has written since (`customer_messages_seen` is higher) and the field is still missing.
    Present fields are never in `missing_required`, so they are never asked for.
    """
    unknown = [field for field in missing_required if field not in FIELD_ASKS]
    if unknown:
        raise ValueError(f"unknown completeness field(s): {', '.join(unknown)}")
    wanted = set(missing_required)
    return [
        field
        for field in COMPLETENESS_FIELDS
        if field in wanted
        and (field not in previously_asked or customer_messages_seen > previously_asked[field])
    ]


def record_ask(
    previously_asked: Mapping[str, int], asked: Sequence[str], *, customer_messages_seen: int
) -> dict[str, int]:
    """The `previously_asked` mapping after sending an ask for `asked` (a new dict)."""
    updated = dict(previously_asked)
    updated.update({field: customer_messages_seen for field in asked})
    return updated


def render_ask(
    fields: Sequence[str],
    *,
    channel: Channel,
    requester_name: str | None,
    ticket_id: int,
    greeting: bool = False,
) -> str:
    """The customer-facing ask for `fields` (from `plan_ask`), worded for the channel.

    By default this is the ask itself (a lead-in plus one item per field with where to find
    it and an example), ready to embed in a reply that already greets the customer, such as
    the acknowledgement. `greeting=True` makes it a complete message for a follow-up ask.
    """
    if not fields:
        raise ValueError("nothing to ask for")
    asks = [FIELD_ASKS[field] for field in fields]
    if channel == "slack":
        bullets = "\n".join(
            f"• *{ask.label}* — {ask.how}, e.g. "
            + (f"`{ask.example}`" if ask.example_is_code else f"_{ask.example}_")
            for ask in asks
        )
        name = f" {_slack_escape(requester_name)}" if requester_name else ""
        lead = f"To get ticket #{ticket_id}"
        if greeting:
            lead = f"Thanks{name}! {lead}"
        return (
            f"{lead} to an engineer we still need:\n{bullets}\n"
            "Just reply in this thread (files are welcome)."
        )
    if channel == "email":
        items = "\n".join(
            f"- {ask.label[0].upper()}{ask.label[1:]}: {ask.how}. Example: {ask.example}."
            for ask in asks
        )
        body = (
            f"So that our engineers can start working on ticket #{ticket_id} right away, and so "
            "that your support response times can start, could you please reply with the "
            f"following:\n\n{items}\n\n"
            "Attachments are welcome."
        )
        if not greeting:
            return body
        hello = f"Hello {requester_name}," if requester_name else "Hello,"
        return f"{hello}\n\n{body}\n\nKind regards,\nThe support team"
    raise ValueError(f"unknown channel: {channel!r}")


def render_completed_notice(*, channel: Channel, requester_name: str | None, ticket_id: int) -> str:
    """The "thanks, we now have everything" notice: sent once, when the last field arrives."""
    if channel == "slack":
        name = f", {_slack_escape(requester_name)}" if requester_name else ""
        return (
            f"Thanks{name}, we now have everything we need for ticket #{ticket_id}. "
            "The SLA clock has started and an engineer will pick it up."
        )
    if channel == "email":
        greeting = f"Hello {requester_name}," if requester_name else "Hello,"
        return (
            f"{greeting}\n\n"
            f"Thank you, we now have everything we need for ticket #{ticket_id}. The SLA "
            "clock has started and an engineer will be in touch.\n\n"
            "Kind regards,\nThe support team"
        )
    raise ValueError(f"unknown channel: {channel!r}")


def render_end_of_support_notice(
    version: ParsedVersion | str, *, end_of_support: str, product: str | None = None
) -> str | None:
    """A polite sentence when `version` is older than the first supported release, else None.

    Vendors exclude versions past their support lifecycle from the SLA; saying so early is
    kinder than a late "please upgrade".
    """
    parsed = parse_version(version) if isinstance(version, str) else version
    if parsed is None or not is_out_of_support(parsed, end_of_support):
        return None
    name = f"{product} " if product else ""
    return (
        f"Please note that {name}{parsed.raw} is past its end of support (versions before "
        f"{end_of_support} are no longer covered), so we may ask you to upgrade before we "
        "can fully investigate."
    )


def _slack_escape(text: str | None) -> str:
    """Slack mrkdwn treats &, < and > as control characters."""
    return (text or "").replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
