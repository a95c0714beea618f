"""parse_email: the sender, requester, subject, new text and attachments intake relies on."""

from __future__ import annotations

import base64

import pytest

from bot.email_parser import parse_email
from tests.bot.email_builders import STAFF, built_mail, raw_mail

# --- bodies and charsets ---------------------------------------------------------------------


def test_html_only_mail_becomes_readable_text_and_keeps_the_html() -> None:
    html = (
        "<html><head><style>p {color: red}</style></head><body>"
        "<p>The nightly <b>export</b> fails&nbsp;with E42.</p><ul><li>since Monday</li></ul>"
        "</body></html>"
    )
    parsed = parse_email(built_mail(html=html))
    assert "The nightly export fails with E42." in parsed.body
    assert "- since Monday" in parsed.body
    assert "<" not in parsed.body and "color" not in parsed.body
    assert parsed.html is not None and "<b>export</b>" in parsed.html


def test_quoted_printable_utf8_body_is_decoded() -> None:
    body = "Gr=C3=BC=C3=9Fe, der Export schl=C3=A4gt fehl =\nseit gestern."
    parsed = parse_email(
        raw_mail(body, extra_headers="Content-Transfer-Encoding: quoted-printable")
    )
    assert parsed.body == "Grüße, der Export schlägt fehl seit gestern."


@pytest.mark.parametrize(
    ("charset", "text"),
    [
        ("iso-8859-8-i", "שלום, המערכת לא עובדת"),  # Python has no -i variant
        ("gb2312", "系统无法登录，镕"),  # 镕 exists only in GBK, sent under the gb2312 label
        ("ks_c_5601-1987", "로그인이 안 됩니다"),
        ("iso-8859-1", "Café “quoted” €"),  # Windows-1252 quotes under a latin-1 label
    ],
)
def test_mislabelled_and_exotic_charsets_decode_to_the_intended_text(
    charset: str, text: str
) -> None:
    python_codec = {
        "iso-8859-8-i": "iso-8859-8",
        "gb2312": "gbk",
        "ks_c_5601-1987": "cp949",
        "iso-8859-1": "cp1252",
    }[charset]
    parsed = parse_email(
        raw_mail(text.encode(python_codec), content_type=f"text/plain; charset={charset}")
    )
    assert parsed.body == text


def test_unknown_charset_falls_back_and_is_reported() -> None:
    parsed = parse_email(
        raw_mail("naïve café".encode("latin-1"), content_type="text/plain; charset=x-klingon")
    )
    assert parsed.body == "naïve café"
    assert any("x-klingon" in problem for problem in parsed.problems)


def test_raw_8bit_subject_and_name_are_decoded() -> None:
    raw = raw_mail("x", sender="Jöhn Döe <jdoe@customer.test>", subject="Säying Hello")
    latin1 = raw.replace("Säying".encode(), "Säying".encode("latin-1"))
    assert parse_email(raw).subject == "Säying Hello"  # RFC 6532 UTF-8 headers
    assert parse_email(raw).from_name == "Jöhn Döe"
    assert parse_email(latin1).subject == "Säying Hello"


def test_adjacent_encoded_words_join_without_the_space_between_them() -> None:
    # The multibyte "ü" is split across the two words, as some clients do.
    subject = "=?utf-8?q?Gr=C3?= =?utf-8?q?=BC=C3=9Fe?= aus =?iso-8859-1?q?K=F6ln?="
    assert parse_email(raw_mail("x", subject=subject)).subject == "Grüße aus Köln"


# --- addresses --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("header", "address", "name"),
    [
        ("alice@example.org <bob@customer.test>", "bob@customer.test", "alice@example.org"),
        ("bob@customer.test (Bob Smith)", "bob@customer.test", "Bob Smith"),
        ("Big Bug bb@Customer.TEST", "bb@customer.test", "Big Bug"),
        (
            "=?iso-8859-1?Q?B=FCrling,=20Andreas?= <smith@customer.test>",
            "smith@customer.test",
            "Bürling, Andreas",
        ),  # noqa: E501
        ('"Doe, John" <J.Doe@Customer.test>', "j.doe@customer.test", "Doe, John"),
    ],
)
def test_sender_address_survives_the_forms_clients_really_write(
    header: str, address: str, name: str
) -> None:
    parsed = parse_email(raw_mail("x", sender=header))
    assert (parsed.from_address, parsed.from_name) == (address, name)
    assert parsed.requester_address == address


def test_encoded_word_inside_the_address_is_not_decoded_into_another_address() -> None:
    parsed = parse_email(raw_mail("x", sender="=?utf-8?q?ceo=40customer.test?=@evil.test"))
    assert parsed.from_address.endswith("@evil.test")
    assert parsed.from_address != "ceo@customer.test"


# --- forwards ---------------------------------------------------------------------------------

_CUSTOMER_TEXT = "Our nightly export fails with error E42 since Monday."


def _forwarded(marker_block: str, *, subject: str, comment: str = "Can you look at this?") -> bytes:
    body = f"{comment}\n\n{marker_block}\n\n{_CUSTOMER_TEXT}\n\nRegards,\nCarl\n"
    return raw_mail(body, sender="Sam Staff <sam@example.com>", subject=subject)


_FORWARD_STYLES = {
    "gmail": (
        "---------- Forwarded message ---------\n"
        "From: Carl Customer <carl@customer.test>\n"
        "Date: Mon, 3 Mar 2025 at 10:00\nSubject: Export broken\nTo: <sam@example.com>",
        "Fwd: Export broken",
    ),
    "outlook": (
        "-----Original Message-----\n"
        "From: Carl Customer [mailto:carl@customer.test]\n"
        "Sent: Monday, March 3, 2025 10:00 AM\nTo: Sam Staff\nSubject: Export broken",
        "FW: Export broken",
    ),
    "outlook_french": (
        "________________________________\n"
        "De : Carl Customer <carl@customer.test>\n"
        "Envoyé : lundi 3 mars 2025 10:00\nÀ : Sam Staff <sam@example.com>\n"
        "Objet : Export broken",
        "TR: Export broken",
    ),
    "outlook_german": (
        "________________________________\n"
        "Von: Carl Customer <carl@customer.test>\n"
        "Gesendet: Montag, 3. März 2025 10:00\nAn: Sam Staff <sam@example.com>\n"
        "Betreff: Export broken",
        "WG: Export broken",
    ),
    "apple": (
        "Begin forwarded message:\n\n"
        "From: Carl Customer <carl@customer.test>\nSubject: Export broken\n"
        "Date: 3 March 2025 at 10:00:00 CET\nTo: sam@example.com",
        "Fwd: Export broken",
    ),
    "thunderbird": (
        "-------- Forwarded Message --------\n"
        "Subject: \tExport broken\nDate: \tMon, 3 Mar 2025 10:00:00 +0100\n"
        "From: \tCarl Customer <carl@customer.test>\nTo: \tsam@example.com",
        "Fwd: Export broken",
    ),
    "gmail_german": (
        "---------- Weitergeleitete Nachricht ---------\n"
        "Von: Carl Customer <carl@customer.test>\n"
        "Date: Mo., 3. März 2025 um 10:00 Uhr\nSubject: Export broken\nTo: <sam@example.com>",
        "Fwd: Export broken",
    ),
    "thunderbird_french": (
        "-------- Message transféré --------\n"
        "Sujet : Export broken\nDate : Mon, 3 Mar 2025 10:00:00 +0100\n"
        "De : Carl Customer <carl@customer.test>\nPour : sam@example.com",
        "Fwd: Export broken",
    ),
}


@pytest.mark.parametrize("style", sorted(_FORWARD_STYLES))
def test_staff_forward_opens_the_ticket_for_the_original_sender(style: str) -> None:
    block, subject = _FORWARD_STYLES[style]
    parsed = parse_email(_forwarded(block, subject=subject), **STAFF)
    assert parsed.from_address == "sam@example.com"
    assert parsed.requester_address == "carl@customer.test"
    assert parsed.requester_name == "Carl Customer"
    assert parsed.forwarded_by == "sam@example.com"
    assert parsed.subject == "Export broken"
    assert _CUSTOMER_TEXT in parsed.body
    assert "Can you look at this?" not in parsed.body
    assert parsed.forwarded is not None
    assert parsed.forwarded.comment == "Can you look at this?"


def test_forward_of_a_forward_names_the_innermost_original_sender() -> None:
    inner = (
        "---------- Forwarded message ---------\n"
        "From: Carl Customer <carl@customer.test>\nDate: Mon, 3 Mar 2025\n"
        "Subject: Export broken\nTo: <amy@example.com>"
    )
    outer = (
        "---------- Forwarded message ---------\n"
        "From: Amy Account <amy@example.com>\nDate: Tue, 4 Mar 2025\n"
        f"Subject: Fwd: Export broken\nTo: <sam@example.com>\n\nFYI\n\n{inner}"
    )
    parsed = parse_email(_forwarded(outer, subject="Fwd: Fwd: Export broken"), **STAFF)
    assert parsed.requester_address == "carl@customer.test"
    assert parsed.subject == "Export broken"
    assert _CUSTOMER_TEXT in parsed.body


def test_base64_encoded_rfc822_attachment_is_unwrapped_as_the_forwarded_original() -> None:
    original = raw_mail(_CUSTOMER_TEXT, sender="Carl <carl@customer.test>", subject="Broken")
    encoded = base64.encodebytes(original).decode()
    raw = (
        "From: Sam Staff <sam@example.com>\r\nTo: support@example.com\r\n"
        "Subject: Fwd: Broken\r\nMessage-ID: <fw@example.com>\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b"\r\n\r\n'
        "--b\r\nContent-Type: text/plain\r\n\r\nSee attached.\r\n"
        '--b\r\nContent-Type: message/rfc822; name="orig.eml"\r\n'
        "Content-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="orig.eml"\r\n\r\n'
        f"{encoded}\r\n--b--\r\n"
    ).encode()
    parsed = parse_email(raw, **STAFF)
    assert parsed.requester_address == "carl@customer.test"
    assert parsed.subject == "Broken"
    assert parsed.body == _CUSTOMER_TEXT
    assert parsed.forwarded is not None and parsed.forwarded.source == "attachment"
    assert [a.filename for a in parsed.attachments] == ["orig.eml"]
    assert parsed.attachments[0].payload.startswith(b"From: Carl")


def test_customer_forwarding_something_stays_the_requester_with_note_and_content() -> None:
    block, subject = _FORWARD_STYLES["gmail"]
    raw = raw_mail(
        f"Our monitoring sent this:\n\n{block}\n\n{_CUSTOMER_TEXT}",
        sender="Dana <dana@customer.test>",
        subject=subject,
    )
    parsed = parse_email(raw, **STAFF)
    assert parsed.requester_address == "dana@customer.test"
    assert parsed.subject == "Fwd: Export broken"
    assert "Our monitoring sent this:" in parsed.body and _CUSTOMER_TEXT in parsed.body
    assert parsed.forwarded is not None and parsed.forwarded.from_address == "carl@customer.test"


def test_without_staff_lists_a_clear_forward_still_names_the_original_requester() -> None:
    block, subject = _FORWARD_STYLES["gmail"]
    parsed = parse_email(_forwarded(block, subject=subject))
    assert parsed.requester_address == "carl@customer.test"
    assert parsed.subject == "Fwd: Export broken"  # the ticket subject changes only for staff


def test_quoted_outlook_reply_is_history_not_a_forward() -> None:
    body = (
        "Thanks, that fixed it.\n\n"
        "From: Sam Staff <sam@example.com>\nSent: Monday, March 3, 2025 10:00 AM\n"
        "To: Carl Customer\nSubject: RE: Export broken\n\nPlease restart the worker.\n"
    )
    parsed = parse_email(raw_mail(body, subject="RE: Export broken"), **STAFF)
    assert parsed.forwarded is None
    assert parsed.requester_address == "ann@customer.test"
    assert parsed.body == "Thanks, that fixed it."
    assert "Please restart the worker." in parsed.full_text


_RETITLED = (
    "Please take this one.\n\n-----Original Message-----\n"
    "From: Carl Customer <carl@customer.test>\nSent: Monday, March 3, 2025 10:00 AM\n"
    "To: Sam Staff\nSubject: Export broken\n\n" + _CUSTOMER_TEXT + "\n"
)


def test_staff_forward_retitled_without_fw_prefix_is_still_a_forward() -> None:
    raw = raw_mail(_RETITLED, sender="Sam Staff <sam@example.com>", subject="Customer escalation")
    parsed = parse_email(raw, **STAFF)
    assert parsed.requester_address == "carl@customer.test"
    assert parsed.body == _CUSTOMER_TEXT


def test_customer_mail_retitled_over_a_quoted_message_is_a_reply_not_a_forward() -> None:
    parsed = parse_email(raw_mail(_RETITLED, subject="Customer escalation"), **STAFF)
    assert parsed.forwarded is None
    assert parsed.requester_address == "ann@customer.test"
    assert parsed.body == "Please take this one."


# --- replies ----------------------------------------------------------------------------------


def test_reply_body_is_only_the_new_text_without_quote_and_signature() -> None:
    body = (
        "It happened again at 02:00.\n\nAnn\n-- \nAnn Customer | Ops lead | +1 555 0100\n\n"
        "On Mon, 3 Mar 2025 at 10:00, Support <support@example.com> wrote:\n"
        "> Does it still happen?\n> \n> Support\n"
    )
    parsed = parse_email(raw_mail(body, subject="Re: Export fails [#123]"))
    assert parsed.body == "It happened again at 02:00.\n\nAnn"
    assert "Does it still happen?" in parsed.full_text
    assert parsed.ticket_tag == 123


def test_mobile_signature_line_is_dropped() -> None:
    body = "Still broken.\n\nSent from my iPhone\n"
    assert parse_email(raw_mail(body)).body == "Still broken."


def test_threading_headers_are_bare_ids_and_duplicates_share_a_dedupe_key() -> None:
    raw = raw_mail(
        "x",
        message_id="<abc@\r\n customer.test>",
        extra_headers="In-Reply-To: <t1@example.com>\nReferences: <t0@example.com>\n"
        " <t1@example.com> <t0@example.com>",
    )
    parsed = parse_email(raw)
    assert parsed.message_id == "abc@customer.test"
    assert parsed.in_reply_to == "t1@example.com"
    assert parsed.references == ("t0@example.com", "t1@example.com")
    assert parsed.dedupe_key == "abc@customer.test"
    assert parse_email(raw).dedupe_key == parsed.dedupe_key


def test_without_message_id_the_dedupe_key_is_the_hash_of_the_raw_bytes() -> None:
    raw = raw_mail("x", message_id=None)
    parsed = parse_email(raw)
    assert parsed.message_id is None
    assert parsed.dedupe_key.startswith("sha256:") and len(parsed.dedupe_key) == 7 + 64
    assert parse_email(raw + b"y").dedupe_key != parsed.dedupe_key


# --- automatic mail ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        "Auto-Submitted: auto-replied",
        "Auto-Submitted: auto-generated; owner-email=x@y",
        "Precedence: bulk",
        "Precedence: junk",
        "List-Id: <ops.lists.customer.test>",
        "List-Unsubscribe: <mailto:leave@customer.test>",
        "X-Auto-Response-Suppress: OOF",
        "X-Autoreply: yes",
    ],
)
def test_machine_written_mail_is_flagged_auto_reply(header: str) -> None:
    parsed = parse_email(raw_mail("I am out of office.", extra_headers=header))
    assert parsed.is_auto_reply
    assert parsed.auto_reply_reason


def test_auto_submitted_no_is_a_person() -> None:
    assert not parse_email(raw_mail("x", extra_headers="Auto-Submitted: no")).is_auto_reply
    assert not parse_email(raw_mail("x")).is_auto_reply


def test_bounce_is_automatic_and_never_mistaken_for_a_forward() -> None:
    raw = (
        b"From: Mail Delivery System <MAILER-DAEMON@mx.customer.test>\r\n"
        b"To: support@example.com\r\nSubject: Undelivered Mail Returned to Sender\r\n"
        b"MIME-Version: 1.0\r\n"
        b'Content-Type: multipart/report; report-type=delivery-status; boundary="r"\r\n\r\n'
        b"--r\r\nContent-Type: text/plain\r\n\r\nThe mail could not be delivered.\r\n"
        b"--r\r\nContent-Type: message/delivery-status\r\n\r\n"
        b"Reporting-MTA: dns; mx.customer.test\r\n\r\n"
        b"Final-Recipient: rfc822; gone@customer.test\r\nAction: failed\r\nStatus: 5.1.1\r\n"
        b"--r\r\nContent-Type: message/rfc822\r\n\r\n"
        b"From: support@example.com\r\nTo: gone@customer.test\r\nSubject: Re: ticket\r\n\r\n"
        b"Hello\r\n--r--\r\n"
    )
    parsed = parse_email(raw, **STAFF)
    assert parsed.is_auto_reply
    assert "multipart/report" in (parsed.auto_reply_reason or "")
    assert parsed.forwarded is None
    assert parsed.requester_address == "mailer-daemon@mx.customer.test"
    assert {a.content_type for a in parsed.attachments} == {
        "message/delivery-status",
        "message/rfc822",
    }


def test_mailer_daemon_sender_alone_marks_a_bounce() -> None:
    parsed = parse_email(raw_mail("Delivery failed", sender="MAILER-DAEMON@mx.customer.test"))
    assert parsed.is_auto_reply


# --- attachments ------------------------------------------------------------------------------


def test_attachment_names_cannot_escape_the_folder_and_stay_unique() -> None:
    raw = built_mail(
        "logs attached",
        attachments=(
            ("1234/../../1234.txt", "text/plain", b"a"),
            ("../../etc/passwd", "application/octet-stream", b"b"),
            ("ATT00001.txt", "text/plain", b"c"),
            ("ATT00001.txt", "text/plain", b"d"),
            ("evil\u202etxt.exe", "application/octet-stream", b"e"),
        ),
    )
    names = [a.filename for a in parse_email(raw).attachments]
    assert names == [
        "1234_.._.._1234.txt",
        "_.._etc_passwd",
        "ATT00001.txt",
        "ATT00001 (2).txt",
        "eviltxt.exe",
    ]
    assert all("/" not in n and "\\" not in n and not n.startswith(".") for n in names)


def test_attachment_keeps_content_type_size_and_payload() -> None:
    payload = bytes(range(256)) * 10
    parsed = parse_email(built_mail("see log", attachments=(("app.log", "text/x-log", payload),)))
    (attachment,) = parsed.attachments
    assert (attachment.filename, attachment.content_type, attachment.size) == (
        "app.log",
        "text/x-log",
        len(payload),
    )
    assert attachment.payload == payload
    assert parsed.body == "see log"


def test_a_30_mb_attachment_is_parsed_whole() -> None:
    payload = b"\x00\x01\x02log line\n" * (30 * 1024 * 1024 // 12)
    parsed = parse_email(
        built_mail("huge log", attachments=(("big.bin", "application/zip", payload),))
    )
    assert parsed.body == "huge log"
    assert parsed.attachments[0].size == len(payload)


# --- bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", [b"", b"\r\n\r\n", b"   "])
def test_empty_input_gives_an_empty_result_with_a_problem(raw: bytes) -> None:
    parsed = parse_email(raw)
    assert parsed.body == "" and parsed.from_address == ""
    assert parsed.problems


def test_headers_with_an_empty_body_parse() -> None:
    parsed = parse_email(raw_mail(b""))
    assert parsed.from_address == "ann@customer.test" and parsed.body == ""


def test_junk_line_above_the_headers_does_not_hide_them() -> None:
    raw = b"---- Original email message ----\r\n" + raw_mail("hello")
    parsed = parse_email(raw)
    assert parsed.from_address == "ann@customer.test"
    assert parsed.subject == "Export fails"
    assert any("header block repaired" in p for p in parsed.problems)


def test_blank_lines_above_the_headers_do_not_hide_them() -> None:
    parsed = parse_email(b"\r\n\r\n" + raw_mail("hello"))
    assert parsed.from_address == "ann@customer.test" and parsed.body == "hello"


def test_a_long_pasted_log_is_kept_whole_in_the_body() -> None:
    log = "\n".join(
        f"2025-03-04 02:00:{i % 60:02d} ERROR export step {i} failed" for i in range(9000)
    )
    parsed = parse_email(raw_mail(f"Log below.\n\n{log}\n"))
    assert parsed.body.endswith("export step 8999 failed")


def test_missing_closing_boundary_still_yields_the_text() -> None:
    raw = raw_mail(
        "--b\nContent-Type: text/plain\n\nStill readable.\n",
        content_type='multipart/mixed; boundary="b"',
    )
    assert parse_email(raw).body == "Still readable."


@pytest.mark.parametrize(("depth", "problem"), [(400, "nesting deeper"), (3000, "unreadable")])
def test_hostile_nesting_is_cut_off_without_crashing(depth: int, problem: str) -> None:
    head = "".join(
        f'Content-Type: multipart/mixed; boundary="b{i}"\r\n\r\n--b{i}\r\n' for i in range(depth)
    )
    headers_only = raw_mail(b"").split(b"Content-Type")[0]
    raw = headers_only + (head + "Content-Type: text/plain\r\n\r\ndeep\r\n").encode()
    parsed = parse_email(raw)
    assert parsed.from_address == "ann@customer.test"
    assert any(problem in p for p in parsed.problems)


def test_placeholder_plain_part_gives_way_to_the_html() -> None:
    raw = built_mail(
        "This is an HTML message. Please use an HTML capable mail program to read it.",
        html="<p>The export to S3 fails with AccessDenied since the key rotation.</p>",
    )
    assert (
        parse_email(raw).body == "The export to S3 fails with AccessDenied since the key rotation."
    )


def test_json_object_has_exactly_the_cli_contract_keys() -> None:
    block, subject = _FORWARD_STYLES["gmail"]
    data = parse_email(_forwarded(block, subject=subject)).to_json_dict(file="a.eml")
    assert set(data) == {
        "file", "from", "from_name", "requester", "subject", "body", "full_text",
        "attachments", "forwarded", "message_id", "in_reply_to", "references",
        "auto_reply", "problems",
    }  # fmt: skip
    assert data["forwarded"] == {
        "from": "carl@customer.test",
        "subject": "Export broken",
        "date": "Mon, 3 Mar 2025 at 10:00",
    }
