"""`version`: a version/build/release of the product or of the customer's platform."""

from __future__ import annotations

from dataclasses import replace

from triage.completeness_fields.evidence import Evidence
from triage.message_view import MessageView
from triage.version_parser import VersionMention, find_versions

_MIN_CONFIDENCE = 0.6


def version_mentions(view: MessageView) -> list[VersionMention]:
    """Versions stated in the customer's prose (not in pasted logs or quoted replies)."""
    return [
        replace(mention, start=offset + mention.start, end=offset + mention.end)
        for offset, line in view.prose_lines()
        for mention in find_versions(line)
        if mention.confidence >= _MIN_CONFIDENCE
    ]


def detect_version(view: MessageView) -> Evidence | None:
    """The first confident version mention: usually the customer's "we're on X"."""
    mentions = version_mentions(view)
    if not mentions:
        return None
    # The first statement is usually "we're on X"; later ones tend to be comparisons.
    first = max(mentions, key=lambda m: (m.confidence >= 0.8, -m.start))
    return Evidence(confidence=first.confidence, start=first.start, end=first.end)
