"""How well `parse_email` reads real-world mail, against the stdlib alone, in one run.

Runs over every file of ../shared/emails/manifest.jsonl (raw mails from public projects' test
suites, with the results those projects expect) and prints pass rates overall, per check kind
and per source, for our parser and for a stdlib-only baseline
(`BytesParser(policy=policy.default)` + `get_body()` + `iter_attachments()`), then every check
we fail and the per-message parse time.

What is checked, and how (the definitions matter for the figures):
- core checks (the issue's bar, >= 97%): `from` (address, case-insensitive), `subject`
  (whitespace-collapsed equality), each `body_contains` fragment (whitespace-collapsed substring
  of `full_text`: upstream expectations describe the whole decoded text, not a reply-trimmed
  one), `attachments` (the multiset of names of parts that carry a name, both sides passed
  through the same sanitiser, so `1234/../../1234.txt` compares as stored).
- extra checks, reported separately: `from_name`, `reply_text` (body-only fixtures: the reply
  trimmer's output equals the expected reply after collapsing whitespace), `reply_contains` /
  `reply_excludes` / `reply_startswith`, forward expectations (original sender, subject,
  body fragment in `body`, forwarder's comment), `forward_split` (body-only fixtures: the text
  above the forwarded block equals upstream's "before" part), `body_in_trimmed_body` (how many
  `body_contains` fragments survive reply trimming, informative).

Usage: python bench/email_corpus.py [--emails DIR] [--quiet]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.attachment_names import sanitize_filename  # noqa: E402
from bot.email_parser import parse_email  # noqa: E402
from bot.forward_parser import find_forwarded_block  # noqa: E402
from bot.reply_trimmer import trim_reply  # noqa: E402

DEFAULT_EMAILS = Path(__file__).resolve().parents[1] / ".." / "shared" / "emails"
CORE_KINDS = ("from", "subject", "body_contains", "attachments")
BAR = 0.97


@dataclass(slots=True)
class Answer:
    """What one parser made of one file, in the shape the checks compare."""

    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    body: str = ""
    full_text: str = ""
    attachment_names: list[str] = field(default_factory=list)
    forward_from: str | None = None
    forward_subject: str | None = None
    forward_comment: str | None = None
    reply_text: str = ""
    forward_before: str | None = None
    error: str | None = None


@dataclass(frozen=True, slots=True)
class Check:
    file: str
    source: str
    kind: str
    passed: bool
    expected: str
    got: str


def collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def ours(raw: bytes, body_only: bool) -> Answer:
    parsed = parse_email(raw)
    answer = Answer(
        from_address=parsed.from_address,
        from_name=parsed.from_name,
        subject=parsed.header_subject,
        body=parsed.body,
        full_text=parsed.full_text,
        attachment_names=[a.original_filename for a in parsed.attachments if a.original_filename],
    )
    if parsed.forwarded is not None:
        answer.forward_from = parsed.forwarded.from_address
        answer.forward_subject = parsed.forwarded.subject
        answer.forward_comment = parsed.forwarded.comment
    answer.reply_text = parsed.body
    if body_only:
        text = raw.decode("utf-8", "replace")
        answer.reply_text = trim_reply(text).text
        block = find_forwarded_block(text)
        answer.forward_before = block.comment if block is not None else None
    return answer


def stdlib(raw: bytes, body_only: bool) -> Answer:
    answer = Answer()
    message = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(message, EmailMessage)
    # Wherever the stdlib raises, the baseline simply gets nothing for that field.
    with contextlib.suppress(Exception):
        mailbox = message["from"].addresses[0]
        answer.from_address, answer.from_name = mailbox.addr_spec, mailbox.display_name
    answer.subject = str(message["subject"] or "")
    with contextlib.suppress(Exception):
        body = message.get_body(preferencelist=("plain", "html"))
        answer.full_text = answer.body = body.get_content() if body is not None else ""
    with contextlib.suppress(Exception):
        names = (p.get_filename() for p in message.iter_attachments())
        answer.attachment_names = [name for name in names if name]
    answer.reply_text = raw.decode("utf-8", "replace") if body_only else answer.body
    return answer


def checks_for(row: dict, answer: Answer) -> list[Check]:
    expected = row["expected"]
    file, source = row["file"], row["file"].split("/", 1)[0]
    found: list[Check] = []

    def add(kind: str, passed: bool, want: object, got: object) -> None:
        found.append(Check(file, source, kind, passed, str(want)[:120], str(got)[:120]))

    if "from" in expected:
        got = answer.from_address
        add("from", got.lower() == expected["from"].lower(), expected["from"], got)
    if "subject" in expected:
        want = expected["subject"]
        add("subject", collapse(answer.subject) == collapse(want), want, answer.subject)
    for fragment in expected.get("body_contains", []):
        add("body_contains", collapse(fragment) in collapse(answer.full_text), fragment, "")
        add("body_in_trimmed_body", collapse(fragment) in collapse(answer.body), fragment, "")
    if "attachments" in expected:
        want_names = sorted(sanitize_filename(n) for n in expected["attachments"])
        got_names = sorted(sanitize_filename(n) for n in answer.attachment_names)
        add("attachments", want_names == got_names, want_names, got_names)
    if "from_name" in expected:
        want = expected["from_name"]
        add("from_name", collapse(answer.from_name) == collapse(want), want, answer.from_name)
    if "reply_text" in expected:
        want = expected["reply_text"]
        add("reply_text", collapse(answer.reply_text) == collapse(want), want, answer.reply_text)
    for fragment in expected.get("reply_contains", []):
        add("reply_contains", collapse(fragment) in collapse(answer.reply_text), fragment, "")
    for fragment in expected.get("reply_excludes", []):
        add("reply_excludes", collapse(fragment) not in collapse(answer.reply_text), fragment, "")
    if "reply_startswith" in expected:
        want = expected["reply_startswith"]
        add("reply_startswith", collapse(answer.reply_text).startswith(collapse(want)), want, "")
    if "forward_before" in expected:
        want = expected["forward_before"]
        before = answer.forward_before
        add(
            "forward_split", before is not None and collapse(before) == collapse(want), want, before
        )
    forward = dict(expected.get("forward", {}))
    if "forwarded_contains" in expected and "original_body_contains" not in forward:
        forward["original_body_contains"] = expected["forwarded_contains"]
    if "original_from" in forward:
        want = forward["original_from"]
        sender = answer.forward_from or ""
        add("forward_from", sender.lower() == want.lower(), want, sender)
    if "original_subject" in forward:
        want = forward["original_subject"]
        subject = answer.forward_subject or ""
        add("forward_subject", collapse(subject) == collapse(want), want, subject)
    for fragment in forward.get("original_body_contains", []):
        add("forward_body", collapse(fragment) in collapse(answer.body), fragment, "")
    for fragment in forward.get("comment_contains", []):
        comment = answer.forward_comment or ""
        add("forward_comment", collapse(fragment) in collapse(comment), fragment, comment)
    return found


def run(
    rows: list[dict], root: Path, parser: Callable[[bytes, bool], Answer]
) -> tuple[list[Check], list[float], int]:
    checks: list[Check] = []
    timings: list[float] = []
    answered = 0
    for row in rows:
        body_only = bool(row.get("body_only"))
        try:
            raw = (root / row["file"]).read_bytes()
        except OSError as exc:
            checks.extend(checks_for(row, Answer(error=str(exc))))
            continue
        started = time.perf_counter()
        try:
            answer = parser(raw, body_only)
            answered += 1
        except Exception as exc:  # noqa: BLE001 - a crash is a failed answer, counted below
            answer = Answer(error=f"{type(exc).__name__}: {exc}")
        if not body_only:
            timings.append(time.perf_counter() - started)
        checks.extend(checks_for(row, answer))
    return checks, timings, answered


def rate(checks: list[Check]) -> str:
    if not checks:
        return "     -      "
    passed = sum(c.passed for c in checks)
    return f"{passed / len(checks):6.1%} {passed:>4}/{len(checks):<4}"


def synthetic_two_kb_message() -> bytes:
    """A typical customer reply: plain + HTML alternative, a quoted history, a signature."""
    quote = "\n".join(f"> line {i} of the earlier message in this support thread" for i in range(8))
    text = (
        "Hi team,\n\nthe nightly export failed again at 02:00 with error E1234 and the "
        "dashboard shows no data since then. We restarted the worker without luck.\n\n"
        "Thanks,\nAnn\n\nOn Mon, 3 Mar 2025 at 10:00, Support <support@example.com> wrote:\n"
        f"{quote}\n"
    )
    html = "<div>" + text.replace("\n", "<br>") + "</div>"
    return (
        "From: Ann Example <ann@customer.example>\r\nTo: support@example.com\r\n"
        "Subject: Re: Export failing [#42]\r\nDate: Tue, 4 Mar 2025 09:12:00 +0000\r\n"
        "Message-ID: <abc123@customer.example>\r\nIn-Reply-To: <t42@example.com>\r\n"
        "MIME-Version: 1.0\r\nContent-Type: multipart/alternative; boundary=b1\r\n\r\n"
        f"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n"
        f"--b1\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--b1--\r\n"
    ).encode()


def time_per_message(parse: Callable[[bytes], object], raw: bytes, rounds: int = 2000) -> float:
    parse(raw)
    started = time.perf_counter()
    for _ in range(rounds):
        parse(raw)
    return (time.perf_counter() - started) / rounds


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--emails", type=Path, default=DEFAULT_EMAILS)
    cli.add_argument("--quiet", action="store_true", help="do not list failing checks")
    args = cli.parse_args()
    root: Path = args.emails.resolve()
    manifest = root / "manifest.jsonl"
    if not manifest.is_file():
        print(f"no manifest at {manifest}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]

    mine, my_times, my_answers = run(rows, root, ours)
    base, base_times, base_answers = run(rows, root, stdlib)

    print(f"corpus: {len(rows)} files ({sum(1 for r in rows if r.get('body_only'))} body-only)")
    print(
        f"files answered without exception: ours {my_answers}/{len(rows)}, "
        f"stdlib {base_answers}/{len(rows)}"
    )
    core_mine = [c for c in mine if c.kind in CORE_KINDS]
    core_base = [c for c in base if c.kind in CORE_KINDS]
    print(f"\nCORE checks (from, subject, body_contains, attachments)   bar {BAR:.0%}")
    print(f"  ours   {rate(core_mine)}")
    print(f"  stdlib {rate(core_base)}")
    extra_mine = [c for c in mine if c.kind != "body_in_trimmed_body"]
    extra_base = [c for c in base if c.kind != "body_in_trimmed_body"]
    print("ALL checks (core + from_name, replies, forwards)")
    print(f"  ours   {rate(extra_mine)}")
    print(f"  stdlib {rate(extra_base)}")

    print(f"\n{'check kind':<22}{'ours':>18}{'stdlib':>18}")
    kinds = sorted({c.kind for c in mine}, key=lambda k: (k not in CORE_KINDS, k))
    for kind in kinds:
        print(
            f"{kind:<22}{rate([c for c in mine if c.kind == kind]):>18}"
            f"{rate([c for c in base if c.kind == kind]):>18}"
        )

    print(f"\n{'source (core checks)':<22}{'ours':>18}{'stdlib':>18}")
    by_source: dict[str, list[Check]] = defaultdict(list)
    for c in core_mine:
        by_source[c.source].append(c)
    for source in sorted(by_source):
        print(
            f"{source:<22}{rate(by_source[source]):>18}"
            f"{rate([c for c in core_base if c.source == source]):>18}"
        )

    print("\nparse time per message over the corpus (ms):")
    for label, times in (("ours", my_times), ("stdlib", base_times)):
        ms = sorted(t * 1000 for t in times)
        p99 = ms[int(len(ms) * 0.99) - 1]
        print(
            f"  {label:<7} mean {statistics.mean(ms):6.2f}  p50 {statistics.median(ms):6.2f}"
            f"  p99 {p99:6.2f}  max {ms[-1]:7.2f}"
        )
    sample = synthetic_two_kb_message()
    ours_ms = time_per_message(parse_email, sample) * 1000
    base_ms = time_per_message(BytesParser(policy=policy.default).parsebytes, sample) * 1000
    print(
        f"  a {len(sample)}-byte reply (alternative + quote + signature): ours {ours_ms:.2f} ms,"
        f" stdlib parse alone {base_ms:.2f} ms"
    )

    if not args.quiet:
        failing = [c for c in mine if not c.passed and c.kind != "body_in_trimmed_body"]
        print(f"\nfailing checks (ours): {len(failing)}")
        for c in failing:
            print(f"  {c.kind:<16} {c.file:<58} want={c.expected!r} got={c.got!r}")
    core_rate = sum(c.passed for c in core_mine) / max(1, len(core_mine))
    return 0 if core_rate >= BAR and my_answers == len(rows) else 1


if __name__ == "__main__":
    sys.exit(main())
