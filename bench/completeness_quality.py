"""Completeness checker quality on the shared dev set: per-field precision/recall/F1.

Each dev-set record's `text` is one CustomerMessage (with its channel) and `subject` the
subject. Prints a table, the mean F1 over the seven fields, how often the evidence span
overlaps the labelled span, and the per-message latency. The dev set is for measuring only.

    .venv/bin/python bench/completeness_quality.py [--devset PATH] [--errors FIELD]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.completeness import CompletenessReport, check_completeness  # noqa: E402
from triage.levels import COMPLETENESS_FIELDS  # noqa: E402
from triage.ticket_text import CustomerMessage  # noqa: E402

DEFAULT_DEVSET = Path(__file__).resolve().parents[1] / ".." / "shared" / "devset" / "devset.jsonl"


@dataclass
class FieldScore:
    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    overlaps: int = 0
    false_positive_ids: list[str] = field(default_factory=list)
    false_negative_ids: list[str] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def _overlaps(report: CompletenessReport, name: str, text: str, span: str) -> bool:
    found = report.finding(name)
    if found.start is None or found.end is None:
        return False
    label_start = text.find(span)
    if label_start < 0:
        return False
    return found.start < label_start + len(span) and label_start < found.end


def evaluate(records: list[dict]) -> tuple[dict[str, FieldScore], list[float]]:
    scores = {name: FieldScore() for name in COMPLETENESS_FIELDS}
    latencies_ms: list[float] = []
    for record in records:
        message = CustomerMessage(text=record["text"], channel=record["channel"])
        started = time.perf_counter()
        report = check_completeness([message], subject=record.get("subject"))
        latencies_ms.append((time.perf_counter() - started) * 1000)
        for name in COMPLETENESS_FIELDS:
            gold = bool(record["complete"][name])
            predicted = report.complete[name]
            score = scores[name]
            if gold and predicted:
                score.tp += 1
                if _overlaps(report, name, record["text"], record["spans"][name]):
                    score.overlaps += 1
            elif predicted:
                score.fp += 1
                score.false_positive_ids.append(record["id"])
            elif gold:
                score.fn += 1
                score.false_negative_ids.append(record["id"])
            else:
                score.tn += 1
    return scores, latencies_ms


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--errors", choices=COMPLETENESS_FIELDS, help="list FP/FN record ids")
    args = parser.parse_args()
    if not args.devset.exists():
        print(f"dev set not found: {args.devset}", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in args.devset.read_text().splitlines() if line]
    check_completeness([CustomerMessage(text="warm-up")])  # pipeline build is not latency
    scores, latencies = evaluate(records)

    print(f"Completeness checker on {args.devset.name}: {len(records)} messages\n")
    print(f"{'field':<25} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'span':>6}")
    for name, score in scores.items():
        span_rate = score.overlaps / score.tp if score.tp else 0.0
        print(
            f"{name:<25} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{score.tp:4d} {score.fp:4d} {score.fn:4d} {span_rate:6.1%}"
        )
    mean_f1 = statistics.mean(score.f1 for score in scores.values())
    total_tp = sum(score.tp for score in scores.values())
    total_overlap = sum(score.overlaps for score in scores.values())
    print(f"\nmean F1 over {len(scores)} fields: {mean_f1:.3f}")
    print(f"min field F1: {min(score.f1 for score in scores.values()):.3f}")
    print(
        f"evidence span overlaps the labelled span: {total_overlap}/{total_tp} "
        f"({total_overlap / total_tp:.1%}) of true positives"
    )
    ordered = sorted(latencies)
    print(
        f"latency per message: median {statistics.median(ordered):.2f} ms, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms, max {ordered[-1]:.2f} ms"
    )
    if args.errors:
        score = scores[args.errors]
        print(f"\n{args.errors} false positives: {' '.join(score.false_positive_ids)}")
        print(f"{args.errors} false negatives: {' '.join(score.false_negative_ids)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
