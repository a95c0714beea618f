"""Slack's wire formats turned into small typed records, in one place.

The intake and decision code reason about "a customer message in a thread" or "an engineer
picked High", never about nested dicts; everything Slack-shaped is read here, defensively,
because Slack adds fields freely and omits many of them depending on the event.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import parse_qs

# Subtypes that carry a person's new words; everything else (joins, topics, pins …) is noise.
_CONTENT_SUBTYPES = {None, "", "file_share", "thread_broadcast"}


class SlackEventKind(StrEnum):
    MESSAGE = "message"  # a person wrote something (top-level or in a thread)
    EDIT = "edit"  # message_changed: new text for a message already seen
    DELETE = "delete"  # message_deleted
    IGNORED = "ignored"  # bot traffic, system subtypes, other event types


@dataclass(frozen=True, slots=True)
class SlackFile:
    """A shared file's metadata; `partial` when Slack sent only the id (Slack Connect)."""

    id: str
    name: str
    mimetype: str
    size: int
    url_private: str | None = None
    partial: bool = False


@dataclass(frozen=True, slots=True)
class SlackEvent:
    """One Events API delivery, reduced to what intake needs."""

    kind: SlackEventKind
    event_id: str
    team_id: str | None  # the workspace the app is installed in
    channel: str = ""
    channel_type: str = ""
    user: str = ""
    user_team: str | None = None  # the author's own workspace (differs in Slack Connect)
    text: str = ""
    ts: str = ""
    thread_ts: str | None = None
    files: tuple[SlackFile, ...] = ()
    edited_at: datetime | None = None
    ignored_because: str | None = None

    @property
    def is_thread_reply(self) -> bool:
        return self.thread_ts is not None and self.thread_ts != self.ts

    @property
    def root_ts(self) -> str:
        """The ts that names this message's conversation: the thread's root, or itself."""
        return self.thread_ts or self.ts

    @property
    def is_direct_message(self) -> bool:
        return self.channel_type == "im" or self.channel.startswith("D")

    @property
    def sent_at(self) -> datetime:
        return ts_to_datetime(self.ts)


@dataclass(frozen=True, slots=True)
class SeverityAction:
    """One click on a triage card (`severity_confirm` or `severity_set`)."""

    action_id: str
    user_id: str
    user_name: str | None
    channel_id: str
    message_ts: str
    ticket_id: int | None
    selected: str | None  # the chosen level for severity_set
    action_ts: str


@dataclass(frozen=True, slots=True)
class InteractivePayload:
    kind: str  # block_actions, view_submission, …
    actions: tuple[SeverityAction, ...] = field(default_factory=tuple)


def slack_message_key(channel: str, ts: str) -> str:
    """A Slack message's stored external id: ts is only unique within its channel."""
    return f"{channel}:{ts}"


def ts_to_datetime(ts: str) -> datetime:
    return datetime.fromtimestamp(float(ts), tz=UTC)


def plain_text(text: str) -> str:
    """Slack's escaped mrkdwn as the customer typed it (`&lt;` → `<`); mentions stay as ids."""
    return html.unescape(text or "")


def parse_event_callback(raw: bytes) -> SlackEvent:
    """Read an `event_callback` envelope; unexpected shapes become IGNORED, never errors."""
    envelope = json.loads(raw)
    event_id = str(envelope.get("event_id") or "")
    team_id = envelope.get("team_id")
    event = envelope.get("event") or {}
    ignored = _ignore_reason(event)
    if ignored is not None:
        return SlackEvent(SlackEventKind.IGNORED, event_id, team_id, ignored_because=ignored)
    subtype = event.get("subtype")
    channel = str(event.get("channel") or "")
    channel_type = str(event.get("channel_type") or "")
    if subtype == "message_changed":
        new = event.get("message") or {}
        if new.get("bot_id") or new.get("subtype") == "bot_message":
            return SlackEvent(SlackEventKind.IGNORED, event_id, team_id, ignored_because="bot edit")
        edited = new.get("edited") or {}
        return SlackEvent(
            SlackEventKind.EDIT,
            event_id,
            team_id,
            channel=channel,
            channel_type=channel_type,
            user=str(new.get("user") or ""),
            text=plain_text(new.get("text", "")),
            ts=str(new.get("ts") or ""),
            thread_ts=new.get("thread_ts"),
            files=_files(new.get("files")),
            edited_at=ts_to_datetime(edited["ts"]) if edited.get("ts") else None,
        )
    if subtype == "message_deleted":
        return SlackEvent(
            SlackEventKind.DELETE,
            event_id,
            team_id,
            channel=channel,
            channel_type=channel_type,
            ts=str(event.get("deleted_ts") or ""),
        )
    return SlackEvent(
        SlackEventKind.MESSAGE,
        event_id,
        team_id,
        channel=channel,
        channel_type=channel_type,
        user=str(event.get("user") or ""),
        user_team=event.get("user_team") or event.get("team"),
        text=plain_text(event.get("text", "")),
        ts=str(event.get("ts") or ""),
        thread_ts=event.get("thread_ts"),
        files=_files(event.get("files")),
    )


def _ignore_reason(event: dict[str, Any]) -> str | None:
    if event.get("type") != "message":
        return f"event type {event.get('type')!r}"
    # Modern bot posts carry bot_id with no subtype; classic ones say bot_message.
    if event.get("bot_id") or event.get("subtype") == "bot_message":
        return "bot message"
    subtype = event.get("subtype")
    if subtype in ("message_changed", "message_deleted"):
        return None
    if subtype not in _CONTENT_SUBTYPES:
        return f"subtype {subtype!r}"
    if not event.get("user") or not event.get("ts") or not event.get("channel"):
        return "no author, ts or channel"
    return None


def _files(raw_files: Any) -> tuple[SlackFile, ...]:
    files: list[SlackFile] = []
    for raw in raw_files or ():
        if not isinstance(raw, dict) or not raw.get("id"):
            continue
        files.append(file_from_api(raw))
    return tuple(files)


def file_from_api(raw: dict[str, Any]) -> SlackFile:
    """A `files[]` entry or a files.info `file`; Slack Connect sends only id + file_access."""
    partial = raw.get("file_access") == "check_file_info" or "name" not in raw
    return SlackFile(
        id=str(raw["id"]),
        name=str(raw.get("name") or raw.get("title") or raw["id"]),
        mimetype=str(raw.get("mimetype") or "application/octet-stream"),
        size=int(raw.get("size") or 0),
        url_private=raw.get("url_private_download") or raw.get("url_private"),
        partial=partial,
    )


def parse_interactive(raw: bytes) -> InteractivePayload:
    """Read a form-encoded interactive request (`payload=<json>`)."""
    form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    payload = json.loads(form.get("payload", ["{}"])[0])
    kind = str(payload.get("type") or "")
    if kind != "block_actions":
        return InteractivePayload(kind)
    user = payload.get("user") or {}
    container = payload.get("container") or {}
    channel = (payload.get("channel") or {}).get("id") or container.get("channel_id") or ""
    message_ts = container.get("message_ts") or (payload.get("message") or {}).get("ts") or ""
    actions = []
    for action in payload.get("actions") or ():
        selected = (action.get("selected_option") or {}).get("value")
        actions.append(
            SeverityAction(
                action_id=str(action.get("action_id") or ""),
                user_id=str(user.get("id") or ""),
                user_name=user.get("username") or user.get("name"),
                channel_id=str(channel),
                message_ts=str(message_ts),
                ticket_id=ticket_id_of_block(str(action.get("block_id") or "")),
                selected=selected,
                action_ts=str(action.get("action_ts") or ""),
            )
        )
    return InteractivePayload(kind, tuple(actions))


CARD_BLOCK_PREFIX = "triage:"


def card_actions_block_id(ticket_id: int) -> str:
    return f"{CARD_BLOCK_PREFIX}{ticket_id}"


def ticket_id_of_block(block_id: str) -> int | None:
    if not block_id.startswith(CARD_BLOCK_PREFIX):
        return None
    number = block_id.removeprefix(CARD_BLOCK_PREFIX)
    return int(number) if number.isdigit() else None


def interactive_dedupe_key(raw: bytes) -> str:
    """Interactive payloads have no event_id: a click is (type, action_ts, user, action_id)."""
    form = parse_qs(raw.decode("utf-8"), keep_blank_values=True)
    payload = json.loads(form.get("payload", ["{}"])[0])
    user = (payload.get("user") or {}).get("id", "")
    actions = payload.get("actions") or [{}]
    first = actions[0]
    stamp = first.get("action_ts") or payload.get("trigger_id") or ""
    return f"interactive:{payload.get('type')}:{stamp}:{user}:{first.get('action_id', '')}"
