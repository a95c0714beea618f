"""Measuring a severity model on tickets it has not seen, and gating a retrained model.

Scores are computed on what the bot would actually suggest (the cost-aware decision), and on
the plain most-probable level for comparison. The retrain gate compares a candidate with the
active model on held-out tickets that NEITHER has been trained on: the active model's
training fingerprints say which tickets it has seen, so it gets no home advantage.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_decision import DecisionPolicy, decide
from triage.severity_metrics import GateResult, SeverityMetrics, retrain_gate, score
from triage.severity_model import (
    ModelSettings,
    ProgressCallback,
    SeverityExample,
    TrainedModel,
    example_fingerprint,
    train,
)

# Fewer unseen tickets than this and a macro-F1 comparison is noise: refuse instead.
MIN_GATE_HOLDOUT = 8
HOLDOUT_FRACTION = 0.25


@dataclass(frozen=True, slots=True)
class Evaluation:
    """Scores of the suggested level (cost rule) and of the most probable level."""

    decided: SeverityMetrics
    most_probable: SeverityMetrics
    predictions: tuple[Severity, ...]


def evaluate(
    model: TrainedModel, examples: Sequence[SeverityExample], policy: DecisionPolicy
) -> Evaluation:
    """Score `model` on labelled `examples` the way the bot would use it."""
    probabilities = model.predict_proba([e.full_text for e in examples])
    levels = [level for level in SEVERITY_ORDER if level in model.classes]
    decided: list[Severity] = []
    most_probable: list[Severity] = []
    for row in probabilities:
        probs = dict(zip(SEVERITY_ORDER, row, strict=True))
        decided.append(decide(probs, policy, candidates=levels).severity)
        most_probable.append(SEVERITY_ORDER[int(row.argmax())])
    gold = [e.severity for e in examples]
    return Evaluation(
        decided=score(gold, decided),
        most_probable=score(gold, most_probable),
        predictions=tuple(decided),
    )


def stratified_split(
    examples: Sequence[SeverityExample], fraction: float, seed: int
) -> tuple[list[SeverityExample], list[SeverityExample]]:
    """(rest, held_out) with about `fraction` of each level held out, reproducibly."""
    by_level: dict[Severity, list[int]] = defaultdict(list)
    for i, e in enumerate(examples):
        by_level[e.severity].append(i)
    rng = random.Random(seed)
    held: set[int] = set()
    for level in SEVERITY_ORDER:
        indices = by_level.get(level, [])
        rng.shuffle(indices)
        take = round(len(indices) * fraction)
        if len(indices) >= 2:
            take = min(max(take, 1), len(indices) - 1)
        held.update(indices[:take])
    rest = [e for i, e in enumerate(examples) if i not in held]
    return rest, [e for i, e in enumerate(examples) if i in held]


def holdout_evaluation(
    examples: Sequence[SeverityExample],
    policy: DecisionPolicy,
    *,
    seed: int = 0,
    settings: ModelSettings | None = None,
) -> Evaluation:
    """Metrics for the model card: train on 80% (stratified), score the other 20%."""
    rest, held = stratified_split(examples, 0.2, seed)
    return evaluate(train(rest, seed=seed, settings=settings), held, policy)


@dataclass(frozen=True, slots=True)
class RetrainOutcome:
    """The gate's verdict and, when accepted, the model that may replace the active one."""

    gate: GateResult
    candidate: TrainedModel | None
    candidate_evaluation: Evaluation | None
    reason: str

    @property
    def accepted(self) -> bool:
        return self.gate.accepted and self.candidate is not None


def retrain(
    base: Sequence[SeverityExample],
    feedback: Sequence[SeverityExample],
    incumbent: TrainedModel,
    policy: DecisionPolicy,
    *,
    seed: int = 0,
    settings: ModelSettings | None = None,
    progress: ProgressCallback | None = None,
) -> RetrainOutcome:
    """Train on base + engineers' decisions; accept only if not worse than the active model.

    Engineers' decisions win over a base example with the same text (they are the truth for
    this desk). The held-out split is drawn from tickets the active model never saw.
    """
    combined = _merge(base, feedback)
    seen = incumbent.summary.fingerprints
    unseen = [e for e in combined if example_fingerprint(e) not in seen]
    _, held = stratified_split(unseen, HOLDOUT_FRACTION, seed) if unseen else ([], [])
    if len(held) < MIN_GATE_HOLDOUT:
        return _refused(
            f"only {len(held)} held-out tickets the active model has not seen "
            f"(need {MIN_GATE_HOLDOUT}); add more confirmed or corrected tickets",
            len(held),
        )
    held_ids = {id(e) for e in held}
    training = [e for e in combined if id(e) not in held_ids]
    candidate = train(training, seed=seed, settings=settings, progress=progress)
    candidate_eval = evaluate(candidate, held, policy)
    incumbent_eval = evaluate(incumbent, held, policy)
    gate = retrain_gate(candidate_eval.decided, incumbent_eval.decided)
    return RetrainOutcome(
        gate=gate,
        candidate=candidate if gate.accepted else None,
        candidate_evaluation=candidate_eval,
        reason=gate.describe(),
    )


def _merge(
    base: Sequence[SeverityExample], feedback: Sequence[SeverityExample]
) -> list[SeverityExample]:
    by_text: dict[str, SeverityExample] = {}
    for e in list(base) + list(feedback):  # later (feedback) overrides earlier (base)
        by_text[example_fingerprint(e)] = e
    return list(by_text.values())


def _refused(reason: str, n_holdout: int) -> RetrainOutcome:
    gate = GateResult(
        accepted=False,
        candidate_macro_f1=0.0,
        incumbent_macro_f1=0.0,
        candidate_critical_recall=0.0,
        incumbent_critical_recall=0.0,
        n_holdout=n_holdout,
    )
    return RetrainOutcome(gate=gate, candidate=None, candidate_evaluation=None, reason=reason)
