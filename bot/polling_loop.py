"""The loop every background worker runs: work when woken, or poll at the latest every N s."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable

log = logging.getLogger(__name__)


class PollingLoop:
    """Run `step` until stopped: again at once while it finds work, else on `wake()` or timeout.

    Polling stays as the safety net (work stored by another replica, retries whose backoff ran
    out); waking makes the common case immediate. The event is cleared *before* each step, so
    a wake that arrives during a step is never lost.
    """

    def __init__(self, step: Callable[[], Awaitable[int]], *, interval: float, name: str) -> None:
        self._step = step
        self._interval = interval
        self._name = name
        self._wake = asyncio.Event()
        self._stopping = False

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                worked = await self._step()
            except Exception:
                log.exception("%s pass failed; trying again", self._name)
                worked = 0
            if worked:
                await asyncio.sleep(0)  # let the edges run between batches
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
