"""Tickets as JSON: the `intake tickets … --json` contract."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from models.tables import AuditEvent, Message, Ticket


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def ticket_summary(ticket: Ticket) -> dict[str, Any]:
    complete = dict((ticket.completeness or {}).get("complete", {}))
    return {
        "id": ticket.id,
        "channel": ticket.channel,
        "requester": ticket.requester,
        "requester_name": ticket.requester_name,
        "customer_org": ticket.customer_org,
        "plan": ticket.plan,
        "subject": ticket.subject,
        "status": ticket.status,
        "severity": ticket.severity,
        "severity_source": ticket.severity_source,
        "suggested_severity": ticket.suggested_severity,
        "confidence": round(ticket.suggestion_confidence, 4),
        "reason": ticket.suggestion_reason,
        "needs_human": ticket.needs_human,
        "complete": complete,
        "missing": list(ticket.missing),
        "deadlines": {
            "first_response": _iso(ticket.due_first_response),
            "workaround": _iso(ticket.due_workaround),
            "resolution": _iso(ticket.due_resolution),
        },
        "created_at": _iso(ticket.created_at),
        "updated_at": _iso(ticket.updated_at),
    }


def message_json(message: Message) -> dict[str, Any]:
    return {
        "id": message.id,
        "direction": message.direction,
        "channel": message.channel,
        "author": message.author,
        "author_name": message.author_name,
        "author_kind": message.author_kind,
        "brought_in_by": message.brought_in_by,
        "disposition": message.disposition,
        "subject": message.subject,
        "body": message.body,
        "external_id": message.external_id,
        "internal_note": message.is_internal_note,
        "created_at": _iso(message.created_at),
        "edited_at": _iso(message.edited_at),
    }


def event_json(event: AuditEvent) -> dict[str, Any]:
    return {
        "type": event.type,
        "actor": event.actor,
        "at": _iso(event.at),
        "old": event.old,
        "new": event.new,
    }
