"""Engineers' decisions as training examples: what `intake retrain` learns from.

A ticket whose severity an engineer confirmed or corrected is a labelled example: the text the
classifier saw (subject plus the customer's own messages) and the level the engineer chose.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import col, select

from models.store import Store
from models.tables import AuthorKind, Direction, Disposition, SeveritySource, Ticket
from models.ticket_queries import conversation_messages


@dataclass(frozen=True, slots=True)
class DecidedExample:
    ticket_id: int
    subject: str | None
    text: str
    channel: str
    severity: str
    source: str  # confirmed | corrected


async def decided_severity_examples(store: Store) -> list[DecidedExample]:
    """Every engineer-decided ticket, oldest first, with the customer's own words."""
    examples: list[DecidedExample] = []
    async with store.reading() as session:
        tickets = await session.exec(
            select(Ticket)
            .where(
                col(Ticket.severity_source).in_(
                    [SeveritySource.CONFIRMED.value, SeveritySource.CORRECTED.value]
                )
            )
            .order_by(col(Ticket.id))
        )
        for ticket in tickets.all():
            messages = await conversation_messages(session, ticket.conversation_id)
            text = "\n\n".join(
                m.body
                for m in messages
                if m.direction == Direction.IN
                and m.author_kind in (AuthorKind.CUSTOMER, AuthorKind.STAFF)
                and m.disposition == Disposition.TICKET
                and m.body.strip()
            )
            examples.append(
                DecidedExample(
                    ticket_id=ticket.id or 0,
                    subject=ticket.subject,
                    text=text,
                    channel=ticket.channel,
                    severity=ticket.severity,
                    source=ticket.severity_source,
                )
            )
    return examples
