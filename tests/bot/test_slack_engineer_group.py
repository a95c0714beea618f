"""`slack.engineer_group`: members of a Slack user group may decide severity too."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bot.conftest import write_config
from tests.bot.fake_slack_api import FakeSlackApi
from tests.bot.slack_event_factory import user_message
from tests.bot.slack_harness import SlackHarness


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    slack = {"triage_channel": "C0TRIAGE", "engineers": ["U0ENG1"], "engineer_group": "S0ONCALL"}
    return write_config(tmp_path / "config.yaml", slack=slack)


async def test_a_member_of_the_engineer_group_may_decide_and_others_still_may_not(
    slack: SlackHarness, fake_slack: FakeSlackApi
) -> None:
    fake_slack.add_user("U0ONCALL", name="Oscar Oncall")
    fake_slack.usergroups["S0ONCALL"] = ["U0ONCALL", "U0ENG1"]
    await slack.deliver(user_message("Hi, the export button does nothing."))
    await slack.settle()
    ticket = await slack.ticket()
    card = slack.card(ticket.id or 0)

    await slack.click(card, user="U0SALES", action_id="severity_set", selected="critical")
    await slack.click(card, user="U0ONCALL", action_id="severity_set", selected="low")
    await slack.settle()

    decided = await slack.ticket()
    assert (decided.severity, decided.severity_decided_by) == ("low", "U0ONCALL")
    [refusal] = fake_slack.calls_to("chat.postEphemeral")
    assert refusal.args["user"] == "U0SALES"
    assert len(fake_slack.calls_to("usergroups.users.list")) == 1  # cached between clicks
