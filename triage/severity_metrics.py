"""How good a severity model is, in the terms the issue's bars and the retrain gate use.

Macro-F1 weighs every level equally (critical is rare but matters most); critical recall and
the share of low tickets rated critical are reported on their own because a missed outage
and a pager storm over trivia are the two failures people notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from triage.levels import SEVERITY_ORDER, Severity


@dataclass(frozen=True, slots=True)
class LevelScores:
    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class SeverityMetrics:
    """Scores of predictions against gold labels over the four levels."""

    n: int
    accuracy: float
    macro_f1: float
    per_level: dict[str, LevelScores]
    # confusion[true][predicted], levels in SEVERITY_ORDER
    confusion: dict[str, dict[str, int]]

    @property
    def critical_recall(self) -> float:
        return self.per_level[Severity.CRITICAL].recall

    @property
    def low_rated_critical(self) -> float:
        """Share of gold-low tickets the model rated critical (the pager-storm rate)."""
        row = self.confusion[Severity.LOW]
        total = sum(row.values())
        return row[Severity.CRITICAL] / total if total else 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain JSON-ready numbers for the model card."""
        return {
            "n": self.n,
            "accuracy": round(self.accuracy, 4),
            "macro_f1": round(self.macro_f1, 4),
            "critical_recall": round(self.critical_recall, 4),
            "low_rated_critical": round(self.low_rated_critical, 4),
            "per_level": {
                level: {
                    "precision": round(s.precision, 4),
                    "recall": round(s.recall, 4),
                    "f1": round(s.f1, 4),
                    "support": s.support,
                }
                for level, s in self.per_level.items()
            },
            "confusion": self.confusion,
        }


def score(
    gold: Sequence[Severity | str],
    predicted: Sequence[Severity | str],
    *,
    levels: Sequence[Severity] = SEVERITY_ORDER,
) -> SeverityMetrics:
    """Accuracy, macro-F1 over `levels` present in gold, per-level P/R/F1, confusion matrix."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    names = [str(level) for level in levels]
    confusion = {t: {p: 0 for p in names} for t in names}
    for g, p in zip(gold, predicted, strict=True):
        confusion[str(g)][str(p)] += 1
    per_level: dict[str, LevelScores] = {}
    for level in names:
        tp = confusion[level][level]
        support = sum(confusion[level].values())
        predicted_as = sum(confusion[t][level] for t in names)
        precision = tp / predicted_as if predicted_as else 0.0
        recall = tp / support if support else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_level[level] = LevelScores(precision, recall, f1, support)
    present = [level for level in names if per_level[level].support > 0]
    macro_f1 = sum(per_level[level].f1 for level in present) / len(present) if present else 0.0
    correct = sum(confusion[level][level] for level in names)
    return SeverityMetrics(
        n=len(gold),
        accuracy=correct / len(gold) if gold else 0.0,
        macro_f1=macro_f1,
        per_level=per_level,
        confusion=confusion,
    )


@dataclass(frozen=True, slots=True)
class GateResult:
    """Whether a retrained model may replace the active one, and the numbers behind it."""

    accepted: bool
    candidate_macro_f1: float
    incumbent_macro_f1: float
    candidate_critical_recall: float
    incumbent_critical_recall: float
    n_holdout: int

    def describe(self) -> str:
        """One line for the CLI: the two comparisons and the verdict."""
        verdict = "ACCEPTED" if self.accepted else "REFUSED"
        return (
            f"gate {verdict} on {self.n_holdout} held-out tickets: "
            f"macro-F1 {self.candidate_macro_f1:.3f} vs active {self.incumbent_macro_f1:.3f}, "
            f"critical recall {self.candidate_critical_recall:.3f} "
            f"vs active {self.incumbent_critical_recall:.3f}"
        )


def retrain_gate(candidate: SeverityMetrics, incumbent: SeverityMetrics) -> GateResult:
    """Accept only if neither macro-F1 nor critical recall gets worse on the same held-out set."""
    accepted = (
        candidate.macro_f1 >= incumbent.macro_f1
        and candidate.critical_recall >= incumbent.critical_recall
    )
    return GateResult(
        accepted=accepted,
        candidate_macro_f1=candidate.macro_f1,
        incumbent_macro_f1=incumbent.macro_f1,
        candidate_critical_recall=candidate.critical_recall,
        incumbent_critical_recall=incumbent.critical_recall,
        n_holdout=candidate.n,
    )
