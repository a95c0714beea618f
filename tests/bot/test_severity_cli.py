"""`intake train|evaluate|retrain|model|triage`: the severity model from the command line."""

from __future__ import annotations

import csv
import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main
from tests.triage.conftest import SEVERITY_BASE, SEVERITY_FEEDBACK
from triage.levels import COMPLETENESS_FIELDS, SEVERITY_ORDER

ZENDESK_PRIORITY = {"critical": "urgent", "high": "high", "medium": "normal", "low": "low"}
ROTATED = {lvl: SEVERITY_ORDER[(i + 1) % 4] for i, lvl in enumerate(SEVERITY_ORDER)}


def run(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    *args: str,
    stdin: str | None = None,
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["intake", *args])
    if stdin is not None:
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def write_jsonl(path: Path, sets: dict[str, tuple[str, ...]], *, rotate: bool = False) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for level, texts in sets.items():
            label = str(ROTATED[level]) if rotate else level  # type: ignore[index]
            for text in texts:
                row = {"subject": None, "text": text, "channel": "slack", "severity": label}
                handle.write(json.dumps(row) + "\n")
    return path


def write_zendesk_csv(path: Path) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Ticket ID", "Subject", "Description", "Priority"])
        for level, texts in SEVERITY_BASE.items():
            for i, text in enumerate(texts):
                writer.writerow([f"{level}-{i}", f"Ticket {i}", text, ZENDESK_PRIORITY[level]])
        writer.writerow(["x-1", "No priority", "Something happened", ""])
    return path


@pytest.fixture
def models(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    directory = tmp_path / "models"
    monkeypatch.setenv("INTAKE_MODEL_DIR", str(directory))
    return directory


def train_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> dict[str, Any]:
    code, out, err = run(monkeypatch, capsys, "train", *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_train_reads_a_zendesk_export_with_a_label_map(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = write_zendesk_csv(tmp_path / "zendesk.csv")
    card = train_json(
        monkeypatch, capsys,
        "--data", str(export), "--text-col", "Description", "--subject-col", "Subject",
        "--label-col", "Priority", "--label-map", "urgent=critical,normal=medium,high=high,low=low",
    )  # fmt: skip
    assert card["n_examples"] == 48
    assert card["label_counts"] == {"critical": 12, "high": 12, "medium": 12, "low": 12}
    assert card["source"] == "file:zendesk.csv"
    assert card["metrics"]["decided"]["n"] > 0
    code, out, _ = run(monkeypatch, capsys, "model", "list", "--json")
    listed = json.loads(out)["models"]
    assert code == 0 and [m["version"] for m in listed if m["active"]] == [card["version"]]


def test_a_bad_label_map_is_a_usage_error_on_one_line(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = write_zendesk_csv(tmp_path / "zendesk.csv")
    code, out, err = run(
        monkeypatch, capsys, "train", "--data", str(export), "--label-map", "urgent=sev1"
    )
    assert (code, out) == (2, "")
    assert err.startswith("intake: error:") and err.count("\n") == 1


def test_a_missing_column_names_the_available_ones(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    export = write_zendesk_csv(tmp_path / "zendesk.csv")
    code, _, err = run(monkeypatch, capsys, "train", "--data", str(export))
    assert code == 2 and "Description" in err


def test_evaluate_prints_metrics_as_json_and_saves_a_png(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    train_json(monkeypatch, capsys, "--data", str(write_jsonl(tmp_path / "b.jsonl", SEVERITY_BASE)))
    data = write_jsonl(tmp_path / "f.jsonl", SEVERITY_FEEDBACK)
    png = tmp_path / "confusion.png"
    code, out, err = run(
        monkeypatch, capsys, "evaluate", "--data", str(data), "--plot", str(png), "--json"
    )
    assert code == 0, err
    payload = json.loads(out)
    suggested = payload["suggested"]
    assert suggested["n"] == 32
    assert set(suggested["per_level"]) == {"critical", "high", "medium", "low"}
    assert {"accuracy", "macro_f1", "critical_recall", "confusion"} <= set(suggested)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_evaluate_tables_show_per_level_scores_and_the_confusion_matrix(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    train_json(monkeypatch, capsys, "--data", str(write_jsonl(tmp_path / "b.jsonl", SEVERITY_BASE)))
    data = write_jsonl(tmp_path / "f.jsonl", SEVERITY_FEEDBACK)
    code, out, _ = run(monkeypatch, capsys, "evaluate", "--data", str(data))
    assert code == 0
    assert "macro-F1" in out and "precision" in out and "true \\ suggested" in out


def test_triage_jsonl_answers_every_line_in_order_and_survives_bad_lines(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    train_json(monkeypatch, capsys, "--data", str(write_jsonl(tmp_path / "b.jsonl", SEVERITY_BASE)))
    lines = [
        {"id": "a", "channel": "slack", "subject": None, "text": "prod is down for everyone"},
        "this is not json",
        {"id": "b", "channel": "email", "subject": "Docs", "text": "How do I add a user?"},
        {"id": "c", "channel": "email", "subject": "Empty"},
    ]
    stdin = "\n".join(x if isinstance(x, str) else json.dumps(x) for x in lines) + "\n"
    code, out, err = run(monkeypatch, capsys, "triage", "--jsonl", stdin=stdin)
    assert code == 0, err
    results = [json.loads(line) for line in out.splitlines()]
    assert [r.get("id") for r in results] == ["a", None, "b", "c"]
    first = results[0]
    assert set(first) == {
        "id", "severity", "confidence", "probabilities", "complete", "missing", "reason"
    }  # fmt: skip
    assert first["severity"] in {"critical", "high", "medium", "low"}
    assert sum(first["probabilities"].values()) == pytest.approx(1.0, abs=1e-3)
    assert set(first["complete"]) == set(COMPLETENESS_FIELDS)
    assert set(first["missing"]) <= set(COMPLETENESS_FIELDS)
    assert first["reason"].startswith("Rated ")
    assert "error" in results[1] and results[1]["line"] == 2
    assert "error" in results[3]


def test_retrain_replaces_a_worse_model_and_rollback_restores_it(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    base = write_jsonl(tmp_path / "b.jsonl", SEVERITY_BASE)
    bad = train_json(
        monkeypatch,
        capsys,
        "--data",
        str(write_jsonl(tmp_path / "r.jsonl", SEVERITY_BASE, rotate=True)),
    )
    feedback = write_jsonl(tmp_path / "f.jsonl", SEVERITY_FEEDBACK)
    code, out, err = run(
        monkeypatch, capsys, "retrain", "--data", str(base), "--feedback", str(feedback), "--json"
    )
    assert code == 0, err
    outcome = json.loads(out)
    assert outcome["accepted"] is True
    assert outcome["gate"]["candidate_macro_f1"] >= outcome["gate"]["active_macro_f1"]
    assert outcome["active"] != bad["version"]
    code, out, _ = run(monkeypatch, capsys, "model", "rollback")
    assert code == 0 and bad["version"] in out


def test_retrain_keeps_the_active_model_when_the_candidate_is_worse(
    models: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    good = train_json(
        monkeypatch, capsys, "--data", str(write_jsonl(tmp_path / "b.jsonl", SEVERITY_BASE))
    )
    rotated = write_jsonl(tmp_path / "r.jsonl", SEVERITY_BASE, rotate=True)
    feedback = write_jsonl(tmp_path / "f.jsonl", SEVERITY_FEEDBACK)
    code, out, _ = run(
        monkeypatch, capsys, "retrain", "--data", str(rotated), "--feedback", str(feedback)
    )
    assert code == 0
    assert "gate REFUSED" in out and f"active model unchanged: {good['version']}" in out


def test_rollback_without_history_is_an_error(
    models: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(monkeypatch, capsys, "model", "rollback")
    assert code == 1 and out == "" and "no earlier model" in err
