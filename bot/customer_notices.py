"""Everything the bot says to a customer goes out through here, on the ticket's own channel.

Email replies thread onto the customer's latest message and are rate limited per address
(automatic ones only: an engineer's reply is never held back); Slack replies go into the
customer's thread. Each is stored as an outbound message and queued in the outbox in the same
transaction as the change that caused it, so a crash never leaves one without the other.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig
from bot.email_outbound import OutboundEmail, new_message_id, reply_subject
from models.column_types import utcnow
from models.store import NewOutboxItem, Store
from models.tables import (
    AuthorKind,
    Channel,
    Conversation,
    Direction,
    Message,
    OutboxItem,
    Ticket,
)
from models.ticket_queries import record_audit

log = logging.getLogger(__name__)

EMAIL_KIND = "email"
SLACK_POST_KIND = "slack.post"


class CustomerNotices:
    def __init__(self, *, store: Store, config: AppConfig, slack_enabled: bool) -> None:
        self._store = store
        self._config = config
        self.slack_enabled = slack_enabled

    async def reply(
        self,
        session: AsyncSession,
        *,
        ticket: Ticket | None,
        conversation: Conversation,
        text: str,
        to_address: str | None = None,
        cc: tuple[str, ...] = (),
        automatic: bool = True,
        author: str | None = None,
        purpose: str = "notice",
        dedupe_key: str | None = None,
        anchor: Message | None = None,
    ) -> Message | None:
        """Queue a reply to the customer; None when rate limiting held an automatic one back.

        `anchor` is the customer email being answered, when the caller has it at hand (saves a
        lookup); otherwise the conversation's latest inbound email is used.

        `dedupe_key` names the cause (e.g. the engineer's Slack message) for callers that check
        `reply_already_queued` first, so a replayed cause is not answered twice.
        """
        if conversation.channel == Channel.SLACK:
            return await self._reply_slack(
                session, ticket, conversation, text, author, purpose, dedupe_key
            )
        return await self._reply_email(
            session,
            ticket,
            conversation,
            text,
            to_address,
            cc,
            automatic,
            author,
            purpose,
            dedupe_key,
            anchor,
        )

    async def reply_already_queued(self, session: AsyncSession, dedupe_key: str) -> bool:
        existing = await session.exec(
            select(OutboxItem.id).where(OutboxItem.dedupe_key == dedupe_key)
        )
        return existing.first() is not None

    async def _reply_email(
        self,
        session: AsyncSession,
        ticket: Ticket | None,
        conversation: Conversation,
        text: str,
        to_address: str | None,
        cc: tuple[str, ...],
        automatic: bool,
        author: str | None,
        purpose: str,
        dedupe_key: str | None = None,
        anchor: Message | None = None,
    ) -> Message | None:
        assert conversation.id is not None
        if anchor is None:
            anchor = await _latest_customer_email(session, conversation.id)
        recipient = (
            to_address
            or (ticket.requester if ticket else None)
            or (anchor.author if anchor else None)
        )
        if recipient is None:
            log.warning("no recipient for a reply in conversation %s", conversation.id)
            return None
        if automatic and await self._over_rate_limit(session, recipient):
            log.warning("automatic reply to %s held back: over the hourly limit", recipient)
            if ticket is not None and ticket.id is not None:
                record_audit(session, ticket.id, "auto_reply_suppressed", "bot", None, purpose)
            return None
        sender = self._config.reply_from
        references = tuple(anchor.references) + (
            (anchor.external_id,) if anchor and anchor.external_id else ()
        )
        in_reply_to = _angle(anchor.external_id) if anchor and anchor.external_id else None
        subject = (
            reply_subject(ticket.subject if ticket else conversation.subject, ticket.id)
            if ticket and ticket.id is not None
            else f"Re: {conversation.subject or 'your message'}"
        )
        email = OutboundEmail(
            from_address=sender,
            to=(recipient,),
            cc=tuple(a for a in cc if a and a != recipient),
            subject=subject,
            body=text,
            message_id=new_message_id(sender),
            in_reply_to=in_reply_to,
            references=tuple(_angle(r) for r in references),
            automatic=automatic,
        )
        message = Message(
            conversation_id=conversation.id,
            channel=Channel.EMAIL,
            direction=Direction.OUT,
            author=author or sender,
            author_kind=AuthorKind.BOT if automatic else AuthorKind.ENGINEER,
            subject=subject,
            body=text,
            full_text=text,
            external_id=email.message_id.strip("<>"),
            in_reply_to=anchor.external_id if anchor else None,
            references=list(references),
        )
        session.add(message)
        await self._store.enqueue(
            session,
            NewOutboxItem(
                kind=EMAIL_KIND,
                payload=email.to_payload(),
                ticket_id=ticket.id if ticket else None,
                rate_key=recipient.lower() if automatic else None,
                dedupe_key=dedupe_key,
            ),
        )
        return message

    async def _reply_slack(
        self,
        session: AsyncSession,
        ticket: Ticket | None,
        conversation: Conversation,
        text: str,
        author: str | None,
        purpose: str,
        dedupe_key: str | None = None,
    ) -> Message | None:
        assert conversation.id is not None
        if not self.slack_enabled:
            log.info(
                "Slack is disabled: reply to conversation %s kept in the store only",
                conversation.id,
            )
        message = Message(
            conversation_id=conversation.id,
            channel=Channel.SLACK,
            direction=Direction.OUT,
            author=author or "bot",
            author_kind=AuthorKind.BOT if author is None else AuthorKind.ENGINEER,
            body=text,
            full_text=text,
        )
        session.add(message)
        await session.flush()
        await self._store.enqueue(
            session,
            NewOutboxItem(
                kind=SLACK_POST_KIND,
                payload={
                    "channel": conversation.slack_channel,
                    "thread_ts": conversation.slack_thread_ts,
                    "text": text,
                    "message_id": message.id,
                    "purpose": purpose,
                },
                ticket_id=ticket.id if ticket else None,
                dedupe_key=dedupe_key,
            ),
        )
        return message

    async def _over_rate_limit(self, session: AsyncSession, address: str) -> bool:
        limit = self._config.email.auto_replies_per_address_per_hour
        since = utcnow() - timedelta(hours=1)
        sent = await self._store.count_rate_limited(session, address.lower(), since)
        return sent >= limit


async def _latest_customer_email(session: AsyncSession, conversation_id: int) -> Message | None:
    result = await session.exec(
        select(Message)
        .where(
            Message.conversation_id == conversation_id,
            Message.direction == Direction.IN,
            Message.channel == Channel.EMAIL,
        )
        .order_by(col(Message.id).desc())
    )
    return result.first()


def _angle(message_id: str) -> str:
    message_id = message_id.strip()
    return message_id if message_id.startswith("<") else f"<{message_id}>"
