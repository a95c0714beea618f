"""The async store API: sessions, schema upgrades, and the durable inbox/outbox queues.

Everything that touches the database goes through here (or through the query helpers in
`models.ticket_queries`), so the bot never builds engines or SQL of its own.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, TypeVar

from sqlalchemy import func, or_, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from models.column_types import utcnow
from models.database import Engines, create_engines
from models.migrate import upgrade_to_head
from models.tables import InboxItem, OutboxItem, QueueStatus

QueueRow = TypeVar("QueueRow", InboxItem, OutboxItem)


class StoreUnavailable(Exception):
    """The database cannot be reached or refused the write; callers answer 'try again'."""


@dataclass(frozen=True, slots=True)
class NewInboxItem:
    source: str
    dedupe_key: str
    raw: bytes
    envelope: dict[str, Any] = field(default_factory=dict)
    # When the edge acknowledged it (set when it waited in the spool first); default: now.
    received_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class NewOutboxItem:
    kind: str
    payload: dict[str, Any]
    ticket_id: int | None = None
    dedupe_key: str | None = None
    rate_key: str | None = None
    available_at: datetime | None = None


def raw_dedupe_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()


class Store:
    """One per process. SQLite: a writer engine (BEGIN IMMEDIATE) and a reader engine."""

    def __init__(self, engines: Engines) -> None:
        self.engines = engines

    @classmethod
    def from_url(cls, url: str, *, durable_commits: bool = True) -> Store:
        return cls(create_engines(url, durable_commits=durable_commits))

    @property
    def is_sqlite(self) -> bool:
        return self.engines.is_sqlite

    async def upgrade(self) -> None:
        try:
            await upgrade_to_head(self.engines.writer)
        except (OperationalError, DBAPIError, OSError) as exc:
            raise StoreUnavailable(_describe(exc)) from exc

    async def ping(self) -> None:
        try:
            async with self.engines.reader.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except (OperationalError, DBAPIError, OSError) as exc:
            raise StoreUnavailable(_describe(exc)) from exc

    async def close(self) -> None:
        await self.engines.dispose()

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[AsyncSession]:
        """A write transaction: committed on success, rolled back on any exception."""
        async with (
            AsyncSession(self.engines.writer, expire_on_commit=False) as session,
            session.begin(),
        ):
            yield session

    @asynccontextmanager
    async def reading(self) -> AsyncIterator[AsyncSession]:
        """A read-only session that never blocks writers."""
        async with AsyncSession(self.engines.reader, expire_on_commit=False) as session:
            yield session

    # -- inbox -------------------------------------------------------------------------------

    async def store_inbound(self, items: Sequence[NewInboxItem]) -> list[bool]:
        """Durably store raw inbound items in one commit; True where new, False for a replay.

        Raises `StoreUnavailable` when nothing could be stored, so the edge answers 'retry'.
        """
        if not items:
            return []
        insert = postgresql.insert if not self.is_sqlite else sqlite.insert
        now = utcnow()
        # One multi-row statement per batch; RETURNING names the rows that were new.
        stmt = (
            insert(InboxItem)
            .on_conflict_do_nothing(index_elements=["source", "dedupe_key"])
            .returning(col(InboxItem.source), col(InboxItem.dedupe_key))
        )
        rows = [
            {
                "source": item.source,
                "dedupe_key": item.dedupe_key,
                "raw": item.raw,
                "envelope": item.envelope,
                "received_at": item.received_at or now,
                "status": QueueStatus.PENDING,
                "attempts": 0,
            }
            for item in items
        ]
        try:
            async with self.transaction() as session:
                inserted = {tuple(r) for r in (await session.execute(stmt, rows)).all()}
        except (OperationalError, DBAPIError, OSError) as exc:
            raise StoreUnavailable(_describe(exc)) from exc
        results: list[bool] = []
        for item in items:
            key = (item.source, item.dedupe_key)
            results.append(key in inserted)
            inserted.discard(key)  # the same item twice in one batch: only the first is new
        return results

    async def claim_inbox(
        self, *, worker: str, limit: int, lease: timedelta, source: str | None = None
    ) -> list[InboxItem]:
        extra = [InboxItem.source == source] if source else []
        return await self._claim(InboxItem, worker=worker, limit=limit, lease=lease, extra=extra)

    async def finish_inbox(self, session: AsyncSession, item_ids: Sequence[int]) -> None:
        """Mark processed rows done, inside the transaction that applied them."""
        await session.execute(
            update(InboxItem)
            .where(InboxItem.id.in_(list(item_ids)))  # type: ignore[union-attr]
            .values(status=QueueStatus.DONE, processed_at=utcnow(), locked_until=None)
        )

    async def fail_inbox(self, item_id: int, error: str, *, give_up: bool) -> None:
        """Record a processing failure; the row is retried after its lease unless given up."""
        async with self.transaction() as session:
            values: dict[str, Any] = {
                "last_error": error[:4000],
                "attempts": InboxItem.attempts + 1,
            }
            if give_up:
                values["status"] = QueueStatus.FAILED
            await session.execute(
                update(InboxItem).where(InboxItem.id == item_id).values(**values)  # type: ignore[arg-type]
            )

    async def inbox_counts(self) -> dict[str, int]:
        async with self.reading() as session:
            rows = await session.execute(
                select(InboxItem.status, func.count()).group_by(InboxItem.status)  # type: ignore[arg-type]
            )
            return {status: count for status, count in rows.all()}

    # -- outbox ------------------------------------------------------------------------------

    async def enqueue(self, session: AsyncSession, item: NewOutboxItem) -> OutboxItem | None:
        """Queue an outbound message inside the caller's transaction (None: already queued)."""
        if item.dedupe_key is not None:
            existing = await session.exec(
                select(OutboxItem).where(OutboxItem.dedupe_key == item.dedupe_key)
            )
            if existing.first() is not None:
                return None
        row = OutboxItem(
            kind=item.kind,
            payload=item.payload,
            ticket_id=item.ticket_id,
            dedupe_key=item.dedupe_key,
            rate_key=item.rate_key,
            available_at=item.available_at or utcnow(),
        )
        session.add(row)
        await session.flush()
        return row

    async def count_rate_limited(
        self, session: AsyncSession, rate_key: str, since: datetime
    ) -> int:
        # enqueue() flushes each row it adds, so nothing relevant is pending: skip the autoflush.
        with session.no_autoflush:
            return await self._count_rate_limited(session, rate_key, since)

    async def _count_rate_limited(
        self, session: AsyncSession, rate_key: str, since: datetime
    ) -> int:
        result = await session.execute(
            select(func.count())
            .select_from(OutboxItem)
            .where(OutboxItem.rate_key == rate_key, OutboxItem.created_at >= since)
        )
        return int(result.scalar_one())

    async def claim_outbox(
        self, *, worker: str, limit: int, lease: timedelta, kinds: Sequence[str] | None = None
    ) -> list[OutboxItem]:
        now = utcnow()
        extra: list[Any] = [OutboxItem.available_at <= now]
        if kinds:
            extra.append(OutboxItem.kind.in_(kinds))  # type: ignore[attr-defined]
        return await self._claim(OutboxItem, worker=worker, limit=limit, lease=lease, extra=extra)

    async def outbox_sent(self, item_id: int, result: dict[str, Any] | None = None) -> None:
        async with self.transaction() as session:
            await session.execute(
                update(OutboxItem)
                .where(OutboxItem.id == item_id)  # type: ignore[arg-type]
                .values(
                    status=QueueStatus.DONE,
                    sent_at=utcnow(),
                    locked_until=None,
                    result=result or {},
                )
            )

    async def outbox_retry(
        self, item_id: int, error: str, *, retry_at: datetime | None, give_up: bool = False
    ) -> None:
        """Schedule another attempt (or give up); the message stays in the store either way."""
        values: dict[str, Any] = {"last_error": error[:4000], "locked_until": None}
        if give_up:
            values["status"] = QueueStatus.FAILED
        if retry_at is not None:
            values["available_at"] = retry_at
        async with self.transaction() as session:
            await session.execute(
                update(OutboxItem).where(OutboxItem.id == item_id).values(**values)  # type: ignore[arg-type]
            )

    async def pending_outbox(self) -> int:
        async with self.reading() as session:
            result = await session.execute(
                select(func.count())
                .select_from(OutboxItem)
                .where(OutboxItem.status == QueueStatus.PENDING)
            )
            return int(result.scalar_one())

    # -- shared queue mechanics ----------------------------------------------------------------

    async def _claim(
        self,
        table: type[QueueRow],
        *,
        worker: str,
        limit: int,
        lease: timedelta,
        extra: Sequence[Any],
    ) -> list[QueueRow]:
        """Lease up to `limit` pending rows to this worker.

        PostgreSQL: FOR UPDATE SKIP LOCKED lets replicas claim disjoint rows without waiting.
        SQLite: the dialect drops that clause, but BEGIN IMMEDIATE serialises claimers, and the
        lease (`locked_until`) keeps a row from being taken twice while it is being worked on;
        a worker that dies leaves its rows to be re-claimed once the lease runs out.
        """
        now = utcnow()
        async with self.transaction() as session:
            stmt = (
                select(table)
                .where(
                    table.status == QueueStatus.PENDING,
                    or_(col(table.locked_until).is_(None), col(table.locked_until) < now),
                    *extra,
                )
                .order_by(table.id)  # type: ignore[arg-type]
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
            rows = list((await session.exec(stmt)).all())
            for row in rows:
                row.locked_by = worker
                row.locked_until = now + lease
                if isinstance(row, OutboxItem):
                    row.attempts += 1
                session.add(row)
        return rows


def _describe(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    return f"{type(original).__name__}: {original}".strip()[:300]
