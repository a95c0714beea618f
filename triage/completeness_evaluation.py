"""Score the completeness checker against labelled messages: per-field P/R/F1 and span overlap.

Shared by `bench/completeness_quality.py` (prints the figures) and the dev-set test (asserts
the issue's bar), so both measure exactly the same thing. Records use the dev-set schema:
`text`, `channel`, `subject`, `complete` (field → bool) and `spans` (field → exact substring).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from triage.completeness import CompletenessReport, check_completeness
from triage.levels import COMPLETENESS_FIELDS
from triage.ticket_text import CustomerMessage


@dataclass
class FieldScore:
    """Confusion counts for one field, plus how often the evidence hit the labelled span."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    tn: int = 0
    span_overlaps: int = 0
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

    @property
    def span_overlap_rate(self) -> float:
        return self.span_overlaps / self.tp if self.tp else 0.0


@dataclass
class Evaluation:
    """Scores for all seven fields over a labelled set."""

    fields: dict[str, FieldScore]

    @property
    def mean_f1(self) -> float:
        return statistics.mean(score.f1 for score in self.fields.values())

    @property
    def min_f1(self) -> float:
        return min(score.f1 for score in self.fields.values())

    @property
    def span_overlap_rate(self) -> float:
        tp = sum(score.tp for score in self.fields.values())
        return sum(score.span_overlaps for score in self.fields.values()) / tp if tp else 0.0


def report_for_record(record: Mapping[str, Any]) -> CompletenessReport:
    """Check one labelled record the way the bench defines it: its text is one message."""
    message = CustomerMessage(text=record["text"], channel=record.get("channel", "email"))
    return check_completeness([message], subject=record.get("subject"))


def _evidence_overlaps(report: CompletenessReport, name: str, text: str, span: str) -> bool:
    found = report.finding(name)
    label_start = text.find(span)
    if found.start is None or found.end is None or label_start < 0:
        return False
    return found.start < label_start + len(span) and label_start < found.end


def score_report(
    evaluation: Evaluation, record: Mapping[str, Any], report: CompletenessReport
) -> None:
    """Add one record's outcome to `evaluation`."""
    for name in COMPLETENESS_FIELDS:
        gold = bool(record["complete"][name])
        predicted = report.complete[name]
        score = evaluation.fields[name]
        if gold and predicted:
            score.tp += 1
            score.span_overlaps += _evidence_overlaps(
                report, name, record["text"], record["spans"][name]
            )
        elif predicted:
            score.fp += 1
            score.false_positive_ids.append(str(record.get("id", "?")))
        elif gold:
            score.fn += 1
            score.false_negative_ids.append(str(record.get("id", "?")))
        else:
            score.tn += 1


def evaluate(records: Iterable[Mapping[str, Any]]) -> Evaluation:
    """Run the checker on every record and score it against the labels."""
    evaluation = Evaluation(fields={name: FieldScore() for name in COMPLETENESS_FIELDS})
    for record in records:
        score_report(evaluation, record, report_for_record(record))
    return evaluation
