"""Where severity models live on disk: versions, model cards, the active pointer, rollback.

This is the only severity module that touches files. Models are stored with skops, never
pickle: pickle runs arbitrary code on load, skops loads only the types on a reviewed trust
list. No trained binary ships with the code: the default model is trained from the bundled
corpus on first use (seconds, deterministic) and cached here with its model card.

Layout of a model directory:
    active                 the version in use (one line)
    history.json           versions in activation order, for rollback
    versions/<version>/    model.skops, card.json, fingerprints.txt
"""

from __future__ import annotations

import json
import logging
import os
import platform
import tempfile
import zipfile
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy
import scipy
import sklearn
import skops
import skops.io
import spacy

from triage.levels import SEVERITY_ORDER, Severity
from triage.severity import SeverityClassifier
from triage.severity_decision import DecisionPolicy
from triage.severity_evaluation import Evaluation, holdout_evaluation
from triage.severity_metrics import GateResult
from triage.severity_model import (
    CORPUS_SETTINGS,
    ModelSettings,
    SeverityExample,
    TrainedModel,
    TrainingSummary,
    data_fingerprint,
    train,
)

log = logging.getLogger(__name__)

BUNDLED_CORPUS_DIR = Path(__file__).resolve().parent / "corpus"
BUNDLED_SOURCE = "bundled-corpus"
DEFAULT_SEED = 0

# Reviewed list of the non-default types a saved pipeline contains; skops refuses anything
# else. Extend only after checking the new type is plain data (no code run on load).
TRUSTED_TYPES: tuple[str, ...] = (
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.calibration._TemperatureScaling",
    "sklearn.frozen._frozen.FrozenEstimator",
    "triage.severity_model.CharTfidfVectorizer",
    "triage.severity_model.CompactTfidfVectorizer",
    "triage.severity_model.CueFeatures",
)

_MODEL_FILE = "model.skops"
_CARD_FILE = "card.json"
_FINGERPRINTS_FILE = "fingerprints.txt"
_ACTIVE_FILE = "active"
_HISTORY_FILE = "history.json"


class ModelRegistryError(Exception):
    """A model directory problem a user can act on (unknown version, nothing to roll back)."""


@dataclass(frozen=True, slots=True)
class ModelCard:
    """What a stored model is: its data, settings, library versions, scores and gate."""

    version: str
    created_at: str
    source: str
    seed: int
    n_examples: int
    label_counts: dict[str, int]
    data_sha256: str
    settings: dict[str, Any]
    library_versions: dict[str, str]
    metrics: dict[str, Any] | None = None
    gate: dict[str, Any] | None = None
    notes: str = ""
    chosen_c: float | None = None
    # Per-level intercept shift tuned for macro-F1 on held-out rows (team data only).
    prior_shift: dict[str, float] | None = None

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=2, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ModelCard:
        data = json.loads(text)
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


@dataclass(frozen=True, slots=True)
class ModelEntry:
    card: ModelCard
    active: bool


@dataclass(frozen=True, slots=True)
class StoredModel:
    """A model loaded back from disk, with its card."""

    model: TrainedModel
    card: ModelCard
    path: Path = field(compare=False)


def library_versions() -> dict[str, str]:
    """Versions that decide whether a stored model can be loaded (sklearn must match)."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "skops": skops.__version__,
        "spacy": spacy.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
    }


# --- training data --------------------------------------------------------------------------


def read_corpus(directory: Path | None = None) -> list[SeverityExample]:
    """The bundled, team-written corpus: every `messages_*.jsonl` in name order."""
    directory = directory or BUNDLED_CORPUS_DIR
    files = sorted(directory.glob("messages_*.jsonl"))
    if not files:
        raise ModelRegistryError(f"no corpus files (messages_*.jsonl) in {directory}")
    examples: list[SeverityExample] = []
    for path in files:
        examples.extend(read_jsonl_examples(path))
    return examples


def read_jsonl_examples(path: Path) -> list[SeverityExample]:
    """Examples from a JSONL file with keys subject (optional), text, severity, channel."""
    examples: list[SeverityExample] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                examples.append(
                    SeverityExample(
                        subject=record.get("subject") or None,
                        text=str(record["text"]),
                        severity=Severity(str(record["severity"]).strip().lower()),
                        channel=str(record.get("channel") or "email"),
                    )
                )
            except (ValueError, KeyError, TypeError) as exc:
                raise ModelRegistryError(f"{path}:{number}: bad example ({exc})") from None
    return examples


# --- saving and loading ---------------------------------------------------------------------


def save_model(
    model_dir: Path,
    model: TrainedModel,
    *,
    source: str,
    seed: int = DEFAULT_SEED,
    evaluation: Evaluation | None = None,
    gate: GateResult | None = None,
    notes: str = "",
    make_active: bool = True,
) -> ModelCard:
    """Write a new version (model, card, fingerprints) atomically; optionally activate it."""
    versions = model_dir / "versions"
    versions.mkdir(parents=True, exist_ok=True)
    now = datetime.now(UTC)
    version = _unique_version(versions, now, model.summary.data_sha256)
    card = ModelCard(
        version=version,
        created_at=now.isoformat(timespec="seconds"),
        source=source,
        seed=seed,
        n_examples=model.summary.n_examples,
        label_counts=dict(model.summary.label_counts),
        data_sha256=model.summary.data_sha256,
        settings=json.loads(json.dumps(asdict(model.settings))),  # as it reads back
        library_versions=library_versions(),
        metrics=_evaluation_dict(evaluation),
        gate=asdict(gate) if gate is not None else None,
        notes=notes,
        chosen_c=model.summary.chosen_c,
        prior_shift=model.summary.prior_shift,
    )
    staging = Path(tempfile.mkdtemp(prefix=f".{version}-", dir=versions))
    skops.io.dump(model.pipeline, staging / _MODEL_FILE, compression=zipfile.ZIP_DEFLATED)
    (staging / _CARD_FILE).write_text(card.to_json() + "\n", encoding="utf-8")
    (staging / _FINGERPRINTS_FILE).write_text(
        "\n".join(sorted(model.summary.fingerprints)) + "\n", encoding="utf-8"
    )
    staging.rename(versions / version)  # atomic: readers never see a half-written version
    if make_active:
        activate(model_dir, version)
    return card


def load_model(model_dir: Path, version: str | None = None) -> StoredModel:
    """Load a version (default: the active one), trusting only `TRUSTED_TYPES`."""
    version = version or active_version(model_dir)
    if version is None:
        raise ModelRegistryError(f"no active model in {model_dir}")
    path = model_dir / "versions" / version
    if not (path / _MODEL_FILE).is_file():
        raise ModelRegistryError(f"unknown model version {version!r} in {model_dir}")
    card = ModelCard.from_json((path / _CARD_FILE).read_text(encoding="utf-8"))
    untrusted = set(skops.io.get_untrusted_types(file=path / _MODEL_FILE))
    unexpected = untrusted - set(TRUSTED_TYPES)
    if unexpected:
        raise ModelRegistryError(
            f"model {version} contains types not on the trust list: {sorted(unexpected)}"
        )
    pipeline = skops.io.load(path / _MODEL_FILE, trusted=sorted(untrusted))
    fingerprints_path = path / _FINGERPRINTS_FILE
    fingerprints = (
        frozenset(fingerprints_path.read_text(encoding="utf-8").split())
        if fingerprints_path.is_file()
        else frozenset()
    )
    summary = TrainingSummary(
        n_examples=card.n_examples,
        label_counts=dict(card.label_counts),
        data_sha256=card.data_sha256,
        fingerprints=fingerprints,
        chosen_c=card.chosen_c,
        prior_shift=card.prior_shift,
    )
    settings = _settings_from_card(card.settings)
    return StoredModel(TrainedModel(pipeline, summary, settings), card, path)


def _settings_from_card(stored: dict[str, Any]) -> ModelSettings:
    known = {k: v for k, v in stored.items() if k in ModelSettings.__dataclass_fields__}
    if "c_grid" in known:
        known["c_grid"] = tuple(known["c_grid"])
    return ModelSettings(**known)


def _evaluation_dict(evaluation: Evaluation | None) -> dict[str, Any] | None:
    if evaluation is None:
        return None
    return {
        "decided": evaluation.decided.as_dict(),
        "most_probable": evaluation.most_probable.as_dict(),
    }


def _unique_version(versions: Path, now: datetime, data_sha256: str) -> str:
    base = f"{now:%Y%m%dT%H%M%SZ}-{data_sha256[:8]}"
    version, n = base, 1
    while (versions / version).exists():
        n += 1
        version = f"{base}-{n}"
    return version


# --- active pointer, listing, rollback ------------------------------------------------------


def active_version(model_dir: Path) -> str | None:
    path = model_dir / _ACTIVE_FILE
    if not path.is_file():
        return None
    return path.read_text(encoding="utf-8").strip() or None


def activate(model_dir: Path, version: str) -> None:
    """Point `active` at a stored version and record it for rollback."""
    if not (model_dir / "versions" / version / _MODEL_FILE).is_file():
        raise ModelRegistryError(f"unknown model version {version!r} in {model_dir}")
    history = _history(model_dir)
    if not history or history[-1] != version:
        history.append(version)
    _write_atomic(model_dir / _HISTORY_FILE, json.dumps(history, indent=1) + "\n")
    _write_atomic(model_dir / _ACTIVE_FILE, version + "\n")


def rollback(model_dir: Path) -> str:
    """Re-activate the model that was active before the current one; returns its version."""
    history = [v for v in _history(model_dir) if (model_dir / "versions" / v).is_dir()]
    current = active_version(model_dir)
    while history and history[-1] == current:
        history.pop()
    if not history:
        raise ModelRegistryError("no earlier model to roll back to")
    previous = history[-1]
    _write_atomic(model_dir / _HISTORY_FILE, json.dumps(history, indent=1) + "\n")
    _write_atomic(model_dir / _ACTIVE_FILE, previous + "\n")
    return previous


def list_models(model_dir: Path) -> list[ModelEntry]:
    """Every stored version, oldest first, with its card and whether it is active."""
    versions = model_dir / "versions"
    if not versions.is_dir():
        return []
    current = active_version(model_dir)
    entries: list[ModelEntry] = []
    for path in sorted(p for p in versions.iterdir() if p.is_dir() and not p.name.startswith(".")):
        card_path = path / _CARD_FILE
        if card_path.is_file():
            card = ModelCard.from_json(card_path.read_text(encoding="utf-8"))
            entries.append(ModelEntry(card=card, active=card.version == current))
    return entries


def _history(model_dir: Path) -> list[str]:
    path = model_dir / _HISTORY_FILE
    if not path.is_file():
        return []
    data = json.loads(path.read_text(encoding="utf-8"))
    return [str(v) for v in data] if isinstance(data, list) else []


def _write_atomic(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", dir=path.parent)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)


# --- the default model ----------------------------------------------------------------------


def train_default(
    model_dir: Path, *, examples: Sequence[SeverityExample] | None = None
) -> StoredModel:
    """Train from the bundled corpus (deterministic), evaluate on a hold-out, store, activate."""
    examples = list(examples) if examples is not None else read_corpus()
    evaluation = holdout_evaluation(
        examples, DecisionPolicy(), seed=DEFAULT_SEED, settings=CORPUS_SETTINGS
    )
    model = train(examples, seed=DEFAULT_SEED, settings=CORPUS_SETTINGS)
    card = save_model(model_dir, model, source=BUNDLED_SOURCE, evaluation=evaluation)
    return StoredModel(model, card, model_dir / "versions" / card.version)


def load_or_train_default(
    model_dir: Path,
    *,
    costs: Mapping[str, Mapping[str, float]] | None = None,
    abstain_below: float | None = None,
) -> SeverityClassifier:
    """The active model as a classifier; trains the default from the corpus when needed.

    Retrains when there is no usable active model, or when the active model is the bundled
    default but the corpus or scikit-learn version has changed since it was trained.
    """
    policy = DecisionPolicy.from_config(costs, abstain_below)
    return SeverityClassifier(load_or_train_active(model_dir).model, policy)


def load_or_train_active(model_dir: Path) -> StoredModel:
    """The active stored model, training (and activating) the default first if needed."""
    stored = _usable_active(model_dir)
    if stored is None:
        log.info("training the default severity model from the bundled corpus")
        stored = train_default(model_dir)
    return stored


def _usable_active(model_dir: Path) -> StoredModel | None:
    version = active_version(model_dir)
    if version is None:
        return None
    card_path = model_dir / "versions" / version / _CARD_FILE
    try:
        card = ModelCard.from_json(card_path.read_text(encoding="utf-8"))
    except (OSError, ValueError, TypeError) as exc:
        log.warning("active severity model %s is unreadable (%s); retraining", version, exc)
        return None
    if card.library_versions.get("scikit-learn") != sklearn.__version__:
        log.warning(
            "active severity model %s was trained with scikit-learn %s (running %s); retraining",
            version,
            card.library_versions.get("scikit-learn"),
            sklearn.__version__,
        )
        return None
    if card.source == BUNDLED_SOURCE and card.data_sha256 != data_fingerprint(read_corpus()):
        log.info("bundled corpus changed since model %s; retraining", version)
        return None
    try:
        stored = load_model(model_dir, version)
        # A model saved by an older release can load yet no longer fit today's feature code
        # (e.g. a different vector width): one prediction tells before a worker depends on it.
        stored.model.probabilities(stored.model.features(["can this model still be used?"]))
    except Exception as exc:  # any failure means "not usable": retrain rather than crash
        log.warning("cannot use severity model %s (%s); retraining the default", version, exc)
        return None
    return stored


def label_counts(examples: Sequence[SeverityExample]) -> dict[str, int]:
    """Examples per level in SEVERITY_ORDER, zeros included (for cards and CLI output)."""
    counts = Counter(str(e.severity) for e in examples)
    return {str(level): counts.get(str(level), 0) for level in SEVERITY_ORDER}
