"""Specification of the ask: exactly the missing required fields, once per customer reply."""

from __future__ import annotations

import pytest

from triage.completeness import check_completeness
from triage.levels import COMPLETENESS_FIELDS, DEFAULT_REQUIRED_FIELDS
from triage.missing_info_ask import (
    FIELD_ASKS,
    plan_ask,
    record_ask,
    render_ask,
    render_completed_notice,
    render_end_of_support_notice,
)
from triage.ticket_text import AttachmentInfo, CustomerMessage
from triage.version_parser import is_out_of_support, parse_version


class Conversation:
    """The bot's side of a ticket: customer messages so far and what it has asked for."""

    def __init__(self) -> None:
        self.messages: list[CustomerMessage] = []
        self.asked: dict[str, int] = {}
        self.asks_sent: list[list[str]] = []

    def customer_writes(self, text: str, *attachments: AttachmentInfo) -> None:
        self.messages.append(CustomerMessage(text=text, attachments=attachments))

    def bot_checks(self) -> list[str]:
        """What the intake worker does after every inbound message (or a re-run)."""
        missing = check_completeness(self.messages).missing(DEFAULT_REQUIRED_FIELDS)
        asked = plan_ask(
            missing, previously_asked=self.asked, customer_messages_seen=len(self.messages)
        )
        if asked:
            self.asked = record_ask(self.asked, asked, customer_messages_seen=len(self.messages))
            self.asks_sent.append(asked)
        return asked


class TestPlanAsk:
    def test_asks_for_exactly_the_missing_required_fields_in_contract_order(self) -> None:
        assert plan_ask(["logs", "repro_steps"], previously_asked={}, customer_messages_seen=1) == [
            "repro_steps",
            "logs",
        ]

    def test_never_asks_for_what_is_present(self) -> None:
        report = check_completeness(
            [
                CustomerMessage(
                    text="We run Quillstack 4.2.1. We checked the firewall, port is open."
                )
            ]
        )
        missing = report.missing(DEFAULT_REQUIRED_FIELDS)
        asked = plan_ask(missing, previously_asked={}, customer_messages_seen=1)
        assert asked == ["repro_steps", "logs"]
        assert "version" not in asked and "first_line_confirmation" not in asked

    def test_nothing_is_asked_when_nothing_is_missing(self) -> None:
        assert plan_ask([], previously_asked={"logs": 1}, customer_messages_seen=3) == []

    def test_a_field_already_asked_is_not_asked_again_without_a_new_customer_message(
        self,
    ) -> None:
        assert plan_ask(["logs"], previously_asked={"logs": 2}, customer_messages_seen=2) == []

    def test_a_field_is_asked_again_after_a_reply_that_still_lacks_it(self) -> None:
        assert plan_ask(["logs"], previously_asked={"logs": 2}, customer_messages_seen=3) == [
            "logs"
        ]

    def test_unknown_fields_are_rejected(self) -> None:
        with pytest.raises(ValueError, match="severity"):
            plan_ask(["severity"], previously_asked={}, customer_messages_seen=1)

    def test_record_ask_returns_a_new_mapping(self) -> None:
        before = {"version": 1}
        after = record_ask(before, ["logs"], customer_messages_seen=2)
        assert after == {"version": 1, "logs": 2}
        assert before == {"version": 1}


class TestConversation:
    def test_no_repeated_asks_over_a_multi_message_conversation(self) -> None:
        chat = Conversation()
        chat.customer_writes("Hi, exports are broken since this morning.")
        assert chat.bot_checks() == list(DEFAULT_REQUIRED_FIELDS)
        assert chat.bot_checks() == [], "a re-run without a new customer message asks nothing"

        chat.customer_writes("We are on Quillstack 4.2.1 and we checked our proxy, it is fine.")
        assert chat.bot_checks() == ["repro_steps", "logs"], "only what the reply still lacks"

        chat.customer_writes(
            "Steps: open Reports, click Export.", AttachmentInfo("export.log", "text/plain")
        )
        assert chat.bot_checks() == []
        assert chat.asks_sent == [list(DEFAULT_REQUIRED_FIELDS), ["repro_steps", "logs"]]

    def test_a_field_supplied_earlier_is_never_asked_again(self) -> None:
        chat = Conversation()
        chat.customer_writes("Quillstack 4.2.1, reports are empty.")
        chat.bot_checks()
        chat.customer_writes("any news?")
        assert "version" not in chat.bot_checks()


class TestRenderAsk:
    @pytest.mark.parametrize("channel", ["slack", "email"])
    def test_lists_only_the_asked_fields_each_with_an_example(self, channel: str) -> None:
        text = render_ask(["version", "logs"], channel=channel, requester_name="Ana", ticket_id=41)  # type: ignore[arg-type]
        for field in ("version", "logs"):
            assert FIELD_ASKS[field].label in text.lower()
            assert FIELD_ASKS[field].example in text
        for field in set(COMPLETENESS_FIELDS) - {"version", "logs"}:
            assert FIELD_ASKS[field].label not in text.lower()
        assert "#41" in text

    def test_version_ask_says_where_to_find_it(self) -> None:
        text = render_ask(["version"], channel="email", requester_name=None, ticket_id=1)
        assert "Settings → About" in text and "4.2.1" in text

    def test_slack_is_a_short_mrkdwn_bullet_list(self) -> None:
        text = render_ask(
            ["repro_steps", "version"], channel="slack", requester_name="Ana", ticket_id=7
        )
        bullets = [line for line in text.splitlines() if line.startswith("• ")]
        assert len(bullets) == 2
        assert "*the product version*" in text and "`4.2.1`" in text
        assert "Hello" not in text and "Kind regards" not in text

    def test_email_is_a_polite_paragraph_and_a_list(self) -> None:
        text = render_ask(
            ["repro_steps", "version"], channel="email", requester_name="Ana", ticket_id=7
        )
        paragraph, items, _ = text.split("\n\n", 2)
        assert "could you please" in paragraph.lower()
        assert [line[:2] for line in items.splitlines()] == ["- ", "- "]

    def test_a_standalone_ask_greets_the_requester(self) -> None:
        email = render_ask(
            ["logs"], channel="email", requester_name="Ana", ticket_id=7, greeting=True
        )
        slack = render_ask(
            ["logs"], channel="slack", requester_name="Ana", ticket_id=7, greeting=True
        )
        assert email.startswith("Hello Ana,") and email.rstrip().endswith("The support team")
        assert slack.startswith("Thanks Ana!")

    def test_slack_control_characters_in_names_are_escaped(self) -> None:
        text = render_ask(
            ["logs"], channel="slack", requester_name="<!channel>", ticket_id=7, greeting=True
        )
        assert "<!channel>" not in text and "&lt;!channel&gt;" in text

    def test_an_empty_ask_or_unknown_channel_is_an_error(self) -> None:
        with pytest.raises(ValueError):
            render_ask([], channel="email", requester_name=None, ticket_id=1)
        with pytest.raises(ValueError):
            render_ask(["logs"], channel="fax", requester_name=None, ticket_id=1)  # type: ignore[arg-type]


class TestCompletedNotice:
    @pytest.mark.parametrize("channel", ["slack", "email"])
    def test_says_everything_is_here_and_the_clock_started(self, channel: str) -> None:
        text = render_completed_notice(channel=channel, requester_name="Ana", ticket_id=9)  # type: ignore[arg-type]
        assert "#9" in text and "SLA clock has started" in text and "everything" in text

    def test_email_greets_and_slack_stays_short(self) -> None:
        email = render_completed_notice(channel="email", requester_name="Ana", ticket_id=9)
        slack = render_completed_notice(channel="slack", requester_name="Ana", ticket_id=9)
        assert email.startswith("Hello Ana,")
        assert "\n" not in slack


class TestEndOfSupport:
    @pytest.mark.parametrize(
        ("version", "floor", "expected"),
        [
            ("9.1.4", "9.2", True),
            ("9.2", "9.2.0", False),
            ("9.3.1", "9.2", False),
            ("2023.12", "2024.1", True),
            ("build 1187", "1200", True),
        ],
    )
    def test_older_than_the_first_supported_version(
        self, version: str, floor: str, expected: bool
    ) -> None:
        parsed = parse_version(version)
        assert parsed is not None
        assert is_out_of_support(parsed, floor) is expected

    def test_notice_is_polite_and_only_for_unsupported_versions(self) -> None:
        notice = render_end_of_support_notice("9.1.4", end_of_support="9.2", product="Quillstack")
        assert notice is not None and "Quillstack 9.1.4" in notice and "9.2" in notice
        assert render_end_of_support_notice("9.3.0", end_of_support="9.2") is None
