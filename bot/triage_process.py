"""Email triage in a child process, so it runs beside the worker's database writes.

One `intake worker` process is bound by its interpreter: parsing, spaCy and the classifier in
one thread and SQLAlchemy's unit of work in another take turns on one GIL (a py-spy profile
during bench/smtp_intake.py showed each busy well under half the time). A child process owns
the CPU work instead: the worker sends raw messages and gets the parsed emails with their
assessments back (a few KB each), and the next batch is prepared there while the current
one is written.
"""

from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from bot.config import AppConfig
from bot.email_intake import prepare_email_batch
from bot.email_parser import ParsedEmail
from bot.triage_engine import Assessment, TriageEngine

Prepared = list[tuple[ParsedEmail, Assessment | None]]

# The child's state: built once by `_start`, used by every `_prepare_emails` call.
_child: tuple[AppConfig, TriageEngine] | None = None


def _start(config: AppConfig, model_dir: Path) -> None:
    global _child
    engine = TriageEngine(config, model_dir=model_dir)
    engine.warm_up()
    _child = (config, engine)


def _prepare_emails(raws: list[bytes]) -> Prepared:
    if _child is None:
        raise RuntimeError("triage process was not started")
    config, engine = _child
    return prepare_email_batch(raws, config=config, engine=engine)


class TriageProcess:
    def __init__(self, *, config: AppConfig, model_dir: Path) -> None:
        # spawn, not fork: the worker has an event loop and database threads running.
        self._executor = ProcessPoolExecutor(
            max_workers=1,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start,
            initargs=(config, model_dir),
        )

    async def start(self) -> None:
        """Start the child and wait until its model and spaCy pipelines are loaded."""
        await self.prepare_emails([])

    async def prepare_emails(self, raws: list[bytes]) -> Prepared:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._executor, _prepare_emails, raws)

    def pids(self) -> list[int]:
        """The child's process id (for operators' tools and the crash test)."""
        processes = getattr(self._executor, "_processes", None) or {}
        return sorted(processes)

    def close(self) -> None:
        self._executor.shutdown(wait=True, cancel_futures=True)
