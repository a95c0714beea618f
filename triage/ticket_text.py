"""What `triage` is given to decide on: the customer's own words and attachments, nothing else.

The bot layer strips quoted email history and signatures before building these, so a
reply that quotes the whole thread is not counted twice.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class AttachmentInfo:
    """Metadata of a file the customer sent (email attachment or Slack file share)."""

    filename: str
    content_type: str = "application/octet-stream"
    size: int = 0


@dataclass(frozen=True, slots=True)
class CustomerMessage:
    """One message written by the customer: only the new text, plus its attachments."""

    text: str
    channel: str = "email"  # "email" | "slack"
    attachments: tuple[AttachmentInfo, ...] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class TicketText:
    """A ticket as the classifier sees it: subject plus the customer's messages."""

    subject: str | None
    messages: tuple[CustomerMessage, ...]
    channel: str = "email"

    @property
    def body(self) -> str:
        return "\n\n".join(m.text for m in self.messages if m.text)

    @property
    def full_text(self) -> str:
        """Subject and body joined the way the classifier was trained (subject first)."""
        return f"{self.subject}\n\n{self.body}" if self.subject else self.body
