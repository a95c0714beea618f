"""Group commit for the inbox: many concurrent edges, one durable write per batch.

Each SMTP session (or Slack request) awaits its own item's commit, so nothing is acknowledged
before it is stored; batching the commits is what lets acknowledgement keep pace with a bare
server instead of paying one fsync per message.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence

from models.store import NewInboxItem, StoreUnavailable

log = logging.getLogger(__name__)

_Pending = tuple[NewInboxItem, asyncio.Future[bool]]
# Durably stores a batch in one commit; True where new, False for a replay
# (`Store.store_inbound`, or `InboxSpool.put_many` for the SMTP edge on SQLite).
InboxSink = Callable[[Sequence[NewInboxItem]], Awaitable[list[bool]]]


class InboxWriter:
    def __init__(
        self,
        sink: InboxSink,
        *,
        max_batch: int = 128,
        on_stored: Callable[[], None] | None = None,
    ) -> None:
        self._sink = sink
        self._max_batch = max_batch
        self._on_stored = on_stored
        self._queue: asyncio.Queue[_Pending] = asyncio.Queue()
        self._task: asyncio.Task[None] | None = None

    async def put(self, item: NewInboxItem) -> bool:
        """Store one item durably; True if new, False if already stored (a replay).

        Raises `StoreUnavailable` if it could not be stored: the caller must not acknowledge.
        """
        if self._task is None or self._task.done():
            raise StoreUnavailable("inbox writer is not running")
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self._queue.put((item, future))
        return await future

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="inbox-writer")

    async def stop(self) -> None:
        """Finish what is queued, then stop."""
        if self._task is None:
            return
        await self._queue.join()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        self._task = None

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._max_batch and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                results = await self._sink([item for item, _ in batch])
            except Exception as exc:  # every waiter must hear about it, or it would hang
                if not isinstance(exc, StoreUnavailable):
                    log.exception("inbox write failed")
                    exc = StoreUnavailable(str(exc))
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
            else:
                for (_, future), is_new in zip(batch, results, strict=True):
                    if not future.done():
                        future.set_result(is_new)
                if self._on_stored is not None and any(results):
                    self._on_stored()
            finally:
                for _ in batch:
                    self._queue.task_done()
