"""`intake triage --jsonl`: severity and completeness for tickets piped in as JSON lines.

Input, one object per line: {"id", "channel", "subject", "text"}. Output, one line per input
line and in the same order: {"id", "severity", "confidence", "probabilities", "complete",
"missing", "reason"}, or {"id", "line", "error"} for a line that cannot be triaged; the run
goes on either way. Lines are classified in batches for throughput, but a batch never waits
for input that has not arrived yet, so a caller may also write one line and read one answer.
"""

from __future__ import annotations

import io
import json
import select
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Annotated, Any

import typer

from bot.cli import app
from bot.cli.errors import UsageError
from triage.completeness import check_completeness
from triage.levels import DEFAULT_REQUIRED_FIELDS
from triage.severity import SeverityClassifier, SeverityVerdict
from triage.ticket_text import CustomerMessage, TicketText

BATCH_LINES = 256


@dataclass(frozen=True, slots=True)
class _Request:
    line: int
    ticket_id: Any
    ticket: TicketText | None
    error: str | None


@app.command("triage")
def triage_command(
    jsonl: Annotated[
        bool, typer.Option("--jsonl", help="Read JSON lines on stdin, write JSON lines on stdout.")
    ] = False,
    model_dir: Annotated[
        Path | None,
        typer.Option(
            "--model-dir",
            help="Model directory [env INTAKE_MODEL_DIR, else var/models].",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Suggest severity and check completeness for tickets given as JSON lines."""
    if not jsonl:
        raise UsageError("intake triage needs --jsonl (JSON lines on stdin, one per ticket)")
    from bot.cli.model_cmd import decision_policy, resolve_model_dir
    from triage.severity_registry import load_or_train_default

    policy = decision_policy()
    classifier = load_or_train_default(
        resolve_model_dir(model_dir),
        costs={str(t): {str(p): c for p, c in row.items()} for t, row in policy.costs.items()},
        abstain_below=policy.abstain_below,
    )
    out = sys.stdout
    for batch in _line_batches(sys.stdin):
        for result in triage_lines(batch, classifier):
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
        out.flush()


def triage_lines(
    batch: list[tuple[int, str]], classifier: SeverityClassifier
) -> list[dict[str, Any]]:
    """One output object per (line number, raw line), in order; bad lines become errors."""
    requests = [_parse(number, raw) for number, raw in batch]
    tickets = [r.ticket for r in requests if r.ticket is not None]
    verdicts = iter(classifier.classify_many(tickets)) if tickets else iter(())
    results: list[dict[str, Any]] = []
    for request in requests:
        if request.ticket is None:
            results.append({"id": request.ticket_id, "line": request.line, "error": request.error})
            continue
        verdict = next(verdicts)
        try:
            results.append(_result(request, verdict))
        except Exception as exc:  # one odd message must not stop a batch run
            results.append(
                {"id": request.ticket_id, "line": request.line, "error": f"completeness: {exc}"}
            )
    return results


def _parse(number: int, raw: str) -> _Request:
    try:
        record = json.loads(raw)
    except json.JSONDecodeError as exc:
        return _Request(number, None, None, f"not valid JSON: {exc.msg}")
    if not isinstance(record, dict):
        return _Request(number, None, None, "expected a JSON object")
    ticket_id = record.get("id")
    text = record.get("text")
    subject = record.get("subject")
    channel = record.get("channel") or "email"
    if not isinstance(text, str) or not text.strip():
        return _Request(number, ticket_id, None, "missing or empty 'text'")
    if subject is not None and not isinstance(subject, str):
        return _Request(number, ticket_id, None, "'subject' must be a string or null")
    if not isinstance(channel, str):
        return _Request(number, ticket_id, None, "'channel' must be a string")
    message = CustomerMessage(text=text, channel=channel)
    ticket = TicketText(subject=subject or None, messages=(message,), channel=channel)
    return _Request(number, ticket_id, ticket, None)


def _result(request: _Request, verdict: SeverityVerdict) -> dict[str, Any]:
    assert request.ticket is not None
    report = check_completeness(request.ticket.messages, subject=request.ticket.subject)
    return {
        "id": request.ticket_id,
        "severity": str(verdict.severity),
        "confidence": round(verdict.confidence, 4),
        "probabilities": {level: round(p, 4) for level, p in verdict.probabilities.items()},
        "complete": dict(report.complete),
        "missing": report.missing(DEFAULT_REQUIRED_FIELDS),
        "reason": verdict.reason,
    }


def _line_batches(stream: IO[str]) -> Iterator[list[tuple[int, str]]]:
    """Non-blank lines with their numbers, grouped while more input is already waiting."""
    batch: list[tuple[int, str]] = []
    number = 0
    while True:
        line = stream.readline()
        if not line:
            break
        number += 1
        if line.strip():
            batch.append((number, line))
        if batch and (len(batch) >= BATCH_LINES or not _input_waiting(stream)):
            yield batch
            batch = []
    if batch:
        yield batch


def _input_waiting(stream: IO[str]) -> bool:
    try:
        ready, _, _ = select.select([stream], [], [], 0)
    except (io.UnsupportedOperation, ValueError, OSError, TypeError):
        return True  # an in-memory stream: everything is already there
    return bool(ready)
