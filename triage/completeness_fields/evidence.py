"""What a field detector found: where the evidence is and how sure the detector is."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Evidence:
    """A span of the message text (or an attachment) that shows a field is present."""

    confidence: float
    start: int | None = None
    end: int | None = None
    attachment: str | None = None


def best(candidates: list[Evidence]) -> Evidence | None:
    """The most confident candidate; on a tie the earliest in the message wins."""
    if not candidates:
        return None
    return max(candidates, key=lambda found: (found.confidence, -(found.start or 0)))
