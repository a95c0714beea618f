"""The cost-aware decision rule and the "needs a human look" signal."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_decision import (
    DEFAULT_ABSTAIN_BELOW,
    DEFAULT_COSTS,
    DecisionPolicy,
    decide,
    expected_costs,
)

C, H, M, L = Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW
REPO_CONFIG = Path(__file__).resolve().parents[2] / "config.yaml"


def symmetric_policy(abstain_below: float = 0.0) -> DecisionPolicy:
    costs = {t: {p: 0.0 if t == p else 1.0 for p in SEVERITY_ORDER} for t in SEVERITY_ORDER}
    return DecisionPolicy(costs=costs, abstain_below=abstain_below)


def test_defaults_match_config_yaml() -> None:
    triage = yaml.safe_load(REPO_CONFIG.read_text(encoding="utf-8"))["triage"]
    assert triage["abstain_below"] == DEFAULT_ABSTAIN_BELOW
    assert {str(t): {str(p): c for p, c in row.items()} for t, row in DEFAULT_COSTS.items()} == {
        t: {p: float(c) for p, c in row.items()} for t, row in triage["costs"].items()
    }


def test_a_near_tie_between_critical_and_high_goes_to_critical() -> None:
    probabilities = {C: 0.44, H: 0.52, M: 0.03, L: 0.01}
    assert decide(probabilities, symmetric_policy()).severity is H
    decision = decide(probabilities, DecisionPolicy())
    assert decision.severity is C
    assert decision.most_likely is H
    assert decision.moved_by_costs


def test_a_possible_critical_is_never_suggested_two_levels_down() -> None:
    probabilities = {C: 0.30, H: 0.05, M: 0.60, L: 0.05}
    assert decide(probabilities, symmetric_policy()).severity is M
    assert decide(probabilities, DecisionPolicy()).severity in (C, H)


def test_a_confident_prediction_is_kept_as_is() -> None:
    decision = decide({C: 0.01, H: 0.02, M: 0.07, L: 0.90}, DecisionPolicy())
    assert decision.severity is L
    assert not decision.moved_by_costs
    assert not decision.needs_human


def test_expected_cost_is_the_probability_weighted_row_sum() -> None:
    costs = expected_costs({C: 0.5, H: 0.5, M: 0.0, L: 0.0}, DEFAULT_COSTS)
    assert costs[H] == pytest.approx(0.5 * 1.5)
    assert costs[C] == pytest.approx(0.5 * 1.0)


def test_below_the_threshold_the_decision_asks_for_a_human() -> None:
    policy = DecisionPolicy(costs=symmetric_policy().costs, abstain_below=0.45)
    unsure = decide({C: 0.10, H: 0.40, M: 0.30, L: 0.20}, policy)
    assert unsure.severity is H
    assert unsure.confidence == pytest.approx(0.40)
    assert unsure.needs_human
    sure = decide({C: 0.05, H: 0.80, M: 0.10, L: 0.05}, policy)
    assert not sure.needs_human


def test_config_strings_build_the_same_policy_as_the_defaults() -> None:
    raw = {str(t): {str(p): c for p, c in row.items()} for t, row in DEFAULT_COSTS.items()}
    assert DecisionPolicy.from_config(raw, 0.45) == DecisionPolicy()


def test_an_incomplete_cost_matrix_is_rejected() -> None:
    with pytest.raises(ValueError):
        DecisionPolicy(costs={C: {C: 0.0}})
