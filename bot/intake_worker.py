"""Works through the durable inbox: parse, thread, triage, answer.

Each source (email, slack) has a processor. A batch of claimed rows is handled in one
transaction (one commit for many messages); if anything in it fails, the batch is retried
row by row so one poisonous message cannot hold up the rest, and a row that keeps failing is
parked as `failed` with its error, its raw bytes still in the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import timedelta
from typing import Any, Protocol

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.outbox_worker import default_worker_id
from bot.polling_worker import PollingWorker
from models.store import Store
from models.tables import InboxItem

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
# Batches one `run_once` works back to back before it returns (a stop request is honoured
# between batches).
_PIPELINED_BATCHES = 8


class InboxProcessor(Protocol):
    def prepare(self, items: Sequence[InboxItem]) -> list[Any]:
        """CPU work done before the transaction (parsing, batched classification)."""
        ...

    async def process(self, session: AsyncSession, item: InboxItem, prepared: Any) -> None:
        """Apply one item inside the caller's transaction."""
        ...


class IntakeWorker(PollingWorker):
    def __init__(
        self,
        store: Store,
        *,
        worker_id: str | None = None,
        batch: int = 32,
        poll_interval: float = 1.0,
        lease: timedelta = timedelta(minutes=5),
    ) -> None:
        self._store = store
        self._worker_id = worker_id or default_worker_id()
        self._batch = batch
        self._lease = lease
        self._processors: dict[str, InboxProcessor] = {}
        super().__init__(interval=poll_interval, name="intake")
        self.after_commit: list[Any] = []  # callbacks, e.g. wake the outbox

    def register(self, source: str, processor: InboxProcessor) -> None:
        self._processors[source] = processor

    async def drain(self) -> int:
        """Process until the inbox has nothing claimable (tests and one-shot runs)."""
        total = 0
        while (worked := await self.run_once()) > 0:
            total += worked
        return total

    async def run_once(self) -> int:
        done = 0
        for source, processor in self._processors.items():
            done += await self._work_source(source, processor)
        return done

    async def _work_source(self, source: str, processor: InboxProcessor) -> int:
        """A few batches back to back, each next one prepared while the current one is written.

        With the email triage in a child process (bot/triage_process.py), parsing and
        classifying the next batch then runs on the other core while this process writes;
        otherwise the batches simply follow each other.
        """
        done = 0
        items = await self._claim(source)
        preparing = self._prepare_soon(processor, items)
        rounds = 0
        # Overlap only pays when the preparing happens in another process; two threads of
        # this one would just take turns on the GIL (measured: Slack 20 -> 15 events/s).
        overlap = bool(getattr(processor, "prepares_elsewhere", False))
        while items and preparing is not None:
            rounds += 1
            # Never claim what this pass will not finish: claimed rows wait out their lease.
            more = not self._stopping and rounds < _PIPELINED_BATCHES
            next_items = await self._claim(source) if more and overlap else []
            next_preparing = self._prepare_soon(processor, next_items)
            await self._handle(processor, items, preparing)
            done += len(items)
            for callback in self.after_commit:
                callback()
            if more and not overlap:
                next_items = await self._claim(source)
                next_preparing = self._prepare_soon(processor, next_items)
            items, preparing = next_items, next_preparing
        return done

    async def _claim(self, source: str) -> list[InboxItem]:
        return await self._store.claim_inbox(
            worker=self._worker_id, limit=self._batch, lease=self._lease, source=source
        )

    @staticmethod
    def _prepare_soon(
        processor: InboxProcessor, items: list[InboxItem]
    ) -> asyncio.Future[list[Any]] | None:
        if not items:
            return None
        prepare_async = getattr(processor, "prepare_async", None)
        if prepare_async is not None:
            return asyncio.ensure_future(prepare_async(items))
        # Parsing and inference are CPU work: off the loop, so the edges keep answering.
        return asyncio.ensure_future(asyncio.to_thread(processor.prepare, items))

    async def _handle(
        self,
        processor: InboxProcessor,
        items: list[InboxItem],
        preparing: asyncio.Future[list[Any]],
    ) -> None:
        try:
            prepared = await preparing
            async with self._store.transaction() as session:
                for item, extra in zip(items, prepared, strict=True):
                    await processor.process(session, item, extra)
                await self._store.finish_inbox(session, [item.id or 0 for item in items])
            return
        except Exception as exc:
            if len(items) == 1:
                await self._failed(items[0], exc)
                return
            log.warning("batch of %d failed (%s); retrying one by one", len(items), exc)
        for item in items:
            try:
                prepared_one = await asyncio.to_thread(processor.prepare, [item])
                async with self._store.transaction() as session:
                    await processor.process(session, item, prepared_one[0])
                    await self._store.finish_inbox(session, [item.id or 0])
            except Exception as exc:
                await self._failed(item, exc)

    async def _failed(self, item: InboxItem, exc: Exception) -> None:
        give_up = item.attempts + 1 >= MAX_ATTEMPTS
        log.error(
            "inbox #%s (%s) failed (attempt %d%s): %s",
            item.id,
            item.source,
            item.attempts + 1,
            ", parked as failed" if give_up else "",
            exc,
            exc_info=exc,
        )
        await self._store.fail_inbox(item.id or 0, f"{type(exc).__name__}: {exc}", give_up=give_up)
