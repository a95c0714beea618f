"""`intake sla`: deadlines as JSON from the configured plans, and exit 2 for bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main

# A plan of our own, to show the command reads the configured plans, not only the presets.
NIGHT_DESK = {
    "display_names": {"critical": "Sev 1", "high": "Sev 2", "medium": "Sev 3", "low": "Sev 4"},
    "calendar": "mon-fri 20:00-24:00",
    "timezone": "Asia/Tokyo",
    "holidays": "JP",
    "targets": {
        "first_response": {"critical": "30m", "high": "2h"},
        "resolution": {"critical": "1bd"},
    },
}


REPO = Path(__file__).resolve().parents[2]


def write_plans_config(path: Path, plans: dict[str, Any], default_plan: str) -> Path:
    """A config.yaml with only what `intake sla` needs: plans (and a default that exists)."""
    path.write_text(yaml.safe_dump({"default_plan": default_plan, "plans": plans}))
    return path


@pytest.fixture
def config_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shipped = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))["plans"]
    path = write_plans_config(
        tmp_path / "config.yaml", {**shipped, "night-desk": NIGHT_DESK}, "night-desk"
    )
    monkeypatch.setenv("INTAKE_CONFIG", str(path))
    return path


def run(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "argv", ["intake", "sla", *args])
    try:
        main()
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def sla_json(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str
) -> dict[str, Any]:
    code, out, err = run(monkeypatch, capsys, *args, "--json")
    assert (code, err) == (0, "")
    return json.loads(out)


def test_prints_the_deadlines_of_a_configured_plan(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = sla_json(
        monkeypatch, capsys,
        "--plan", "night-desk", "--severity", "critical", "--start", "2026-03-13T23:50:00+09:00",
    )  # fmt: skip
    # Fri 23:50-24:00 = 10m, weekend closed, Mon 20:00 + 20m; 1bd = 4h: 10m Fri, Mon 20:00 + 3h50
    assert payload == {
        "plan": "night-desk",
        "severity": "critical",
        "calendar": "mon-fri 20:00-24:00 Asia/Tokyo, holidays JP",
        "deadlines": {
            "first_response": "2026-03-16T20:20:00+09:00",
            "workaround": None,
            "resolution": "2026-03-16T23:50:00+09:00",
        },
    }


def test_vendor_level_names_are_accepted(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = sla_json(
        monkeypatch, capsys,
        "--plan", "collibra-standard", "--severity", "Significant",
        "--start", "2026-11-25T16:00:00-05:00",
    )  # fmt: skip
    # New York by default: Wed 2h, Thanksgiving, Fri 09:00 + 2h
    assert payload["severity"] == "high"
    assert payload["deadlines"]["first_response"] == "2026-11-27T11:00:00-05:00"


def test_tz_and_country_set_the_customer_calendar(
    config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    payload = sla_json(
        monkeypatch, capsys,
        "--plan", "collibra-standard", "--severity", "high", "--start", "2026-04-02T15:00:00Z",
        "--tz", "Europe/Berlin", "--country", "DE",
    )  # fmt: skip
    # Berlin 17:00: 1h Thu, Good Friday .. Easter Monday closed, Tue 09:00 + 3h
    assert payload["calendar"] == "mon-fri 09:00-18:00 Europe/Berlin, holidays DE"
    assert payload["deadlines"]["first_response"] == "2026-04-07T12:00:00+02:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--plan", "gold", "--severity", "high", "--start", "2026-03-10T10:00:00+02:00"],
         "unknown plan 'gold'"),
        (["--plan", "kubeark", "--severity", "urgent", "--start", "2026-03-10T10:00:00+02:00"],
         "unknown severity 'urgent'"),
        (["--plan", "kubeark", "--severity", "high", "--start", "2026-03-10T10:00:00"],
         "has no UTC offset"),
        (["--plan", "kubeark", "--severity", "high", "--start", "next tuesday"],
         "is not an ISO-8601 time"),
        (["--plan", "kubeark", "--severity", "high", "--start", "2026-03-10T10:00:00Z",
          "--tz", "Mars/Olympus"], "--tz: unknown time zone 'Mars/Olympus'"),
        (["--plan", "kubeark", "--severity", "high", "--start", "2026-03-10T10:00:00Z",
          "--country", "XX"], "--country: unknown holiday country 'XX'"),
    ],
)  # fmt: skip
def test_bad_input_is_one_line_and_exit_2(
    config_file: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    code, out, err = run(monkeypatch, capsys, *args, "--json")
    assert code == 2
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert message in err


def test_a_broken_plan_in_the_config_is_exit_2_naming_the_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = {"kubeark": {**NIGHT_DESK, "targets": {"first_response": {"critical": "4x"}}}}
    path = write_plans_config(tmp_path / "config.yaml", broken, "kubeark")
    monkeypatch.setenv("INTAKE_CONFIG", str(path))
    code, out, err = run(
        monkeypatch, capsys,
        "--plan", "kubeark", "--severity", "high", "--start", "2026-03-10T10:00:00Z", "--json",
    )  # fmt: skip
    assert (code, out) == (2, "")
    assert "plans.kubeark.targets.first_response.critical: '4x' is not a duration" in err


def test_the_installed_command_prints_only_json_on_stdout(config_file: Path) -> None:
    env = {**os.environ, "INTAKE_CONFIG": str(config_file)}
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "sla", "--plan", "kissflow", "--severity", "critical",
         "--start", "2026-03-13T20:00:00+05:30", "--json"],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert (ok.returncode, ok.stderr) == (0, "")
    # Fri 20:00 + 4h = exactly the Saturday 00:00 close; 48h: Fri 4h, Mon 24h, Tue 00:00 + 20h
    assert json.loads(ok.stdout)["deadlines"] == {
        "first_response": "2026-03-14T00:00:00+05:30",
        "workaround": "2026-03-14T00:00:00+05:30",
        "resolution": "2026-03-17T20:00:00+05:30",
    }
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "sla", "--plan", "nope", "--severity", "high",
         "--start", "2026-03-13T20:00:00+05:30", "--json"],
        capture_output=True, text=True, env=env, check=False, timeout=120,
    )  # fmt: skip
    assert bad.returncode == 2
    assert bad.stdout == ""
    assert bad.stderr.count("\n") == 1 and "unknown plan 'nope'" in bad.stderr
