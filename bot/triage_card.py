"""The engineers' triage card: one Block Kit message per ticket, rebuilt from the ticket alone.

A pure function of a `TriageCardView` (no I/O), so posting and every later `chat.update` show
exactly the ticket's current state, and the layout can be checked without Slack. The two
interactive elements are a contract with `slack_decisions`: the button `severity_confirm` and
the static_select `severity_set` whose option values are exactly the four level names.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.slack_payloads import card_actions_block_id
from triage.levels import SEVERITY_ORDER

CONFIRM_ACTION = "severity_confirm"
SET_ACTION = "severity_set"

FIELD_LABELS: Mapping[str, str] = {
    "repro_steps": "Steps to reproduce",
    "version": "Product version",
    "logs": "Logs",
    "first_line_confirmation": "First-line checks done",
    "error_message": "Error message",
    "impact": "Business impact",
    "occurred_at": "When it started",
}

CLOCK_LABELS: Mapping[str, str] = {
    "first_response": "First response",
    "workaround": "Workaround",
    "resolution": "Resolution",
}

_EXCERPT_CHARS = 1200
_HEADER_CHARS = 150  # Slack's limit for a header block


@dataclass(frozen=True, slots=True)
class TriageCardView:
    """Everything the card shows, already looked up (the handler reads the store)."""

    ticket_id: int
    channel: str  # slack | email
    origin: str  # "<#C0ACME>" or "email to support@…"
    requester: str
    requester_name: str | None
    org: str | None
    plan: str
    subject: str | None
    excerpt: str
    severity: str
    severity_source: str  # suggested | confirmed | corrected
    suggested_severity: str
    confidence: float
    reason: str
    needs_human: bool
    display_names: Mapping[str, str]  # level -> the plan's word for it
    complete: Mapping[str, bool]
    required_fields: Sequence[str]
    deadlines: Mapping[str, datetime | None] = field(default_factory=dict)
    clock_waiting_for_info: bool = False
    decided_by: str | None = None
    decided_at: datetime | None = None
    status: str = "open"

    def name(self, level: str) -> str:
        return self.display_names.get(level) or level.capitalize()


@dataclass(frozen=True, slots=True)
class TriageCard:
    text: str  # notification / accessibility fallback
    blocks: list[dict[str, Any]]


def render_triage_card(view: TriageCardView) -> TriageCard:
    blocks: list[dict[str, Any]] = [
        _header(view),
        _facts(view),
        _suggestion(view),
    ]
    if view.excerpt:
        blocks.append(_section(_quote(view.excerpt)))
    blocks.append(_section(_information(view)))
    blocks.append(_section(_deadlines(view)))
    if view.decided_by:
        blocks.append(_context(_decision(view)))
    blocks.append(_actions(view))
    text = (
        f"Ticket #{view.ticket_id} from {_requester(view)}"
        f"{f' ({view.org})' if view.org else ''}: {view.subject or 'no subject'}"
        f" — {view.name(view.severity)}"
    )
    return TriageCard(text=text, blocks=blocks)


def _header(view: TriageCardView) -> dict[str, Any]:
    title = f"#{view.ticket_id} · {view.subject or 'No subject'}"
    if len(title) > _HEADER_CHARS:
        title = title[: _HEADER_CHARS - 1] + "…"
    return {"type": "header", "text": {"type": "plain_text", "text": title, "emoji": True}}


def _requester(view: TriageCardView) -> str:
    """As mrkdwn: a Slack mention, or the escaped email name and address."""
    if view.channel == "slack":
        return f"<@{view.requester}>"
    who = f"{view.requester_name} <{view.requester}>" if view.requester_name else view.requester
    return escape_mrkdwn(who)


def _facts(view: TriageCardView) -> dict[str, Any]:
    channel = "Slack" if view.channel == "slack" else "Email"
    fields = [
        f"*Requester*\n{_requester(view)}",
        f"*Organisation*\n{escape_mrkdwn(view.org or 'unknown')} ({escape_mrkdwn(view.plan)})",
        f"*Channel*\n{channel}: {view.origin}",
        f"*Severity*\n{_severity_line(view)}",
    ]
    return {"type": "section", "fields": [{"type": "mrkdwn", "text": f} for f in fields]}


def _severity_line(view: TriageCardView) -> str:
    current = f"*{view.name(view.severity)}*"
    if view.severity_source == "suggested":
        return f"{current} (suggested)"
    return f"{current} ({view.severity_source})"


def _suggestion(view: TriageCardView) -> dict[str, Any]:
    lines = [
        f"*Suggested:* {view.name(view.suggested_severity)} · "
        f"{round(view.confidence * 100)}% confidence",
    ]
    if view.reason:
        lines.append(f"_{escape_mrkdwn(view.reason)}_")
    if view.needs_human:
        lines.append(":eyes: *Needs a human look* — the classifier is not sure about this one.")
    return _section("\n".join(lines))


def _information(view: TriageCardView) -> str:
    lines = ["*Information*"]
    for name in view.required_fields:
        mark = "✓" if view.complete.get(name) else "✗"
        lines.append(f"{mark} {FIELD_LABELS.get(name, name)}")
    missing = [n for n in view.required_fields if not view.complete.get(n)]
    lines.append(
        "Missing: " + ", ".join(FIELD_LABELS.get(n, n) for n in missing)
        if missing
        else "Everything required is there."
    )
    return "\n".join(lines)


def _deadlines(view: TriageCardView) -> str:
    lines = ["*SLA*"]
    for clock, label in CLOCK_LABELS.items():
        due = view.deadlines.get(clock)
        if due is not None:
            lines.append(f"{label}: due {_slack_date(due)}")
    if len(lines) == 1:
        lines.append(
            "Clock starts when the required information is complete or the severity is decided."
            if view.clock_waiting_for_info
            else "No deadline for this severity on this plan."
        )
    return "\n".join(lines)


def _decision(view: TriageCardView) -> str:
    verb = "Confirmed" if view.severity_source == "confirmed" else "Set"
    when = f" on {_slack_date(view.decided_at)}" if view.decided_at else ""
    who = _person(view.decided_by or "")
    return f":white_check_mark: {verb} as *{view.name(view.severity)}* by {who}{when}"


def _person(actor: str) -> str:
    """A Slack user id becomes a mention; a name given on the command line stays text."""
    if re.fullmatch(r"[UW][A-Z0-9]{2,}", actor):
        return f"<@{actor}>"
    return escape_mrkdwn(actor)


def _actions(view: TriageCardView) -> dict[str, Any]:
    options = [
        {
            "text": {"type": "plain_text", "text": _option_text(view, str(level))},
            "value": str(level),
        }
        for level in SEVERITY_ORDER
    ]
    select: dict[str, Any] = {
        "type": "static_select",
        "action_id": SET_ACTION,
        "placeholder": {"type": "plain_text", "text": "Set severity"},
        "options": options,
    }
    if view.severity_source != "suggested":
        select["initial_option"] = next(o for o in options if o["value"] == view.severity)
    return {
        "type": "actions",
        "block_id": card_actions_block_id(view.ticket_id),
        "elements": [
            {
                "type": "button",
                "action_id": CONFIRM_ACTION,
                "text": {"type": "plain_text", "text": f"Confirm {view.name(view.severity)}"},
                "style": "primary",
                "value": str(view.ticket_id),
            },
            select,
        ],
    }


def _option_text(view: TriageCardView, level: str) -> str:
    name = view.name(level)
    return name if name.lower() == level else f"{name} ({level})"


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text[:3000]}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _quote(text: str) -> str:
    if len(text) > _EXCERPT_CHARS:
        text = text[:_EXCERPT_CHARS].rstrip() + " …"
    return "\n".join(f">{escape_mrkdwn(line)}" for line in text.splitlines() or [""])


def escape_mrkdwn(text: str) -> str:
    """Slack mrkdwn control characters, so customer text cannot inject mentions or links."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _slack_date(moment: datetime) -> str:
    """Rendered in each reader's own time zone by Slack; the fallback is ISO 8601 UTC."""
    stamp = int(moment.timestamp())
    fallback = moment.isoformat(timespec="minutes")
    return f"<!date^{stamp}^{{date_short_pretty}} {{time}}|{fallback}>"
