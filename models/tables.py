"""The conversation store's tables.

One conversation per customer thread (an email thread or a Slack thread), any number of
messages in it, at most one ticket per conversation. The inbox and outbox make the two
promises hold together: an inbound item is durably stored before it is acknowledged, and an
outbound one is durably queued before anything tries to send it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.column_types import UTCDateTime, utcnow


class Channel(StrEnum):
    EMAIL = "email"
    SLACK = "slack"


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class AuthorKind(StrEnum):
    CUSTOMER = "customer"
    STAFF = "staff"  # a colleague who forwarded the customer's mail
    ENGINEER = "engineer"
    BOT = "bot"


class TicketStatus(StrEnum):
    OPEN = "open"
    WAITING_ON_CUSTOMER = "waiting_on_customer"
    RESOLVED = "resolved"


class SeveritySource(StrEnum):
    SUGGESTED = "suggested"
    CONFIRMED = "confirmed"
    CORRECTED = "corrected"


class Disposition(StrEnum):
    """What intake decided about an inbound message."""

    TICKET = "ticket"  # opened or continued a ticket
    UNVERIFIED = "unverified"  # sender is not a designated contact: stored, no ticket
    AUTO_REPLY = "auto_reply"  # auto-responder, bulk or bounce: stored, never answered
    EDIT = "edit"  # a Slack message_changed recorded on the original


class QueueStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    FAILED = "failed"  # gave up after the retry budget; kept for a human to look at


def _ts(*, index: bool = False) -> Any:
    """An optional UTC timestamp column."""
    return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True, index=index))


def _json(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_column=Column(JSON, nullable=False))


class Conversation(SQLModel, table=True):
    __tablename__ = "conversations"

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    customer_org: str | None = Field(default=None, max_length=200, index=True)
    # Slack threads are addressed by (channel, root ts); email threads by Message-IDs.
    slack_channel: str | None = Field(default=None, max_length=64)
    slack_thread_ts: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )

    __table_args__ = (
        UniqueConstraint("slack_channel", "slack_thread_ts", name="uq_conversation_slack_thread"),
    )


class Message(SQLModel, table=True):
    __tablename__ = "messages"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", index=True)
    channel: str = Field(max_length=16)
    direction: str = Field(max_length=8)
    author: str = Field(max_length=320)  # email address or Slack user id
    author_name: str | None = Field(default=None, max_length=320)
    author_kind: str = Field(max_length=16)
    brought_in_by: str | None = Field(default=None, max_length=320)  # the staff forwarder
    disposition: str = Field(default=Disposition.TICKET, max_length=16)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    body: str = Field(default="", sa_column=Column(Text, nullable=False))  # new text only
    full_text: str = Field(default="", sa_column=Column(Text, nullable=False))
    # Message-ID for email, ts for Slack; unique per channel so replays are stored once.
    external_id: str | None = Field(default=None, max_length=998)
    in_reply_to: str | None = Field(default=None, max_length=998)
    references: list[str] = _json(list)
    is_internal_note: bool = False
    inbox_id: int | None = Field(default=None, foreign_key="inbox.id")
    raw: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    problems: list[str] = _json(list)
    edited_at: datetime | None = _ts()
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )

    __table_args__ = (UniqueConstraint("channel", "external_id", name="uq_message_external_id"),)


class Attachment(SQLModel, table=True):
    __tablename__ = "attachments"

    id: int | None = Field(default=None, primary_key=True)
    message_id: int = Field(foreign_key="messages.id", index=True)
    filename: str = Field(max_length=255)
    content_type: str = Field(default="application/octet-stream", max_length=255)
    size: int = 0
    external_id: str | None = Field(default=None, max_length=64)  # Slack file id
    storage_path: str | None = Field(default=None, max_length=1024)


class Ticket(SQLModel, table=True):
    __tablename__ = "tickets"

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversations.id", unique=True)
    channel: str = Field(max_length=16)
    requester: str = Field(max_length=320)
    requester_name: str | None = Field(default=None, max_length=320)
    customer_org: str | None = Field(default=None, max_length=200, index=True)
    plan: str = Field(max_length=100)
    subject: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default=TicketStatus.OPEN, max_length=32, index=True)

    severity: str = Field(max_length=16)
    severity_source: str = Field(default=SeveritySource.SUGGESTED, max_length=16)
    suggested_severity: str = Field(max_length=16)
    suggestion_confidence: float = 0.0
    suggestion_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    needs_human: bool = False
    probabilities: dict[str, float] = _json(dict)
    severity_decided_by: str | None = Field(default=None, max_length=320)
    severity_decided_at: datetime | None = _ts()

    completeness: dict[str, Any] = _json(dict)  # field -> {present, evidence, ...}
    missing: list[str] = _json(list)  # missing REQUIRED fields
    asked_fields: dict[str, int] = _json(dict)  # field -> customer message count when asked
    completion_announced: bool = False

    sla_state: dict[str, Any] = _json(dict)
    due_first_response: datetime | None = _ts()
    due_workaround: datetime | None = _ts()
    due_resolution: datetime | None = _ts()
    next_alarm_at: datetime | None = _ts(index=True)

    triage_card_channel: str | None = Field(default=None, max_length=64)
    triage_card_ts: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class AuditEvent(SQLModel, table=True):
    """Append-only: every severity, deadline and status change, with who and when."""

    __tablename__ = "audit_events"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    type: str = Field(max_length=64)
    actor: str = Field(max_length=320)
    at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    old: Any = Field(default=None, sa_column=Column(JSON))
    new: Any = Field(default=None, sa_column=Column(JSON))


class InboxItem(SQLModel, table=True):
    """A raw inbound item, stored before it is acknowledged (SMTP 250, Slack 200)."""

    __tablename__ = "inbox"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(max_length=16)  # email | slack
    dedupe_key: str = Field(max_length=998)
    raw: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    envelope: dict[str, Any] = _json(dict)  # SMTP envelope or Slack request headers
    received_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    status: str = Field(default=QueueStatus.PENDING, max_length=16)
    attempts: int = 0
    locked_by: str | None = Field(default=None, max_length=128)
    locked_until: datetime | None = _ts()
    processed_at: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_column=Column(Text))

    __table_args__ = (
        UniqueConstraint("source", "dedupe_key", name="uq_inbox_dedupe"),
        Index("ix_inbox_pending", "status", "id"),
    )


class OutboxItem(SQLModel, table=True):
    """An outbound message (email reply, Slack post/update) queued durably, sent with retries."""

    __tablename__ = "outbox"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=32)
    payload: dict[str, Any] = _json(dict)
    ticket_id: int | None = Field(default=None, foreign_key="tickets.id", index=True)
    dedupe_key: str | None = Field(default=None, max_length=255, unique=True)
    # Automatic email replies are rate limited per recipient address.
    rate_key: str | None = Field(default=None, max_length=320, index=True)
    status: str = Field(default=QueueStatus.PENDING, max_length=16)
    attempts: int = 0
    available_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    locked_by: str | None = Field(default=None, max_length=128)
    locked_until: datetime | None = _ts()
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    result: dict[str, Any] = _json(dict)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: datetime | None = _ts()

    __table_args__ = (Index("ix_outbox_pending", "status", "available_at"),)


class SlaAlarm(SQLModel, table=True):
    """A fired SLA warning; the unique key makes each fire exactly once across replicas."""

    __tablename__ = "sla_alarms"

    id: int | None = Field(default=None, primary_key=True)
    ticket_id: int = Field(foreign_key="tickets.id", index=True)
    clock: str = Field(max_length=32)
    kind: str = Field(max_length=16)  # warn_75 | breach
    deadline_at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    fired_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )

    __table_args__ = (
        UniqueConstraint("ticket_id", "clock", "kind", "deadline_at", name="uq_sla_alarm_once"),
    )


ALL_TABLES = (
    Conversation,
    Message,
    Attachment,
    Ticket,
    AuditEvent,
    InboxItem,
    OutboxItem,
    SlaAlarm,
)
