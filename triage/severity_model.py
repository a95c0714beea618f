"""The severity model: word and character n-gram TF-IDF plus spaCy cue features, calibrated.

One scikit-learn `Pipeline` holds the feature extraction and the classifier, so training and
serving cannot drift apart. A multinomial logistic regression keeps every feature's
contribution readable (the explanation needs that); the calibration step on top makes its
probabilities honest enough to feed a cost-aware decision rule.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from typing import Any

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold, train_test_split
from sklearn.pipeline import FeatureUnion, Pipeline

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_cues import FEATURE_NAMES as CUE_FEATURE_NAMES
from triage.severity_cues import cue_matrix

# Training progress for a progress bar: (stage name, fraction done).
ProgressCallback = Callable[[str, float], None]

# Support messages are far shorter; long pasted logs and bug-tracker bodies only cost time.
MAX_TEXT_CHARS = 3000
# Five folds need at least this many examples of the rarest level; below, calibration is off.
_MIN_PER_CLASS_FOR_CALIBRATION = 5


@dataclass(frozen=True, slots=True)
class SeverityExample:
    """One labelled ticket: what the classifier sees plus the level a human gave it."""

    subject: str | None
    text: str
    severity: Severity
    channel: str = "email"

    @property
    def full_text(self) -> str:
        """Subject and body joined exactly like `TicketText.full_text` at serving time."""
        return f"{self.subject}\n\n{self.text}" if self.subject else self.text


@dataclass(frozen=True, slots=True)
class ModelSettings:
    """Hyper-parameters. Feature weights were chosen by leave-one-writer-out CV on the corpus.

    `c=None` (the default for a team's own data) picks the regularisation by 3-fold CV on
    the training rows: noisy bug-tracker labels want far stronger regularisation than the
    clean hand-written corpus (`CORPUS_SETTINGS`, C=100, chosen leave-one-writer-out).
    """

    c: float | None = None
    c_grid: tuple[float, ...] = (0.1, 0.3, 1.0, 3.0, 10.0, 30.0, 100.0)
    # Above this many rows the search costs too much: use `large_data_c`, scaled (below).
    search_max_rows: int = 20_000
    large_data_c: float = 100.0
    word_weight: float = 2.0
    char_weight: float = 0.5
    cue_weight: float = 0.25
    char_max_features: int = 150_000
    word_max_features: int = 100_000
    solver: str = "newton-cg"  # several times faster than lbfgs on these sparse features
    calibration: str = "temperature"  # "temperature", "sigmoid" or "none"
    calibration_folds: int = 5
    # scikit-learn's objective sums the loss over rows, so a fixed C regularises less and
    # less as data grows (and Newton-CG crawls); scaling C by reference_rows / n keeps the
    # per-message regularisation chosen on ~1,400 messages.
    reference_rows: int = 1_500
    # From this size on, calibrate on one stratified 20% hold-out instead of 5-fold CV:
    # five extra fits on 50k rows cost minutes and a 10k-row hold-out is plenty.
    holdout_calibration_from: int = 10_000
    # Shift the class priors (the linear model's intercepts) to maximise macro-F1 on held-out
    # predictions: a team's own history is usually mostly "medium", and balanced class weights
    # alone still under-call the rare levels. Off for the balanced bundled corpus.
    tune_priors: bool = True

    def scaled_c(self, c: float, n_rows: int) -> float:
        return c * min(1.0, self.reference_rows / max(1, n_rows))


# The bundled corpus's settings: C chosen by leave-one-writer-out CV
# (README.md, "Severity suggestion").
CORPUS_SETTINGS = ModelSettings(c=100.0, tune_priors=False)


@dataclass(frozen=True, slots=True)
class TrainingSummary:
    """What the model was trained on, for the model card and the retrain gate."""

    n_examples: int
    label_counts: dict[str, int]
    data_sha256: str
    fingerprints: frozenset[str] = field(default_factory=frozenset)
    chosen_c: float | None = None
    prior_shift: dict[str, float] | None = None


class CueFeatures(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):  # type: ignore[misc,call-arg]
    """The spaCy cue vector as a stateless scikit-learn transformer (nothing to fit).

    `auto_wrap_output_keys=None`: no pandas output wrapping, which costs 0.1 ms per call.
    """

    def fit(self, texts: Sequence[str], y: object = None) -> CueFeatures:
        return self

    def transform(self, texts: Sequence[str]) -> sparse.csr_matrix:
        return sparse.csr_matrix(cue_matrix(list(texts)))

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        return np.asarray(CUE_FEATURE_NAMES, dtype=object)

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless: the cue rules are code, not learnt


class CompactTfidfVectorizer(TfidfVectorizer):  # type: ignore[misc]
    """A TfidfVectorizer that persists its vocabulary as one array of terms.

    skops writes a dict as one JSON node per key: a 200k-term vocabulary became 50 MB and
    two seconds of loading. The pruned-term list (`stop_words_`) is dropped for the same
    reason; scikit-learn documents it as unused for prediction.
    """

    def __getstate__(self) -> dict[str, Any]:
        state = dict(super().__getstate__())
        state.pop("stop_words_", None)
        vocabulary = state.pop("vocabulary_", None)
        if vocabulary is not None:
            terms = sorted(vocabulary, key=vocabulary.__getitem__)
            state["vocabulary_terms_"] = np.asarray(terms, dtype=str)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state = dict(state)
        terms = state.pop("vocabulary_terms_", None)
        if terms is not None:
            state["vocabulary_"] = {str(term): i for i, term in enumerate(terms.tolist())}
        super().__setstate__(state)

    def transform(self, raw_documents: Iterable[str]) -> sparse.csr_matrix:
        """Same matrix as scikit-learn's transform, computed with less per-call overhead.

        Classifying one message calls this twice; scikit-learn's generic path (a KeyError
        per unknown n-gram, then input validation inside the TF-IDF step) took most of the
        latency budget. Sublinear TF, IDF and L2 norm are applied here directly; any other
        configuration takes scikit-learn's path. Equality is checked by the tests.
        """
        if isinstance(raw_documents, str):
            raise ValueError("Iterable over raw text documents expected, string object received.")
        if self.norm != "l2" or not self.use_idf or not self.sublinear_tf or self.binary:
            return super().transform(raw_documents)
        idf = self.idf_
        rows_indices: list[np.ndarray] = []
        rows_values: list[np.ndarray] = []
        indptr = [0]
        for indices, counts in self._document_counts(raw_documents):
            values = (np.log(counts) + 1.0) * idf[indices]
            norm = float(np.sqrt(np.dot(values, values)))
            if norm > 0.0:
                values /= norm
            rows_indices.append(indices)
            rows_values.append(values)
            indptr.append(indptr[-1] + len(indices))
        return sparse.csr_matrix(
            (
                np.concatenate(rows_values) if rows_values else np.zeros(0),
                np.concatenate(rows_indices) if rows_indices else np.zeros(0, dtype=np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(indptr) - 1, len(self.vocabulary_)),
            dtype=self.dtype,
        )

    def _document_counts(
        self, raw_documents: Iterable[str]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Per document: the fitted vocabulary's term ids (sorted) and their raw counts."""
        analyze = self.build_analyzer()
        vocabulary = self.vocabulary_
        for document in raw_documents:
            counts: dict[int, int] = {}
            for feature in analyze(document):
                index = vocabulary.get(feature)
                if index is not None:
                    counts[index] = counts.get(index, 0) + 1
            indices = np.fromiter(counts, dtype=np.int32, count=len(counts))
            values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
            order = np.argsort(indices)
            yield indices[order], values[order]


class CharTfidfVectorizer(CompactTfidfVectorizer):  # type: ignore[misc]
    """Character n-grams (`char_wb`) of the first `max_chars` characters, counted per word.

    Cost grows with length and the character block is there for spelling variants, not for
    the tail of a pasted log: capping it bounds the per-message latency (p99) at no cost
    in accuracy (same leave-one-writer-out scores as uncapped).

    `char_wb` n-grams never cross a word boundary, so a document's n-grams are the sum of
    its words' n-grams. Words repeat far more than documents do, so each distinct word's
    feature ids are computed once and remembered; a document is then a handful of array
    operations instead of a Python step per n-gram (most of the model's per-message cost).
    The counts equal scikit-learn's exactly (the tests compare vocabularies and matrices).
    """

    max_chars = 1500
    _word_features: dict[str, np.ndarray] | None = None
    # Distinct words remembered for `transform`; beyond this the memory starts over.
    word_cache_size = 100_000

    def build_preprocessor(self) -> Callable[[str], str]:
        preprocess = super().build_preprocessor()
        limit = self.max_chars
        return lambda text: preprocess(text[:limit])

    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state.pop("_word_features", None)
        return state

    def _count_vocab(
        self, raw_documents: Iterable[str], fixed_vocab: bool
    ) -> tuple[dict[str, int], sparse.csr_array]:
        """scikit-learn's counting step (vocabulary and raw counts), done per distinct word.

        scikit-learn's `fit_transform` calls this, then sorts and prunes the vocabulary
        itself (min_df, max_features), so the fitted vocabulary is scikit-learn's own.
        """
        if self.analyzer != "char_wb" or self.stop_words is not None:
            return super()._count_vocab(raw_documents, fixed_vocab)  # type: ignore[no-any-return]
        if not fixed_vocab:
            self._word_features = None  # ids of an earlier fit's vocabulary
        vocabulary: dict[str, int] = self.vocabulary_ if fixed_vocab else {}
        word_features = self._transform_word_cache() if fixed_vocab else {}
        rows = list(
            self._word_counts(raw_documents, vocabulary, word_features, grow=not fixed_vocab)
        )
        if not vocabulary:
            raise ValueError("empty vocabulary; perhaps the documents only contain stop words")
        lengths = [len(indices) for indices, _ in rows]
        matrix = sparse.csr_array(
            (
                np.concatenate([c for _, c in rows]) if rows else np.zeros(0),
                np.concatenate([i for i, _ in rows]) if rows else np.zeros(0, dtype=np.int64),
                np.concatenate([[0], np.cumsum(lengths, dtype=np.int64)]),
            ),
            shape=(len(rows), len(vocabulary)),
            dtype=self.dtype,
        )
        return vocabulary, matrix

    def _document_counts(
        self, raw_documents: Iterable[str]
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        if self.analyzer != "char_wb" or self.stop_words is not None:
            yield from super()._document_counts(raw_documents)
            return
        cache = self._transform_word_cache()
        yield from self._word_counts(raw_documents, self.vocabulary_, cache, grow=False)

    def _word_counts(
        self,
        raw_documents: Iterable[str],
        vocabulary: dict[str, int],
        word_features: dict[str, np.ndarray],
        *,
        grow: bool,
    ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """Per document: sorted term ids and counts, summed from each distinct word's ids.

        With `grow`, unseen n-grams are added to `vocabulary` (fitting); without, they are
        skipped (transforming). `word_features` remembers each word's ids (repeats kept).
        """
        decode = self.decode
        preprocess = self.build_preprocessor()
        min_n, max_n = self.ngram_range
        for document in raw_documents:
            ids: list[np.ndarray] = []
            repeats: list[int] = []
            for word, count in Counter(preprocess(decode(document)).split()).items():
                features = word_features.get(word)
                if features is None:
                    grams = _word_char_ngrams(word, min_n, max_n)
                    if grow:
                        found = [vocabulary.setdefault(g, len(vocabulary)) for g in grams]
                    else:
                        found = [vocabulary[g] for g in grams if g in vocabulary]
                    features = word_features[word] = np.asarray(found, dtype=np.int32)
                if len(features):
                    ids.append(features)
                    repeats.append(count)
            if not ids:
                yield np.zeros(0, dtype=np.int32), np.zeros(0)
                continue
            unique, inverse = np.unique(np.concatenate(ids), return_inverse=True)
            weights = np.repeat(np.asarray(repeats, dtype=np.float64), [len(f) for f in ids])
            yield unique, np.bincount(inverse, weights=weights)

    def _transform_word_cache(self) -> dict[str, np.ndarray]:
        """Feature ids per word for the fitted vocabulary, created lazily and bounded."""
        cache = self._word_features
        # Bounded: bug trackers and pasted logs bring endless one-off "words".
        if cache is None or len(cache) > self.word_cache_size:
            cache = {}
            self._word_features = cache
        return cache


def _word_char_ngrams(word: str, min_n: int, max_n: int) -> list[str]:
    """scikit-learn's `char_wb` n-grams of one word (padded with a space on each side)."""
    padded = f" {word} "
    length = len(padded)
    grams: list[str] = []
    for n in range(min_n, max_n + 1):
        if length <= n:  # a short word counts once, as itself, and longer n add nothing
            grams.append(padded)
            break
        grams.extend(padded[i : i + n] for i in range(length - n + 1))
    return grams


@dataclass(slots=True)
class TrainedModel:
    """A fitted pipeline plus the facts about its training data."""

    pipeline: Pipeline
    summary: TrainingSummary
    settings: ModelSettings

    @property
    def classes(self) -> tuple[Severity, ...]:
        return tuple(Severity(c) for c in self.pipeline.classes_)

    def features(self, texts: Sequence[str]) -> sparse.csr_matrix:
        """The feature rows the classifier sees (kept for the explanation).

        Same result as the FeatureUnion's own transform, without its per-call dispatch
        overhead (about a millisecond: most of the one-message latency budget).
        """
        return self.prepared_features([prepare_text(t) for t in texts])

    def prepared_features(self, prepared: Sequence[str]) -> sparse.csr_matrix:
        """`features` of texts that already went through `prepare_text`."""
        union: FeatureUnion = self.pipeline.named_steps["features"]
        weights = union.transformer_weights or {}
        blocks = [transformer.transform(prepared) for _, transformer in union.transformer_list]
        factors = [weights.get(name, 1.0) for name, _ in union.transformer_list]
        return _weighted_hstack(blocks, factors)

    def probabilities(self, rows: sparse.csr_matrix) -> np.ndarray:
        """Probabilities in SEVERITY_ORDER columns, whatever order the classifier learnt."""
        raw = _fast_predict_proba(self.pipeline.named_steps["classifier"], rows)
        out = np.zeros((raw.shape[0], len(SEVERITY_ORDER)), dtype=np.float64)
        for j, cls in enumerate(self.pipeline.classes_):
            out[:, SEVERITY_ORDER.index(Severity(cls))] = raw[:, j]
        return out

    def predict_proba(self, texts: Sequence[str]) -> np.ndarray:
        return self.probabilities(self.features(texts))

    def feature_names(self) -> np.ndarray:
        return self.pipeline.named_steps["features"].get_feature_names_out()

    def contribution_weights(self) -> np.ndarray:
        """Per-level feature weights (SEVERITY_ORDER rows) of the underlying linear model.

        Centred across levels, so a weight says how much a feature favours that level over
        the others, which is what "evidence for critical" means.
        """
        coef = _linear_coefficients(self.pipeline.named_steps["classifier"])
        centred = coef - coef.mean(axis=0, keepdims=True)
        out = np.zeros((len(SEVERITY_ORDER), coef.shape[1]), dtype=np.float64)
        for j, cls in enumerate(self.pipeline.classes_):
            out[SEVERITY_ORDER.index(Severity(cls))] = centred[j]
        return out


def _weighted_hstack(
    blocks: Sequence[sparse.spmatrix], factors: Sequence[float]
) -> sparse.csr_matrix:
    """`sparse.hstack([b * f for ...], format="csr")` in one pass.

    scipy builds an intermediate matrix per scaling and validates each: for one message that
    overhead cost more than the arithmetic.
    """
    csr = [b if isinstance(b, sparse.csr_matrix) else sparse.csr_matrix(b) for b in blocks]
    for block in csr:
        block.sum_duplicates()  # canonical rows: sorted, unique column ids
    n_rows = csr[0].shape[0]
    lengths = np.stack([np.diff(b.indptr) for b in csr])
    indptr = np.concatenate([[0], np.cumsum(lengths.sum(axis=0))]).astype(np.int64)
    data = np.empty(indptr[-1], dtype=np.float64)
    indices = np.empty(indptr[-1], dtype=np.int32)
    filled = indptr[:-1].copy()  # where each row's next block starts
    column_offset = 0
    for block, factor, row_lengths in zip(csr, factors, lengths, strict=True):
        row_of_entry = np.repeat(np.arange(n_rows), row_lengths)
        place_in_row = np.arange(block.nnz) - np.repeat(block.indptr[:-1], row_lengths)
        target = filled[row_of_entry] + place_in_row
        data[target] = block.data * factor
        indices[target] = block.indices + column_offset
        filled += row_lengths
        column_offset += block.shape[1]
    return sparse.csr_matrix((data, indices, indptr), shape=(n_rows, column_offset))


def _fast_predict_proba(classifier: object, rows: sparse.csr_matrix) -> np.ndarray:
    """`predict_proba`, minus scikit-learn's per-call input validation for our one layout.

    For a temperature-calibrated logistic regression (what `train` builds) the result is
    the calibrator applied to the linear scores, exactly as scikit-learn computes it; this
    saves a few tenths of a millisecond per message. Anything else takes the normal path.
    """
    if (
        isinstance(classifier, CalibratedClassifierCV)
        and classifier.method == "temperature"
        and len(classifier.calibrated_classifiers_) == 1
    ):
        calibrated = classifier.calibrated_classifiers_[0]
        linear = _unfrozen(calibrated.estimator)
        if isinstance(linear, LogisticRegression) and len(linear.classes_) > 2:
            scores = np.asarray(rows @ linear.coef_.T) + linear.intercept_
            return _temperature_softmax(scores, float(calibrated.calibrators[0].beta_))
    return np.asarray(classifier.predict_proba(rows))  # type: ignore[attr-defined]


def _temperature_softmax(scores: np.ndarray, beta: float) -> np.ndarray:
    """scikit-learn's temperature calibrator (`_TemperatureScaling.predict`) for 2-D scores.

    Like scikit-learn, rows that already look like probabilities are read as such.
    """
    looks_like_probabilities = bool(
        np.all((scores >= 0) & (scores <= 1)) and np.allclose(scores.sum(axis=1), 1.0)
    )
    logits = np.log(scores + 1e-12) if looks_like_probabilities else scores
    shifted = beta * logits
    shifted -= shifted.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def _linear_coefficients(classifier: object) -> np.ndarray:
    if isinstance(classifier, CalibratedClassifierCV):
        coefs = [_unfrozen(c.estimator).coef_ for c in classifier.calibrated_classifiers_]
        return np.mean(coefs, axis=0)
    return np.asarray(classifier.coef_)  # type: ignore[attr-defined]


def _unfrozen(estimator: object) -> Any:
    return estimator.estimator if isinstance(estimator, FrozenEstimator) else estimator


# The customer's own priority words. The rubric judges what is happening, never the
# adjectives ("URGENT!!!" on a blurry logo is low, "no rush" on an empty dashboard is
# critical); the corpus has both, so these words only teach noise and would show up as
# "evidence" on the card. "business-critical" / "mission-critical" describe impact: kept.
_CUSTOMER_PRIORITY = re.compile(
    r"\b(?:urgent(?:ly)?|asap|emergency|p[01]|sev[ -]?[01]|prio(?:rity)?[ -]?[01]|"
    r"(?:highest|top|high|very high) priority)\b"
    r"|(?<!business[- ])(?<!mission[- ])\bcritical\b"
    r"|!{2,}|:(?:rotating_light|fire|sos|scream|exclamation|bangbang|warning|alert):|[🚨🔥‼❗]",
    re.IGNORECASE,
)


def prepare_text(text: str) -> str:
    """What the model reads: truncated, and without the customer's own priority words.

    Applied identically at training and serving (and for the cue evidence on the card).
    """
    return _CUSTOMER_PRIORITY.sub(" ", text[:MAX_TEXT_CHARS])


def build_features(settings: ModelSettings) -> FeatureUnion:
    """Word n-grams, character n-grams and cue features side by side, weighted."""
    return FeatureUnion(
        [
            (
                "words",
                CompactTfidfVectorizer(
                    ngram_range=(1, 2),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=settings.word_max_features,
                    dtype=np.float64,
                ),
            ),
            (
                "chars",
                CharTfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    min_df=2,
                    sublinear_tf=True,
                    max_features=settings.char_max_features,
                    dtype=np.float64,
                ),
            ),
            ("cues", CueFeatures()),
        ],
        transformer_weights={
            "words": settings.word_weight,
            "chars": settings.char_weight,
            "cues": settings.cue_weight,
        },
    )


# From this many rows, the cue block is computed in a child process while this one fits the
# n-gram blocks: the two take about as long each, and the cue matrix is small to send back.
PARALLEL_CUES_FROM = 5_000


def fit_features(features: FeatureUnion, texts: list[str]) -> sparse.csr_matrix:
    """`features.fit_transform(texts)`, with the cue block in parallel on big training sets.

    The same matrix either way; if the child process cannot run (or dies), the cues are
    computed here instead.
    """
    if len(texts) < PARALLEL_CUES_FROM:
        return features.fit_transform(texts).tocsr()
    weights = features.transformer_weights or {}
    blocks: dict[str, sparse.spmatrix] = {}
    with ProcessPoolExecutor(max_workers=1, mp_context=get_context("spawn")) as pool:
        cues_in_child = pool.submit(cue_matrix, texts)
        for name, transformer in features.transformer_list:
            if not isinstance(transformer, CueFeatures):
                blocks[name] = transformer.fit_transform(texts)
        for name, transformer in features.transformer_list:
            if isinstance(transformer, CueFeatures):
                transformer.fit(texts)
                try:
                    cues = cues_in_child.result()
                except (BrokenProcessPool, OSError):
                    cues = cue_matrix(texts)
                blocks[name] = sparse.csr_matrix(cues)
    names = [name for name, _ in features.transformer_list]
    return _weighted_hstack([blocks[n] for n in names], [weights.get(n, 1.0) for n in names])


def _logistic(c: float, settings: ModelSettings, seed: int) -> LogisticRegression:
    return LogisticRegression(
        C=c, class_weight="balanced", max_iter=3000, solver=settings.solver, random_state=seed
    )


def train(
    rows: Sequence[SeverityExample],
    *,
    seed: int = 0,
    settings: ModelSettings | None = None,
    progress: ProgressCallback | None = None,
) -> TrainedModel:
    """Fit the pipeline deterministically: the same rows and seed give the same model."""
    settings = settings or ModelSettings()
    if not rows:
        raise ValueError("no training examples")
    labels = [str(r.severity) for r in rows]
    counts = Counter(labels)
    if len(counts) < 2:
        raise ValueError("training needs at least two severity levels")
    features = build_features(settings)
    if progress:
        progress("features", 0.05)
    matrix = fit_features(features, [prepare_text(r.full_text) for r in rows])
    if progress:
        progress("regularisation", 0.4)
    c, held_out_scores = _choose_c(matrix, labels, settings, seed)
    if progress:
        progress("classifier", 0.6)
    classifier, holdout = _fit_classifier(matrix, labels, c, settings, seed, min(counts.values()))
    prior_shift = None
    if settings.tune_priors:
        scored = held_out_scores or holdout
        if scored is not None:
            prior_shift = _macro_f1_prior_shift(*scored)
            _shift_intercepts(classifier, prior_shift)
    if progress:
        progress("done", 1.0)
    summary = TrainingSummary(
        n_examples=len(rows),
        label_counts={str(s): counts.get(str(s), 0) for s in SEVERITY_ORDER},
        data_sha256=data_fingerprint(rows),
        fingerprints=frozenset(example_fingerprint(r) for r in rows),
        chosen_c=c,
        prior_shift=prior_shift,
    )
    pipeline = Pipeline([("features", features), ("classifier", classifier)])
    return TrainedModel(pipeline=pipeline, summary=summary, settings=settings)


# Held-out linear scores (n_rows, n_classes), their true labels and the class order.
HeldOutScores = tuple[np.ndarray, np.ndarray, np.ndarray]


def _choose_c(
    matrix: sparse.csr_matrix, labels: list[str], settings: ModelSettings, seed: int
) -> tuple[float, HeldOutScores | None]:
    """The fixed C (scaled by data size), or the grid value with the best 3-fold macro-F1.

    With the grid search, also the out-of-fold scores of the chosen C (for `tune_priors`).
    """
    n = len(labels)
    if settings.c is not None:
        return settings.scaled_c(settings.c, n), None
    if n > settings.search_max_rows or min(Counter(labels).values()) < 3:
        return settings.scaled_c(settings.large_data_c, n), None
    y = np.asarray(labels)
    classes = np.unique(y)
    folds = list(StratifiedKFold(3, shuffle=True, random_state=seed).split(np.zeros(n), y))
    best: tuple[float, float, np.ndarray] | None = None
    for c in settings.c_grid:
        scores = np.zeros((n, len(classes)))
        for fit_rows, test_rows in folds:
            model = _logistic(c, settings, seed).fit(matrix[fit_rows], y[fit_rows])
            columns = np.searchsorted(classes, model.classes_)
            scores[np.ix_(test_rows, columns)] = _class_scores(model, matrix[test_rows])
        f1 = float(f1_score(y, classes[scores.argmax(axis=1)], average="macro"))
        if best is None or f1 > best[1]:  # ties keep the smaller C: stronger regularisation
            best = (c, f1, scores)
    assert best is not None
    return best[0], (best[2], y, classes)


def _macro_f1_prior_shift(
    scores: np.ndarray, y: np.ndarray, classes: np.ndarray
) -> dict[str, float]:
    """Per-class score offsets that maximise macro-F1 of the held-out predictions.

    Coordinate ascent over a grid (two passes): cheap, deterministic, and bounded to +-2 so
    a tiny class cannot swallow the others.
    """
    offsets = np.zeros(len(classes))
    truth = np.searchsorted(classes, y)
    k = len(classes)

    def macro_f1(candidate: np.ndarray) -> float:
        # scikit-learn's macro-F1 over the labels present in truth or prediction, computed
        # from one confusion matrix: 328 calls on a 10k-row hold-out took seconds otherwise.
        predicted = (scores + candidate).argmax(axis=1)
        confusion = np.bincount(truth * k + predicted, minlength=k * k).reshape(k, k)
        true_positive = np.diag(confusion).astype(np.float64)
        support = confusion.sum(axis=1)
        called = confusion.sum(axis=0)
        present = (support + called) > 0
        denominator = support + called
        f1 = np.divide(2 * true_positive, denominator, out=np.zeros(k), where=denominator > 0)
        return float(f1[present].mean())

    best = macro_f1(offsets)
    for _ in range(2):
        for j in range(len(classes)):
            for value in np.linspace(-2.0, 2.0, 41):
                candidate = offsets.copy()
                candidate[j] = value
                f1 = macro_f1(candidate)
                if f1 > best + 1e-9:
                    best, offsets = f1, candidate
    return {str(cls): round(float(o), 2) for cls, o in zip(classes, offsets, strict=True)}


def _class_scores(model: LogisticRegression, rows: sparse.csr_matrix) -> np.ndarray:
    """Linear scores with one column per class (a binary model has one score: use 0 and it)."""
    scores = np.asarray(model.decision_function(rows))
    return np.column_stack([np.zeros(len(scores)), scores]) if scores.ndim == 1 else scores


def _shift_intercepts(
    classifier: LogisticRegression | CalibratedClassifierCV, shift: dict[str, float]
) -> None:
    """Add the prior shift to every underlying linear model's intercepts (in place)."""
    if isinstance(classifier, CalibratedClassifierCV):
        linears = [_unfrozen(c.estimator) for c in classifier.calibrated_classifiers_]
    else:
        linears = [classifier]
    for linear in linears:
        per_class = np.array([shift.get(str(cls), 0.0) for cls in linear.classes_])
        if len(linear.intercept_) == 1:  # binary: one score for the second class
            per_class = per_class[1:] - per_class[:1]
        linear.intercept_ = linear.intercept_ + per_class


def _fit_classifier(
    matrix: sparse.csr_matrix,
    labels: list[str],
    c: float,
    settings: ModelSettings,
    seed: int,
    rarest: int,
) -> tuple[LogisticRegression | CalibratedClassifierCV, HeldOutScores | None]:
    """The fitted classifier, plus held-out scores when it was fitted on a hold-out split."""
    base = _logistic(c, settings, seed)
    calibrate = settings.calibration != "none" and rarest >= max(
        _MIN_PER_CLASS_FOR_CALIBRATION, settings.calibration_folds
    )
    if not calibrate:
        return base.fit(matrix, labels), None
    if len(labels) >= settings.holdout_calibration_from:
        return _fit_with_holdout_calibration(base, matrix, labels, settings, seed)
    calibrated = CalibratedClassifierCV(
        base,
        method=settings.calibration,
        # An int means unshuffled stratified folds: deterministic, and no extra type for
        # the skops trust list. Unshuffled folds of a corpus written in parts also
        # calibrate across writers, closer to unseen messages than random folds.
        cv=settings.calibration_folds,
        ensemble=False,
    )
    return calibrated.fit(matrix, labels), None


def _fit_with_holdout_calibration(
    base: LogisticRegression,
    features: sparse.csr_matrix,
    labels: list[str],
    settings: ModelSettings,
    seed: int,
) -> tuple[CalibratedClassifierCV, HeldOutScores]:
    """Fit on a stratified 80%, calibrate on the other 20% (large data only)."""
    fit_rows, calibration_rows = train_test_split(
        np.arange(len(labels)), test_size=0.2, stratify=labels, random_state=seed
    )
    y = np.asarray(labels)
    base.fit(features[fit_rows], y[fit_rows])
    calibrated = CalibratedClassifierCV(FrozenEstimator(base), method=settings.calibration)
    calibrated.fit(features[calibration_rows], y[calibration_rows])
    held_out = _class_scores(base, features[calibration_rows])
    return calibrated, (held_out, y[calibration_rows], base.classes_)


def example_fingerprint(row: SeverityExample) -> str:
    """Short stable id of a message's text (whitespace-normalised), label excluded."""
    normalised = " ".join(row.full_text.split()).lower()
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()[:16]


def data_fingerprint(rows: Iterable[SeverityExample]) -> str:
    """sha256 over the training data (text and label, in order), recorded on the model card."""
    digest = hashlib.sha256()
    for r in rows:
        digest.update(f"{r.subject or ''}\x1f{r.text}\x1f{r.severity}\x1e".encode())
    return digest.hexdigest()
