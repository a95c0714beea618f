"""The app manifest a user pastes into Slack matches what the bot needs and serves."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack_events import EVENTS_PATH

MANIFEST = Path(__file__).resolve().parents[2] / "slack-app-manifest.yaml"


def test_events_and_interactivity_point_at_the_one_slack_endpoint() -> None:
    settings = yaml.safe_load(MANIFEST.read_text())["settings"]

    assert settings["event_subscriptions"]["request_url"].endswith(EVENTS_PATH)
    assert settings["interactivity"]["is_enabled"] is True
    assert settings["interactivity"]["request_url"].endswith(EVENTS_PATH)
    assert settings["socket_mode_enabled"] is False


def test_the_bot_subscribes_to_the_messages_it_handles_with_the_scopes_it_calls() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())

    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events >= {"message.channels", "message.groups", "message.im"}
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert scopes >= {
        "chat:write",
        "channels:history",
        "groups:history",
        "im:history",
        "users:read",
        "users:read.email",
        "files:read",
    }
    assert manifest["features"]["app_home"]["messages_tab_enabled"] is True  # DMs to the bot
