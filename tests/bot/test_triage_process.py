"""`intake worker` triages email in a child process; if that child dies, it triages in-process."""

from __future__ import annotations

import os
import signal
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bot.config import load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from tests.bot.test_email_path import email, process, send


@pytest.fixture
async def worker_runtime(settings: Settings) -> AsyncIterator[IntakeRuntime]:
    runtime = IntakeRuntime(
        settings=settings, config=load_config(settings.config), triage_in_child=True
    )
    await runtime.start(run_workers=False)
    yield runtime
    await runtime.stop()


async def tickets(runtime: IntakeRuntime) -> list[tuple[str, str, str]]:
    async with runtime.store.reading() as session:
        rows = await session.execute(
            text("SELECT subject, suggested_severity, suggestion_reason FROM tickets ORDER BY id")
        )
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]


async def test_mail_is_triaged_by_the_child_process(worker_runtime: IntakeRuntime) -> None:
    child = worker_runtime.email_processor.triage_process
    assert child is not None and child.pids()
    await send(worker_runtime, email(subject="Checkout down", body="Production is down for all."))

    await process(worker_runtime)

    [(subject, severity, reason)] = await tickets(worker_runtime)
    assert subject == "Checkout down"
    assert severity in {"critical", "high", "medium", "low"} and reason
    assert worker_runtime.email_processor.triage_process is child  # no fallback was needed


async def test_if_the_child_dies_mail_is_still_triaged(worker_runtime: IntakeRuntime) -> None:
    child = worker_runtime.email_processor.triage_process
    assert child is not None
    for pid in child.pids():
        os.kill(pid, signal.SIGKILL)
    await send(worker_runtime, email(subject="Reports slow", body="Reports take a minute."))

    await process(worker_runtime)

    assert [row[0] for row in await tickets(worker_runtime)] == ["Reports slow"]
    assert worker_runtime.email_processor.triage_process is None  # triaging in-process now
