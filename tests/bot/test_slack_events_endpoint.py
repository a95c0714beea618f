"""`POST /slack/events` over real HTTP: signatures, url_verification, retries and replays, noise.

Nothing is stored unless Slack signed it; everything Slack signed is stored exactly once
before the 200, however many times it is delivered.
"""

from __future__ import annotations

import json
import logging
import time

import aiohttp
import pytest

from bot.config import ConfigError, load_config
from bot.runtime import IntakeRuntime
from bot.settings import Settings
from tests.bot.slack_event_factory import (
    bot_post,
    channel_join,
    envelope,
    user_message,
)
from tests.bot.slack_harness import SlackHarness

OUTAGE = "Since 09:10 nobody can log in to the production console: 502 Bad Gateway after SSO."


async def test_a_bad_signature_is_refused_with_401_and_nothing_is_stored(
    slack: SlackHarness,
) -> None:
    body = json.dumps(envelope(user_message(OUTAGE))).encode()
    response = await slack.sender.post(
        body, content_type="application/json", signature="v0=" + "0" * 64
    )

    assert response.status == 401
    assert await slack.inbox() == []


async def test_a_stale_timestamp_is_refused_even_with_a_valid_signature(
    slack: SlackHarness,
) -> None:
    body = json.dumps(envelope(user_message(OUTAGE))).encode()
    ten_minutes_ago = int(time.time()) - 600
    response = await slack.sender.post(
        body, content_type="application/json", timestamp=ten_minutes_ago
    )

    assert response.status == 401
    assert await slack.inbox() == []


async def test_a_request_signed_with_another_secret_is_refused(slack: SlackHarness) -> None:
    slack.sender.signing_secret = "not-our-secret"
    response = await slack.sender.event(user_message(OUTAGE))

    assert response.status == 401
    assert await slack.inbox() == []


async def test_url_verification_is_answered_with_the_challenge(slack: SlackHarness) -> None:
    challenge = {
        "token": "x",
        "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P",
        "type": "url_verification",
    }
    response = await slack.sender.envelope(challenge)

    assert response.status == 200
    assert response.json() == {"challenge": challenge["challenge"]}
    assert await slack.inbox() == []


async def test_an_event_is_stored_before_the_200_and_processed_from_the_store(
    slack: SlackHarness,
) -> None:
    response = await slack.sender.event(user_message(OUTAGE), event_id="Ev0STORED1")

    assert response.status == 200
    [stored] = await slack.inbox()
    assert (stored.source, stored.dedupe_key, stored.status) == (
        "slack",
        "event:Ev0STORED1",
        "pending",
    )
    assert await slack.tickets() == []  # nothing happened inside the request

    await slack.settle()
    assert len(await slack.tickets()) == 1


async def test_slack_retries_of_the_same_event_are_stored_and_processed_once(
    slack: SlackHarness,
) -> None:
    event = user_message(OUTAGE)
    first = await slack.sender.event(event, event_id="Ev0RETRY1")
    retries = [
        await slack.sender.event(event, event_id="Ev0RETRY1", retry_num=n) for n in (1, 2, 3)
    ]
    await slack.settle()

    assert [r.status for r in (first, *retries)] == [200, 200, 200, 200]
    assert len(await slack.inbox()) == 1
    assert len(await slack.tickets()) == 1
    acknowledgements = slack.customer_thread("C0ACME", event["ts"])
    assert len(acknowledgements) == 1


async def test_the_same_message_under_a_new_event_id_is_not_stored_twice(
    slack: SlackHarness,
) -> None:
    event = user_message(OUTAGE)
    await slack.deliver(event, event_id="Ev0REPLAY1")
    await slack.settle()
    await slack.deliver(event, event_id="Ev0REPLAY2")  # a replay: new envelope, same (channel, ts)
    await slack.settle()

    assert len(await slack.inbox()) == 2
    assert len(await slack.tickets()) == 1
    assert len([m for m in await slack.messages() if m.direction == "in"]) == 1
    assert len(slack.customer_thread("C0ACME", event["ts"])) == 1


async def test_bot_posts_and_channel_joins_open_nothing(slack: SlackHarness) -> None:
    await slack.deliver(bot_post("Deploy finished: all green"))
    await slack.deliver(channel_join("U0CUST1"))
    classic = user_message("Build #42 failed")
    classic.pop("user")
    classic.update({"subtype": "bot_message", "bot_id": "B0CLASSIC", "username": "ci-bot"})
    await slack.deliver(classic)
    await slack.settle()

    assert await slack.tickets() == []
    assert await slack.messages() == []
    assert slack.api.messages == []
    assert {i.status for i in await slack.inbox()} == {"done"}


async def test_messages_in_channels_no_customer_owns_are_ignored(slack: SlackHarness) -> None:
    await slack.deliver(user_message(OUTAGE, channel="C0RANDOM"))
    await slack.settle()

    assert await slack.tickets() == []
    assert slack.api.messages == []


async def test_a_token_without_its_signing_secret_stops_the_start(settings: Settings) -> None:
    half = settings.model_copy(update={"slack_bot_token": "xoxb-test-token"})

    with pytest.raises(ConfigError, match="SLACK_SIGNING_SECRET"):
        IntakeRuntime(settings=half, config=load_config(half.config))


async def test_without_a_token_slack_is_disabled_in_one_log_line_and_not_served(
    runtime: IntakeRuntime, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        another = IntakeRuntime(settings=runtime.settings, config=runtime.config)
    await another.store.close()
    assert [r.getMessage() for r in caplog.records if "Slack disabled" in r.getMessage()] == [
        "Slack disabled: SLACK_BOT_TOKEN is not set"
    ]
    async with (
        aiohttp.ClientSession() as session,
        session.post(f"http://127.0.0.1:{runtime.ports.http}/slack/events", data=b"{}") as response,
    ):
        assert response.status == 404
