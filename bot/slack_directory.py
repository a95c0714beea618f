"""Who a Slack user is, what a shared file is, who is in a user group: cached look-ups.

Look-ups are started as tasks while the intake worker prepares a batch, before its database
transaction begins, and are awaited inside it; so the (SQLite) write lock is never held
across a slow Slack call, and a user who writes ten messages costs one users.info call.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_payloads import SlackFile, file_from_api

log = logging.getLogger(__name__)


class SlackLookupFailed(Exception):
    """Slack could not answer now; the inbox item is retried later."""


@dataclass(frozen=True, slots=True)
class SlackUser:
    id: str
    team_id: str | None
    name: str | None
    email: str | None
    is_bot: bool = False

    @property
    def email_domain(self) -> str | None:
        return self.email.rpartition("@")[2].lower() if self.email and "@" in self.email else None


class _TimedCache:
    """Futures by key; failures are forgotten at once so the next caller retries."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, asyncio.Future[Any]]] = {}

    def get_or_start(self, key: str, start: Callable[[], Awaitable[Any]]) -> asyncio.Future[Any]:
        now = time.monotonic()
        entry = self._entries.get(key)
        if entry is not None:
            stored_at, future = entry
            failed = future.done() and future.exception() is not None
            if now - stored_at < self._ttl and not failed:
                return future
        future = asyncio.ensure_future(start())
        # Retrieve failures even if nobody awaits them (the message turned out a duplicate).
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._entries[key] = (now, future)
        return future


class SlackDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl_seconds: float = 3600.0) -> None:
        self._client = client
        self._users = _TimedCache(ttl_seconds)
        self._files = _TimedCache(ttl_seconds)
        self._groups = _TimedCache(min(ttl_seconds, 300.0))  # membership changes matter sooner

    def user(self, user_id: str) -> asyncio.Future[SlackUser]:
        """users.info (team, real name, email with users:read.email)."""
        return self._users.get_or_start(user_id, lambda: self._fetch_user(user_id))

    def file(self, file_id: str) -> asyncio.Future[SlackFile]:
        """files.info, for file shares Slack sent only partially."""
        return self._files.get_or_start(file_id, lambda: self._fetch_file(file_id))

    def group_members(self, group_id: str) -> asyncio.Future[frozenset[str]]:
        """usergroups.users.list: the engineer group's current members."""
        return self._groups.get_or_start(group_id, lambda: self._fetch_group(group_id))

    async def _fetch_user(self, user_id: str) -> SlackUser:
        data = await self._call("users.info", self._client.users_info(user=user_id))
        user = data.get("user") or {}
        profile = user.get("profile") or {}
        name = profile.get("real_name") or user.get("real_name") or profile.get("display_name")
        return SlackUser(
            id=user_id,
            team_id=user.get("team_id") or profile.get("team"),
            name=name or user.get("name"),
            email=profile.get("email"),
            is_bot=bool(user.get("is_bot")),
        )

    async def _fetch_file(self, file_id: str) -> SlackFile:
        data = await self._call("files.info", self._client.files_info(file=file_id))
        return file_from_api({**(data.get("file") or {}), "id": file_id, "file_access": None})

    async def _fetch_group(self, group_id: str) -> frozenset[str]:
        data = await self._call(
            "usergroups.users.list", self._client.usergroups_users_list(usergroup=group_id)
        )
        return frozenset(str(u) for u in data.get("users") or ())

    async def _call(self, method: str, call: Awaitable[Any]) -> dict[str, Any]:
        try:
            response = await call
        except Exception as exc:  # every failure means the same thing here: not now
            raise SlackLookupFailed(f"{method}: {type(exc).__name__}: {exc}") from exc
        data = response.data
        return data if isinstance(data, dict) else {}
