"""Realistic Slack payloads (Events API envelopes, block_actions) and signed delivery over HTTP.

Shapes follow Slack's documented formats as bolt-python's own tests use them
(tests/scenario_tests_async/test_message*.py, test_block_actions.py): a modern user message
carries client_msg_id, team, blocks; a bot post carries bot_id + bot_profile; a thread reply
carries thread_ts + parent_user_id; message_changed nests the new message.
"""

from __future__ import annotations

import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from slack_sdk.signature import SignatureVerifier

from tests.bot.fake_slack_api import BOT_ID, BOT_USER, VENDOR_TEAM

SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_ID = "A0INTAKE"

_event_numbers = itertools.count(1)
_ts_numbers = itertools.count(1)


def new_ts() -> str:
    """A message ts: epoch seconds, dot, six digits (unique within the test run)."""
    return f"{int(time.time()) - 60}.{next(_ts_numbers):06d}"


def _rich_text(text: str) -> list[dict[str, Any]]:
    return [
        {
            "type": "rich_text",
            "block_id": uuid.uuid4().hex[:5],
            "elements": [
                {"type": "rich_text_section", "elements": [{"type": "text", "text": text}]}
            ],
        }
    ]


def user_message(
    text: str,
    *,
    channel: str = "C0ACME",
    user: str = "U0CUST1",
    team: str = VENDOR_TEAM,
    ts: str | None = None,
    thread_ts: str | None = None,
    channel_type: str = "channel",
) -> dict[str, Any]:
    ts = ts or new_ts()
    event: dict[str, Any] = {
        "client_msg_id": str(uuid.uuid4()),
        "type": "message",
        "text": text,
        "user": user,
        "ts": ts,
        "team": team,
        "blocks": _rich_text(text),
        "channel": channel,
        "event_ts": ts,
        "channel_type": channel_type,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = "U0CUST1"
    return event


def file_share(
    text: str, files: list[dict[str, Any]], *, channel: str = "C0ACME", thread_ts: str | None = None
) -> dict[str, Any]:
    event = user_message(text, channel=channel, thread_ts=thread_ts)
    event.update(
        {"subtype": "file_share", "files": files, "upload": False, "display_as_bot": False}
    )
    return event


def message_changed(original: dict[str, Any], new_text: str) -> dict[str, Any]:
    """What Slack sends when `original` is edited: hidden, the new message nested inside."""
    edited_ts = new_ts()
    new = {
        **{k: v for k, v in original.items() if k not in ("channel", "event_ts", "channel_type")},
        "text": new_text,
        "blocks": _rich_text(new_text),
        "edited": {"user": original["user"], "ts": edited_ts},
    }
    previous = {
        k: v for k, v in original.items() if k not in ("channel", "event_ts", "channel_type")
    }
    return {
        "type": "message",
        "subtype": "message_changed",
        "hidden": True,
        "message": new,
        "channel": original["channel"],
        "previous_message": previous,
        "event_ts": edited_ts,
        "ts": edited_ts,
        "channel_type": original.get("channel_type", "channel"),
    }


def bot_post(text: str, *, channel: str = "C0ACME", thread_ts: str | None = None) -> dict[str, Any]:
    """A modern bot's post (ours or another app's): bot_id + bot_profile, no subtype."""
    ts = new_ts()
    event: dict[str, Any] = {
        "bot_id": BOT_ID,
        "type": "message",
        "text": text,
        "user": BOT_USER,
        "ts": ts,
        "app_id": APP_ID,
        "team": VENDOR_TEAM,
        "bot_profile": {"id": BOT_ID, "app_id": APP_ID, "name": "intake", "deleted": False},
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def channel_join(user: str, *, channel: str = "C0ACME") -> dict[str, Any]:
    ts = new_ts()
    return {
        "type": "message",
        "subtype": "channel_join",
        "ts": ts,
        "user": user,
        "text": f"<@{user}> has joined the channel",
        "channel": channel,
        "event_ts": ts,
        "channel_type": "channel",
    }


def envelope(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    return {
        "token": "verification-token-unused",
        "team_id": VENDOR_TEAM,
        "context_team_id": VENDOR_TEAM,
        "api_app_id": APP_ID,
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_event_numbers):08d}",
        "event_time": int(time.time()),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": VENDOR_TEAM,
                "user_id": BOT_USER,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": "4-" + uuid.uuid4().hex,
    }


def block_actions(
    *,
    card_channel: str,
    card_ts: str,
    user: str,
    action: dict[str, Any],
    selected: str | None = None,
) -> dict[str, Any]:
    """A click on a card element (`action` is the element as the card rendered it)."""
    action_ts = f"{time.time():.6f}"
    clicked: dict[str, Any] = {
        "type": action["type"],
        "action_id": action["action_id"],
        "block_id": action["block_id"],
        "action_ts": action_ts,
    }
    state: dict[str, Any] = {"values": {}}
    if action["type"] == "button":
        clicked.update({"text": action["text"], "value": action["value"], "style": "primary"})
    else:
        option = next(o for o in action["options"] if o["value"] == selected)
        clicked.update({"selected_option": option, "placeholder": action["placeholder"]})
        state["values"] = {
            action["block_id"]: {
                action["action_id"]: {"type": "static_select", "selected_option": option}
            }
        }
    return {
        "type": "block_actions",
        "user": {
            "id": user,
            "username": user.lower(),
            "name": user.lower(),
            "team_id": VENDOR_TEAM,
        },
        "api_app_id": APP_ID,
        "token": "verification-token-unused",
        "container": {
            "type": "message",
            "message_ts": card_ts,
            "channel_id": card_channel,
            "is_ephemeral": False,
        },
        "trigger_id": f"{int(time.time())}.1.{uuid.uuid4().hex[:16]}",
        "team": {"id": VENDOR_TEAM, "domain": "vendor"},
        "enterprise": None,
        "is_enterprise_install": False,
        "channel": {"id": card_channel, "name": "triage"},
        "message": {"type": "message", "ts": card_ts, "bot_id": BOT_ID, "text": "card"},
        "state": state,
        "response_url": f"https://hooks.slack.com/actions/{VENDOR_TEAM}/1/x",
        "actions": [clicked],
    }


@dataclass
class SlackResponse:
    status: int
    body: str
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class SignedSender:
    """Delivers payloads to the bot's /slack/events like Slack does: signed, over HTTP."""

    url: str
    signing_secret: str = SIGNING_SECRET

    async def post(
        self,
        body: bytes,
        *,
        content_type: str,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> SlackResponse:
        stamp = str(timestamp if timestamp is not None else int(time.time()))
        verifier = SignatureVerifier(self.signing_secret)
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": signature
            or verifier.generate_signature(timestamp=stamp, body=body),
            **(extra_headers or {}),
        }
        async with (
            aiohttp.ClientSession() as session,
            session.post(self.url, data=body, headers=headers) as r,
        ):
            return SlackResponse(r.status, await r.text(), dict(r.headers))

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry_num: int | None = None
    ) -> SlackResponse:
        return await self.envelope(envelope(event, event_id=event_id), retry_num=retry_num)

    async def envelope(
        self, body: dict[str, Any], *, retry_num: int | None = None
    ) -> SlackResponse:
        headers = (
            {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
            if retry_num
            else None
        )
        return await self.post(
            json.dumps(body).encode(), content_type="application/json", extra_headers=headers
        )

    async def interactive(self, payload: dict[str, Any]) -> SlackResponse:
        body = urlencode({"payload": json.dumps(payload)}).encode()
        return await self.post(body, content_type="application/x-www-form-urlencoded")
