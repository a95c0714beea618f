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
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from triage.completeness_evaluation import (  # noqa: E402
    Evaluation,
    FieldScore,
    report_for_record,
    score_report,
)
from triage.levels import COMPLETENESS_FIELDS  # noqa: E402

DEFAULT_DEVSET = Path(__file__).resolve().parents[1] / ".." / "shared" / "devset" / "devset.jsonl"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devset", type=Path, default=DEFAULT_DEVSET)
    parser.add_argument("--errors", choices=COMPLETENESS_FIELDS, help="list FP/FN record ids")
    args = parser.parse_args()
    if not args.devset.exists():
        print(f"dev set not found: {args.devset}", file=sys.stderr)
        return 2
    records = [json.loads(line) for line in args.devset.read_text().splitlines() if line]

    report_for_record({"text": "warm-up"})  # building the pipeline is not per-message latency
    evaluation = Evaluation(fields={name: FieldScore() for name in COMPLETENESS_FIELDS})
    latencies_ms: list[float] = []
    for record in records:
        started = time.perf_counter()
        report = report_for_record(record)
        latencies_ms.append((time.perf_counter() - started) * 1000)
        score_report(evaluation, record, report)

    print(f"Completeness checker on {args.devset.name}: {len(records)} messages\n")
    print(f"{'field':<25} {'P':>6} {'R':>6} {'F1':>6} {'TP':>4} {'FP':>4} {'FN':>4} {'span':>6}")
    for name, score in evaluation.fields.items():
        print(
            f"{name:<25} {score.precision:6.3f} {score.recall:6.3f} {score.f1:6.3f} "
            f"{score.tp:4d} {score.fp:4d} {score.fn:4d} {score.span_overlap_rate:6.1%}"
        )
    print(f"\nmean F1 over {len(evaluation.fields)} fields: {evaluation.mean_f1:.3f}")
    print(f"min field F1: {evaluation.min_f1:.3f}")
    print(
        "evidence span overlaps the labelled span in "
        f"{evaluation.span_overlap_rate:.1%} of true positives"
    )
    ordered = sorted(latencies_ms)
    print(
        f"latency per message: median {statistics.median(ordered):.2f} ms, "
        f"p95 {ordered[int(0.95 * (len(ordered) - 1))]:.2f} ms, max {ordered[-1]:.2f} ms"
    )
    if args.errors:
        score = evaluation.fields[args.errors]
        print(f"\n{args.errors} false positives: {' '.join(score.false_positive_ids)}")
        print(f"{args.errors} false negatives: {' '.join(score.false_negative_ids)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
