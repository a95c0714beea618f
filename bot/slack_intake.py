"""From a stored Slack delivery to conversation messages, tickets and engineer replies.

Runs in the intake worker (source "slack") after the HTTP edge has stored and acknowledged
the delivery. Where a message came from decides what it is:

- a customer's shared support channel (`customers[].slack_channels`) or a DM to the bot
  (org by the user's Slack Connect team or email domain): a top-level message opens a
  conversation + ticket, a thread reply continues it;
- a triage card's thread in `slack.triage_channel`: an engineer's answer, relayed to the
  customer by email or in their Slack thread, unless it starts with `!note`;
- a click on a card: handed to `SeverityDecisions`.

A message is stored once per (channel, ts) however often Slack delivers it, and Slack calls
(users.info, files.info) are started before the worker's transaction begins.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from bot.config import AppConfig, CustomerOrg
from bot.slack_decisions import SeverityDecisions
from bot.slack_directory import SlackDirectory, SlackLookupFailed, SlackUser, awaited
from bot.slack_events import INTERACTIVE_KIND
from bot.slack_outbox import FILE_DOWNLOAD_KIND
from bot.slack_payloads import (
    InteractivePayload,
    SlackEvent,
    SlackEventKind,
    SlackFile,
    parse_event_callback,
    parse_interactive,
    slack_message_key,
)
from bot.ticket_desk import TicketDesk
from bot.triage_engine import Assessment
from models.column_types import utcnow
from models.store import NewOutboxItem
from models.tables import (
    Attachment,
    AuthorKind,
    Channel,
    Conversation,
    Direction,
    Disposition,
    InboxItem,
    Message,
    Ticket,
)
from models.ticket_queries import (
    conversation_by_slack_thread,
    message_by_external_id,
    record_audit,
    ticket_by_card,
    ticket_for_conversation,
)
from triage.ticket_text import AttachmentInfo, CustomerMessage, TicketText

log = logging.getLogger(__name__)

NOTE_PREFIX = "!note"
LOOKUP_WAIT_SECONDS = 10.0
_SUBJECT_CHARS = 80

UNMATCHED_DM_TEXT = (
    "Hello! Thanks for your message. We couldn't match you to one of our customers, so we "
    "can't open a support ticket from this conversation. Please write in your company's "
    "shared support channel or to our support email address, or ask your support contact "
    "to have you added."
)


class Route(StrEnum):
    CUSTOMER_CHANNEL = "customer_channel"
    DIRECT_MESSAGE = "direct_message"
    CARD_THREAD = "card_thread"
    NOWHERE = "nowhere"


@dataclass(slots=True)
class PreparedSlackItem:
    """One inbox row, parsed, with its Slack look-ups already under way."""

    event: SlackEvent | None = None
    interactive: InteractivePayload | None = None
    route: Route = Route.NOWHERE
    assessment: Assessment | None = None
    author: Future[SlackUser] | None = None
    files: tuple[Future[SlackFile] | SlackFile, ...] = field(default_factory=tuple)
    group_members: Future[frozenset[str]] | None = None

    def lookups(self) -> list[Future[Any]]:
        started: list[Future[Any]] = [f for f in self.files if isinstance(f, Future)]
        return started + [f for f in (self.author, self.group_members) if f is not None]


def subject_of(text: str) -> str:
    """A Slack message has no subject: its first non-empty line stands in for one."""
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > _SUBJECT_CHARS:
        first = first[: _SUBJECT_CHARS - 1].rstrip() + "…"
    return first or "Slack message"


def ticket_text_of(event: SlackEvent, files: Sequence[SlackFile]) -> TicketText:
    attachments = tuple(AttachmentInfo(f.name, f.mimetype, f.size) for f in files)
    message = CustomerMessage(text=event.text, channel="slack", attachments=attachments)
    return TicketText(subject=None, messages=(message,), channel="slack")


class SlackInboxProcessor:
    def __init__(
        self,
        *,
        desk: TicketDesk,
        directory: SlackDirectory,
        decisions: SeverityDecisions,
        download_files: bool = False,
        max_file_bytes: int = 25 * 1024 * 1024,
    ) -> None:
        self._desk = desk
        self._config: AppConfig = desk.config
        self._directory = directory
        self._decisions = decisions
        self._download_files = download_files
        self._max_file_bytes = max_file_bytes
        self._channel_orgs = {
            channel: org for org in self._config.customers for channel in org.slack_channels
        }

    # -- before the transaction -----------------------------------------------------------------

    def prepare(self, items: Sequence[InboxItem]) -> list[PreparedSlackItem]:
        prepared = [self._prepare_one(item) for item in items]
        # New tickets whose files are all known are classified together (batched inference).
        ready = [
            p
            for p in prepared
            if p.event is not None
            and p.event.kind is SlackEventKind.MESSAGE
            and p.route in (Route.CUSTOMER_CHANNEL, Route.DIRECT_MESSAGE)
            and not p.event.is_thread_reply
            and all(isinstance(f, SlackFile) for f in p.files)
        ]
        texts = [ticket_text_of(p.event, p.files) for p in ready if p.event]  # type: ignore[arg-type]
        for p, assessment in zip(ready, self._desk.engine.assess_many(texts), strict=True):
            p.assessment = assessment
        # This runs in a worker thread: waiting here for the look-ups (which run on the loop)
        # means the transaction that follows rarely waits on Slack with the write lock held.
        pending = [f for p in prepared for f in p.lookups() if not f.done()]
        if pending:
            wait(pending, timeout=LOOKUP_WAIT_SECONDS)
        return prepared

    def _prepare_one(self, item: InboxItem) -> PreparedSlackItem:
        if item.envelope.get("kind") == INTERACTIVE_KIND:
            payload = parse_interactive(item.raw)
            group = self._decisions.engineer_group
            lookup = (
                self._directory.group_members(group)
                if group and self._decisions.needs_group_lookup(payload)
                else None
            )
            return PreparedSlackItem(interactive=payload, group_members=lookup)
        event = parse_event_callback(item.raw)
        route = self._route(event)
        prepared = PreparedSlackItem(event=event, route=route)
        if event.kind is SlackEventKind.MESSAGE and route != Route.NOWHERE:
            prepared.author = self._directory.user(event.user) if event.user else None
            prepared.files = tuple(
                self._directory.file(f.id) if f.partial else f for f in event.files
            )
            group = self._config.slack.engineer_group
            if group and route == Route.CUSTOMER_CHANNEL:
                prepared.group_members = self._directory.group_members(group)
        return prepared

    def _route(self, event: SlackEvent) -> Route:
        if event.kind is SlackEventKind.IGNORED:
            return Route.NOWHERE
        if event.channel and event.channel == self._config.slack.triage_channel:
            return Route.CARD_THREAD if event.thread_ts else Route.NOWHERE
        if event.channel in self._channel_orgs:
            return Route.CUSTOMER_CHANNEL
        if event.is_direct_message:
            return Route.DIRECT_MESSAGE
        return Route.NOWHERE

    # -- inside the transaction ------------------------------------------------------------------

    async def process(
        self, session: AsyncSession, item: InboxItem, prepared: PreparedSlackItem
    ) -> None:
        if prepared.interactive is not None:
            await self._decisions.apply(session, prepared.interactive, prepared.group_members)
            return
        event = prepared.event
        if event is None or prepared.route == Route.NOWHERE:
            if event is not None and event.ignored_because:
                log.debug("Slack event %s ignored: %s", event.event_id, event.ignored_because)
            return
        if event.kind is SlackEventKind.EDIT:
            await self._edit(session, event, prepared)
        elif event.kind is SlackEventKind.DELETE:
            await self._delete(session, event)
        elif prepared.route == Route.CARD_THREAD:
            await self._card_thread_message(session, event, prepared)
        else:
            await self._customer_message(session, item, event, prepared)

    # -- customers ------------------------------------------------------------------------------

    async def _customer_message(
        self, session: AsyncSession, item: InboxItem, event: SlackEvent, prepared: PreparedSlackItem
    ) -> None:
        key = slack_message_key(event.channel, event.ts)
        if await message_by_external_id(session, Channel.SLACK, [key]) is not None:
            log.info("Slack message %s already stored (replayed delivery)", key)
            return
        author = await _optional(prepared.author)
        conversation = await conversation_by_slack_thread(session, event.channel, event.root_ts)
        ticket = (
            await ticket_for_conversation(session, conversation.id)
            if conversation is not None and conversation.id is not None
            else None
        )
        at = min(event.sent_at, item.received_at)

        if await self._is_engineer(event.user, prepared):
            if ticket is not None and conversation is not None:
                await self._engineer_in_customer_thread(
                    session, event, conversation, ticket, author, at
                )
            return  # our own people post in shared channels too; that opens nothing

        files = await _resolved_files(prepared.files)
        if ticket is not None and conversation is not None:
            # A reply in the ticket's thread continues it, whoever the thread belongs to.
            await self._store_message(
                session, item, event, conversation, author, files, Disposition.TICKET
            )
            await self._desk.customer_follow_up(
                session, ticket=ticket, conversation=conversation, at=at
            )
            return

        if prepared.route == Route.DIRECT_MESSAGE:
            org = await self._org_for_direct_message(event, prepared)
        else:
            org = self._channel_orgs[event.channel]
        if org is None:
            await self._unmatched_direct_message(
                session, item, event, conversation, author, files, at
            )
            return
        if conversation is not None:
            # A thread we keep without a ticket (an unmatched DM): store, don't answer again.
            await self._store_message(
                session, item, event, conversation, author, files, Disposition.UNVERIFIED
            )
            return

        conversation = await self._new_conversation(session, event, org, at)
        message = await self._store_message(
            session, item, event, conversation, author, files, Disposition.TICKET
        )
        assessment = (
            prepared.assessment or self._desk.engine.assess_many([ticket_text_of(event, files)])[0]
        )
        await self._desk.open_ticket(
            session,
            conversation=conversation,
            message=message,
            requester=event.user,
            requester_name=author.name if author else None,
            org=org,
            assessment=assessment,
            received_at=at,
        )

    async def _org_for_direct_message(
        self, event: SlackEvent, prepared: PreparedSlackItem
    ) -> CustomerOrg | None:
        """Slack Connect: the user's own workspace; otherwise their email's domain."""
        org = self._org_for_team(event.user_team)
        if org is not None:
            return org
        if prepared.author is None:
            return None
        user = await awaited(prepared.author)  # a failure retries the item, never refuses it
        org = self._org_for_team(user.team_id)
        if org is not None or user.email_domain is None:
            return org
        return next((o for o in self._config.customers if user.email_domain in o.domains), None)

    def _org_for_team(self, team_id: str | None) -> CustomerOrg | None:
        if not team_id:
            return None
        return next((o for o in self._config.customers if team_id in o.slack_teams), None)

    async def _unmatched_direct_message(
        self,
        session: AsyncSession,
        item: InboxItem,
        event: SlackEvent,
        conversation: Conversation | None,
        author: SlackUser | None,
        files: Sequence[SlackFile],
        at: datetime,
    ) -> None:
        first_in_thread = conversation is None
        conversation = conversation or await self._new_conversation(session, event, None, at)
        await self._store_message(
            session, item, event, conversation, author, files, Disposition.UNVERIFIED
        )
        if first_in_thread:
            await self._desk.notices.reply(
                session,
                ticket=None,
                conversation=conversation,
                text=UNMATCHED_DM_TEXT,
                purpose="refusal",
            )

    async def _new_conversation(
        self, session: AsyncSession, event: SlackEvent, org: CustomerOrg | None, at: datetime
    ) -> Conversation:
        conversation = Conversation(
            channel=Channel.SLACK,
            subject=subject_of(event.text),
            customer_org=org.name if org else None,
            slack_channel=event.channel,
            slack_thread_ts=event.root_ts,
            created_at=at,
            updated_at=at,
        )
        session.add(conversation)
        await session.flush()
        return conversation

    async def _store_message(
        self,
        session: AsyncSession,
        item: InboxItem,
        event: SlackEvent,
        conversation: Conversation,
        author: SlackUser | None,
        files: Sequence[SlackFile],
        disposition: str,
    ) -> Message:
        assert conversation.id is not None
        message = Message(
            conversation_id=conversation.id,
            channel=Channel.SLACK,
            direction=Direction.IN,
            author=event.user,
            author_name=author.name if author else None,
            author_kind=AuthorKind.CUSTOMER,
            disposition=disposition,
            body=event.text,
            full_text=event.text,
            external_id=slack_message_key(event.channel, event.ts),
            inbox_id=item.id,
            created_at=event.sent_at,
        )
        session.add(message)
        conversation.updated_at = utcnow()
        session.add(conversation)
        await session.flush()
        await self._store_files(session, message, files)
        return message

    async def _store_files(
        self, session: AsyncSession, message: Message, files: Sequence[SlackFile]
    ) -> None:
        assert message.id is not None
        for file in files:
            attachment = Attachment(
                message_id=message.id,
                filename=file.name[:255],
                content_type=file.mimetype[:255],
                size=file.size,
                external_id=file.id,
            )
            session.add(attachment)
            if not self._download_files or not file.url_private:
                continue
            if file.size > self._max_file_bytes:
                log.info(
                    "file %s (%d bytes) over the download cap; metadata only", file.id, file.size
                )
                continue
            await session.flush()
            await self._desk.store.enqueue(
                session,
                NewOutboxItem(
                    kind=FILE_DOWNLOAD_KIND,
                    payload={"attachment_id": attachment.id, "url": file.url_private},
                    dedupe_key=f"slack-file:{message.id}:{file.id}",
                ),
            )

    async def _is_engineer(self, user_id: str, prepared: PreparedSlackItem) -> bool:
        if user_id in self._config.slack.engineers:
            return True
        if prepared.group_members is None:
            return False
        members = await _optional(prepared.group_members)
        return bool(members) and user_id in members  # type: ignore[operator]

    async def _engineer_in_customer_thread(
        self,
        session: AsyncSession,
        event: SlackEvent,
        conversation: Conversation,
        ticket: Ticket,
        author: SlackUser | None,
        at: datetime,
    ) -> None:
        """An engineer answered right in the customer's thread: record it, count the response."""
        assert conversation.id is not None
        session.add(
            Message(
                conversation_id=conversation.id,
                channel=Channel.SLACK,
                direction=Direction.OUT,
                author=event.user,
                author_name=author.name if author else None,
                author_kind=AuthorKind.ENGINEER,
                body=event.text,
                full_text=event.text,
                external_id=slack_message_key(event.channel, event.ts),
                created_at=event.sent_at,
            )
        )
        await self._desk.engineer_replied(session, ticket, at=at, actor=event.user)

    # -- engineers in the card's thread -----------------------------------------------------------

    async def _card_thread_message(
        self, session: AsyncSession, event: SlackEvent, prepared: PreparedSlackItem
    ) -> None:
        assert event.thread_ts is not None
        ticket = await ticket_by_card(session, event.channel, event.thread_ts)
        if ticket is None or ticket.id is None:
            return  # a thread under something that is not a card
        conversation = await session.get(Conversation, ticket.conversation_id)
        assert conversation is not None and conversation.id is not None
        author = await _optional(prepared.author)
        key = slack_message_key(event.channel, event.ts)
        at = event.sent_at
        note = _internal_note(event.text)
        if note is not None:
            if await message_by_external_id(session, Channel.SLACK, [key]) is not None:
                return
            session.add(
                Message(
                    conversation_id=conversation.id,
                    channel=Channel.SLACK,
                    direction=Direction.IN,
                    author=event.user,
                    author_name=author.name if author else None,
                    author_kind=AuthorKind.ENGINEER,
                    body=note,
                    full_text=event.text,
                    external_id=key,
                    is_internal_note=True,
                    created_at=at,
                )
            )
            record_audit(session, ticket.id, "internal_note", event.user, None, {"slack": key})
            return
        relay_key = f"relay:{key}"
        if await self._desk.notices.reply_already_queued(session, relay_key):
            return
        await self._desk.notices.reply(
            session,
            ticket=ticket,
            conversation=conversation,
            text=event.text,
            automatic=False,
            author=event.user,
            purpose="engineer_reply",
            dedupe_key=relay_key,
        )
        record_audit(
            session,
            ticket.id,
            "engineer_reply",
            event.user,
            None,
            {"slack": key, "to": conversation.channel},
        )
        await self._desk.engineer_replied(session, ticket, at=at, actor=event.user)

    # -- edits and deletions -----------------------------------------------------------------------

    async def _edit(
        self, session: AsyncSession, event: SlackEvent, prepared: PreparedSlackItem
    ) -> None:
        key = slack_message_key(event.channel, event.ts)
        message = await message_by_external_id(session, Channel.SLACK, [key])
        if message is None:
            log.info("edit of a message never stored (%s) ignored", key)
            return
        if message.body == event.text and message.edited_at is not None:
            return  # the same edit delivered again
        old_text = message.body
        note = _internal_note(event.text) if message.is_internal_note else None
        message.body = note if note is not None else event.text
        message.full_text = event.text
        message.edited_at = event.edited_at or utcnow()
        session.add(message)
        ticket = await ticket_for_conversation(session, message.conversation_id)
        if ticket is None or ticket.id is None:
            return
        record_audit(
            session,
            ticket.id,
            "message_edited",
            event.user or message.author,
            {"message_id": message.id, "chars": len(old_text)},
            {"message_id": message.id, "chars": len(message.body)},
        )
        if message.author_kind == AuthorKind.CUSTOMER and message.disposition == Disposition.TICKET:
            conversation = await session.get(Conversation, message.conversation_id)
            assert conversation is not None
            # An edit that adds the version (say) completes the ticket just like a reply would.
            await self._desk.customer_follow_up(
                session, ticket=ticket, conversation=conversation, at=message.edited_at
            )

    async def _delete(self, session: AsyncSession, event: SlackEvent) -> None:
        key = slack_message_key(event.channel, event.ts)
        message = await message_by_external_id(session, Channel.SLACK, [key])
        if message is None or "deleted_in_slack" in message.problems:
            return
        # Kept for the record (the ticket was opened from it); marked, not removed.
        message.problems = [*message.problems, "deleted_in_slack"]
        session.add(message)


def _internal_note(text: str) -> str | None:
    """The note's text if the message is marked `!note`, else None."""
    stripped = text.lstrip()
    if not stripped.lower().startswith(NOTE_PREFIX):
        return None
    rest = stripped[len(NOTE_PREFIX) :]
    if rest and not rest[0].isspace() and rest[0] not in ":-":
        return None  # "!notes" or "!notebook" is ordinary text
    return rest.lstrip(":- \t\n")


async def _optional(future: Future[Any] | None) -> Any:
    """A look-up whose failure only costs a nicety (a display name)."""
    if future is None:
        return None
    try:
        return await awaited(future)
    except SlackLookupFailed as exc:
        log.warning("Slack look-up failed, continuing without it: %s", exc)
        return None


async def _resolved_files(
    prepared_files: Sequence[Future[SlackFile] | SlackFile],
) -> list[SlackFile]:
    """Files with full metadata; a failed files.info retries the whole item later."""
    return [f if isinstance(f, SlackFile) else await awaited(f) for f in prepared_files]
