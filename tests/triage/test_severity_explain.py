"""The one-sentence reason on the triage card: level, caveats, and the customer's own words."""

from __future__ import annotations

from triage.levels import Severity
from triage.severity import SeverityClassifier
from triage.severity_decision import Decision
from triage.severity_explain import Evidence, sentence_for
from triage.ticket_text import CustomerMessage, TicketText

OUTAGE = "Production is down for all users since 9:00, nobody can log in, no workaround."


def classify(classifier: SeverityClassifier, text: str) -> tuple[str, tuple[Evidence, ...]]:
    verdict = classifier.classify(TicketText(None, (CustomerMessage(text=text),)))
    return verdict.reason, verdict.evidence


def decision(level: Severity, *, confidence: float = 0.9, most_likely: Severity | None = None,
             needs_human: bool = False) -> Decision:  # fmt: skip
    return Decision(
        severity=level,
        confidence=confidence,
        most_likely=most_likely or level,
        expected_costs={},
        needs_human=needs_human,
    )


def test_the_reason_names_the_level_and_at_most_three_pieces_of_evidence(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    reason, evidence = classify(tiny_severity_classifier, OUTAGE)
    assert reason.startswith("Rated critical")
    assert 1 <= len(evidence) <= 3
    assert reason.count("\n") == 0 and reason.endswith(".")


def test_evidence_quotes_the_customers_words_and_labels_cues(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    reason, evidence = classify(tiny_severity_classifier, OUTAGE)
    for item in evidence:
        assert item.weight > 0
        if item.text is not None:
            assert item.text.lower() in OUTAGE.lower()
            assert f"\u201c{item.text}\u201d" in reason
    assert any(item.kind == "cue" for item in evidence)
    weights = [item.weight for item in evidence]
    assert weights == sorted(weights, reverse=True)


def test_overlapping_evidence_is_not_repeated(tiny_severity_classifier: SeverityClassifier) -> None:
    _, evidence = classify(tiny_severity_classifier, OUTAGE)
    texts = [(e.text or e.label).lower() for e in evidence]
    for i, a in enumerate(texts):
        for b in texts[i + 1 :]:
            assert a not in b and b not in a


def test_greetings_are_never_evidence(tiny_severity_classifier: SeverityClassifier) -> None:
    _, evidence = classify(tiny_severity_classifier, "Hi team, thanks! How do I add a user?")
    assert all((e.text or "").lower() not in {"hi", "thanks", "hi team"} for e in evidence)


def test_a_cue_phrase_shows_its_meaning_in_brackets() -> None:
    evidence = [Evidence(text="no workaround", kind="cue", label="no workaround", weight=1.0),
                Evidence(text="prod is down", kind="cue", label="outage", weight=0.5),
                Evidence(text=None, kind="cue", label="production impact", weight=0.4)]  # fmt: skip
    sentence = sentence_for(decision(Severity.CRITICAL), evidence)
    assert sentence == (
        "Rated critical mainly because of: \u201cno workaround\u201d, "
        "\u201cprod is down\u201d (outage), production impact."
    )


def test_caveats_say_when_costs_chose_the_level_and_when_a_human_should_look() -> None:
    moved = sentence_for(decision(Severity.CRITICAL, most_likely=Severity.HIGH), [])
    assert moved.startswith("Rated critical (to be safe, high is likelier)")
    unsure = sentence_for(decision(Severity.MEDIUM, confidence=0.31, needs_human=True), [])
    assert "needs a human look" in unsure and "31%" in unsure


def test_needs_human_in_the_verdict_matches_the_reason(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    verdict = tiny_severity_classifier.classify(
        TicketText(None, (CustomerMessage(text="hmm something with the thing"),))
    )
    assert verdict.needs_human == ("needs a human look" in verdict.reason)
