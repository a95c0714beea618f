"""The pipeline on a tiny fixed dataset: it learns, it is deterministic, it is calibrated."""

from __future__ import annotations

import numpy as np
import pytest

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity import SeverityClassifier
from triage.severity_model import SeverityExample, TrainedModel, prepare_text, train
from triage.ticket_text import CustomerMessage, TicketText


def ticket(text: str, subject: str | None = None) -> TicketText:
    return TicketText(subject=subject, messages=(CustomerMessage(text=text),))


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("Production is down for every customer, nobody can log in, no workaround.", "critical"),
        ("How do I change the logo on our invoices?", "low"),
        ("The staging server is down after the upgrade, production is fine.", "medium"),
    ],
)
def test_the_tiny_model_gets_clear_cases_right(
    tiny_severity_classifier: SeverityClassifier, text: str, level: str
) -> None:
    assert tiny_severity_classifier.classify(ticket(text)).severity == Severity(level)


def test_probabilities_cover_the_four_levels_and_sum_to_one(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    verdict = tiny_severity_classifier.classify(ticket("Exports are slow today."))
    assert list(verdict.probabilities) == [str(level) for level in SEVERITY_ORDER]
    assert sum(verdict.probabilities.values()) == pytest.approx(1.0)
    assert verdict.confidence == pytest.approx(verdict.probabilities[str(verdict.severity)])


def test_training_is_deterministic(severity_base_examples: list[SeverityExample]) -> None:
    texts = ["prod down for all users", "typo in the footer", "sandbox broken"]
    first = train(severity_base_examples, seed=0).predict_proba(texts)
    second = train(severity_base_examples, seed=0).predict_proba(texts)
    assert np.array_equal(first, second)


def test_the_summary_records_counts_hash_and_fingerprints(
    tiny_severity_model: TrainedModel, severity_base_examples: list[SeverityExample]
) -> None:
    summary = tiny_severity_model.summary
    assert summary.n_examples == len(severity_base_examples)
    assert summary.label_counts == {"critical": 12, "high": 12, "medium": 12, "low": 12}
    assert len(summary.data_sha256) == 64
    assert len(summary.fingerprints) == len(severity_base_examples)


def test_features_combine_words_characters_and_cues(tiny_severity_model: TrainedModel) -> None:
    names = [str(n) for n in tiny_severity_model.feature_names()]
    assert any(n.startswith("words__") for n in names)
    assert any(n.startswith("chars__") for n in names)
    assert "cues__cue:production_impact" in names


def test_batched_and_single_classification_agree(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    tickets = [ticket("All stores cannot take payments"), ticket("Where are the docs?", "Docs")]
    batched = tiny_severity_classifier.classify_many(tickets)
    single = [tiny_severity_classifier.classify(t) for t in tickets]
    assert batched == single


def test_training_needs_two_levels() -> None:
    rows = [SeverityExample(None, f"message {i}", Severity.LOW) for i in range(10)]
    with pytest.raises(ValueError):
        train(rows)


def test_the_fast_feature_path_equals_the_pipelines_own_transform(
    tiny_severity_model: TrainedModel,
) -> None:
    texts = ["Production down for all users!", "How do I export?", ""]
    union = tiny_severity_model.pipeline.named_steps["features"]
    expected = union.transform(texts).toarray()
    assert np.allclose(tiny_severity_model.features(texts).toarray(), expected)


def test_the_fast_probability_path_equals_scikit_learns(tiny_severity_model: TrainedModel) -> None:
    rows = tiny_severity_model.features(["prod down", "typo in the docs", "sandbox is slow"])
    classifier = tiny_severity_model.pipeline.named_steps["classifier"]
    expected = classifier.predict_proba(rows)
    order = [list(classifier.classes_).index(str(level)) for level in SEVERITY_ORDER]
    assert np.allclose(tiny_severity_model.probabilities(rows), expected[:, order])


def test_the_fast_tfidf_counting_equals_scikit_learns(tiny_severity_model: TrainedModel) -> None:
    from sklearn.feature_extraction.text import TfidfVectorizer

    texts = ["Production down for ALL users!!", "how do i export?", "", "zzz qqq unseen words"]
    for _, vectorizer in tiny_severity_model.pipeline.named_steps["features"].transformer_list:
        if isinstance(vectorizer, TfidfVectorizer):
            expected = TfidfVectorizer.transform(vectorizer, texts).toarray()
            assert np.allclose(vectorizer.transform(texts).toarray(), expected)


def test_the_customers_own_priority_words_are_not_read() -> None:
    prepared = prepare_text("URGENT!!! CRITICAL: sev1, P1, asap. Our business-critical app")
    lowered = prepared.lower()
    for word in ("urgent", "critical:", "sev1", "p1", "asap", "!!"):
        assert word not in lowered
    assert "business-critical app" in prepared


def test_the_prior_shift_recovers_a_level_the_scores_under_call() -> None:
    from triage.severity_model import _macro_f1_prior_shift

    rng = np.random.default_rng(0)
    classes = np.array(["high", "medium"])
    y = np.array(["high"] * 100 + ["medium"] * 300)
    # Informative scores, but "high" sits 1.5 too low: most highs come out as medium.
    scores = np.column_stack([(y == "high") * 1.0 - 1.5, (y == "medium") * 1.0])
    scores = scores + rng.normal(0, 0.3, scores.shape)
    before = (classes[scores.argmax(axis=1)] == y).mean()

    shift = _macro_f1_prior_shift(scores, y, classes)

    shifted = scores + np.array([shift["high"], shift["medium"]])
    after = (classes[shifted.argmax(axis=1)] == y).mean()
    assert shift["high"] - shift["medium"] > 1.0
    assert after > before + 0.15


def test_team_data_gets_a_prior_shift_and_the_bundled_corpus_does_not(
    severity_base_examples: list[SeverityExample],
) -> None:
    from triage.severity_model import CORPUS_SETTINGS, ModelSettings

    team = train(severity_base_examples, seed=0, settings=ModelSettings(c_grid=(1.0, 10.0)))
    corpus = train(severity_base_examples, seed=0, settings=CORPUS_SETTINGS)

    assert team.summary.prior_shift is not None
    assert set(team.summary.prior_shift) == {str(level) for level in team.classes}
    assert corpus.summary.prior_shift is None


def test_character_ngrams_counted_per_word_equal_scikit_learns(
    severity_base_examples: list[SeverityExample],
) -> None:
    """Vocabulary, fitted matrix and transform equal a stock `char_wb` TfidfVectorizer."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    from triage.severity_model import CharTfidfVectorizer

    training = [prepare_text(e.full_text) for e in severity_base_examples]
    unseen = ["", "a", "aaaa aaaa aaaa", "Ünïcode  wörds\t\nand tabs", "x" * 40, "prod down"]
    for max_features in (None, 300):
        options = dict(
            analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
            max_features=max_features, dtype=np.float64,
        )  # fmt: skip
        ours, stock = CharTfidfVectorizer(**options), TfidfVectorizer(**options)
        fitted = ours.fit_transform(training)
        assert ours.vocabulary_ == stock.fit(training).vocabulary_
        assert np.allclose(fitted.toarray(), stock.transform(training).toarray())
        assert np.allclose(ours.transform(unseen).toarray(), stock.transform(unseen).toarray())
    # Refitting the same object forgets the words remembered for the earlier vocabulary.
    ours.fit(training[: len(training) // 2])
    stock.fit(training[: len(training) // 2])
    assert np.allclose(ours.transform(unseen).toarray(), stock.transform(unseen).toarray())


def test_big_training_sets_compute_the_cues_in_a_child_process_with_the_same_result(
    severity_base_examples: list[SeverityExample], monkeypatch: pytest.MonkeyPatch
) -> None:
    import triage.severity_model as severity_model

    texts = [prepare_text(e.full_text) for e in severity_base_examples]
    settings = severity_model.ModelSettings()
    expected = severity_model.build_features(settings).fit_transform(texts).toarray()
    monkeypatch.setattr(severity_model, "PARALLEL_CUES_FROM", 1)
    parallel = severity_model.fit_features(severity_model.build_features(settings), texts)
    assert np.allclose(parallel.toarray(), expected)


def test_the_prior_shift_scores_macro_f1_exactly_like_scikit_learn() -> None:
    from sklearn.metrics import f1_score

    from triage.severity_model import _macro_f1_prior_shift

    rng = np.random.default_rng(0)
    classes = np.array(["critical", "high", "low", "medium"])
    y = rng.choice(classes, 400, p=[0.05, 0.15, 0.2, 0.6])
    scores = rng.normal(size=(400, 4)) + 1.5 * (classes[None, :] == y[:, None])
    shift = _macro_f1_prior_shift(scores, y, classes)
    offsets = np.array([shift[c] for c in classes])
    shifted = f1_score(y, classes[(scores + offsets).argmax(axis=1)], average="macro")
    assert shifted >= f1_score(y, classes[scores.argmax(axis=1)], average="macro")
