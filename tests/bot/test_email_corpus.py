"""The real-world corpus in ../shared/emails: every file parses, and the manifest holds.

The corpus is shared read-only data beside the checkout (never copied into the repo); without
it these tests skip and say why. The figures themselves are printed by bench/email_corpus.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.email_corpus import BAR, CORE_KINDS, checks_for, ours
from bot.email_parser import parse_email

EMAILS = Path(__file__).resolve().parents[2] / ".." / "shared" / "emails"
MANIFEST = EMAILS / "manifest.jsonl"

pytestmark = pytest.mark.skipif(
    not MANIFEST.is_file(), reason=f"shared email corpus not found at {EMAILS.resolve()}"
)


def _rows() -> list[dict]:
    return [json.loads(line) for line in MANIFEST.read_text().splitlines() if line.strip()]


def test_every_corpus_file_parses_without_an_exception() -> None:
    for row in _rows():
        parsed = parse_email((EMAILS / row["file"]).read_bytes())
        assert parsed.dedupe_key, row["file"]


def test_manifest_core_checks_hold_for_at_least_97_percent() -> None:
    core = []
    for row in _rows():
        raw = (EMAILS / row["file"]).read_bytes()
        answer = ours(raw, bool(row.get("body_only")))
        core += [c for c in checks_for(row, answer) if c.kind in CORE_KINDS]
    failing = [f"{c.kind} {c.file}" for c in core if not c.passed]
    assert len(core) > 700  # the manifest still has its ~775 core expectations
    assert 1 - len(failing) / len(core) >= BAR, failing


def test_staff_forwards_in_the_corpus_name_the_customer_as_requester() -> None:
    forwards = [r for r in _rows() if "original_from" in r["expected"].get("forward", {})]
    assert forwards
    for row in forwards:
        sender_domain = row["expected"]["from"].rsplit("@", 1)[1]
        parsed = parse_email((EMAILS / row["file"]).read_bytes(), staff_domains=(sender_domain,))
        assert parsed.requester_address == row["expected"]["forward"]["original_from"].lower()
        assert parsed.forwarded_by == row["expected"]["from"].lower()
