"""Labelled tickets from a team's own history export (CSV or JSONL) for training or evaluation.

Zendesk, Jira and friends export different column names and label vocabularies ("urgent",
"Blocker", "P2"); the caller names the columns and maps raw labels onto the four levels.
Rows that cannot be used are counted with a reason instead of aborting a 50k-row import.
"""

from __future__ import annotations

import csv
import json
import sys
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from triage.levels import Severity
from triage.severity_model import SeverityExample


class ExportFormatError(Exception):
    """The file or the column/label options cannot be used; the message says which."""


@dataclass(frozen=True, slots=True)
class ExportColumns:
    """Which columns hold the text, the subject and the label, and how labels map to levels."""

    text: tuple[str, ...] = ("text",)
    subject: str | None = "subject"
    label: str = "severity"
    channel: str | None = "channel"
    label_map: Mapping[str, Severity] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LoadedExport:
    examples: list[SeverityExample]
    skipped: Counter[str]

    def skipped_summary(self) -> str:
        """ "12 skipped (9 unknown label 'normal', 3 empty text)" or ""."""
        if not self.skipped:
            return ""
        parts = ", ".join(f"{n} {reason}" for reason, n in self.skipped.most_common(5))
        return f"{sum(self.skipped.values())} rows skipped ({parts})"


def parse_label_map(spec: str | None) -> dict[str, Severity]:
    """`"urgent=critical,normal=medium"` → {"urgent": CRITICAL, "normal": MEDIUM} (case-blind)."""
    mapping: dict[str, Severity] = {}
    if not spec:
        return mapping
    for item in spec.split(","):
        if not item.strip():
            continue
        raw, sep, level = item.partition("=")
        if not sep or not raw.strip():
            raise ExportFormatError(f"--label-map entry {item!r} is not raw=level")
        try:
            mapping[raw.strip().lower()] = Severity(level.strip().lower())
        except ValueError:
            raise ExportFormatError(
                f"--label-map entry {item!r}: {level.strip()!r} is not critical/high/medium/low"
            ) from None
    return mapping


def read_export(path: Path, columns: ExportColumns) -> LoadedExport:
    """Labelled examples from a .csv or .jsonl/.json-lines file (by extension)."""
    if not path.is_file():
        raise ExportFormatError(f"file not found: {path}")
    suffix = path.suffix.lower()
    if suffix == ".csv":
        records = _csv_records(path)
    elif suffix in {".jsonl", ".ndjson", ".json"}:
        records = _jsonl_records(path)
    else:
        raise ExportFormatError(f"{path}: use a .csv or .jsonl file")
    examples: list[SeverityExample] = []
    skipped: Counter[str] = Counter()
    first = True
    for record in records:
        if first:
            _check_columns(path, record, columns)
            first = False
        example, problem = _example(record, columns)
        if example is None:
            skipped[problem] += 1
        else:
            examples.append(example)
    if first:
        raise ExportFormatError(f"{path}: no rows")
    return LoadedExport(examples=examples, skipped=skipped)


def _csv_records(path: Path) -> Iterator[Mapping[str, object]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # bug bodies with stack traces are long
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.DictReader(handle)


def _jsonl_records(path: Path) -> Iterator[Mapping[str, object]]:
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError:
                raise ExportFormatError(f"{path}:{number}: not valid JSON") from None
            if not isinstance(record, dict):
                raise ExportFormatError(f"{path}:{number}: expected a JSON object")
            yield record


def _check_columns(path: Path, record: Mapping[str, object], columns: ExportColumns) -> None:
    missing = [c for c in (*columns.text, columns.label) if c not in record]
    if missing:
        available = ", ".join(sorted(record)) or "none"
        raise ExportFormatError(
            f"{path}: no column {missing[0]!r} (columns: {available}); use --text-col / --label-col"
        )


def _example(
    record: Mapping[str, object], columns: ExportColumns
) -> tuple[SeverityExample | None, str]:
    parts = [str(record.get(c) or "").strip() for c in columns.text]
    text = "\n\n".join(p for p in parts if p)
    if not text:
        return None, "empty text"
    raw_label = str(record.get(columns.label) or "").strip()
    level = _level(raw_label, columns.label_map)
    if level is None:
        return None, f"unknown label {raw_label!r}"
    subject = str(record.get(columns.subject) or "").strip() if columns.subject else ""
    channel = str(record.get(columns.channel) or "email") if columns.channel else "email"
    return SeverityExample(subject=subject or None, text=text, severity=level, channel=channel), ""


def _level(raw: str, label_map: Mapping[str, Severity]) -> Severity | None:
    key = raw.lower()
    if key in label_map:
        return label_map[key]
    try:
        return Severity(key)
    except ValueError:
        return None


def split_columns(spec: str) -> tuple[str, ...]:
    """`"title,body"` → ("title", "body"): several text columns are joined with a blank line."""
    names = tuple(c.strip() for c in spec.split(",") if c.strip())
    if not names:
        raise ExportFormatError("--text-col needs at least one column name")
    return names


def label_summary(examples: Sequence[SeverityExample]) -> dict[str, int]:
    counts = Counter(str(e.severity) for e in examples)
    return {str(level): counts.get(str(level), 0) for level in Severity}
