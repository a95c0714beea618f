"""Property tests: whatever bytes arrive, parsing answers and its output is storable.

The SMTP server answers 250 only after storing the raw message; the worker then parses it.
A parser exception there would strand a message, so random bytes, random header soup and
random MIME trees (wrong charsets, broken base64, missing boundaries, deep nesting) must all
give a ParsedEmail whose text can be written to a database and a JSON line.
"""

from __future__ import annotations

import json
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.attachment_names import sanitize_filename
from bot.email_parser import ParsedEmail, parse_email
from bot.forward_parser import unwrap_forward
from bot.reply_trimmer import trim_reply

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def assert_storable(parsed: ParsedEmail) -> None:
    """Every text field encodes as strict UTF-8 without NUL, and the JSON line round-trips."""
    texts = [
        parsed.from_address,
        parsed.from_name,
        parsed.requester_address,
        parsed.requester_name,
        parsed.subject,
        parsed.body,
        parsed.full_text,
        parsed.dedupe_key,
        *parsed.problems,
        *parsed.references,
        *(a.filename for a in parsed.attachments),
    ]
    for text in texts:
        text.encode("utf-8")
        assert "\x00" not in text
    assert parsed.dedupe_key
    for attachment in parsed.attachments:
        assert attachment.filename and not attachment.filename.startswith(".")
        assert "/" not in attachment.filename and "\\" not in attachment.filename
        assert attachment.size == len(attachment.payload)
    line = json.dumps(parsed.to_json_dict(file="x.eml"), ensure_ascii=False)
    assert json.loads(line)["from"] == parsed.from_address


@FUZZ
@given(st.binary(max_size=4000))
def test_random_bytes_never_raise(raw: bytes) -> None:
    assert_storable(parse_email(raw, staff_domains=("example.com",)))


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Subject", "Message-ID", "In-Reply-To", "References", "Date",
     "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted", "Reply-To", "X-Junk"]
)  # fmt: skip
_HEADER_VALUES = st.one_of(
    st.text(max_size=80),
    st.binary(max_size=80).map(lambda b: b.decode("latin-1")),
    st.sampled_from(
        [
            "=?utf-8?q?=C3=A9t=C3=A9?=",
            "=?x-unknown?b?////?=",
            "=?gb2312?B?ztLS?= =?gb2312?B?sbs=?=",
            '"Doe, J" <j@x.test>, <>, (c) a@b',
            "multipart/mixed; boundary=",
            "text/plain; charset=iso-2022-jp",
            "<a@b> <c@d",
            "alice@x.test <bob@y.test>",
        ]
    ),
)


@FUZZ
@given(st.lists(st.tuples(_HEADER_NAMES, _HEADER_VALUES), max_size=12), st.binary(max_size=500))
def test_random_header_soup_never_raises(headers: list[tuple[str, str]], body: bytes) -> None:
    head = "".join(f"{name}: {value}\r\n" for name, value in headers)
    raw = head.encode("utf-8", "surrogateescape") + b"\r\n" + body
    assert_storable(parse_email(raw))


_LEAF_TYPES = st.sampled_from(
    ["text/plain", "text/html", "application/pdf", "image/png", "message/rfc822",
     "message/delivery-status", "text/calendar", "application/octet-stream"]
)  # fmt: skip
_CHARSETS = st.sampled_from(["utf-8", "iso-8859-1", "x-bogus", "iso-2022-jp", "gb2312", ""])
_ENCODINGS = st.sampled_from(["", "base64", "quoted-printable", "8bit", "x-uuencode", "bogus"])
_FILENAMES = st.one_of(
    st.none(), st.text(max_size=30), st.sampled_from(["../../etc/passwd", "a\x00b.txt", ".."])
)


@st.composite
def mime_leaf(draw: st.DrawFn) -> bytes:
    ctype = draw(_LEAF_TYPES)
    charset = draw(_CHARSETS)
    params = f"; charset={charset}" if charset and ctype.startswith("text/") else ""
    lines = [f"Content-Type: {ctype}{params}"]
    encoding = draw(_ENCODINGS)
    if encoding:
        lines.append(f"Content-Transfer-Encoding: {encoding}")
    filename = draw(_FILENAMES)
    if filename is not None:
        disposition = draw(st.sampled_from(["attachment", "inline", "bogus"]))
        lines.append(f'Content-Disposition: {disposition}; filename="{filename}"')
    payload = draw(st.binary(max_size=300))
    return "\r\n".join(lines).encode("utf-8", "surrogateescape") + b"\r\n\r\n" + payload


def mime_node(children: st.SearchStrategy[bytes]) -> st.SearchStrategy[bytes]:
    @st.composite
    def multipart(draw: st.DrawFn) -> bytes:
        subtype = draw(st.sampled_from(["mixed", "alternative", "related", "report", "signed"]))
        boundary = draw(st.sampled_from(["b1", "b2", "x", ""]))
        parts = draw(st.lists(children, max_size=4))
        closing = draw(st.booleans())
        body = b"".join(b"--" + boundary.encode() + b"\r\n" + part + b"\r\n" for part in parts)
        if closing:
            body += b"--" + boundary.encode() + b"--\r\n"
        head = f'Content-Type: multipart/{subtype}; boundary="{boundary}"\r\n\r\n'
        return head.encode() + body

    return multipart()


_MIME_TREES = st.recursive(mime_leaf(), mime_node, max_leaves=12)


@FUZZ
@given(_MIME_TREES, st.sampled_from(["Fwd: x", "Re: y [#12]", "z", ""]))
def test_random_mime_trees_never_raise(tree: bytes, subject: str) -> None:
    raw = (
        b"From: Sam <sam@example.com>\r\nTo: support@example.com\r\n"
        + f"Subject: {subject}\r\nMIME-Version: 1.0\r\n".encode()
        + tree
    )
    assert_storable(parse_email(raw, staff_domains=("example.com",)))


_LINE = st.one_of(
    st.text(max_size=60),
    st.sampled_from(
        [
            "> quoted",
            ">",
            "-- ",
            "On Mon, 3 Mar 2025, Ann <a@b.test> wrote:",
            "-----Original Message-----",
            "---------- Forwarded message ---------",
            "From: Carl <carl@c.test>",
            "Sent: Monday",
            "To: x",
            "Subject: y",
            "Sent from my iPhone",
            "________________________________",
            "",
        ]
    ),
)


@FUZZ
@given(st.lists(_LINE, max_size=40), st.sampled_from([None, "Fwd: a", "Re: a", "a"]))
def test_reply_trimming_only_ever_returns_lines_of_the_input(
    lines: list[str], subject: str | None
) -> None:
    text = "\n".join(lines)
    trimmed = trim_reply(text)
    source = {line.strip() for line in text.replace("\r", "\n").split("\n")}
    for line in trimmed.text.split("\n"):
        assert line.strip() in source or not line.strip()
    unwrap_forward(text, subject)


@FUZZ
@given(st.text(max_size=300))
def test_sanitised_names_are_single_safe_path_components(name: str) -> None:
    safe = sanitize_filename(name)
    assert safe and safe not in (".", "..") and not safe.startswith(".")
    assert "/" not in safe and "\\" not in safe
    assert not any(unicodedata.category(ch) in ("Cc", "Cf", "Cs") for ch in safe)
    assert len(safe.encode("utf-8")) <= 200
