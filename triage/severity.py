"""Suggest a severity for a ticket: level, honest confidence, a reason, and when to ask a human.

This is the one entry point the bot uses. It chains the trained model (probabilities), the
cost-aware decision rule (which level to suggest) and the explanation (why), and it batches
all of that for throughput (`classify_many`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_cues import extract_cues_many
from triage.severity_decision import DecisionPolicy, decide
from triage.severity_explain import Evidence, explain, explainable_features
from triage.severity_model import TrainedModel, prepare_text
from triage.ticket_text import TicketText


@dataclass(frozen=True, slots=True)
class SeverityVerdict:
    """What the triage card shows: the suggestion, its confidence and the reason."""

    severity: Severity
    confidence: float
    probabilities: dict[str, float]
    reason: str
    needs_human: bool
    evidence: tuple[Evidence, ...]


class SeverityClassifier:
    """A trained model plus the decision policy (costs, abstain threshold) from config.yaml."""

    def __init__(self, model: TrainedModel, policy: DecisionPolicy | None = None) -> None:
        self.model = model
        self.policy = policy or DecisionPolicy()
        # Both derive from the fitted pipeline only, so compute them once.
        self._weights = model.contribution_weights()
        self._feature_names = model.feature_names()
        self._explainable = explainable_features(self._feature_names)
        self._levels = tuple(level for level in SEVERITY_ORDER if level in model.classes)

    def classify(self, ticket: TicketText) -> SeverityVerdict:
        return self.classify_many([ticket])[0]

    def classify_many(self, tickets: Sequence[TicketText]) -> list[SeverityVerdict]:
        """Batched: spaCy, the vectorisers and the classifier each run once over all tickets."""
        return self.classify_texts([t.full_text for t in tickets])

    def classify_texts(self, texts: Sequence[str]) -> list[SeverityVerdict]:
        """Same as `classify_many` for already-joined texts (subject, blank line, body)."""
        if not texts:
            return []
        prepared = [prepare_text(t) for t in texts]
        rows = self.model.prepared_features(prepared)
        probabilities = self.model.probabilities(rows)
        cue_reports = extract_cues_many(prepared)  # remembered from the cue features: no spaCy
        verdicts: list[SeverityVerdict] = []
        for i, cues in enumerate(cue_reports):
            probs = {level: float(probabilities[i, j]) for j, level in enumerate(SEVERITY_ORDER)}
            decision = decide(probs, self.policy, candidates=self._levels)
            explanation = explain(
                decision,
                rows[i],
                self._weights[SEVERITY_ORDER.index(decision.severity)],
                self._feature_names,
                cues,
                explainable=self._explainable,
            )
            verdicts.append(
                SeverityVerdict(
                    severity=decision.severity,
                    confidence=decision.confidence,
                    probabilities={str(level): p for level, p in probs.items()},
                    reason=explanation.sentence,
                    needs_human=decision.needs_human,
                    evidence=explanation.evidence,
                )
            )
        return verdicts
