"""On SQLite the SMTP edge acknowledges from its own spool file and loses nothing on the way in.

The workers hold the main database's single write lock while they write tickets; the spool is
what keeps a 250 from waiting behind them (models/inbox_spool.py).
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import aiosmtplib
from sqlalchemy import text

from bot.config import load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from models.inbox_spool import InboxSpool, spool_path_for
from models.store import NewInboxItem
from tests.bot.test_email_path import email


def database_file(runtime: IntakeRuntime) -> Path:
    database = runtime.store.engines.url.database
    assert database is not None
    return Path(database)


async def test_mail_is_acknowledged_while_another_writer_holds_the_database_lock(
    runtime: IntakeRuntime,
) -> None:
    assert runtime.spool is not None
    busy = sqlite3.connect(database_file(runtime), isolation_level=None)
    busy.execute("BEGIN IMMEDIATE")  # what a worker writing tickets holds
    try:
        # aiosmtplib raises on anything but 250: getting past this line is the acknowledgement.
        await aiosmtplib.send(
            email(subject="Export fails"), hostname="127.0.0.1", port=runtime.ports.smtp
        )
        assert await runtime.spool.count() == 1
    finally:
        busy.execute("ROLLBACK")
        busy.close()

    assert await runtime.flush_spool() <= 1  # the background mover may have been first
    assert await runtime.spool.count() == 0
    assert await runtime.store.inbox_counts() == {"pending": 1}


async def test_mail_spooled_before_a_crash_is_moved_in_at_the_next_start(
    settings: Settings,
) -> None:
    received = datetime(2026, 11, 20, 9, 10, tzinfo=UTC)
    database = settings.database_url.removeprefix("sqlite:///")
    leftover = InboxSpool(spool_path_for(Path(database)))
    await leftover.open()
    await leftover.put_many(
        [NewInboxItem(source="email", dedupe_key="<left@acme.test>", raw=bytes(email()))]
    )
    await leftover.close()
    with sqlite3.connect(leftover.path) as spool:
        spool.execute("UPDATE spool SET received_at = ?", (received.isoformat(),))

    runtime = IntakeRuntime(settings=settings, config=load_config(settings.config))
    await runtime.start(run_workers=False)
    try:
        await runtime.flush_spool()
        async with runtime.store.reading() as session:
            rows = (await session.execute(text("SELECT dedupe_key, received_at FROM inbox"))).all()
    finally:
        await runtime.stop()

    assert [row[0] for row in rows] == ["<left@acme.test>"]
    assert str(rows[0][1]).startswith("2026-11-20 09:10")  # the SLA clock starts at receipt


async def test_a_move_repeated_after_a_crash_stores_the_mail_once(runtime: IntakeRuntime) -> None:
    assert runtime.spool is not None
    spooled = NewInboxItem(source="email", dedupe_key="<twice@acme.test>", raw=bytes(email()))
    await runtime.spool.put_many([spooled])
    # The crash: the inbox committed the row, the spool never heard it was moved.
    assert await runtime.store.store_inbound([spooled]) == [True]

    await runtime.flush_spool()

    assert await runtime.spool.count() == 0
    assert await runtime.store.inbox_counts() == {"pending": 1}
