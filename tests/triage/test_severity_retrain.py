"""The retrain gate: a better model replaces the active one, a worse one never does."""

from __future__ import annotations

from dataclasses import replace

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_decision import DecisionPolicy
from triage.severity_evaluation import MIN_GATE_HOLDOUT, retrain
from triage.severity_metrics import retrain_gate, score
from triage.severity_model import SeverityExample, train

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW


def rotated(examples: list[SeverityExample]) -> list[SeverityExample]:
    """The same texts with every label shifted one level: a model trained on this is bad."""
    shift = {level: SEVERITY_ORDER[(i + 1) % 4] for i, level in enumerate(SEVERITY_ORDER)}
    return [replace(e, severity=shift[e.severity]) for e in examples]


def test_the_gate_accepts_equal_or_better_and_refuses_any_regression() -> None:
    gold = [C, C, H, M, L]
    perfect = score(gold, [C, C, H, M, L])
    misses_critical = score(gold, [C, H, H, M, L])
    assert retrain_gate(perfect, misses_critical).accepted
    assert retrain_gate(perfect, perfect).accepted
    refused = retrain_gate(misses_critical, perfect)
    assert not refused.accepted
    assert "REFUSED" in refused.describe() and "critical recall" in refused.describe()


def test_retrain_accepts_a_model_better_than_a_bad_active_one(
    severity_base_examples: list[SeverityExample],
    severity_feedback_examples: list[SeverityExample],
) -> None:
    bad_active = train(rotated(severity_base_examples))
    outcome = retrain(
        severity_base_examples, severity_feedback_examples, bad_active, DecisionPolicy()
    )
    assert outcome.accepted, outcome.reason
    assert outcome.candidate is not None
    assert outcome.gate.candidate_macro_f1 > outcome.gate.incumbent_macro_f1
    assert outcome.gate.n_holdout >= MIN_GATE_HOLDOUT


def test_retrain_refuses_a_model_worse_than_the_active_one(
    severity_base_examples: list[SeverityExample],
    severity_feedback_examples: list[SeverityExample],
) -> None:
    good_active = train(severity_base_examples)
    outcome = retrain(
        rotated(severity_base_examples), severity_feedback_examples, good_active, DecisionPolicy()
    )
    assert not outcome.accepted, outcome.reason
    assert outcome.candidate is None
    assert "REFUSED" in outcome.reason


def test_the_held_out_tickets_are_ones_the_active_model_never_saw(
    severity_base_examples: list[SeverityExample],
    severity_feedback_examples: list[SeverityExample],
) -> None:
    active = train(severity_base_examples + severity_feedback_examples)
    outcome = retrain(severity_base_examples, severity_feedback_examples, active, DecisionPolicy())
    assert not outcome.accepted
    assert "has not seen" in outcome.reason
