"""A spool file for the SMTP edge on SQLite: a 250 never waits for the triage workers' lock.

SQLite allows one writer per database file. The intake workers hold that lock while they write
tickets, and an SMTP session waiting behind them for its 250 waited up to a second under load
(SQLite's busy handler sleeps in steps of up to 100 ms between attempts): acceptance fell to a
tenth of a bare server's. The spool is a second SQLite file that only the edge process writes,
so a 250 waits for its own group commit's fsync and nothing else.

`SpoolMover` (bot/) moves spooled rows into the inbox, where workers claim them, and deletes
them here only after the inbox commit; a crash between the two repeats the move, which the
inbox's (source, dedupe_key) uniqueness turns into a no-op. Nothing acknowledged is lost.
PostgreSQL needs none of this: its writers do not share one lock.
"""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from models.column_types import utcnow
from models.store import NewInboxItem, StoreUnavailable

T = TypeVar("T")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS spool (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    dedupe_key TEXT NOT NULL,
    envelope TEXT NOT NULL,
    raw BLOB NOT NULL,
    received_at TEXT NOT NULL,
    UNIQUE (source, dedupe_key)
)
"""


@dataclass(frozen=True, slots=True)
class SpooledItem:
    spool_id: int
    item: NewInboxItem


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """One write transaction (the connection is in autocommit mode): all of it or nothing."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def spool_path_for(database: Path) -> Path:
    """The spool lives beside the SQLite database: `intake.sqlite3` → `intake.spool.sqlite3`."""
    return database.with_name(f"{database.stem}.spool{database.suffix or '.sqlite3'}")


class InboxSpool:
    """The spool file. One connection, used from one thread: sqlite3 objects are thread-bound."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="inbox-spool")
        self._connection: sqlite3.Connection | None = None

    async def open(self) -> None:
        def connect() -> None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            connection.execute("PRAGMA journal_mode=WAL")
            # A 250 promises the message survives a power cut: fsync every commit.
            connection.execute("PRAGMA synchronous=FULL")
            connection.execute("PRAGMA busy_timeout=5000")
            connection.execute(_SCHEMA)
            self._connection = connection

        await self._run(connect)

    async def close(self) -> None:
        def disconnect() -> None:
            if self._connection is not None:
                self._connection.close()
                self._connection = None

        await self._run(disconnect)
        self._executor.shutdown(wait=True)

    async def put_many(self, items: Sequence[NewInboxItem]) -> list[bool]:
        """Durably spool `items` in one commit; True where new, False for a replay."""

        def put(connection: sqlite3.Connection) -> list[bool]:
            now = utcnow().isoformat()
            results: list[bool] = []
            with _transaction(connection):
                for item in items:
                    cursor = connection.execute(
                        "INSERT INTO spool (source, dedupe_key, envelope, raw, received_at) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, dedupe_key) DO NOTHING",
                        (item.source, item.dedupe_key, json.dumps(item.envelope), item.raw, now),
                    )
                    results.append(cursor.rowcount == 1)
            return results

        return await self._with_connection(put)

    async def take(self, limit: int) -> list[SpooledItem]:
        """The oldest spooled rows (they stay until `remove`)."""

        def take(connection: sqlite3.Connection) -> list[SpooledItem]:
            rows = connection.execute(
                "SELECT id, source, dedupe_key, envelope, raw, received_at FROM spool "
                "ORDER BY id LIMIT ?",
                (limit,),
            ).fetchall()
            return [
                SpooledItem(
                    spool_id=row[0],
                    item=NewInboxItem(
                        source=row[1],
                        dedupe_key=row[2],
                        envelope=json.loads(row[3]),
                        raw=bytes(row[4]),
                        received_at=datetime.fromisoformat(row[5]),
                    ),
                )
                for row in rows
            ]

        return await self._with_connection(take)

    async def remove(self, spool_ids: Sequence[int]) -> None:
        def remove(connection: sqlite3.Connection) -> None:
            with _transaction(connection):
                connection.executemany("DELETE FROM spool WHERE id = ?", [(i,) for i in spool_ids])

        await self._with_connection(remove)

    async def count(self) -> int:
        def count(connection: sqlite3.Connection) -> int:
            return int(connection.execute("SELECT count(*) FROM spool").fetchone()[0])

        return await self._with_connection(count)

    async def _with_connection(self, work: Callable[[sqlite3.Connection], T]) -> T:
        def call() -> T:
            if self._connection is None:
                raise StoreUnavailable(f"inbox spool {self.path} is not open")
            return work(self._connection)

        try:
            return await self._run(call)
        except sqlite3.Error as exc:
            raise StoreUnavailable(f"inbox spool {self.path}: {exc}") from exc

    async def _run(self, work: Callable[[], T]) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._executor, work)
