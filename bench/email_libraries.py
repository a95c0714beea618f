"""Why the email parser uses what it uses: the candidate libraries side by side on real mail.

Prints, for the ../shared/emails corpus:
1. reply trimming (quoted history + signature removal) on every fixture with an expected reply:
   mail-parser-reply, email-reply-parser (if installed), quotequail.quote, bot.reply_trimmer;
2. forward detection: quotequail.unwrap vs bot.forward_parser on the corpus forwards and on
   synthetic blocks in eight client styles (Gmail/Outlook/Apple/Thunderbird, EN/FR/DE);
3. HTML to text: html2text vs bot.html_text on the corpus mails whose body is HTML.

Usage: python bench/email_libraries.py [--emails DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import html2text  # noqa: E402
import quotequail  # noqa: E402
from mailparser_reply.parser import EmailMessage as ReplyMessage  # noqa: E402

from bot.email_parser import parse_email  # noqa: E402
from bot.forward_parser import find_forwarded_block, unwrap_forward  # noqa: E402
from bot.html_text import html_to_text  # noqa: E402
from bot.reply_trimmer import trim_reply  # noqa: E402

try:  # dormant since 2020, so not a project dependency: compared only when installed
    from email_reply_parser import EmailReplyParser as GithubStyleParser
except ImportError:  # pragma: no cover - optional comparison
    GithubStyleParser = None

DEFAULT_EMAILS = Path(__file__).resolve().parents[1] / ".." / "shared" / "emails"
LANGUAGES = ["en", "de", "fr", "nl", "it", "sv", "pl", "es", "ja", "da"]


def collapse(text: str | None) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


def mail_parser_reply(text: str) -> str:
    message = ReplyMessage(text=text, languages=list(LANGUAGES), keep_hyphen_lists=True).read()
    return message.replies[0].body if message.replies else ""


def quotequail_quote(text: str) -> str:
    return quotequail.quote(text)[0][1]


def ours(text: str) -> str:
    return trim_reply(text).text


REPLY_TRIMMERS: dict[str, Callable[[str], str]] = {
    "mail-parser-reply 1.36": mail_parser_reply,
    "quotequail.quote 0.5.4": quotequail_quote,
    "bot.reply_trimmer": ours,
}
if GithubStyleParser is not None:
    REPLY_TRIMMERS["email-reply-parser 0.5.12"] = GithubStyleParser.parse_reply


def reply_cases(rows: list[dict], root: Path) -> list[tuple[str, dict]]:
    """(input text, expectations) for every fixture that states what the reply is."""
    cases = []
    keys = ("reply_text", "reply_contains", "reply_excludes", "reply_startswith")
    for row in rows:
        expected = row["expected"]
        if not any(k in expected for k in keys):
            continue
        raw = (root / row["file"]).read_bytes()
        if row.get("body_only"):
            text = raw.decode("utf-8", "replace")
        else:  # a full .eml: give every trimmer the same decoded body text
            text = parse_email(raw).full_text
        cases.append((text, expected))
    return cases


def reply_passes(got: str, expected: dict) -> tuple[int, int]:
    passed = total = 0
    if "reply_text" in expected:
        total += 1
        passed += collapse(got) == collapse(expected["reply_text"])
    for fragment in expected.get("reply_contains", []):
        total += 1
        passed += collapse(fragment) in collapse(got)
    for fragment in expected.get("reply_excludes", []):
        total += 1
        passed += collapse(fragment) not in collapse(got)
    if "reply_startswith" in expected:
        total += 1
        passed += collapse(got).startswith(collapse(expected["reply_startswith"]))
    return passed, total


def compare_reply_trimmers(cases: list[tuple[str, dict]]) -> None:
    print(f"1. reply trimming: {len(cases)} fixtures with an expected reply")
    print(f"   {'library':<28}{'checks held':>16}{'µs/message':>12}")
    for name, trimmer in REPLY_TRIMMERS.items():
        passed = total = 0
        started = time.perf_counter()
        for text, expected in cases:
            try:
                got = trimmer(text) or ""
            except Exception:  # noqa: BLE001 - a crash counts as a wrong answer
                got = ""
            p, t = reply_passes(got, expected)
            passed += p
            total += t
        micros = (time.perf_counter() - started) / len(cases) * 1e6
        print(f"   {name:<28}{passed:>7}/{total:<4} {passed / total:5.1%}{micros:>10.0f}")


SYNTHETIC_FORWARDS = {
    "Gmail EN": "---------- Forwarded message ---------\nFrom: Carl <carl@c.test>\n"
    "Date: Mon, 3 Mar 2025\nSubject: Broken\nTo: <s@example.com>",
    "Outlook EN": "-----Original Message-----\nFrom: Carl [mailto:carl@c.test]\n"
    "Sent: Monday, March 3, 2025\nTo: Sam\nSubject: Broken",
    "Outlook FR": "________________________________\nDe : Carl <carl@c.test>\n"
    "Envoyé : lundi 3 mars 2025\nÀ : Sam\nObjet : Broken",
    "Outlook DE": "________________________________\nVon: Carl <carl@c.test>\n"
    "Gesendet: Montag, 3. März 2025\nAn: Sam\nBetreff: Broken",
    "Apple EN": "Begin forwarded message:\n\nFrom: Carl <carl@c.test>\nSubject: Broken\n"
    "Date: 3 March 2025\nTo: s@example.com",
    "Apple FR": "Début du message réexpédié :\n\nDe: Carl <carl@c.test>\nObjet: Broken\n"
    "Date: 3 mars 2025\nÀ: s@example.com",
    "Thunderbird EN": "-------- Forwarded Message --------\nSubject: \tBroken\n"
    "Date: \tMon, 3 Mar 2025\nFrom: \tCarl <carl@c.test>\nTo: \ts@example.com",
    "Gmail DE": "---------- Weitergeleitete Nachricht ---------\nVon: Carl <carl@c.test>\n"
    "Date: Mo., 3. März 2025\nSubject: Broken\nTo: <s@example.com>",
    "Thunderbird FR": "-------- Message transféré --------\nSujet : Broken\n"
    "Date : Mon, 3 Mar 2025\nDe : Carl <carl@c.test>\nPour : s@example.com",
    "Gmail forward of a forward": "---------- Forwarded message ---------\n"
    "From: Amy <amy@example.com>\nDate: Tue, 4 Mar 2025\nSubject: Fwd: Broken\n"
    "To: <s@example.com>\n\nsee below\n\n---------- Forwarded message ---------\n"
    "From: Carl <carl@c.test>\nDate: Mon, 3 Mar 2025\nSubject: Broken\nTo: <amy@example.com>",
}


def quotequail_sender(text: str) -> str:
    result = quotequail.unwrap(text) or {}
    return str(result.get("from", ""))


def our_sender(text: str) -> str:
    found = unwrap_forward(text, "Fwd: Broken")
    return found.from_address if found is not None else ""


def compare_forward_detection(rows: list[dict], root: Path) -> None:
    cases: list[tuple[str, str]] = []
    for label, block in SYNTHETIC_FORWARDS.items():
        cases.append((f"synthetic {label}", f"FYI\n\n{block}\n\nThe export fails.\n"))
    for row in rows:
        forward = row["expected"].get("forward", {})
        if "original_from" in forward:
            text = parse_email((root / row["file"]).read_bytes()).full_text
            cases.append((row["file"], text))
    expected = {
        row["file"]: row["expected"]["forward"]["original_from"]
        for row in rows
        if "original_from" in row["expected"].get("forward", {})
    }
    print(f"\n2. forward detection: original sender found ({len(cases)} forwards)")
    print(f"   {'case':<48}{'quotequail.unwrap':>20}{'bot.forward_parser':>20}")
    totals = {"qq": 0, "ours": 0}
    for label, text in cases:
        want = expected.get(label, "carl@c.test").lower()
        qq = want in quotequail_sender(text).lower()
        mine = our_sender(text) == want
        totals["qq"] += qq
        totals["ours"] += mine
        print(f"   {label:<48}{'yes' if qq else 'no':>20}{'yes' if mine else 'no':>20}")
    print(f"   {'total':<48}{totals['qq']:>17}/{len(cases)}{totals['ours']:>17}/{len(cases)}")
    timings = []
    for finder in (quotequail_sender, our_sender):
        started = time.perf_counter()
        for _ in range(20):
            for _, text in cases:
                finder(text)
        timings.append((time.perf_counter() - started) / (20 * len(cases)) * 1e6)
    print(f"   {'µs per message':<48}{timings[0]:>20.0f}{timings[1]:>20.0f}")

    splits = [r for r in rows if "forward_before" in r["expected"]]
    qq_ok = ours_ok = 0
    for row in splits:
        text = (root / row["file"]).read_text("utf-8", "replace")
        want = collapse(row["expected"]["forward_before"])
        unwrapped = quotequail.unwrap(text) or {}
        qq_ok += collapse(unwrapped.get("text_top", "")) == want if unwrapped else want == ""
        found = find_forwarded_block(text)
        ours_ok += found is not None and collapse(found.comment) == want
    print(
        f"   text above the forwarded block, {len(splits)} discourse fixtures: "
        f"quotequail {qq_ok}/{len(splits)}, ours {ours_ok}/{len(splits)}"
    )


def html2text_convert(html: str) -> str:
    converter = html2text.HTML2Text()
    converter.body_width = 0
    converter.ignore_images = True
    converter.ignore_emphasis = True
    converter.ignore_links = True
    converter.unicode_snob = True
    return converter.handle(html)


_MARKDOWN_ARTIFACT = re.compile(r"\\[.\-*_#+!]|^\s*#{1,6} |\*\*|^\s*-{3,}\|", re.MULTILINE)


def compare_html_converters(rows: list[dict], root: Path) -> None:
    samples: list[tuple[str, list[str]]] = []
    for row in rows:
        if row.get("body_only"):
            continue
        parsed = parse_email((root / row["file"]).read_bytes())
        if parsed.html:
            samples.append((parsed.html, row["expected"].get("body_contains", [])))
    print(f"\n3. HTML to text: {len(samples)} corpus mails with an HTML body")
    print(f"   {'converter':<22}{'fragments found':>18}{'markdown noise lines':>24}{'ms/mail':>9}")
    for name, convert in (("html2text", html2text_convert), ("bot.html_text", html_to_text)):
        found = total = noise = 0
        started = time.perf_counter()
        for html, fragments in samples:
            text = convert(html)
            noise += len(_MARKDOWN_ARTIFACT.findall(text))
            for fragment in fragments:
                total += 1
                found += collapse(fragment) in collapse(text)
        ms = (time.perf_counter() - started) / len(samples) * 1000
        print(f"   {name:<22}{found:>12}/{total:<5}{noise:>24}{ms:>9.2f}")


def main() -> int:
    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("--emails", type=Path, default=DEFAULT_EMAILS)
    args = cli.parse_args()
    root: Path = args.emails.resolve()
    manifest = root / "manifest.jsonl"
    if not manifest.is_file():
        print(f"no manifest at {manifest}", file=sys.stderr)
        return 2
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    compare_reply_trimmers(reply_cases(rows, root))
    compare_forward_detection(rows, root)
    compare_html_converters(rows, root)
    return 0


if __name__ == "__main__":
    sys.exit(main())
