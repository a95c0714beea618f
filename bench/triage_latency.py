"""Severity classifier speed: one-message latency warm, batched throughput, 50k-row training.

- one message: `SeverityClassifier.classify` on devset messages one at a time, after warm-up
  (the model and the spaCy pipeline are loaded once per process in the bot too);
- batched: `classify_many` over 2,000 messages in one process, then split over every core
  with `ParallelClassifier` (its worker processes started before timing, as in a bulk job);
- training: `train()` on 50,000 rows resampled (with replacement, seed 0) from the train
  splits of the real datasets in ../shared/data (the issue's "50k rows" scale).

Prints the figures; asserts nothing. Run: .venv/bin/python bench/triage_latency.py
"""

from __future__ import annotations

import csv
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from triage.levels import Severity  # noqa: E402
from triage.severity import SeverityClassifier  # noqa: E402
from triage.severity_model import CORPUS_SETTINGS, SeverityExample, train  # noqa: E402
from triage.severity_parallel import ParallelClassifier  # noqa: E402
from triage.severity_registry import read_corpus  # noqa: E402
from triage.ticket_text import CustomerMessage, TicketText  # noqa: E402

SHARED = REPO.parent / "shared"
TRAINING_ROWS = 50_000
ROUNDS = 5
BATCH = 2_000


def messages() -> list[TicketText]:
    """Realistic unseen messages: the devset if present, else the corpus itself."""
    devset = SHARED / "devset" / "devset.jsonl"
    if devset.is_file():
        rows = [json.loads(line) for line in devset.open(encoding="utf-8") if line.strip()]
        pairs = [(r.get("subject"), r["text"], r["channel"]) for r in rows]
    else:
        pairs = [(e.subject, e.text, e.channel) for e in read_corpus()]
    return [
        TicketText(subject, (CustomerMessage(text=text, channel=channel),), channel)
        for subject, text, channel in pairs
    ]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def bench_single(classifier: SeverityClassifier, tickets: list[TicketText]) -> None:
    """p50/p99 per round of all messages; the box is shared, so rounds show the noise."""
    for ticket in tickets[:50]:
        classifier.classify(ticket)  # warm-up: caches, allocator, first-call paths
    rounds: list[list[float]] = []
    for round_number in range(ROUNDS):
        timings: list[float] = []
        for i, ticket in enumerate(tickets):
            # A text never seen before, so no cache can answer from an earlier call.
            fresh = TicketText(
                ticket.subject,
                (CustomerMessage(text=f"{ticket.body}\n#{round_number}-{i}"),),
                ticket.channel,
            )
            started = time.perf_counter()
            classifier.classify(fresh)
            timings.append((time.perf_counter() - started) * 1000)
        rounds.append(timings)
    p99s = sorted(percentile(t, 99) for t in rounds)
    everything = [t for r in rounds for t in r]
    print(
        f"one message, warm ({len(everything)} calls in {ROUNDS} rounds): "
        f"p50 {statistics.median(everything):.2f} ms, p99 {percentile(everything, 99):.2f} ms "
        f"overall; p99 per round {', '.join(f'{p:.2f}' for p in p99s)} ms "
        f"(median round {p99s[len(p99s) // 2]:.2f} ms)"
    )


def bench_batched(classifier: SeverityClassifier, tickets: list[TicketText]) -> None:
    """One process (`classify_many`), then every core (`ParallelClassifier`, pool warm)."""
    processes = os.cpu_count() or 1
    with ParallelClassifier(classifier, processes=processes) as parallel:
        for label, classify in (
            ("one process, classify_many", classifier.classify_texts),
            (f"{processes} processes, ParallelClassifier", parallel.classify_texts),
        ):
            rates: list[float] = []
            for round_number in range(ROUNDS):
                # Fresh texts every round, so no cache answers from an earlier round.
                batch = [
                    TicketText(
                        t.subject, (CustomerMessage(text=f"{t.body}\n#{label}{round_number}-{i}"),)
                    ).full_text
                    for i, t in enumerate((tickets * (BATCH // len(tickets) + 1))[:BATCH])
                ]
                started = time.perf_counter()
                classify(batch)
                rates.append(len(batch) / (time.perf_counter() - started))
            rates.sort()
            print(
                f"batched, {label} ({BATCH:,} messages): median {rates[len(rates) // 2]:,.0f} "
                f"messages/s, best {rates[-1]:,.0f}, worst {rates[0]:,.0f} ({ROUNDS} rounds)"
            )


def training_rows() -> list[SeverityExample]:
    csv.field_size_limit(2**31 - 1)
    pool: list[SeverityExample] = []
    for path in sorted((SHARED / "data").glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for r in csv.DictReader(handle):
                if r["split"] == "train":
                    pool.append(
                        SeverityExample(
                            r["title"] or None, r["body"] or "", Severity(r["severity"])
                        )
                    )
    rng = random.Random(0)
    return [rng.choice(pool) for _ in range(TRAINING_ROWS)]


def bench_training() -> None:
    if not (SHARED / "data").is_dir():
        print("training on 50k rows: skipped (../shared/data is not present)")
        return
    rows = training_rows()
    chars = sum(len(r.full_text) for r in rows) / len(rows)
    started = time.perf_counter()
    train(rows, seed=0)
    seconds = time.perf_counter() - started
    print(
        f"training on {len(rows):,} rows (resampled real bug reports, mean {chars:.0f} chars): "
        f"{seconds:.1f} s"
    )


def main() -> None:
    load = os.getloadavg()
    print(
        f"machine: {os.cpu_count()} cores, load average {load[0]:.2f} / {load[1]:.2f} / "
        f"{load[2]:.2f} (1/5/15 min) at start"
    )
    started = time.perf_counter()
    model = train(read_corpus(), seed=0, settings=CORPUS_SETTINGS)
    print(f"default model trained from the bundled corpus in {time.perf_counter() - started:.1f} s")
    classifier = SeverityClassifier(model)
    tickets = messages()
    bench_single(classifier, tickets)
    bench_batched(classifier, tickets)
    bench_training()


if __name__ == "__main__":
    main()
