"""The bot's one door into `triage`: severity, completeness and SLA decisions for a ticket.

Loads the severity model once per process (training it from the bundled corpus on first use)
and keeps the spaCy pipelines warm, so the intake worker pays only per-message costs.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.config import AppConfig
from triage.completeness import CompletenessReport, check_completeness
from triage.levels import DEFAULT_REQUIRED_FIELDS
from triage.severity import SeverityClassifier, SeverityVerdict
from triage.ticket_text import CustomerMessage, TicketText

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Assessment:
    verdict: SeverityVerdict
    completeness: CompletenessReport


class TriageEngine:
    def __init__(self, config: AppConfig, *, model_dir: Path) -> None:
        self._config = config
        self._model_dir = model_dir
        self._classifier: SeverityClassifier | None = None

    @property
    def classifier(self) -> SeverityClassifier:
        if self._classifier is None:
            from triage.severity_registry import load_or_train_default

            self._classifier = load_or_train_default(
                self._model_dir,
                costs=self._config.triage.costs,
                abstain_below=self._config.triage.abstain_below,
            )
        return self._classifier

    def warm_up(self) -> None:
        """Load the model and spaCy pipelines before the first message needs them."""
        self.assess_many([TicketText(subject="warm up", messages=(CustomerMessage("hello"),))])

    def required_fields(self, plan_name: str) -> tuple[str, ...]:
        plan = self._config.sla_plans.get(plan_name)
        fields = getattr(plan, "required_fields", None)
        return tuple(fields) if fields else DEFAULT_REQUIRED_FIELDS

    def assess_many(self, tickets: Sequence[TicketText]) -> list[Assessment]:
        """Severity and completeness for several new tickets at once (batched inference)."""
        if not tickets:
            return []
        verdicts = self.classifier.classify_many(list(tickets))
        return [
            Assessment(verdict, check_completeness(t.messages, subject=t.subject))
            for t, verdict in zip(tickets, verdicts, strict=True)
        ]

    def completeness(
        self, messages: Sequence[CustomerMessage], *, subject: str | None
    ) -> CompletenessReport:
        return check_completeness(messages, subject=subject)
