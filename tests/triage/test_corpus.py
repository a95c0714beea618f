"""The bundled severity corpus: shape, size, balance, uniqueness, and kept apart from the devset.

The devset is evaluation-only; a single devset message in the training corpus would make the
published figures a lie, so overlap is checked exactly, modulo whitespace, and by shared
runs of 12 words (a lightly edited copy still shares long runs).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from triage.levels import SEVERITY_ORDER

CORPUS_DIR = Path(__file__).resolve().parents[2] / "triage" / "corpus"
SHARED = Path(__file__).resolve().parents[2] / ".." / "shared"
DEVSET = SHARED / "devset" / "devset.jsonl"
KEYS = {"id", "channel", "subject", "text", "severity"}
SHINGLE_WORDS = 12


@cache
def corpus() -> tuple[dict[str, object], ...]:
    rows: list[dict[str, object]] = []
    for path in sorted(CORPUS_DIR.glob("messages_*.jsonl")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                record = json.loads(line)
                record["_where"] = f"{path.name}:{number}"
                rows.append(record)
    return tuple(rows)


def normalised(text: str) -> str:
    return " ".join(text.split()).lower()


def shingles(text: str) -> set[tuple[str, ...]]:
    words = re.findall(r"\w+", text.lower())
    return {tuple(words[i : i + SHINGLE_WORDS]) for i in range(len(words) - SHINGLE_WORDS + 1)}


@cache
def devset_texts() -> tuple[str, ...]:
    if not DEVSET.is_file():
        pytest.skip(f"{DEVSET} is not present (the shared data folder sits beside the checkout)")
    return tuple(json.loads(line)["text"] for line in DEVSET.open(encoding="utf-8") if line.strip())


def test_corpus_files_exist() -> None:
    assert sorted(p.name for p in CORPUS_DIR.glob("messages_*.jsonl")), "no corpus files"


def test_every_record_has_exactly_the_schema_keys_with_valid_values() -> None:
    levels = {str(level) for level in SEVERITY_ORDER}
    problems = []
    for row in corpus():
        keys = set(row) - {"_where"}
        where = row["_where"]
        if keys != KEYS:
            problems.append(f"{where}: keys {sorted(keys)}")
            continue
        if row["severity"] not in levels:
            problems.append(f"{where}: severity {row['severity']!r}")
        if row["channel"] not in {"slack", "email"}:
            problems.append(f"{where}: channel {row['channel']!r}")
        if not isinstance(row["text"], str) or len(row["text"].strip()) < 20:
            problems.append(f"{where}: text missing or too short")
        if row["channel"] == "email" and not (isinstance(row["subject"], str) and row["subject"]):
            problems.append(f"{where}: email without a subject")
        if row["channel"] == "slack" and row["subject"] is not None:
            problems.append(f"{where}: slack message with a subject")
    assert not problems, "\n".join(problems[:20])


def test_corpus_has_at_least_1200_messages() -> None:
    assert len(corpus()) >= 1200


def test_every_level_is_at_least_15_percent_of_the_corpus() -> None:
    counts = Counter(row["severity"] for row in corpus())
    total = sum(counts.values())
    shares = {str(level): counts[str(level)] / total for level in SEVERITY_ORDER}
    assert all(share >= 0.15 for share in shares.values()), shares


def test_ids_are_unique() -> None:
    duplicated = [i for i, n in Counter(row["id"] for row in corpus()).items() if n > 1]
    assert not duplicated


def test_texts_are_unique_even_modulo_whitespace_and_case() -> None:
    counts = Counter(normalised(str(row["text"])) for row in corpus())
    duplicated = [text[:60] for text, n in counts.items() if n > 1]
    assert not duplicated


def test_no_corpus_text_appears_in_the_devset() -> None:
    dev_exact = set(devset_texts())
    dev_normalised = {normalised(t) for t in devset_texts()}
    leaked = [
        row["_where"]
        for row in corpus()
        if row["text"] in dev_exact or normalised(str(row["text"])) in dev_normalised
    ]
    assert not leaked, leaked


def test_no_corpus_text_shares_a_12_word_run_with_the_devset() -> None:
    dev_shingles: set[tuple[str, ...]] = set()
    for text in devset_texts():
        dev_shingles |= shingles(text)
    shared = [
        (row["_where"], " ".join(next(iter(common))))
        for row in corpus()
        if (common := shingles(str(row["text"])) & dev_shingles)
    ]
    assert not shared, shared[:10]
