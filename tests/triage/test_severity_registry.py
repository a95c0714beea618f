"""Stored models: skops round trip, trust list, versions, the active pointer and rollback."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import numpy as np
import pytest
import skops.io
from sklearn.base import BaseEstimator, TransformerMixin

from triage import severity_registry
from triage.severity_model import SeverityExample, TrainedModel
from triage.severity_registry import (
    ModelRegistryError,
    activate,
    active_version,
    list_models,
    load_model,
    load_or_train_default,
    rollback,
    save_model,
)
from triage.ticket_text import CustomerMessage, TicketText


class Unreviewed(TransformerMixin, BaseEstimator):  # type: ignore[misc]
    """A type nobody put on the trust list: loading must refuse it."""

    def transform(self, x: object) -> object:
        return x


TEXTS = ["prod is down for everyone", "how do I add a user?", "staging broke", "slow exports"]


def test_a_round_trip_through_skops_predicts_identically(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    card = save_model(tmp_path, tiny_severity_model, source="test")
    stored = load_model(tmp_path)
    assert stored.card == card
    assert np.array_equal(
        stored.model.predict_proba(TEXTS), tiny_severity_model.predict_proba(TEXTS)
    )
    assert stored.model.summary.fingerprints == tiny_severity_model.summary.fingerprints


def test_no_pickle_is_written(tmp_path: Path, tiny_severity_model: TrainedModel) -> None:
    card = save_model(tmp_path, tiny_severity_model, source="test")
    files = {p.name for p in (tmp_path / "versions" / card.version).iterdir()}
    assert files == {"model.skops", "card.json", "fingerprints.txt"}


def test_the_card_records_data_versions_and_counts(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    card = save_model(tmp_path, tiny_severity_model, source="test")
    data = json.loads((tmp_path / "versions" / card.version / "card.json").read_text())
    assert data["data_sha256"] == tiny_severity_model.summary.data_sha256
    assert data["label_counts"] == {"critical": 12, "high": 12, "medium": 12, "low": 12}
    assert {"scikit-learn", "skops", "spacy", "python"} <= set(data["library_versions"])
    assert data["created_at"] and data["source"] == "test"


def test_a_model_with_a_type_off_the_trust_list_is_refused(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    card = save_model(tmp_path, tiny_severity_model, source="test")
    tampered = copy.deepcopy(tiny_severity_model.pipeline)
    tampered.steps.insert(0, ("sneaky", Unreviewed()))
    skops.io.dump(tampered, tmp_path / "versions" / card.version / "model.skops")
    with pytest.raises(ModelRegistryError, match="trust list"):
        load_model(tmp_path)


def test_saving_activates_and_rollback_returns_to_the_previous_model(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    first = save_model(tmp_path, tiny_severity_model, source="first")
    second = save_model(tmp_path, tiny_severity_model, source="second")
    assert first.version != second.version
    assert active_version(tmp_path) == second.version
    assert rollback(tmp_path) == first.version
    assert active_version(tmp_path) == first.version
    with pytest.raises(ModelRegistryError):
        rollback(tmp_path)


def test_list_marks_the_active_model_and_activate_switches(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    first = save_model(tmp_path, tiny_severity_model, source="first")
    save_model(tmp_path, tiny_severity_model, source="second")
    activate(tmp_path, first.version)
    entries = list_models(tmp_path)
    assert [e.card.source for e in entries] == ["first", "second"]
    assert [e.active for e in entries] == [True, False]
    with pytest.raises(ModelRegistryError):
        activate(tmp_path, "no-such-version")


def test_a_saved_but_inactive_model_does_not_move_the_pointer(
    tmp_path: Path, tiny_severity_model: TrainedModel
) -> None:
    first = save_model(tmp_path, tiny_severity_model, source="first")
    save_model(tmp_path, tiny_severity_model, source="candidate", make_active=False)
    assert active_version(tmp_path) == first.version


def write_corpus(directory: Path, examples: list[SeverityExample]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    with (directory / "messages_a.jsonl").open("w", encoding="utf-8") as handle:
        for i, e in enumerate(examples):
            record = {"id": f"t{i}", "channel": e.channel, "subject": e.subject, "text": e.text,
                      "severity": str(e.severity)}  # fmt: skip
            handle.write(json.dumps(record) + "\n")


def test_the_default_model_is_trained_once_then_loaded_from_the_cache(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    severity_base_examples: list[SeverityExample],
) -> None:
    write_corpus(tmp_path / "corpus", severity_base_examples)
    monkeypatch.setattr(severity_registry, "BUNDLED_CORPUS_DIR", tmp_path / "corpus")
    models = tmp_path / "models"
    first = load_or_train_default(models)
    version = active_version(models)
    second = load_or_train_default(models)
    assert active_version(models) == version and len(list_models(models)) == 1
    ticket = TicketText(None, (CustomerMessage(text="prod is down for all users"),))
    assert first.classify(ticket) == second.classify(ticket)
    card = list_models(models)[0].card
    assert card.source == severity_registry.BUNDLED_SOURCE
    assert card.metrics is not None and "macro_f1" in card.metrics["decided"]


def test_the_default_model_is_retrained_when_the_corpus_changes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    severity_base_examples: list[SeverityExample],
    severity_feedback_examples: list[SeverityExample],
) -> None:
    corpus = tmp_path / "corpus"
    monkeypatch.setattr(severity_registry, "BUNDLED_CORPUS_DIR", corpus)
    write_corpus(corpus, severity_base_examples)
    models = tmp_path / "models"
    load_or_train_default(models)
    before = active_version(models)
    write_corpus(corpus, severity_base_examples + severity_feedback_examples)
    load_or_train_default(models, costs=None, abstain_below=0.3)
    assert active_version(models) != before
    assert len(list_models(models)) == 2
