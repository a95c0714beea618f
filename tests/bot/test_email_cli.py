"""`intake email parse --json`: one JSON line per file, whatever the files hold.

Run as a real subprocess, so stdout is exactly what a later check reads: JSON lines and
nothing else (notes and errors go to stderr).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.bot.email_builders import raw_mail

CONTRACT_KEYS = {
    "file", "from", "from_name", "requester", "subject", "body", "full_text", "attachments",
    "forwarded", "message_id", "in_reply_to", "references", "auto_reply", "problems",
}  # fmt: skip

FORWARD = raw_mail(
    "Please help this customer.\n\n---------- Forwarded message ---------\n"
    "From: Carl Customer <carl@customer.test>\nDate: Mon, 3 Mar 2025\n"
    "Subject: Export broken\nTo: <sam@example.com>\n\nThe export fails with E42.\n",
    sender="Sam Staff <sam@example.com>",
    subject="Fwd: Export broken",
)


def run_parse(*args: str, config: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env.pop("INTAKE_CONFIG", None)
    if config is not None:
        env["INTAKE_CONFIG"] = str(config)
    return subprocess.run(
        [sys.executable, "-m", "bot", "email", "parse", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=Path(__file__).resolve().parents[2],
        timeout=120,
    )


@pytest.fixture()
def mail_files(tmp_path: Path) -> dict[str, Path]:
    files = {
        "forward": tmp_path / "forward.eml",
        "garbage": tmp_path / "garbage.eml",
        "empty": tmp_path / "empty.eml",
    }
    files["forward"].write_bytes(FORWARD)
    files["garbage"].write_bytes(b"\x00\xff\xfe junk \x1b[31m\r\n--\r\n=?x?q?\xff?=")
    files["empty"].write_bytes(b"")
    return files


def test_each_file_gets_one_json_line_even_missing_and_garbage_ones(
    mail_files: dict[str, Path], tmp_path: Path
) -> None:
    missing = tmp_path / "missing.eml"
    paths = [mail_files["forward"], missing, mail_files["garbage"], mail_files["empty"]]
    result = run_parse(*map(str, paths), "--json")

    lines = result.stdout.splitlines()
    assert len(lines) == 4
    objects = [json.loads(line) for line in lines]
    assert [o["file"] for o in objects] == [str(p) for p in paths]
    for obj in objects:
        assert set(obj) >= CONTRACT_KEYS
    assert "error" in objects[1] and "error" not in objects[2]
    assert objects[2]["problems"] and objects[3]["problems"]
    # Documented: exit 1 when a file could not be read, with the reason on stderr only.
    assert result.returncode == 1
    assert "could not be read" in result.stderr


def test_readable_files_exit_zero_and_forward_names_the_original_sender(
    mail_files: dict[str, Path],
) -> None:
    result = run_parse(str(mail_files["forward"]), str(mail_files["garbage"]), "--json")
    assert result.returncode == 0, result.stderr
    forward = json.loads(result.stdout.splitlines()[0])
    assert forward["from"] == "sam@example.com"
    assert forward["requester"] == "carl@customer.test"
    assert forward["forwarded"] == {
        "from": "carl@customer.test",
        "subject": "Export broken",
        "date": "Mon, 3 Mar 2025",
    }
    assert forward["body"] == "The export fails with E42."
    assert forward["auto_reply"] is False


def test_staff_lists_come_from_the_config(mail_files: dict[str, Path], tmp_path: Path) -> None:
    config = tmp_path / "config.yaml"
    config.write_text("support_addresses: [support@example.com]\nstaff_domains: [example.com]\n")
    result = run_parse(str(mail_files["forward"]), "--json", config=config)
    assert result.returncode == 0, result.stderr
    forward = json.loads(result.stdout)
    assert forward["requester"] == "carl@customer.test"
    assert forward["subject"] == "Export broken"  # staff forward: the original subject


def test_unusable_config_still_parses_without_staff_lists(
    mail_files: dict[str, Path], tmp_path: Path
) -> None:
    result = run_parse(
        str(mail_files["forward"]), "--json", config=tmp_path / "no-such-config.yaml"
    )
    assert result.returncode == 0
    assert json.loads(result.stdout)["requester"] == "carl@customer.test"
    assert "without staff lists" in result.stderr
