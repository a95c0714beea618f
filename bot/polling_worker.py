"""The loop every background worker runs: work when woken, or poll at the latest every N s."""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)


class PollingWorker:
    """Runs `run_once` until stopped: again at once while it finds work, else on `wake()` or
    after `interval` seconds.

    Polling stays as the safety net (work stored by another replica, retries whose backoff ran
    out); waking makes the common case immediate. The event is cleared *before* each step, so
    a wake that arrives during a step is never lost.
    """

    def __init__(self, *, interval: float, name: str) -> None:
        self._interval = interval
        self._name = name
        self._wake = asyncio.Event()
        self._stopping = False

    async def run_once(self) -> int:
        """Do one pass; return how much work it found (0 = wait for a wake-up or the interval)."""
        raise NotImplementedError

    def wake(self) -> None:
        """Something new is there to work on: look now rather than at the next poll."""
        self._wake.set()

    def stop(self) -> None:
        self._stopping = True
        self._wake.set()

    async def run(self) -> None:
        while not self._stopping:
            self._wake.clear()
            try:
                worked = await self.run_once()
            except Exception:
                log.exception("%s pass failed; trying again", self._name)
                worked = 0
            if worked:
                await asyncio.sleep(0)  # let the edges run between batches
                continue
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout=self._interval)
