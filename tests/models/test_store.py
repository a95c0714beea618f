"""The conversation store on SQLite and PostgreSQL: schema, dedupe, queues, audit."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlmodel import select

from models.column_types import utcnow
from models.migrate import current_revision
from models.store import NewInboxItem, NewOutboxItem, Store, StoreUnavailable
from models.tables import (
    Conversation,
    InboxItem,
    Message,
    QueueStatus,
    Ticket,
)
from models.ticket_queries import audit_events, message_by_external_id, record_audit


@pytest.fixture
async def store(database_url: str):
    store = Store.from_url(database_url)
    await store.upgrade()
    yield store
    await store.close()


async def test_upgrade_is_idempotent_and_records_the_revision(store: Store) -> None:
    await store.upgrade()
    assert await current_revision(store.engines.reader) == "0001"


async def test_inbound_items_are_stored_once_per_dedupe_key(store: Store) -> None:
    first = NewInboxItem(source="email", dedupe_key="mid:a@x", raw=b"raw one")
    replay = NewInboxItem(source="email", dedupe_key="mid:a@x", raw=b"raw one again")
    other_source = NewInboxItem(source="slack", dedupe_key="mid:a@x", raw=b"{}")

    assert await store.store_inbound([first]) == [True]
    assert await store.store_inbound([replay, other_source]) == [False, True]

    async with store.reading() as session:
        rows = (await session.exec(select(InboxItem).order_by(InboxItem.id))).all()
    assert [(r.source, r.raw) for r in rows] == [("email", b"raw one"), ("slack", b"{}")]


async def test_claimed_inbox_rows_are_not_claimed_again_until_the_lease_runs_out(
    store: Store,
) -> None:
    await store.store_inbound([NewInboxItem("email", f"k{i}", b"x") for i in range(5)])

    first = await store.claim_inbox(worker="a", limit=3, lease=timedelta(minutes=5))
    second = await store.claim_inbox(worker="b", limit=10, lease=timedelta(minutes=5))
    expired = await store.claim_inbox(worker="c", limit=10, lease=timedelta(seconds=-1))

    assert [r.dedupe_key for r in first] == ["k0", "k1", "k2"]
    assert [r.dedupe_key for r in second] == ["k3", "k4"]
    assert expired == []


async def test_concurrent_claimers_never_share_a_row(store: Store) -> None:
    await store.store_inbound([NewInboxItem("email", f"k{i}", b"x") for i in range(40)])

    claims = await asyncio.gather(
        *(store.claim_inbox(worker=f"w{i}", limit=7, lease=timedelta(minutes=5)) for i in range(8))
    )

    ids = [row.id for claim in claims for row in claim]
    assert len(ids) == 40
    assert len(set(ids)) == 40


async def test_finished_inbox_rows_leave_the_queue(store: Store) -> None:
    await store.store_inbound([NewInboxItem("email", "k", b"x")])
    [row] = await store.claim_inbox(worker="a", limit=1, lease=timedelta(seconds=-1))
    async with store.transaction() as session:
        await store.finish_inbox(session, [row.id or 0])

    assert await store.claim_inbox(worker="a", limit=1, lease=timedelta(minutes=1)) == []
    assert await store.inbox_counts() == {QueueStatus.DONE: 1}


async def test_outbox_retries_wait_for_their_backoff_and_failed_rows_are_kept(store: Store) -> None:
    async with store.transaction() as session:
        await store.enqueue(session, NewOutboxItem(kind="email", payload={"n": 1}))
    [row] = await store.claim_outbox(worker="a", limit=5, lease=timedelta(minutes=1))
    assert row.attempts == 1

    await store.outbox_retry(row.id or 0, "relay down", retry_at=utcnow() + timedelta(hours=1))
    assert await store.claim_outbox(worker="a", limit=5, lease=timedelta(minutes=1)) == []
    assert await store.pending_outbox() == 1

    await store.outbox_retry(row.id or 0, "550 no such user", retry_at=None, give_up=True)
    assert await store.pending_outbox() == 0


async def test_outbox_dedupe_key_queues_a_message_once(store: Store) -> None:
    async with store.transaction() as session:
        first = await store.enqueue(session, NewOutboxItem("slack.post", {}, dedupe_key="card:1"))
        again = await store.enqueue(session, NewOutboxItem("slack.post", {}, dedupe_key="card:1"))
    assert first is not None and again is None


async def test_ticket_with_messages_and_append_only_audit(store: Store) -> None:
    async with store.transaction() as session:
        conversation = Conversation(channel="email", subject="Login broken")
        session.add(conversation)
        await session.flush()
        session.add(
            Message(
                conversation_id=conversation.id,
                channel="email",
                direction="in",
                author="ops@acme.test",
                author_kind="customer",
                body="It is broken",
                external_id="abc@acme.test",
            )
        )
        ticket = Ticket(
            conversation_id=conversation.id,
            channel="email",
            requester="ops@acme.test",
            plan="kubeark",
            severity="high",
            suggested_severity="high",
            completeness={"complete": {"version": True}},
            due_first_response=utcnow() + timedelta(hours=4),
        )
        session.add(ticket)
        await session.flush()
        record_audit(
            session,
            ticket.id,
            "severity_corrected",
            "U0ENG1",
            {"severity": "high"},
            {"severity": "critical"},
        )

    async with store.reading() as session:
        found = await message_by_external_id(session, "email", ["nope", "abc@acme.test"])
        events = await audit_events(session, ticket.id)
        stored = await session.get(Ticket, ticket.id)
    assert found is not None and found.body == "It is broken"
    assert [(e.type, e.actor, e.old, e.new) for e in events] == [
        ("severity_corrected", "U0ENG1", {"severity": "high"}, {"severity": "critical"})
    ]
    assert stored is not None and stored.due_first_response.tzinfo is not None


async def test_an_unreachable_database_is_reported_as_unavailable() -> None:
    store = Store.from_url("postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreUnavailable):
        await store.ping()
    await store.close()
