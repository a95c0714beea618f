"""Sends the Slack kinds of the outbox: cards, card updates, thread posts, ephemerals, downloads.

Each handler reads the current state from the store when it runs (so a card update queued
twice shows the latest ticket once more, not stale data), makes one Web API call, and records
what Slack returned (the card's ts, a reply's ts). Failures raise the outbox's
Transient/PermanentSendError, so a post that fails is retried later, never dropped.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig
from bot.customer_notices import SLACK_POST_KIND
from bot.email_outbound import PermanentSendError, TransientSendError
from bot.outbox_worker import OutboxWorker
from bot.sla_scheduler import TRIAGE_THREAD_KIND
from bot.slack_client import outbox_send_errors
from bot.slack_files import download_slack_file, safe_file_name
from bot.slack_payloads import slack_message_key
from bot.ticket_desk import TicketDesk
from bot.triage_card import TriageCardView, render_triage_card
from bot.triage_card_feed import CARD_KIND, CARD_UPDATE_KIND
from models.tables import (
    Attachment,
    AuthorKind,
    Conversation,
    Direction,
    Message,
    OutboxItem,
    Ticket,
)
from triage.levels import SEVERITY_ORDER

log = logging.getLogger(__name__)

EPHEMERAL_KIND = "slack.ephemeral"
FILE_DOWNLOAD_KIND = "slack.file_download"


class SlackOutbox:
    def __init__(
        self,
        *,
        desk: TicketDesk,
        client: AsyncWebClient,
        token: str,
        attachments_dir: Path,
        max_file_bytes: int,
    ) -> None:
        self._desk = desk
        self._store = desk.store
        self._config: AppConfig = desk.config
        self._client = client
        self._token = token
        self._attachments_dir = attachments_dir
        self._max_file_bytes = max_file_bytes

    def register(self, worker: OutboxWorker) -> None:
        worker.register(CARD_KIND, self.post_card)
        worker.register(CARD_UPDATE_KIND, self.update_card)
        worker.register(TRIAGE_THREAD_KIND, self.post_in_card_thread)
        worker.register(SLACK_POST_KIND, self.post_reply)
        worker.register(EPHEMERAL_KIND, self.post_ephemeral)
        worker.register(FILE_DOWNLOAD_KIND, self.download_file)

    # -- the triage card ---------------------------------------------------------------------

    async def post_card(self, row: OutboxItem) -> dict[str, Any]:
        ticket_id = int(row.payload["ticket_id"])
        async with self._store.reading() as session:
            ticket = await self._ticket(session, ticket_id)
            if ticket.triage_card_ts:  # posted by an earlier attempt that crashed before "sent"
                return {"channel": ticket.triage_card_channel, "ts": ticket.triage_card_ts}
            view = await self._card_view(session, ticket)
        channel = self._config.slack.triage_channel
        if not channel:
            raise PermanentSendError("slack.triage_channel is not configured")
        card = render_triage_card(view)
        with outbox_send_errors("chat.postMessage (triage card)"):
            response = await self._client.chat_postMessage(
                channel=channel, text=card.text, blocks=card.blocks, unfurl_links=False
            )
        posted_channel, posted_ts = str(response["channel"]), str(response["ts"])
        async with self._store.transaction() as session:
            stored = await session.get(Ticket, ticket_id, with_for_update=True)
            if stored is not None:
                stored.triage_card_channel = posted_channel
                stored.triage_card_ts = posted_ts
                session.add(stored)
        return {"channel": posted_channel, "ts": posted_ts}

    async def update_card(self, row: OutboxItem) -> dict[str, Any]:
        ticket_id = int(row.payload["ticket_id"])
        async with self._store.reading() as session:
            ticket = await self._ticket(session, ticket_id)
            if not ticket.triage_card_ts or not ticket.triage_card_channel:
                raise TransientSendError(f"ticket #{ticket_id} has no card yet")
            view = await self._card_view(session, ticket)
        card = render_triage_card(view)
        with outbox_send_errors("chat.update (triage card)"):
            await self._client.chat_update(
                channel=ticket.triage_card_channel,
                ts=ticket.triage_card_ts,
                text=card.text,
                blocks=card.blocks,
            )
        return {"channel": ticket.triage_card_channel, "ts": ticket.triage_card_ts}

    async def post_in_card_thread(self, row: OutboxItem) -> dict[str, Any]:
        ticket_id = int(row.payload["ticket_id"])
        async with self._store.reading() as session:
            ticket = await self._ticket(session, ticket_id)
        if not ticket.triage_card_ts or not ticket.triage_card_channel:
            raise TransientSendError(f"ticket #{ticket_id} has no card yet")
        with outbox_send_errors("chat.postMessage (card thread)"):
            response = await self._client.chat_postMessage(
                channel=ticket.triage_card_channel,
                thread_ts=ticket.triage_card_ts,
                text=str(row.payload["text"]),
                unfurl_links=False,
            )
        return {"channel": str(response["channel"]), "ts": str(response["ts"])}

    async def _card_view(self, session: AsyncSession, ticket: Ticket) -> TriageCardView:
        assert ticket.id is not None
        conversation = await session.get(Conversation, ticket.conversation_id)
        first = (
            await session.exec(
                select(Message)
                .where(
                    Message.conversation_id == ticket.conversation_id,
                    Message.direction == Direction.IN,
                    Message.author_kind != AuthorKind.ENGINEER,
                )
                .order_by(col(Message.id))
            )
        ).first()
        return TriageCardView(
            ticket_id=ticket.id,
            channel=ticket.channel,
            origin=_origin(conversation),
            requester=ticket.requester,
            requester_name=ticket.requester_name,
            org=ticket.customer_org,
            plan=ticket.plan,
            subject=ticket.subject,
            excerpt=first.body if first else "",
            severity=ticket.severity,
            severity_source=ticket.severity_source,
            suggested_severity=ticket.suggested_severity,
            confidence=ticket.suggestion_confidence,
            reason=ticket.suggestion_reason,
            needs_human=ticket.needs_human,
            display_names={
                str(level): self._desk.sla.display_name(ticket, str(level))
                for level in SEVERITY_ORDER
            },
            complete=dict((ticket.completeness or {}).get("complete", {})),
            required_fields=self._desk.engine.required_fields(ticket.plan),
            deadlines={
                "first_response": ticket.due_first_response,
                "workaround": ticket.due_workaround,
                "resolution": ticket.due_resolution,
            },
            clock_waiting_for_info=bool(ticket.missing),
            decided_by=ticket.severity_decided_by,
            decided_at=ticket.severity_decided_at,
            status=ticket.status,
        )

    async def _ticket(self, session: AsyncSession, ticket_id: int) -> Ticket:
        ticket = await session.get(Ticket, ticket_id)
        if ticket is None:
            raise PermanentSendError(f"no ticket #{ticket_id}")
        return ticket

    # -- customer threads, ephemerals ----------------------------------------------------------

    async def post_reply(self, row: OutboxItem) -> dict[str, Any]:
        """A reply in the customer's thread; its ts is stored so edits and replays match it."""
        payload = row.payload
        channel = str(payload["channel"])
        with outbox_send_errors("chat.postMessage (customer thread)"):
            response = await self._client.chat_postMessage(
                channel=channel,
                thread_ts=payload.get("thread_ts"),
                text=str(payload["text"]),
                unfurl_links=False,
            )
        posted_channel, posted_ts = str(response["channel"]), str(response["ts"])
        message_id = payload.get("message_id")
        if message_id is not None:
            async with self._store.transaction() as session:
                message = await session.get(Message, int(message_id))
                if message is not None and message.external_id is None:
                    message.external_id = slack_message_key(posted_channel, posted_ts)
                    session.add(message)
        return {"channel": posted_channel, "ts": posted_ts}

    async def post_ephemeral(self, row: OutboxItem) -> dict[str, Any]:
        payload = row.payload
        with outbox_send_errors("chat.postEphemeral"):
            response = await self._client.chat_postEphemeral(
                channel=str(payload["channel"]),
                user=str(payload["user"]),
                text=str(payload["text"]),
                thread_ts=payload.get("thread_ts"),
            )
        return {"message_ts": str(response.get("message_ts", ""))}

    # -- shared files ----------------------------------------------------------------------------

    async def download_file(self, row: OutboxItem) -> dict[str, Any]:
        payload = row.payload
        attachment_id = int(payload["attachment_id"])
        async with self._store.reading() as session:
            attachment = await session.get(Attachment, attachment_id)
        if attachment is None:
            raise PermanentSendError(f"no attachment #{attachment_id}")
        folder = self._attachments_dir / str(attachment.message_id)
        destination = folder / safe_file_name(attachment.filename)
        size = await download_slack_file(
            str(payload["url"]),
            token=self._token,
            destination=destination,
            max_bytes=self._max_file_bytes,
        )
        async with self._store.transaction() as session:
            stored = await session.get(Attachment, attachment_id)
            if stored is not None:
                stored.storage_path = str(destination)
                stored.size = size
                session.add(stored)
        return {"path": str(destination), "size": size}


def _origin(conversation: Conversation | None) -> str:
    if conversation is None:
        return "unknown"
    if conversation.slack_channel:
        if conversation.slack_channel.startswith("D"):
            return "direct message to the bot"
        return f"<#{conversation.slack_channel}>"
    return "support email"
