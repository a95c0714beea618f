"""Moves acknowledged mail from the SMTP edge's spool into the inbox the workers claim from.

Runs in the serve process beside the edge. Waiting for the database's write lock here delays
only triage, never a 250. A row leaves the spool only after the inbox has committed it; if the
process dies in between, the next move stores it again as a no-op (the inbox is unique on
source and dedupe key), so acknowledged mail is neither lost nor triaged twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from models.inbox_spool import InboxSpool
from models.store import Store, StoreUnavailable

log = logging.getLogger(__name__)

_BATCH = 512
_RETRY_SECONDS = 1.0
# After a wake-up, let more mail arrive before moving: during a burst one move then carries
# hundreds of rows instead of one group commit's dozen, which saves two fsyncs per group on
# the edge process while it is busiest acknowledging. Triage starts this much later.
_LINGER_SECONDS = 0.05


class SpoolMover:
    def __init__(
        self, *, spool: InboxSpool, store: Store, on_moved: Callable[[], None] | None = None
    ) -> None:
        self._spool = spool
        self._store = store
        self._on_moved = on_moved
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._moving = asyncio.Lock()

    def wake(self) -> None:
        self._wake.set()

    async def move_all(self) -> int:
        """Move everything spooled so far into the inbox; returns how many rows were moved."""
        moved = 0
        async with self._moving:
            while batch := await self._spool.take(_BATCH):
                await self._store.store_inbound([spooled.item for spooled in batch])
                await self._spool.remove([spooled.spool_id for spooled in batch])
                moved += len(batch)
                if self._on_moved is not None:
                    self._on_moved()
        return moved

    def start(self) -> None:
        self._wake.set()  # rows left by a previous run move first
        self._task = asyncio.create_task(self._run(), name="spool-mover")

    async def stop(self) -> None:
        """Stop the background task, then move what is left (best effort: it stays spooled)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await self.move_all()
        except StoreUnavailable as exc:
            log.warning("spooled mail stays in %s until the next start: %s", self._spool.path, exc)

    async def _run(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                # The timeout only retries after a failure; new mail wakes the mover at once.
                await asyncio.wait_for(self._wake.wait(), timeout=_RETRY_SECONDS)
            self._wake.clear()
            await asyncio.sleep(_LINGER_SECONDS)
            try:
                await self.move_all()
            except StoreUnavailable as exc:
                log.warning("inbox unavailable, spooled mail waits: %s", exc)
            except Exception:
                log.exception("moving spooled mail failed; retrying")
