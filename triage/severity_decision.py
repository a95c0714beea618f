"""From probabilities to a severity: minimise expected cost, and know when to ask a human.

The most probable level is not the best suggestion when mistakes cost differently: calling a
real outage "high" delays the response far more than calling a bad medium "critical" wastes.
With a cost matrix `cost[true][predicted]` the suggestion is the level whose expected cost
under the model's probabilities is lowest. Below a confidence threshold the card says
"needs a human look" instead of pretending to know.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from triage.levels import SEVERITY_ORDER, Severity

# Ordinal costs: being one level off is cheap, under-rating a critical by two or three levels
# is what loses customers. Chosen by leave-one-writer-out on the corpus: among matrices that
# keep criticals rated medium/low under 0.5 %, macro-F1 was flat, so the mildest one (the
# closest to the most probable level) won. Must match config.yaml's `triage.costs`.
DEFAULT_COSTS: dict[Severity, dict[Severity, float]] = {
    Severity.CRITICAL: {
        Severity.CRITICAL: 0.0,
        Severity.HIGH: 1.5,
        Severity.MEDIUM: 8.0,
        Severity.LOW: 15.0,
    },
    Severity.HIGH: {
        Severity.CRITICAL: 1.0,
        Severity.HIGH: 0.0,
        Severity.MEDIUM: 1.0,
        Severity.LOW: 2.0,
    },
    Severity.MEDIUM: {
        Severity.CRITICAL: 2.0,
        Severity.HIGH: 1.0,
        Severity.MEDIUM: 0.0,
        Severity.LOW: 1.0,
    },
    Severity.LOW: {
        Severity.CRITICAL: 3.0,
        Severity.HIGH: 1.5,
        Severity.MEDIUM: 0.5,
        Severity.LOW: 0.0,
    },
}
DEFAULT_ABSTAIN_BELOW = 0.45

CostMatrix = Mapping[Severity, Mapping[Severity, float]]


def _default_costs() -> dict[Severity, dict[Severity, float]]:
    return {t: dict(row) for t, row in DEFAULT_COSTS.items()}


@dataclass(frozen=True, slots=True)
class DecisionPolicy:
    """The costs of each kind of mistake and the confidence below which a human decides."""

    costs: CostMatrix = field(default_factory=_default_costs)
    abstain_below: float = DEFAULT_ABSTAIN_BELOW

    def __post_init__(self) -> None:
        levels = set(SEVERITY_ORDER)
        if set(self.costs) != levels or any(set(row) != levels for row in self.costs.values()):
            raise ValueError("costs must have a row and a column for each of the four levels")
        if not 0.0 <= self.abstain_below <= 1.0:
            raise ValueError("abstain_below must lie in [0, 1]")

    @classmethod
    def from_config(
        cls,
        costs: Mapping[str, Mapping[str, float]] | None = None,
        abstain_below: float | None = None,
    ) -> DecisionPolicy:
        """Build from config.yaml's plain strings (`triage.costs`, `triage.abstain_below`)."""
        matrix = (
            {
                Severity(t): {Severity(p): float(c) for p, c in row.items()}
                for t, row in costs.items()
            }
            if costs is not None
            else _default_costs()
        )
        threshold = DEFAULT_ABSTAIN_BELOW if abstain_below is None else float(abstain_below)
        return cls(costs=matrix, abstain_below=threshold)


@dataclass(frozen=True, slots=True)
class Decision:
    """The suggested level, how sure the model is of it, and why it was chosen."""

    severity: Severity
    confidence: float
    most_likely: Severity
    expected_costs: dict[Severity, float]
    needs_human: bool

    @property
    def moved_by_costs(self) -> bool:
        """True when the costs, not the top probability, picked the level."""
        return self.severity != self.most_likely


def expected_costs(
    probabilities: Mapping[Severity, float], costs: CostMatrix
) -> dict[Severity, float]:
    """Expected cost of suggesting each level: sum over true levels of P(true) * cost."""
    return {
        predicted: sum(
            probabilities.get(true, 0.0) * costs[true][predicted] for true in SEVERITY_ORDER
        )
        for predicted in SEVERITY_ORDER
    }


def decide(
    probabilities: Mapping[Severity, float],
    policy: DecisionPolicy,
    *,
    candidates: Sequence[Severity] = SEVERITY_ORDER,
) -> Decision:
    """The level with the least expected cost; ties go to the more severe level.

    `candidates` limits the choice to levels the model was trained on (a model trained
    without "medium" must not suggest it just because its cost row is cheap).
    """
    costs = expected_costs(probabilities, policy.costs)
    chosen = min(candidates, key=lambda level: (costs[level], level.rank))
    most_likely = max(
        SEVERITY_ORDER, key=lambda level: (probabilities.get(level, 0.0), -level.rank)
    )
    confidence = float(probabilities.get(chosen, 0.0))
    return Decision(
        severity=chosen,
        confidence=confidence,
        most_likely=most_likely,
        expected_costs=costs,
        needs_human=confidence < policy.abstain_below,
    )
