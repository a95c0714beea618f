"""Sends what the outbox holds, with retries and backoff; never drops a message.

Handlers are registered per kind (`email`, `slack.post`, …). A handler raises
`TransientSendError` to be retried later or `PermanentSendError` to stop; the row stays in the
store either way, marked with its last error, for a human to see (`intake outbox`).
"""

from __future__ import annotations

import logging
import os
import socket
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from bot.email_outbound import PermanentSendError, TransientSendError
from bot.polling_worker import PollingWorker
from models.column_types import utcnow
from models.store import Store
from models.tables import OutboxItem

log = logging.getLogger(__name__)

OutboxHandler = Callable[[OutboxItem], Awaitable[dict[str, Any] | None]]

MAX_ATTEMPTS = 25  # with the backoff below: about a day of retrying


def backoff(attempts: int) -> timedelta:
    """5 s, 10 s, 20 s … capped at one hour."""
    return timedelta(seconds=min(5 * 2 ** max(attempts - 1, 0), 3600))


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class OutboxWorker(PollingWorker):
    def __init__(
        self,
        store: Store,
        *,
        worker_id: str | None = None,
        poll_interval: float = 1.0,
        batch: int = 20,
        lease: timedelta = timedelta(minutes=2),
        retry_delay: Callable[[int], timedelta] = backoff,
    ) -> None:
        self._store = store
        self._worker_id = worker_id or default_worker_id()
        self._batch = batch
        self._lease = lease
        self._retry_delay = retry_delay
        self._handlers: dict[str, OutboxHandler] = {}
        super().__init__(interval=poll_interval, name="outbox")

    def register(self, kind: str, handler: OutboxHandler) -> None:
        self._handlers[kind] = handler

    async def run_once(self) -> int:
        """Claim and send one batch; returns how many rows were attempted."""
        kinds = list(self._handlers)
        if not kinds:
            return 0
        rows = await self._store.claim_outbox(
            worker=self._worker_id, limit=self._batch, lease=self._lease, kinds=kinds
        )
        for row in rows:
            await self._send(row)
        return len(rows)

    async def _send(self, row: OutboxItem) -> None:
        assert row.id is not None
        handler = self._handlers[row.kind]
        try:
            result = await handler(row)
        except PermanentSendError as exc:
            log.error("outbox #%s (%s) refused for good: %s", row.id, row.kind, exc)
            await self._store.outbox_retry(row.id, str(exc), retry_at=None, give_up=True)
        except Exception as exc:
            give_up = row.attempts >= MAX_ATTEMPTS
            retry_at = utcnow() + self._retry_delay(row.attempts)
            level = logging.ERROR if give_up else logging.WARNING
            log.log(
                level, "outbox #%s (%s) attempt %d failed: %s", row.id, row.kind, row.attempts, exc
            )
            if not isinstance(exc, TransientSendError):
                log.debug("unexpected outbox error", exc_info=exc)
            await self._store.outbox_retry(row.id, str(exc), retry_at=retry_at, give_up=give_up)
        else:
            await self._store.outbox_sent(row.id, result)
