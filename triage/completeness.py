"""Completeness checker: which of the seven ticket fields the customer has already supplied.

Vendor SLAs only start the clock on a valid ticket (steps, version, logs, first-line checks),
so the bot must know what is already there — anywhere in the conversation, attachments
included — before it asks for exactly what is missing. Pure logic: no I/O.

    report = check_completeness(messages, subject=subject)
    report.missing(DEFAULT_REQUIRED_FIELDS)   # ["logs", "first_line_confirmation"]
    report.to_dict()                          # stored on the ticket for the triage card
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from triage.completeness_fields.error_message import detect_error_message
from triage.completeness_fields.evidence import Evidence
from triage.completeness_fields.first_line import detect_first_line_confirmation
from triage.completeness_fields.impact import detect_impact
from triage.completeness_fields.logs import detect_logs
from triage.completeness_fields.occurred_at import detect_occurred_at
from triage.completeness_fields.repro_steps import detect_repro_steps
from triage.completeness_fields.version import detect_version, version_mentions
from triage.levels import COMPLETENESS_FIELDS
from triage.message_view import MessageView, build_message_view
from triage.ticket_text import CustomerMessage
from triage.version_parser import ParsedVersion, parse_version

Detector = Callable[[MessageView], Evidence | None]

DETECTORS: Mapping[str, Detector] = {
    "repro_steps": detect_repro_steps,
    "version": detect_version,
    "logs": detect_logs,
    "first_line_confirmation": detect_first_line_confirmation,
    "error_message": detect_error_message,
    "impact": detect_impact,
    "occurred_at": detect_occurred_at,
}

# How sure we are that a field is absent when no detector fired: rules miss paraphrases.
ABSENT_CONFIDENCE = 0.75
# Weaker cues (a bare "I checked …" with no object) stay below this and do not count alone.
PRESENT_THRESHOLD = 0.6
_MAX_EVIDENCE_CHARS = 300


@dataclass(frozen=True, slots=True)
class FieldFinding:
    """The verdict for one field, with the evidence a human can check on the triage card."""

    field: str
    present: bool
    confidence: float
    evidence: str | None = None
    message_index: int | None = None
    start: int | None = None  # character offsets into messages[message_index].text
    end: int | None = None
    attachment: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "field": self.field,
            "present": self.present,
            "confidence": round(self.confidence, 3),
            "evidence": self.evidence,
            "message_index": self.message_index,
            "start": self.start,
            "end": self.end,
            "attachment": self.attachment,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> FieldFinding:
        return cls(
            field=str(data["field"]),
            present=bool(data["present"]),
            confidence=float(data["confidence"]),
            evidence=data.get("evidence"),
            message_index=data.get("message_index"),
            start=data.get("start"),
            end=data.get("end"),
            attachment=data.get("attachment"),
        )


@dataclass(frozen=True, slots=True)
class CompletenessReport:
    """Per-field findings over a whole conversation, in COMPLETENESS_FIELDS order."""

    findings: tuple[FieldFinding, ...]
    version: ParsedVersion | None = None

    def finding(self, field: str) -> FieldFinding:
        for found in self.findings:
            if found.field == field:
                return found
        raise KeyError(field)

    @property
    def complete(self) -> dict[str, bool]:
        return {found.field: found.present for found in self.findings}

    def missing(self, required: Sequence[str]) -> list[str]:
        """Required fields the customer has not supplied yet, in the order given."""
        unknown = [field for field in required if field not in COMPLETENESS_FIELDS]
        if unknown:
            raise ValueError(f"unknown completeness field(s): {', '.join(unknown)}")
        present = self.complete
        return [field for field in required if not present[field]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-serialisable form stored on the ticket (and read back with from_dict)."""
        return {
            "complete": self.complete,
            "fields": {found.field: found.to_dict() for found in self.findings},
            "version": None
            if self.version is None
            else {"raw": self.version.raw, "parts": list(self.version.parts)},
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompletenessReport:
        """Read a stored report; a field missing from older data reads as absent."""
        fields = data.get("fields", {})
        version = data.get("version")
        return cls(
            findings=tuple(
                FieldFinding.from_dict(fields[name])
                if name in fields
                else FieldFinding(field=name, present=False, confidence=ABSENT_CONFIDENCE)
                for name in COMPLETENESS_FIELDS
            ),
            version=parse_version(version["raw"]) if version else None,
        )


def check_completeness(
    messages: Sequence[CustomerMessage], *, subject: str | None = None
) -> CompletenessReport:
    """Check every field over all customer messages (quoted history excluded).

    A field counts as present when any message (or attachment) supplies it; the most
    confident evidence wins, the earliest message on a tie. The email subject is not used
    as evidence: it repeats the body and is often written by a forwarding colleague.
    """
    del subject  # accepted for the call contract; see docstring
    views = [
        build_message_view(index, message.text, message.attachments)
        for index, message in enumerate(messages)
    ]
    findings = tuple(_best_finding(field, views, detect) for field, detect in DETECTORS.items())
    report = CompletenessReport(findings=findings)
    return replace(report, version=_reported_version(report.finding("version"), views))


def _best_finding(field: str, views: list[MessageView], detect: Detector) -> FieldFinding:
    best: tuple[Evidence, MessageView] | None = None
    for view in views:
        found = detect(view)
        if found is None or found.confidence < PRESENT_THRESHOLD:
            continue
        if best is None or found.confidence > best[0].confidence:
            best = (found, view)
    if best is None:
        return FieldFinding(field=field, present=False, confidence=ABSENT_CONFIDENCE)
    evidence, view = best
    text = None
    if evidence.start is not None and evidence.end is not None:
        text = view.text[evidence.start : evidence.end].strip()[:_MAX_EVIDENCE_CHARS]
    return FieldFinding(
        field=field,
        present=True,
        confidence=evidence.confidence,
        evidence=text if text is not None else evidence.attachment,
        message_index=view.index,
        start=evidence.start,
        end=evidence.end,
        attachment=evidence.attachment,
    )


def _reported_version(found: FieldFinding, views: list[MessageView]) -> ParsedVersion | None:
    """The parsed form of the version the report cites as evidence."""
    if not found.present or found.message_index is None:
        return None
    for mention in version_mentions(views[found.message_index]):
        if mention.start == found.start:
            return mention.version
    return None
