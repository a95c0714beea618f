"""Bad configuration and bad input at the command line: one clear line, a non-zero exit."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import ConfigError, load_config, parse_config
from bot.settings import Settings, load_settings
from tests.bot.conftest import write_config


def run_cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "SLACK_"))}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
        timeout=120,
    )


def assert_one_clean_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    return lines[0]


def test_the_shipped_config_yaml_is_valid_and_has_every_preset_plan() -> None:
    config = load_config(Path(__file__).resolve().parents[2] / "config.yaml")
    assert set(config.sla_plans) >= {
        "kyligence-standard",
        "kyligence-premium",
        "alauda-premium",
        "collibra-standard",
        "collibra-premium",
        "kubeark",
        "kissflow",
    }
    assert config.plan_for(config.customer_by_name("Acme")) == "kubeark"


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"customers": [{"name": "X", "timezone": "Europe/Bucharestt"}]}, "customers[0].timezone"),
        ({"default_plan": "gold"}, "default_plan"),
        ({"customers": [{"name": "X", "plan": "gold"}]}, "customers[0].plan"),
        ({"email": {"max_message_bytes": -1}}, "email.max_message_bytes"),
        ({"support_adresses": ["x@y"]}, "support_adresses"),
        (
            {"customers": [{"name": "X", "contacts": ["a@x", "b@x", "c@x"]}]},
            "customers[0].contacts",
        ),
    ],
)
def test_invalid_values_name_the_key(tmp_path: Path, change: dict[str, object], key: str) -> None:
    path = write_config(tmp_path / "config.yaml", **change)
    with pytest.raises(ConfigError) as error:
        load_config(path)
    assert key in str(error.value)


def test_an_invalid_plan_names_its_key_path() -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(
            {
                "plans": {
                    "gold": {"calendar": "24x7", "targets": {"first_response": {"critical": "4x"}}}
                },
                "default_plan": "gold",
            }
        )
    assert "plans.gold.targets.first_response.critical" in str(error.value)


def test_cli_exits_2_with_one_line_for_an_invalid_config(tmp_path: Path) -> None:
    path = write_config(
        tmp_path / "config.yaml", customers=[{"name": "X", "timezone": "Mars/Olympus"}]
    )
    result = run_cli("tickets", "confirm", "1", "--by", "me", env={"INTAKE_CONFIG": str(path)})
    assert result.returncode == 2
    assert "customers[0].timezone" in assert_one_clean_line(result)


def test_cli_exits_2_for_a_missing_config_file(tmp_path: Path) -> None:
    result = run_cli("serve", env={"INTAKE_CONFIG": str(tmp_path / "nope.yaml")})
    assert result.returncode == 2
    assert "config file not found" in assert_one_clean_line(result)


def test_unknown_cli_arguments_are_one_line_and_non_zero() -> None:
    result = run_cli("tickets", "list", "--frobnicate")
    assert result.returncode == 2
    assert "frobnicate" in assert_one_clean_line(result)


def test_an_unreachable_database_is_one_line_and_non_zero() -> None:
    result = run_cli(
        "tickets",
        "list",
        "--json",
        env={"INTAKE_DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"},
    )
    assert result.returncode == 1
    assert "database unavailable" in assert_one_clean_line(result)


def test_an_unsupported_database_url_is_a_usage_error() -> None:
    result = run_cli("tickets", "list", "--json", env={"INTAKE_DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode == 2
    assert "unsupported database" in assert_one_clean_line(result)


def test_environment_overrides_are_read_with_the_intake_prefix(
    monkeypatch: pytest.MonkeyPatch, clean_env: None
) -> None:
    monkeypatch.setenv("INTAKE_SMTP_PORT", "2600")
    monkeypatch.setenv("INTAKE_RELAY_HOST", "relay.internal")
    monkeypatch.setenv("SLACK_API_URL", "http://127.0.0.1:9/api/")
    settings = load_settings()
    assert (settings.smtp_port, settings.relay_host, settings.slack_api_url) == (
        2600,
        "relay.internal",
        "http://127.0.0.1:9/api/",
    )


def test_a_bad_environment_value_names_the_variable(
    monkeypatch: pytest.MonkeyPatch, clean_env: None
) -> None:
    monkeypatch.setenv("INTAKE_SMTP_PORT", "lots")
    with pytest.raises(ConfigError) as error:
        load_settings()
    assert "INTAKE_SMTP_PORT" in str(error.value)


def test_defaults_are_the_documented_ones(clean_env: None) -> None:
    settings = Settings()
    assert (settings.smtp_host, settings.smtp_port, settings.http_port) == ("127.0.0.1", 2525, 8080)
    assert settings.database_url.startswith("sqlite:///")
