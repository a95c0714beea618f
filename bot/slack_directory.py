"""Who a Slack user is, what a shared file is, who is in a user group: cached look-ups.

Look-ups are started while the intake worker prepares a batch (in a worker thread, before its
database transaction begins) and awaited inside the transaction; so the (SQLite) write lock
is never held across a slow Slack call, and a user who writes ten messages costs one
users.info call. The calls themselves run on the event loop the directory is bound to.
"""

from __future__ import annotations

import asyncio
import logging
import threading
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from slack_sdk.web.async_client import AsyncWebClient

from bot.slack_payloads import SlackFile, file_from_api

log = logging.getLogger(__name__)

T = TypeVar("T")


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


async def awaited(future: Future[T]) -> T:
    """Wait for a look-up from inside the event loop."""
    return await asyncio.wrap_future(future)


class _TimedCache:
    """Futures by key, shared by threads; failures are forgotten so the next caller retries."""

    def __init__(self, ttl: float) -> None:
        self._ttl = ttl
        self._entries: dict[str, tuple[float, Future[Any]]] = {}
        self._lock = threading.Lock()

    def get_or_start(self, key: str, start: Callable[[], Future[Any]]) -> Future[Any]:
        with self._lock:
            now = time.monotonic()
            entry = self._entries.get(key)
            if entry is not None:
                stored_at, future = entry
                failed = future.done() and (future.cancelled() or future.exception() is not None)
                if now - stored_at < self._ttl and not failed:
                    return future
            future = start()
            self._entries[key] = (now, future)
            return future


class SlackDirectory:
    def __init__(self, client: AsyncWebClient, *, ttl_seconds: float = 3600.0) -> None:
        self._client = client
        self._loop: asyncio.AbstractEventLoop | None = None
        self._users = _TimedCache(ttl_seconds)
        self._files = _TimedCache(ttl_seconds)
        self._groups = _TimedCache(min(ttl_seconds, 300.0))  # membership changes matter sooner

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        """The loop the Web API client runs on (the serve process's loop)."""
        self._loop = loop

    def user(self, user_id: str) -> Future[SlackUser]:
        """users.info (team, real name, email with users:read.email)."""
        return self._users.get_or_start(user_id, lambda: self._start(self._fetch_user(user_id)))

    def file(self, file_id: str) -> Future[SlackFile]:
        """files.info, for file shares Slack sent only partially."""
        return self._files.get_or_start(file_id, lambda: self._start(self._fetch_file(file_id)))

    def group_members(self, group_id: str) -> Future[frozenset[str]]:
        """usergroups.users.list: the engineer group's current members."""
        return self._groups.get_or_start(group_id, lambda: self._start(self._fetch_group(group_id)))

    def _start(self, call: Coroutine[Any, Any, T]) -> Future[T]:
        """Run on the bound loop, whichever thread asks (the worker prepares off the loop)."""
        if self._loop is None or self._loop.is_closed():
            call.close()
            failed: Future[T] = Future()
            failed.set_exception(SlackLookupFailed("the Slack directory is not bound to a loop"))
            return failed
        return asyncio.run_coroutine_threadsafe(call, self._loop)

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
