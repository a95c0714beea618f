"""A small local Slack Web API for the tests: real HTTP, Slack's response shapes, every call kept.

Implements the methods the bot calls (auth.test, chat.postMessage, chat.update,
chat.postEphemeral, users.info, conversations.info, files.info, usergroups.users.list) and
serves private file downloads. It can be told to answer the next call of a method with a 429
(and Retry-After) or with a Slack error, to test that nothing is lost.
"""

from __future__ import annotations

import itertools
import json
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_USER = "U0BOT"
BOT_ID = "B0BOT"
VENDOR_TEAM = "T0VENDOR"
BOT_TOKEN = "xoxb-test-token"


@dataclass(frozen=True)
class SlackCall:
    method: str
    args: dict[str, Any]
    token: str | None


@dataclass(frozen=True)
class _Failure:
    status: int
    error: str
    retry_after: int | None = None


@dataclass
class PostedMessage:
    channel: str
    ts: str
    text: str
    thread_ts: str | None = None
    blocks: list[dict[str, Any]] = field(default_factory=list)
    updates: int = 0

    def actions(self) -> dict[str, dict[str, Any]]:
        """The card's interactive elements by action_id."""
        return {
            element["action_id"]: {**element, "block_id": block.get("block_id")}
            for block in self.blocks
            if block.get("type") == "actions"
            for element in block.get("elements", [])
        }

    def block_text(self) -> str:
        parts: list[str] = []
        for block in self.blocks:
            if "text" in block:
                parts.append(str(block["text"].get("text", "")))
            for f in block.get("fields", []):
                parts.append(str(f.get("text", "")))
            for e in block.get("elements", []):
                if e.get("type") == "mrkdwn":
                    parts.append(str(e.get("text", "")))
        return "\n".join(parts)


class FakeSlackApi:
    def __init__(self) -> None:
        self.calls: list[SlackCall] = []
        self.messages: list[PostedMessage] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.files: dict[str, dict[str, Any]] = {}
        self.downloads: dict[str, tuple[bytes, str]] = {}
        self.usergroups: dict[str, list[str]] = {}
        self._failures: dict[str, deque[_Failure]] = {}
        self._ts = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle -------------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_get("/files-pri/{file_id}/{name}", self._download)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    # -- arranging -------------------------------------------------------------------------------

    def add_user(
        self, user_id: str, *, name: str, email: str | None = None, team_id: str = VENDOR_TEAM
    ) -> None:
        profile: dict[str, Any] = {
            "real_name": name,
            "display_name": name.split()[0],
            "team": team_id,
        }
        if email:
            profile["email"] = email
        self.users[user_id] = {
            "id": user_id,
            "team_id": team_id,
            "name": name.split()[0].lower(),
            "real_name": name,
            "deleted": False,
            "is_bot": False,
            "tz": "Europe/Bucharest",
            "profile": profile,
        }

    def add_file(
        self,
        file_id: str,
        *,
        name: str,
        mimetype: str,
        content: bytes,
        served_as: str | None = None,
    ) -> dict[str, Any]:
        """A file as files.info describes it; its url_private serves `content`."""
        url = f"http://127.0.0.1:{self.port}/files-pri/{VENDOR_TEAM}-{file_id}/{name}"
        info = {
            "id": file_id,
            "created": 1700000000,
            "timestamp": 1700000000,
            "name": name,
            "title": name,
            "mimetype": mimetype,
            "filetype": name.rpartition(".")[2],
            "pretty_type": name.rpartition(".")[2].upper(),
            "user": "U0CUST1",
            "size": len(content),
            "mode": "hosted",
            "is_external": False,
            "is_public": False,
            "url_private": url,
            "url_private_download": url + "?download=1",
            "permalink": f"https://vendor.slack.com/files/U0CUST1/{file_id}/{name}",
        }
        self.files[file_id] = info
        self.downloads[file_id] = (content, served_as or mimetype)
        return info

    def answer_next(self, method: str, *, error: str = "fatal_error", status: int = 200) -> None:
        """The next call of `method` fails with a Slack error (`{"ok": false, "error": …}`)."""
        self._failures.setdefault(method, deque()).append(_Failure(status, error))

    def rate_limit_next(self, method: str, *, retry_after: int = 0) -> None:
        """The next call of `method` gets HTTP 429 with Retry-After."""
        self._failures.setdefault(method, deque()).append(_Failure(429, "ratelimited", retry_after))

    # -- reading what happened -------------------------------------------------------------------

    def calls_to(self, method: str) -> list[SlackCall]:
        return [c for c in self.calls if c.method == method]

    def in_channel(self, channel: str, *, thread_ts: str | None = None) -> list[PostedMessage]:
        return [
            m
            for m in self.messages
            if m.channel == channel and (thread_ts is None or m.thread_ts == thread_ts)
        ]

    def top_level(self, channel: str) -> list[PostedMessage]:
        return [m for m in self.messages if m.channel == channel and m.thread_ts is None]

    # -- the API -----------------------------------------------------------------------------------

    async def _api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        token = request.headers.get("Authorization", "").removeprefix("Bearer ") or None
        self.calls.append(SlackCall(method, args, token))
        queued = self._failures.get(method)
        if queued:
            failure = queued.popleft()
            headers = (
                {"Retry-After": str(failure.retry_after)} if failure.retry_after is not None else {}
            )
            return web.json_response(
                {"ok": False, "error": failure.error}, status=failure.status, headers=headers
            )
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return web.json_response({"ok": False, "error": "unknown_method"})
        return web.json_response(handler(args))

    def _next_ts(self) -> str:
        return f"1700001000.{next(self._ts):06d}"

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://vendor.slack.com/",
            "team": "Vendor",
            "user": "intake",
            "team_id": VENDOR_TEAM,
            "user_id": BOT_USER,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        text = str(args.get("text") or "")
        blocks = _json_list(args.get("blocks"))
        if not text and not blocks:
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        thread_ts = args.get("thread_ts") or None
        self.messages.append(PostedMessage(channel, ts, text, thread_ts, blocks))
        message: dict[str, Any] = {
            "user": BOT_USER,
            "type": "message",
            "ts": ts,
            "bot_id": BOT_ID,
            "app_id": "A0INTAKE",
            "text": text,
            "team": VENDOR_TEAM,
            "bot_profile": {"id": BOT_ID, "app_id": "A0INTAKE", "name": "intake", "deleted": False},
            "blocks": blocks,
        }
        if thread_ts:
            message["thread_ts"] = thread_ts
            message["parent_user_id"] = "U0CUST1"
        return {"ok": True, "channel": channel, "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, ts = str(args.get("channel", "")), str(args.get("ts", ""))
        for posted in self.messages:
            if posted.channel == channel and posted.ts == ts:
                posted.text = str(args.get("text") or posted.text)
                posted.blocks = _json_list(args.get("blocks")) or posted.blocks
                posted.updates += 1
                return {
                    "ok": True,
                    "channel": channel,
                    "ts": ts,
                    "text": posted.text,
                    "message": {
                        "type": "message",
                        "user": BOT_USER,
                        "bot_id": BOT_ID,
                        "text": posted.text,
                    },
                }
        return {"ok": False, "error": "message_not_found"}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}

    def _users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user", "")))
        return {"ok": True, "user": user} if user else {"ok": False, "error": "user_not_found"}

    def _files_info(self, args: dict[str, Any]) -> dict[str, Any]:
        info = self.files.get(str(args.get("file", "")))
        if info is None:
            return {"ok": False, "error": "file_not_found"}
        return {"ok": True, "file": info, "comments": [], "response_metadata": {"next_cursor": ""}}

    def _conversations_info(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args.get("channel", ""))
        is_im = channel.startswith("D")
        return {
            "ok": True,
            "channel": {
                "id": channel,
                "name": channel.lower(),
                "is_channel": not is_im,
                "is_im": is_im,
            },
        }

    def _usergroups_users_list(self, args: dict[str, Any]) -> dict[str, Any]:
        group = str(args.get("usergroup", ""))
        if group not in self.usergroups:
            return {"ok": False, "error": "no_such_subteam"}
        return {"ok": True, "users": self.usergroups[group]}

    async def _download(self, request: web.Request) -> web.Response:
        file_id = request.match_info["file_id"].removeprefix(f"{VENDOR_TEAM}-")
        self.calls.append(
            SlackCall("files.download", {"file": file_id}, request.headers.get("Authorization"))
        )
        if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
            return web.Response(text="<html>Sign in to Slack</html>", content_type="text/html")
        content, content_type = self.downloads[file_id]
        return web.Response(body=content, content_type=content_type)


def _json_list(value: Any) -> list[dict[str, Any]]:
    if isinstance(value, str):
        value = json.loads(value) if value else []
    return list(value or [])
