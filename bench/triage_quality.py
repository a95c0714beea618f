"""Severity quality figures: the default model on the devset, and the pipeline on real data.

1. The default model (trained on the bundled corpus only, exactly as on first use) scored on
   ../shared/devset/devset.jsonl, which training never sees.
2. For every dataset in ../shared/data: our pipeline and a plain TF-IDF + LogisticRegression
   baseline, both trained on split == train and scored on split == test in this same run,
   next to the baseline figures published in that folder's README.

Prints Markdown tables (quoted in README.md, "Severity suggestion").
Run: .venv/bin/python bench/triage_quality.py
"""

from __future__ import annotations

import csv
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage.levels import SEVERITY_ORDER, Severity  # noqa: E402
from triage.severity_decision import DecisionPolicy, decide  # noqa: E402
from triage.severity_metrics import SeverityMetrics, score  # noqa: E402
from triage.severity_model import CORPUS_SETTINGS, SeverityExample, TrainedModel, train  # noqa: E402
from triage.severity_registry import read_corpus  # noqa: E402

SHARED = REPO.parent / "shared"
DEVSET = SHARED / "devset" / "devset.jsonl"
DATA = SHARED / "data"
DATASETS = ("mozilla_bugzilla", "hadoop_jira", "bugzilla_titles", "mozilla_nonnormal")
# From ../shared/data/README.md: the same baseline, on exactly these splits.
PUBLISHED = {
    "mozilla_bugzilla": (0.784, 0.430, 0.344),
    "hadoop_jira": (0.651, 0.455, 0.133),
    "bugzilla_titles": (0.644, 0.372, 0.377),
    "mozilla_nonnormal": (0.542, 0.544, 0.560),
}


def devset() -> list[SeverityExample]:
    rows = [json.loads(line) for line in DEVSET.open(encoding="utf-8") if line.strip()]
    return [
        SeverityExample(r.get("subject"), r["text"], Severity(r["severity"]), r["channel"])
        for r in rows
    ]


def dataset(name: str) -> tuple[list[SeverityExample], list[SeverityExample]]:
    csv.field_size_limit(2**31 - 1)
    train_rows: list[SeverityExample] = []
    test_rows: list[SeverityExample] = []
    with (DATA / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        for r in csv.DictReader(handle):
            example = SeverityExample(
                subject=r["title"] or None, text=r["body"] or "", severity=Severity(r["severity"])
            )
            (train_rows if r["split"] == "train" else test_rows).append(example)
    return train_rows, test_rows


def decisions(
    probabilities: np.ndarray, policy: DecisionPolicy, allowed: Sequence[Severity]
) -> tuple[list[Severity], list[Severity]]:
    """(cost-aware suggestion, most probable level) per row."""
    decided, top = [], []
    for row in probabilities:
        probs = dict(zip(SEVERITY_ORDER, row, strict=True))
        decided.append(decide(probs, policy, candidates=allowed).severity)
        top.append(SEVERITY_ORDER[int(row.argmax())])
    return decided, top


def baseline(train_rows: list[SeverityExample], test_rows: list[SeverityExample]) -> list[str]:
    """The README's baseline: TF-IDF words 1-2, sublinear, min_df 2 + balanced LR."""
    vectorizer = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2)
    x_train = vectorizer.fit_transform([e.full_text for e in train_rows])
    model = LogisticRegression(class_weight="balanced", max_iter=2000)
    model.fit(x_train, [str(e.severity) for e in train_rows])
    return list(model.predict(vectorizer.transform([e.full_text for e in test_rows])))


def line(name: str, m: SeverityMetrics) -> str:
    return (
        f"| {name} | {m.accuracy:.3f} | {m.macro_f1:.3f} | {m.critical_recall:.3f} | "
        f"{m.per_level['critical'].precision:.3f} | {m.low_rated_critical:.1%} |"
    )


def per_level_table(m: SeverityMetrics) -> None:
    print("| level | precision | recall | F1 | support |")
    print("|---|---:|---:|---:|---:|")
    for level in SEVERITY_ORDER:
        s = m.per_level[level]
        print(f"| {level} | {s.precision:.3f} | {s.recall:.3f} | {s.f1:.3f} | {s.support} |")
    print()
    print("| true \\ suggested | " + " | ".join(str(lvl) for lvl in SEVERITY_ORDER) + " |")
    print("|---|" + "---:|" * len(SEVERITY_ORDER))
    for true in SEVERITY_ORDER:
        cells = " | ".join(str(m.confusion[true][p]) for p in SEVERITY_ORDER)
        print(f"| {true} | {cells} |")
    print()


def bench_devset(policy: DecisionPolicy) -> TrainedModel:
    corpus = read_corpus()
    started = time.perf_counter()
    model = train(corpus, seed=0, settings=CORPUS_SETTINGS)
    seconds = time.perf_counter() - started
    dev = devset()
    probabilities = model.predict_proba([e.full_text for e in dev])
    decided, top = decisions(probabilities, policy, SEVERITY_ORDER)
    gold = [e.severity for e in dev]
    suggested, most_probable = score(gold, decided), score(gold, top)
    chosen = np.array([probabilities[i, SEVERITY_ORDER.index(d)] for i, d in enumerate(decided)])
    needs_human = float(np.mean(chosen < policy.abstain_below))
    print(f"## Default model on the devset ({len(dev)} messages, never trained on)\n")
    print(f"Trained on the bundled corpus: {len(corpus):,} messages in {seconds:.1f} s.\n")
    print(
        "| decision | accuracy | macro-F1 | critical recall | critical precision "
        "| low rated critical |"
    )
    print("|---|---:|---:|---:|---:|---:|")
    print(line("suggested (cost-aware, config.yaml costs)", suggested))
    print(line("most probable level", most_probable))
    print()
    print(f"Needs a human look (confidence < {policy.abstain_below}): {needs_human:.1%}.\n")
    print("Suggested level, per level and confusion matrix:\n")
    per_level_table(suggested)
    verdict = (
        suggested.macro_f1 >= 0.80
        and suggested.critical_recall >= 0.95
        and suggested.low_rated_critical < 0.10
    )
    print(
        f"Bars (macro-F1 >= 0.80, critical recall >= 0.95, low rated critical < 10%): "
        f"{'MET' if verdict else 'NOT MET'}\n"
    )
    return model


def bench_datasets(policy: DecisionPolicy) -> None:
    print("## Real bug-tracker datasets (train on split == train, score split == test)\n")
    print(
        "| dataset | run | accuracy | macro-F1 | critical recall | critical precision "
        "| low rated critical |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for name in DATASETS:
        if not (DATA / f"{name}.csv").is_file():
            print(f"| {name} | missing | | | | | |")
            continue
        train_rows, test_rows = dataset(name)
        gold = [e.severity for e in test_rows]
        allowed = [lvl for lvl in SEVERITY_ORDER if any(e.severity == lvl for e in train_rows)]
        started = time.perf_counter()
        model = train(train_rows, seed=0)
        seconds = time.perf_counter() - started
        decided, top = decisions(
            model.predict_proba([e.full_text for e in test_rows]), policy, allowed
        )
        base = score(gold, baseline(train_rows, test_rows))
        acc, f1, crit = PUBLISHED[name]
        print(f"| {name} | published baseline (README) | {acc:.3f} | {f1:.3f} | {crit:.3f} | | |")
        print(line(f"{name} | baseline, this run", base))
        print(line(f"{name} | ours, most probable", score(gold, top)))
        print(line(f"{name} | ours, cost-aware", score(gold, decided)))
        shift = model.summary.prior_shift or {}
        shifted = ", ".join(f"{level} {value:+g}" for level, value in shift.items() if value)
        print(
            f"| {name} | (ours: {len(train_rows):,} rows, C={model.summary.chosen_c:g} "
            f"by 3-fold CV, prior shift {shifted or 'none'}, trained in {seconds:.1f} s) "
            "| | | | | |"
        )
    print()


def main() -> None:
    policy = DecisionPolicy()
    if not DEVSET.is_file():
        print(f"{DEVSET} is not present: the shared folder must sit beside the checkout")
        raise SystemExit(1)
    bench_devset(policy)
    bench_datasets(policy)


if __name__ == "__main__":
    main()
