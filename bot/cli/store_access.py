"""Opening the store from a CLI command, with errors a person can act on."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.cli.errors import CliError, UsageError
from bot.config import ConfigError
from bot.settings import load_settings
from models.database import DatabaseUrlError
from models.store import Store, StoreUnavailable

T = TypeVar("T")


def open_store() -> Store:
    try:
        settings = load_settings()
        return Store.from_url(settings.database_url)
    except (ConfigError, DatabaseUrlError) as exc:
        raise UsageError(str(exc)) from None


def run_with_store(work: Callable[[Store], Awaitable[T]]) -> T:
    """Run `work` against an upgraded store; an unreachable database is one clear line."""

    async def run() -> T:
        store = open_store()
        try:
            await store.ping()
            await store.upgrade()
            return await work(store)
        finally:
            await store.close()

    try:
        return asyncio.run(run())
    except StoreUnavailable as exc:
        raise CliError(f"database unavailable: {exc}") from None
