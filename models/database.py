"""Engines for the conversation store: URL normalisation and the SQLite settings that matter.

SQLite is the default (one file, WAL, one writer process). PostgreSQL serves several replicas.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


class DatabaseUrlError(ValueError):
    """The database URL cannot be used."""


def normalise_database_url(url: str) -> URL:
    """Map plain `sqlite:///…` and `postgresql://…` URLs to their async drivers."""
    try:
        parsed = make_url(url)
    except Exception as exc:
        raise DatabaseUrlError(f"not a database URL: {url!r}") from exc
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        return parsed.set(drivername="sqlite+aiosqlite")
    if backend in ("postgresql", "postgres"):
        return parsed.set(drivername="postgresql+asyncpg")
    raise DatabaseUrlError(
        f"unsupported database {backend!r} in {url!r}: use sqlite:///PATH or postgresql://…"
    )


@dataclass(frozen=True)
class Engines:
    """A writer and a reader engine.

    On SQLite the writer starts every transaction with BEGIN IMMEDIATE: a deferred transaction
    that reads and then writes fails at once with SQLITE_BUSY instead of waiting when another
    writer got there first. Readers keep plain BEGIN so they never block writers (WAL).
    On PostgreSQL both are the same engine.
    """

    writer: AsyncEngine
    reader: AsyncEngine
    url: URL

    @property
    def is_sqlite(self) -> bool:
        return self.url.get_backend_name() == "sqlite"

    async def dispose(self) -> None:
        await self.writer.dispose()
        if self.reader is not self.writer:
            await self.reader.dispose()


def _sqlite_engine(url: URL, *, immediate: bool, synchronous: str) -> AsyncEngine:
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, connect_args={"timeout": 30})

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from the driver so our BEGIN is the one that runs.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA synchronous={synchronous}")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engines(url: str, *, durable_commits: bool = True) -> Engines:
    """Create the engines for a database URL (plain or async-driver form).

    `durable_commits`: on SQLite, fsync every commit (synchronous=FULL), as the edges need —
    a 250 promises the message survives a power cut, not just a crash. Triage workers may pass
    False (synchronous=NORMAL, still crash-safe in WAL mode): a batch lost to a power cut rolls
    back together with its inbox rows and is simply triaged again.
    """
    synchronous = "FULL" if durable_commits else "NORMAL"
    async_url = normalise_database_url(url)
    if async_url.get_backend_name() == "sqlite":
        return Engines(
            writer=_sqlite_engine(async_url, immediate=True, synchronous=synchronous),
            reader=_sqlite_engine(async_url, immediate=False, synchronous=synchronous),
            url=async_url,
        )
    engine = create_async_engine(async_url, pool_pre_ping=True, pool_size=10, max_overflow=10)
    return Engines(writer=engine, reader=engine, url=async_url)
