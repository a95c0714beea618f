"""The vocabulary every decision in `triage` shares: severity levels and completeness fields."""

from __future__ import annotations

from enum import StrEnum


class Severity(StrEnum):
    """The four canonical severity levels; vendor display names come from the SLA plan."""

    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def rank(self) -> int:
        """0 for critical … 3 for low, so `min()` picks the most severe."""
        return SEVERITY_ORDER.index(self)


SEVERITY_ORDER: tuple[Severity, ...] = (
    Severity.CRITICAL,
    Severity.HIGH,
    Severity.MEDIUM,
    Severity.LOW,
)

# Names are a contract (CLI JSON, config.yaml `required_fields`, the triage card).
COMPLETENESS_FIELDS: tuple[str, ...] = (
    "repro_steps",
    "version",
    "logs",
    "first_line_confirmation",
    "error_message",
    "impact",
    "occurred_at",
)

DEFAULT_REQUIRED_FIELDS: tuple[str, ...] = (
    "repro_steps",
    "version",
    "logs",
    "first_line_confirmation",
)
