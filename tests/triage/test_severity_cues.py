"""Cue features: what they find, and that a denied cue is not counted as asserted."""

from __future__ import annotations

import numpy as np
import pytest

from triage.severity_cues import (
    FEATURE_NAMES,
    CueReport,
    cue_label,
    extract_cues,
    extract_cues_many,
)


def asserted(report: CueReport) -> set[str]:
    return {hit.cue for hit in report.hits if not hit.negated}


def denied(report: CueReport) -> set[str]:
    return {hit.cue for hit in report.hits if hit.negated}


def feature(report: CueReport, name: str) -> float:
    return float(report.vector[FEATURE_NAMES.index(name)])


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("We checked: there was no data loss at all.", "data_loss"),
        ("The site is not down, it is only slow.", "outage"),
        ("There is no workaround we could find.", "workaround"),
        ("Nothing was leaked and there is no sign of a breach.", "breach"),
        ("If production goes down we need a plan.", "outage"),
    ],
)
def test_a_negated_or_hypothetical_cue_is_recorded_as_denied(text: str, cue: str) -> None:
    report = extract_cues(text)
    assert cue in denied(report)
    assert cue not in asserted(report)


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("We have data loss on the main database.", "data_loss"),
        ("The whole site is down since 9:00.", "outage"),
        ("As a workaround we re-run the job manually.", "workaround"),
        ("Our admin account was compromised and data leaked.", "breach"),
        ("Nobody can log in this morning.", "access"),
    ],
)
def test_the_same_cue_stated_plainly_is_asserted(text: str, cue: str) -> None:
    assert cue in asserted(extract_cues(text))


def test_a_failure_phrase_that_contains_not_is_a_symptom_not_a_denial() -> None:
    report = extract_cues("Checkout is not working and customers can't log in.")
    assert {"broken", "access"} <= asserted(report)


def test_no_one_is_a_scope_and_does_not_deny_the_login_failure() -> None:
    report = extract_cues("no one can log in to the portal")
    assert {"scope_all", "access"} <= asserted(report)


def test_production_said_to_be_fine_is_denied_and_the_outage_is_non_production_only() -> None:
    report = extract_cues("Staging is completely down after the upgrade, production is fine.")
    assert "env_production" in denied(report)
    assert "env_nonprod" in asserted(report)
    assert feature(report, "cue:nonprod_only_impact") == 1.0
    assert feature(report, "cue:production_impact") == 0.0


def test_production_outage_for_everyone_sets_the_combined_cues() -> None:
    report = extract_cues("Production is down for all users, no workaround.")
    assert feature(report, "cue:production_impact") == 1.0
    assert feature(report, "cue:widespread_impact") == 1.0
    assert feature(report, "cue:workaround:negated") > 0.0
    assert feature(report, "cue:workaround") == 0.0


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("How do I export all users to CSV?", "question"),
        ("Feature request: it would be nice to have a dark mode.", "feature_request"),
        ("There is a typo and the logo is blurry.", "cosmetic"),
        ("Please send us an RCA for yesterday's outage.", "rca_request"),
        ("Our security questionnaire asks: are you affected by CVE-2024-3094?", "security_inquiry"),
        ("Can you resend last month's invoice? We need more seats too.", "billing"),
        ("The export fails sometimes, maybe once a week.", "intermittent"),
    ],
)
def test_request_forms_are_recognised(text: str, cue: str) -> None:
    assert cue in asserted(extract_cues(text))


def test_the_vector_has_a_fixed_length_and_is_finite_even_for_empty_text() -> None:
    reports = extract_cues_many(["", "x", "Production down! " * 500])
    assert all(r.vector.shape == (len(FEATURE_NAMES),) for r in reports)
    assert all(np.isfinite(r.vector).all() for r in reports)


def test_case_does_not_change_the_cues() -> None:
    lower = extract_cues("all customers cannot log in to production")
    upper = extract_cues("ALL CUSTOMERS CANNOT LOG IN TO PRODUCTION")
    assert np.array_equal(lower.vector, upper.vector)


def test_cue_labels_read_as_words() -> None:
    assert cue_label("cue:workaround:negated") == "no workaround"
    assert cue_label("cue:env_nonprod") == "non-production environment"
    assert cue_label("cue:production_impact") == "production impact"


def test_entity_spans_are_read_exactly_as_spacy_reports_them() -> None:
    from triage.severity_cues import _entity_spans, cue_pipeline

    nlp = cue_pipeline().nlp
    for text in [
        "all users on prod and every customer in staging are down",
        "no one in the whole company, only me, a single user on the sandbox environment",
        "",
        "production production staging",
    ]:
        doc = nlp(text)
        assert _entity_spans(doc) == [(e.label_, e.start, e.end) for e in doc.ents]


def test_shape_cues_are_the_spans_spacys_matcher_finds() -> None:
    """The array version of the three token-shape patterns equals spaCy's Matcher."""
    from spacy.matcher import Matcher

    from triage.severity_cues import _shape_spans, cue_pipeline

    nlp = cue_pipeline().nlp
    matcher = Matcher(nlp.vocab)
    matcher.add("scope_some", [[{"LIKE_NUM": True}, {"ORTH": "%"}, {"LOWER": "of"}]])
    matcher.add(
        "performance",
        [[{"LIKE_NUM": True}, {"LOWER": {"IN": ["seconds", "minutes", "hours", "secs"]}}]],
    )
    matcher.add("question", [[{"IS_SENT_START": True, "LOWER": "how"}]])
    for text in [
        "how do i export? 30% of users wait 45 seconds. how long? ten minutes",
        "how",
        "",
        "5 % of the fleet, 3 hours, one minutes, secs",
        "it takes 2 hours. How come",
    ]:
        doc = nlp(text.lower())
        expected = [(nlp.vocab.strings[k], s, e) for k, s, e in matcher(doc)]
        assert _shape_spans(doc) == expected
