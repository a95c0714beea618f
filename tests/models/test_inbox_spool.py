"""The SMTP edge's spool file: durable, deduplicating, and loud when it cannot store."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from models.inbox_spool import InboxSpool, spool_path_for
from models.store import NewInboxItem, StoreUnavailable


def item(key: str, raw: bytes = b"Subject: hi\r\n\r\nbody\r\n") -> NewInboxItem:
    return NewInboxItem(source="email", dedupe_key=key, raw=raw, envelope={"mail_from": "a@b.c"})


@pytest.fixture
async def spool(tmp_path: Path) -> AsyncIterator[InboxSpool]:
    spool = InboxSpool(tmp_path / "intake.spool.sqlite3")
    await spool.open()
    yield spool
    await spool.close()


def test_the_spool_sits_beside_the_database() -> None:
    assert spool_path_for(Path("/var/lib/intake/intake.sqlite3")) == Path(
        "/var/lib/intake/intake.spool.sqlite3"
    )


async def test_new_items_are_stored_once_and_replays_are_recognised(spool: InboxSpool) -> None:
    assert await spool.put_many([item("m1"), item("m2"), item("m1")]) == [True, True, False]
    assert await spool.put_many([item("m2")]) == [False]

    taken = await spool.take(10)

    assert [s.item.dedupe_key for s in taken] == ["m1", "m2"]
    assert taken[0].item.raw == b"Subject: hi\r\n\r\nbody\r\n"
    assert taken[0].item.envelope == {"mail_from": "a@b.c"}
    assert taken[0].item.received_at is not None


async def test_rows_stay_until_removed_even_across_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "spool.sqlite3"
    first = InboxSpool(path)
    await first.open()
    await first.put_many([item("m1"), item("m2")])
    await first.close()

    second = InboxSpool(path)
    await second.open()
    taken = await second.take(10)
    await second.remove([taken[0].spool_id])
    assert [s.item.dedupe_key for s in await second.take(10)] == ["m2"]
    assert await second.count() == 1
    await second.close()


async def test_a_storage_failure_is_reported_and_stores_nothing(spool: InboxSpool) -> None:
    with sqlite3.connect(spool.path) as connection:
        connection.execute(
            "CREATE TRIGGER full BEFORE INSERT ON spool "
            "WHEN NEW.dedupe_key = 'm2' BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        )

    with pytest.raises(StoreUnavailable, match="disk full"):
        await spool.put_many([item("m1"), item("m2")])

    assert await spool.count() == 0  # the batch is one commit: m1 was not half-stored
