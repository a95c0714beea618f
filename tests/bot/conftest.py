"""Fixtures for the bot's end-to-end tests: a real serve runtime, a real relay sink."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import yaml

from bot.config import load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from tests.bot.fake_slack_api import BOT_TOKEN, FakeSlackApi
from tests.bot.slack_event_factory import SIGNING_SECRET, SignedSender
from tests.bot.slack_harness import SlackHarness
from tests.bot.smtp_sink import SmtpSink

REPO = Path(__file__).resolve().parents[2]


def write_config(path: Path, **overrides: object) -> Path:
    """A test desk: Acme (two contacts), staff at example.com, the shipped plan presets."""
    shipped = yaml.safe_load((REPO / "config.yaml").read_text())
    config = {
        "support_addresses": ["support@example.com"],
        "staff_domains": ["example.com"],
        "default_plan": "kyligence-premium",
        "customers": [
            {
                "name": "Acme",
                "domains": ["acme.test"],
                "contacts": ["ops@acme.test", "cto@acme.test"],
                "plan": "alauda-premium",
                "timezone": "Europe/Bucharest",
                "country": "RO",
                "slack_channels": ["C0ACME"],
                "slack_teams": ["T0ACMECONNECT"],
            }
        ],
        "slack": {"triage_channel": "C0TRIAGE", "engineers": ["U0ENG1"]},
        "email": {"auto_replies_per_address_per_hour": 10},
        "plans": shipped["plans"],
    }
    config.update(overrides)
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One trained default model for the whole test session (training takes seconds)."""
    return tmp_path_factory.mktemp("models")


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    return write_config(tmp_path / "config.yaml")


@pytest.fixture
async def relay() -> AsyncIterator[SmtpSink]:
    sink = SmtpSink()
    await sink.start()
    yield sink
    await sink.stop()


@pytest.fixture
def settings(
    tmp_path: Path, config_path: Path, model_dir: Path, relay: SmtpSink, clean_env: None
) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'intake.sqlite3'}",
        config=config_path,
        smtp_port=0,
        http_port=0,
        relay_port=relay.port,
        data_dir=tmp_path / "var",
        model_dir=model_dir,
    )


@pytest.fixture
async def runtime(settings: Settings) -> AsyncIterator[IntakeRuntime]:
    """The real serve process in this event loop; the tests drive its workers step by step."""
    runtime = IntakeRuntime(settings=settings, config=load_config(settings.config))
    await runtime.start(run_workers=False)
    yield runtime
    await runtime.stop()


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlackApi]:
    """The local Slack Web API, knowing a customer, two engineers-to-be and a stranger."""
    api = FakeSlackApi()
    await api.start()
    api.add_user("U0CUST1", name="Olga Ops", email="ops@acme.test")
    api.add_user("U0ENG1", name="Erin Engineer", email="erin@example.com")
    api.add_user("U0SALES", name="Sam Sales", email="sam@example.com")
    api.add_user("U0STRANGER", name="Stan Stranger", email="stan@elsewhere.test")
    yield api
    await api.stop()


@pytest.fixture
def slack_settings(settings: Settings, fake_slack: FakeSlackApi) -> Settings:
    return settings.model_copy(
        update={
            "slack_bot_token": BOT_TOKEN,
            "slack_signing_secret": SIGNING_SECRET,
            "slack_api_url": fake_slack.base_url,
        }
    )


@pytest.fixture
async def slack(slack_settings: Settings, fake_slack: FakeSlackApi) -> AsyncIterator[SlackHarness]:
    """The real serve runtime with Slack enabled against the local Web API."""
    runtime = IntakeRuntime(settings=slack_settings, config=load_config(slack_settings.config))
    await runtime.start(run_workers=False)
    sender = SignedSender(f"http://127.0.0.1:{runtime.ports.http}/slack/events")
    yield SlackHarness(runtime, fake_slack, sender)
    await runtime.stop()
