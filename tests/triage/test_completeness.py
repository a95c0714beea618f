"""Specification of the completeness checker: what counts as each field, and what does not.

Every example here is written for these tests (fictional products "Quillstack", "Orbitmail",
"Ledgerline"); none is taken from the shared dev set.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from triage.completeness import CompletenessReport, FieldFinding, check_completeness
from triage.levels import COMPLETENESS_FIELDS, DEFAULT_REQUIRED_FIELDS
from triage.ticket_text import AttachmentInfo, CustomerMessage


def check(text: str, *attachments: AttachmentInfo, channel: str = "email") -> CompletenessReport:
    return check_completeness(
        [CustomerMessage(text=text, channel=channel, attachments=attachments)]
    )


def present(text: str, field: str) -> bool:
    return check(text).complete[field]


def evidence_text(report: CompletenessReport, field: str, source: str) -> str:
    found = report.finding(field)
    assert found.start is not None and found.end is not None
    return source[found.start : found.end]


class TestReproStepsField:
    @pytest.mark.parametrize(
        "text",
        [
            "Steps to reproduce:\n1. Open Reports\n2. Pick any saved report\n3. Click Export",
            "1) log in as a viewer\n2) open the Billing tab\n3) the page shows a blank table",
            "Repro: create an invoice with two tax lines, then click Save → 500.",
            "Go to Settings > Integrations > Webhooks > Add and paste any https URL.",
            "Every time I upload a CSV with more than 5,000 rows the import fails.",
            "When I click Approve on a timesheet nothing happens.",
            "tried `qs sync --full` and got `unknown flag: --full`",
            "POST /api/v2/invoices with an empty lines array → 500",
            "curl -X DELETE https://api.quillstack.test/v1/users/42 returns 502",
            "open any shared board, drag a card to Done, then refresh the page",
        ],
    )
    def test_concrete_actions_count_as_steps(self, text: str) -> None:
        assert present(text, "repro_steps")

    @pytest.mark.parametrize(
        "text",
        [
            "The export is broken.",
            "What are the next steps on your side?",
            "What are the steps to enable SSO for our workspace?",
            "Please send us the steps to configure the mail relay.",
            "We need:\n1) a root cause analysis\n2) a timeline of the outage",
            "Questions:\n1. Is data encrypted at rest?\n2. Do you support SCIM?",
            "I only see Owner and Member roles under Settings > Users > Invite.",
            "dashboards have been slow all day",
        ],
    )
    def test_symptoms_questions_and_requests_are_not_steps(self, text: str) -> None:
        assert not present(text, "repro_steps")

    def test_a_support_agent_asking_for_steps_in_a_quoted_reply_is_not_steps(self) -> None:
        text = (
            "Still broken for us.\n\n"
            "On Tue, 4 Mar 2025 at 10:02, Quillstack Support <help@quillstack.test> wrote:\n"
            "> Could you send the exact steps to reproduce?\n"
            "> 1. Which page did you open\n> 2. What did you click"
        )
        assert not present(text, "repro_steps")


class TestVersionField:
    @pytest.mark.parametrize(
        ("text", "parts"),
        [
            ("We run Quillstack 4.2.1 on two nodes.", (4, 2, 1)),
            ("orbitmail-sdk v2.3 in our Node service", (2, 3)),
            ("We're on the 2024.06 release.", (2024, 6)),
            ("Desktop app build 1187 crashes on start.", (1187,)),
            ("Agent version 10.4.0.17 is installed.", (10, 4, 0, 17)),
            ("Only happens on iOS 17.4.", (17, 4)),
            ("Self-hosted runner image ledger/runner:3.2.0", (3, 2, 0)),
        ],
    )
    def test_versions_are_found_and_parsed(self, text: str, parts: tuple[int, ...]) -> None:
        report = check(text)
        assert report.complete["version"]
        assert report.version is not None and report.version.parts == parts

    @pytest.mark.parametrize(
        "text",
        [
            "Requests from 10.20.1.11 are rejected.",
            "The job ran on 12.03.2025 and failed.",
            "It started at 13:05 and again at 14:10.",
            "The invoice shows 33.33 EUR instead of 33.34 EUR.",
            "The export file is 1.9 GB and takes 4.5 minutes.",
            "Quillstack keeps logging me out.",
            "We need to roll out 5.1.0 to all stores by Friday.",
            "Ticket INC-20250305 is still open.",
        ],
    )
    def test_look_alikes_are_not_versions(self, text: str) -> None:
        report = check(text)
        assert not report.complete["version"]
        assert report.version is None

    def test_version_in_a_pasted_log_line_is_not_a_stated_version(self) -> None:
        text = (
            "Log:\n2025-03-02 10:00:01 INFO starting engine 9.4.0\n2025-03-02 10:00:02 ERROR boom"
        )
        assert not present(text, "version")


class TestLogsField:
    @pytest.mark.parametrize(
        "text",
        [
            "Here is the log:\n2025-03-04 09:12:44,101 ERROR [worker-3] Job 88 failed\n"
            "2025-03-04 09:12:44,302 WARN  [worker-3] retrying",
            'Traceback (most recent call last):\n  File "sync.py", line 14, in <module>\n'
            "    main()\nValueError: bad header",
            "java.lang.NullPointerException: x\n    at com.quill.Sync.run(Sync.java:42)",
            "```\nMar 04 09:12:44 gw01 ledgerd[311]: connection lost\n```",
            "The support bundle is attached (bundle_gw01.tgz).",
        ],
    )
    def test_pasted_output_and_attached_bundles_count_as_logs(self, text: str) -> None:
        assert present(text, "logs")

    @pytest.mark.parametrize(
        "text",
        [
            'The page says "Upload failed: file too large" every time.',
            "We get a 502 Bad Gateway when saving.",
            "Should I attach the logs?",
            "I can't attach the log file, it is too big.",
        ],
    )
    def test_inline_errors_and_offers_are_not_logs(self, text: str) -> None:
        assert not present(text, "logs")

    def test_a_support_agent_asking_for_logs_in_a_quoted_reply_is_not_logs(self) -> None:
        text = (
            "Any update?\n\n"
            "-----Original Message-----\n"
            "From: Orbitmail Support <help@orbitmail.test>\n"
            "Sent: Monday, 3 March 2025 09:14\n"
            "Please attach the logs from the agent so we can investigate.\n"
            "2025-03-03 09:00:00 ERROR example line from our docs"
        )
        assert not present(text, "logs")

    @pytest.mark.parametrize(
        "attachment",
        [
            AttachmentInfo("agent.log", "application/octet-stream"),
            AttachmentInfo("session.har", "application/json"),
            AttachmentInfo("diagnostics.zip", "application/zip"),
            AttachmentInfo("dump", "text/plain"),
            AttachmentInfo("console-output.txt"),
        ],
    )
    def test_log_attachments_count_as_logs_with_the_filename(
        self, attachment: AttachmentInfo
    ) -> None:
        found = check("see attachment", attachment).finding("logs")
        assert found.present
        assert found.attachment == attachment.filename
        assert found.evidence == attachment.filename

    def test_a_screenshot_is_not_a_log(self) -> None:
        assert not check("see attachment", AttachmentInfo("screen.png", "image/png")).complete[
            "logs"
        ]

    def test_a_slack_file_share_arrives_as_an_attachment(self) -> None:
        message = CustomerMessage(
            text="here you go",
            channel="slack",
            attachments=(AttachmentInfo("worker.log", "text/plain", 2048),),
        )
        assert check_completeness([message]).finding("logs").attachment == "worker.log"


class TestFirstLineConfirmationField:
    @pytest.mark.parametrize(
        "text",
        [
            "We checked the firewall rules and port 8443 is open.",
            "I verified the API key is valid - GET /v1/me returns 200.",
            "Same result in Chrome and Firefox.",
            "Tried two different networks and a fresh browser profile, no change.",
            "We haven't changed anything in our SSO configuration.",
            "Our proxy settings are unchanged since January.",
            "We rotated the webhook secret and re-created the integration; still failing.",
            "She has been re-added to the Editors group already.",
            "I logged out and back in and cleared the cache.",
            "It's not a network thing: our other services reach the same host fine.",
        ],
    )
    def test_own_side_checks_count(self, text: str) -> None:
        assert present(text, "first_line_confirmation")

    @pytest.mark.parametrize(
        "text",
        [
            "I have not checked the firewall.",
            "I haven't checked the firewall yet.",
            "We didn't verify the certificate chain.",
            "We will check our proxy settings tomorrow.",
            "Have you checked your side?",
            "Could be something on our side, not sure.",
            "Please check the logs on your end.",
            "We found no signs of exploitation (we checked the access logs).",
        ],
    )
    def test_negated_planned_or_requested_checks_do_not_count(self, text: str) -> None:
        assert not present(text, "first_line_confirmation")


class TestErrorMessageField:
    @pytest.mark.parametrize(
        "text",
        [
            'It shows "Upload failed: file too large (E-4013)".',
            "The API returns 503 Service Unavailable.",
            "Login fails with `invalid_grant`.",
            "The console says 'Permission denied: project Finance'.",
            "The app closes with error 2201.",
            "We see java.io.IOException: Broken pipe in the worker.",
        ],
    )
    def test_exact_errors_and_codes_count(self, text: str) -> None:
        assert present(text, "error_message")

    @pytest.mark.parametrize(
        "text",
        [
            "It errors out sometimes.",
            "There is some kind of timeout.",
            'The status stays "Pending" forever.',
            'Dashboards show "No data" since the update.',
            'Click "Save draft" and then "Publish".',
        ],
    )
    def test_paraphrases_and_neutral_labels_do_not_count(self, text: str) -> None:
        assert not present(text, "error_message")


class TestImpactField:
    @pytest.mark.parametrize(
        "text",
        [
            "About 2,000 employees can't submit expenses.",
            "Roughly 30% of our checkouts fail.",
            "Nobody in the warehouse can print labels, shipping has stopped.",
            "Purely cosmetic, not blocking anything.",
            "Only one of our admins is affected; everyone else is fine.",
            "Production is fine, only the staging cluster is down.",
            "Our finance team has to re-enter every invoice by hand.",
            "Month-end close depends on this report.",
        ],
    )
    def test_scope_or_consequence_counts(self, text: str) -> None:
        assert present(text, "impact")

    @pytest.mark.parametrize(
        "text",
        [
            "How do I change the logo on invoices?",
            "We switched to the CSV export for now.",
            "This is embarrassing.",
            "Please send the RCA for last week's outage.",
            "We have 40 seats on the Business plan and want to add 5 more.",
        ],
    )
    def test_questions_workarounds_emotions_and_billing_do_not_count(self, text: str) -> None:
        assert not present(text, "impact")


class TestOccurredAtField:
    @pytest.mark.parametrize(
        "text",
        [
            "Since 9am the sync has stopped.",
            "It started yesterday evening.",
            "First noticed on 4 March.",
            "The outage began around 13:05 UTC.",
            "It has been failing for three days.",
            "After last night's upgrade the widget is blank.",
            "Noticed it about two hours ago.",
            "Since Monday exports are empty.",
        ],
    )
    def test_absolute_and_relative_times_count(self, text: str) -> None:
        assert present(text, "occurred_at")

    @pytest.mark.parametrize(
        "text",
        [
            "Our renewal is due on 1 April.",
            "We need a fix before next week.",
            "The report is slow lately.",
            "Since the latest update the sidebar is gone.",
            "Log:\n2025-03-04 09:12:44 ERROR worker crashed",
            "Our March invoice shows the wrong amount.",
        ],
    )
    def test_future_dates_vague_anchors_and_log_timestamps_do_not_count(self, text: str) -> None:
        assert not present(text, "occurred_at")


class TestEvidence:
    def test_offsets_point_at_the_evidence_in_the_message_text(self) -> None:
        text = (
            "Hi,\n\nSince Tuesday morning Ledgerline 3.4.2 rejects every payout with "
            '"ERR 7710: bank profile missing". We checked our bank profile, it is complete.'
        )
        report = check(text)
        assert "3.4.2" in evidence_text(report, "version", text)
        assert "ERR 7710" in evidence_text(report, "error_message", text)
        assert "Tuesday" in evidence_text(report, "occurred_at", text)
        assert "checked" in evidence_text(report, "first_line_confirmation", text)
        for field in ("version", "error_message", "occurred_at"):
            found = report.finding(field)
            assert found.evidence == text[found.start : found.end].strip()
            assert found.message_index == 0

    def test_evidence_comes_from_the_message_that_supplied_it(self) -> None:
        messages = [
            CustomerMessage(text="Exports are empty since this morning."),
            CustomerMessage(text="We are on Quillstack 5.0.3."),
        ]
        report = check_completeness(messages)
        assert report.finding("version").message_index == 1
        assert report.finding("occurred_at").message_index == 0

    def test_absent_fields_have_no_evidence(self) -> None:
        found = check("hello").finding("logs")
        assert found == FieldFinding(field="logs", present=False, confidence=found.confidence)
        assert 0.0 < found.confidence <= 1.0


class TestReport:
    def test_every_contract_field_is_reported_in_order(self) -> None:
        report = check("hello")
        assert tuple(found.field for found in report.findings) == COMPLETENESS_FIELDS
        assert list(report.complete) == list(COMPLETENESS_FIELDS)

    def test_missing_lists_only_absent_required_fields_in_the_given_order(self) -> None:
        report = check("We run Quillstack 4.2.1. Since 9am nothing syncs.")
        assert report.missing(DEFAULT_REQUIRED_FIELDS) == [
            "repro_steps",
            "logs",
            "first_line_confirmation",
        ]
        assert report.missing(["occurred_at", "version"]) == []

    def test_missing_rejects_unknown_field_names(self) -> None:
        with pytest.raises(ValueError, match="severity"):
            check("hello").missing(["severity"])

    def test_to_dict_is_json_serialisable_and_round_trips(self) -> None:
        report = check(
            "Quillstack 4.2.1 fails since 9am.", AttachmentInfo("sync.log", "text/plain")
        )
        data = json.loads(json.dumps(report.to_dict()))
        assert data["complete"]["logs"] is True
        assert data["fields"]["logs"]["attachment"] == "sync.log"
        assert data["version"] == {"raw": "4.2.1", "parts": [4, 2, 1]}
        assert CompletenessReport.from_dict(data) == report

    def test_the_parsed_version_is_the_one_cited_as_evidence(self) -> None:
        report = check_completeness(
            [
                CustomerMessage(text="Our relays run Postfix 3.6."),
                CustomerMessage(text="Quillstack version 4.2.1 is installed."),
            ]
        )
        assert report.finding("version").message_index == 1
        assert report.version is not None and report.version.parts == (4, 2, 1)

    def test_stored_reports_from_older_data_read_missing_fields_as_absent(self) -> None:
        data = check("Quillstack 4.2.1").to_dict()
        del data["fields"]["occurred_at"]
        restored = CompletenessReport.from_dict(data)
        assert restored.complete["version"] and not restored.complete["occurred_at"]

    def test_empty_conversation_has_nothing(self) -> None:
        report = check_completeness([])
        assert not any(report.complete.values())
        assert report.version is None


class TestWholeMessages:
    """Realistic messages: exactly these fields are present, no more, no fewer."""

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            (
                "Hey, the calendar sync in Tempomark stopped working for our whole sales team "
                "since Friday. They keep double-booking customer demos. We re-authorised the "
                "Google connection and it's still broken. Tempomark desktop 3.8.2.",
                {"impact", "occurred_at", "first_line_confirmation", "version"},
            ),
            ("How can I add a second admin to our account?", set()),
            ("Our March invoice has a charge for 14 seats but we only have 12 users.", set()),
            (
                'Uploads over 20 MB fail with "413 Request Entity Too Large". To reproduce: '
                "open any project, drag a 25 MB PDF into Files. Clients send big scans daily, "
                "so this blocks intake.",
                {"error_message", "repro_steps", "impact"},
            ),
            (
                "We haven't had time to look at our firewall yet, but the agent can't reach your "
                "ingest endpoint since 02:00 UTC.",
                {"occurred_at"},
            ),
            (
                "Hi team, since yesterday 16:00 CET our POS terminals in 3 stores can not sync "
                "orders. Cashiers write the orders on paper. POS app 5.0.1, Android 12. We "
                "restarted the terminals and the router, same problem.",
                {"occurred_at", "impact", "version", "first_line_confirmation"},
            ),
            (
                'Our nightly backup job failed with "snapshot quota exceeded" last night. '
                "Backup log attached.",
                {"error_message", "occurred_at", "logs"},
            ),
            ("We are evaluating your product for 300 users. Do you support SAML?", set()),
            (
                "The agent keeps restarting:\n```\n[2025-04-03 11:02:10] agent: panic: runtime "
                "error: index out of range\ngoroutine 1 [running]:\nmain.loop()\n```\n"
                "agent 1.12.4 on Debian 12",
                {"logs", "error_message", "version"},
            ),
            (
                "We didn't change anything but since the 3.1 release the CSV import drops the "
                "last column. Importing any file with more than 20 columns shows it.",
                {"first_line_confirmation", "version", "repro_steps"},
            ),
            ("Thanks, that worked!", set()),
            ("Is there a limit on how many webhooks we can register?", set()),
            (
                "Our payroll run for 2,400 staff is due Thursday and the 'Approve' button just "
                "spins. Tried Safari and Chrome. Payroll app 11.2.",
                {"impact", "first_line_confirmation", "version"},
            ),
            (
                "The mobile app shows 'Session expired' right after login on Android 14. "
                "Happens for all our field engineers (about 85 people) since the update on "
                "Monday 3 March.",
                {"error_message", "version", "impact", "occurred_at"},
            ),
            ("Please could you reset the 2FA for user k.ito? She lost her phone.", set()),
            (
                "The API started returning 429 Too Many Requests at 10:42 UTC even though we "
                "send ~5 req/s. Our order sync is falling behind.",
                {"error_message", "occurred_at", "impact"},
            ),
            ("We have not yet verified whether our proxy strips the header.", set()),
            ("hey, reports page is blank for me, colleagues see it fine", {"impact"}),
            ("Attached is a screenshot of the error.", set()),
            ("The HAR file from the failing session is attached.", {"logs"}),
            ("We will roll out agent 5.0 next week, any known issues?", set()),
        ],
    )
    def test_exactly_the_supplied_fields_are_present(self, text: str, expected: set[str]) -> None:
        report = check(text)
        assert {field for field, is_present in report.complete.items() if is_present} == expected


class TestRobustness:
    @settings(max_examples=60, deadline=None)
    @given(
        st.text(
            alphabet=st.sampled_from(list("abc XYZ019.:-/>`\"'\n\t→()[]{}=~%#@_")), max_size=300
        )
    )
    def test_any_text_gives_a_report_with_offsets_inside_the_message(self, text: str) -> None:
        report = check(text)
        for found in report.findings:
            if found.start is not None and found.end is not None:
                assert 0 <= found.start <= found.end <= len(text)
                assert found.evidence == text[found.start : found.end].strip()[:300]

    def test_a_long_pasted_log_is_handled(self) -> None:
        lines = [f"2025-03-04 09:{i % 60:02d}:00 INFO worker {i} heartbeat ok" for i in range(3000)]
        text = "Agent log:\n" + "\n".join(lines) + "\nERROR: worker 7 crashed"
        report = check(text)
        assert report.complete["logs"] and not report.complete["occurred_at"]


class TestQuotedHistory:
    def test_text_after_an_outlook_reply_header_does_not_count(self) -> None:
        text = (
            "Still failing.\n\n"
            "From: Quillstack Support <help@quillstack.test>\n"
            "Sent: Monday, 3 March 2025 09:14\n"
            "To: Ana\n"
            "Subject: RE: sync\n\n"
            "We are on 4.2.1 internally, which version do you run?"
        )
        assert not present(text, "version")

    def test_a_forwarded_colleague_report_still_counts(self) -> None:
        text = (
            "See below from our ops team.\n\n"
            "---------- Forwarded message ---------\n"
            "From: Ops <ops@customer.test>\n"
            "Date: Tue, 4 Mar 2025 at 08:30\n"
            "Subject: logins\n\n"
            "Quillstack 4.2.1 rejects every login since 08:00 UTC."
        )
        report = check(text)
        assert report.complete["version"] and report.complete["occurred_at"]
