"""Several serve replicas on one database: each inbound message is handled once, and each SLA
warning fires once — across restarts, and across replicas on PostgreSQL (SKIP LOCKED claims,
unique alarm keys). Runs on SQLite and, when INTAKE_TEST_POSTGRES_URL is set, PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.config import load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from models.column_types import utcnow
from models.tables import Ticket
from tests.bot.test_email_path import email, send


def replica(
    database_url: str, tmp_path: Path, config_path: Path, model_dir: Path, name: str
) -> IntakeRuntime:
    settings = Settings(
        database_url=database_url,
        config=config_path,
        smtp_port=0,
        http_port=0,
        relay_port=1,
        data_dir=tmp_path / name,
        model_dir=model_dir,
        worker_id=name,
    )
    return IntakeRuntime(settings=settings, config=load_config(config_path))


@pytest.fixture
async def two_replicas(
    database_url: str, tmp_path: Path, config_path: Path, model_dir: Path, clean_env: None
) -> AsyncIterator[tuple[IntakeRuntime, IntakeRuntime]]:
    first = replica(database_url, tmp_path, config_path, model_dir, "replica-a")
    second = replica(database_url, tmp_path, config_path, model_dir, "replica-b")
    await first.start(run_workers=False)
    await second.start(run_workers=False)
    yield first, second
    await first.stop()
    await second.stop()


async def test_two_replicas_draining_one_inbox_handle_each_message_once(
    two_replicas: tuple[IntakeRuntime, IntakeRuntime],
) -> None:
    first, second = two_replicas
    for i in range(12):
        await send(
            first if i % 2 else second,
            email(subject=f"Problem {i}", body=f"Export number {i} fails."),
        )

    handled = await asyncio.gather(first.intake_worker.drain(), second.intake_worker.drain())

    assert sum(handled) == 12
    async with first.store.reading() as session:
        subjects = (
            (await session.execute(text("SELECT subject FROM tickets ORDER BY id"))).scalars().all()
        )
        inbox = (
            await session.execute(text("SELECT status, count(*) FROM inbox GROUP BY status"))
        ).all()
    assert sorted(subjects) == sorted(f"Problem {i}" for i in range(12))
    assert [tuple(row) for row in inbox] == [("done", 12)]


async def _make_overdue(runtime: IntakeRuntime) -> int:
    """A critical ticket received three hours ago: its 1 h first-response target is breached."""
    await send(runtime, email())
    await runtime.intake_worker.drain()
    async with runtime.store.transaction() as session:
        ticket = (await session.exec(text("SELECT id FROM tickets"))).scalar_one()  # type: ignore[call-overload]
        row = await session.get(Ticket, ticket)
        assert row is not None
        row.severity = "critical"
        runtime.desk.sla.open(
            row, org=None, received_at=utcnow() - timedelta(hours=3), complete=True
        )
        session.add(row)
    return int(ticket)


async def _warnings(runtime: IntakeRuntime) -> list[tuple[str, str]]:
    async with runtime.store.reading() as session:
        rows = await session.execute(
            text("SELECT clock, kind FROM sla_alarms ORDER BY clock, kind")
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def test_sla_warnings_fire_once_across_replicas_and_restarts(
    two_replicas: tuple[IntakeRuntime, IntakeRuntime],
    database_url: str,
    tmp_path: Path,
    config_path: Path,
    model_dir: Path,
) -> None:
    first, second = two_replicas
    await _make_overdue(first)

    fired = await asyncio.gather(first.sla_scheduler.run_once(), second.sla_scheduler.run_once())
    # alauda-premium promises only a first response (1 h for critical): its 75 % and its breach.
    expected = [("first_response", "breach"), ("first_response", "warn_75")]
    assert await _warnings(first) == expected

    assert await first.sla_scheduler.run_once() == 0
    restarted = replica(database_url, tmp_path, config_path, model_dir, "replica-c")
    await restarted.start(run_workers=False)
    try:
        assert await restarted.sla_scheduler.run_once() == 0
    finally:
        await restarted.stop()
    assert sum(fired) == len(expected)
    async with first.store.reading() as session:
        audits = (
            await session.execute(text("SELECT count(*) FROM audit_events WHERE type LIKE 'sla_%'"))
        ).scalar_one()
    assert audits == len(expected)
