"""From a parsed MIME tree to the readable text, the attachments and the attached messages.

`iter_attachments()` and `get_body()` answer "what would a mail client show?" too narrowly for
support mail: they skip inline images and inline text files, pick one body where Apple Mail
and mailing-list footers split the text over several parts, and keep base64-encoded
`message/rfc822` forwards (as Gmail sends them) as undecodable text. This walker visits every
part once, with depth and part-count limits so hostile nesting cannot exhaust the stack.
"""

from __future__ import annotations

import binascii
import functools
import quopri
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import BaseHeader, HeaderRegistry
from email.message import EmailMessage, Message
from email.parser import BytesParser

from bot.email_charsets import decode_bytes
from bot.email_headers import decode_header
from bot.html_text import MAX_HTML_CHARS, html_to_text

MAX_DEPTH = 25
MAX_PARTS = 500
MAX_EMBEDDED_DEPTH = 5
_MAX_CACHED_HEADER_CHARS = 1024
_HTML_PLACEHOLDER = re.compile(
    r"html[- ](?:capable|compatible|enabled|version)|view (?:this|the) (?:e-?mail|message) in"
    r"|(?:does not|doesn't|cannot|can't) (?:support|display) html|this is an html message",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^<>]{0,2000}>")
_INVISIBLE_BLOCKS = re.compile(
    r"<(style|script|head|title)\b[^>]{0,2000}>.{0,200000}?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_ENTITY = re.compile(r"&#?\w{1,10};")
_WORD = re.compile(r"\w{3,}")


class _MemoisedHeaderFactory:
    """policy.default's header factory, remembering recent results.

    The stdlib parser asks for Content-Type a dozen times per part while parsing, and each ask
    re-runs the full RFC 5322 header parser (~0.1 ms). Header objects are immutable, so the
    same (name, value) can safely share one; this makes parsing about 5x faster.
    """

    def __init__(self) -> None:
        self._registry = HeaderRegistry()
        self._cached = functools.lru_cache(maxsize=2048)(self._registry.__call__)

    def __call__(self, name: str, value: str) -> BaseHeader:
        if len(value) > _MAX_CACHED_HEADER_CHARS:
            return self._registry(name, value)
        return self._cached(name, value)

    def __getattr__(self, attribute: str) -> object:
        return getattr(self._registry, attribute)


INTAKE_POLICY = policy.default.clone(header_factory=_MemoisedHeaderFactory())
_PARSER = BytesParser(policy=INTAKE_POLICY)
_SERIALISE_POLICY = INTAKE_POLICY.clone(max_line_length=0)


def parse_message_bytes(raw: bytes) -> EmailMessage:
    """`BytesParser(policy=policy.default)` with memoised header objects."""
    message = _PARSER.parsebytes(raw)
    assert isinstance(message, EmailMessage)
    return message


@dataclass(slots=True)
class RawAttachment:
    """A part that is not body text, as found; names are sanitised later, in one place."""

    name: str | None
    content_type: str
    payload: bytes
    inline: bool = False
    content_id: str | None = None
    message: EmailMessage | None = None  # set for message/rfc822 parts


@dataclass(slots=True)
class _TextPart:
    plain: str | None = None
    html: str | None = None
    _converted: str | None = None

    def text(self) -> str:
        if self.plain is not None:
            return self.plain
        if self._converted is None:  # HTML is converted once, and only when read
            self._converted = html_to_text(self.html or "")
        return self._converted


@dataclass(slots=True)
class MimeContent:
    """What a message contains, in reading order."""

    text_parts: list[_TextPart] = field(default_factory=list)
    attachments: list[RawAttachment] = field(default_factory=list)
    named_inline_text: list[str] = field(default_factory=list)
    html: str | None = None
    is_report: bool = False
    problems: list[str] = field(default_factory=list)
    charset_hint: str | None = None
    _parts_seen: int = 0

    @classmethod
    def from_plain_text(cls, text: str) -> MimeContent:
        """Content of a message whose structure could not be parsed: its raw text only."""
        return cls(text_parts=[_TextPart(plain=text)])

    def text(self) -> str:
        """All body text; inline text files count only when nothing else is readable."""
        texts = [t for t in (part.text() for part in self.text_parts) if t.strip()]
        if not texts:
            texts = [t for t in self.named_inline_text if t.strip()]
        return "\n\n".join(text.strip("\n") for text in texts)

    @property
    def body_is_html(self) -> bool:
        return bool(self.text_parts) and all(p.plain is None for p in self.text_parts)


def collect_content(message: Message, *, embedded_depth: int = 0) -> MimeContent:
    """Walk `message` and sort every part into text, attachments or attached messages."""
    content = MimeContent()
    content.is_report = message.get_content_type() == "multipart/report"
    _visit(message, content, depth=0, embedded_depth=embedded_depth)
    for defect in getattr(message, "defects", [])[:5]:
        content.problems.append(f"MIME defect: {type(defect).__name__}")
    return content


def _visit(part: Message, content: MimeContent, *, depth: int, embedded_depth: int) -> None:
    content._parts_seen += 1
    if content._parts_seen > MAX_PARTS:
        if content._parts_seen == MAX_PARTS + 1:
            content.problems.append(f"more than {MAX_PARTS} MIME parts; the rest was skipped")
        return
    if depth > MAX_DEPTH:
        content.problems.append(f"MIME nesting deeper than {MAX_DEPTH}; inner parts skipped")
        return
    ctype = part.get_content_type()
    if part.is_multipart() and not ctype.startswith("message/"):
        children = _children(part)
        if ctype == "multipart/alternative":
            _visit_alternative(children, content, depth=depth, embedded_depth=embedded_depth)
        else:  # mixed, related, signed (the signature becomes an attachment), report, digest…
            for child in children:
                _visit(child, content, depth=depth + 1, embedded_depth=embedded_depth)
        return
    if ctype in ("message/rfc822", "message/global"):
        _add_embedded_message(part, content, embedded_depth=embedded_depth)
        return
    _visit_leaf(part, content)


def _children(part: Message) -> list[Message]:
    payload = part.get_payload()
    if not isinstance(payload, list):
        return []
    return [child for child in payload if isinstance(child, Message)]


def _visit_alternative(
    children: list[Message], content: MimeContent, *, depth: int, embedded_depth: int
) -> None:
    """Keep one rendering of the text but the attachments of every rendering."""
    renderings: list[MimeContent] = []
    for child in children:
        sub = MimeContent(_parts_seen=content._parts_seen)
        _visit(child, sub, depth=depth + 1, embedded_depth=embedded_depth)
        content._parts_seen = sub._parts_seen
        content.attachments.extend(sub.attachments)
        content.named_inline_text.extend(sub.named_inline_text)
        content.problems.extend(sub.problems)
        content.charset_hint = content.charset_hint or sub.charset_hint
        if sub.html and content.html is None:
            content.html = sub.html
        renderings.append(sub)
    plain = next((r for r in renderings if r.text_parts and not _has_html(r)), None)
    rich = next((r for r in reversed(renderings) if _has_html(r)), None)
    chosen = plain or rich or next((r for r in renderings if r.text_parts), None)
    if plain is not None and rich is not None and _html_says_more(plain, rich):
        chosen = rich
    if chosen is not None:
        content.text_parts.extend(chosen.text_parts)


def _has_html(rendering: MimeContent) -> bool:
    return any(part.html is not None for part in rendering.text_parts)


def _html_says_more(plain: MimeContent, rich: MimeContent) -> bool:
    """Prefer HTML over a plain alternative that is empty, a placeholder or a fragment.

    Apple Mail sends a plain part holding only the text above an inline attachment;
    newsletter tools send "view this message in an HTML-capable client". The test counts HTML
    words missing from the plain text after a cheap tag strip, so the full HTML conversion
    only runs when HTML is actually chosen.
    """
    plain_text = plain.text().strip()
    if not plain_text:
        return True
    if len(plain_text) > 3000:
        return False
    if len(plain_text) < 500 and _HTML_PLACEHOLDER.search(plain_text):
        return True
    html = "".join(part.html or "" for part in rich.text_parts)
    if len(html) > 300_000:
        return False
    visible = _ENTITY.sub(" ", _TAGS.sub(" ", _INVISIBLE_BLOCKS.sub(" ", html)))
    plain_words = set(_WORD.findall(plain_text.lower()))
    missing = sum(1 for word in _WORD.findall(visible.lower()) if word not in plain_words)
    return missing > 20 and missing > len(plain_words) // 2


def _visit_leaf(part: Message, content: MimeContent) -> None:
    ctype = part.get_content_type()
    disposition = part.get_content_disposition()
    name = _part_filename(part)
    is_text_body = ctype in ("text/plain", "text/html", "text/enriched")
    if is_text_body and disposition != "attachment" and not name:
        text = _part_text(part, content)
        if ctype == "text/html":
            if len(text) > MAX_HTML_CHARS:
                content.problems.append("HTML part over 1 MB: only its first 1 MB is read as text")
            content.text_parts.append(_TextPart(html=text))
            if content.html is None:
                content.html = text
        else:
            content.text_parts.append(_TextPart(plain=text))
        return
    if is_text_body and disposition != "attachment" and ctype == "text/plain":
        # An inline text file: a mail client shows it, so it is text when nothing else is.
        content.named_inline_text.append(_part_text(part, content))
    _add_attachment(part, content, name=name)


def _part_text(part: Message, content: MimeContent) -> str:
    data = _payload_bytes(part, content)
    charset = _content_charset(part)
    if charset and content.charset_hint is None:
        content.charset_hint = charset
    decoded = decode_bytes(data, charset)
    if decoded.problem:
        content.problems.append(decoded.problem)
    return decoded.text


def _content_charset(part: Message) -> str | None:
    try:
        charset = part.get_param("charset")
    except Exception:  # noqa: BLE001 - malformed parameters must not stop the parse
        return None
    if isinstance(charset, tuple):  # RFC 2231 (charset, language, value)
        charset = charset[2]
    return str(charset).strip() if charset else None


def _payload_bytes(part: Message, content: MimeContent) -> bytes:
    try:
        data = part.get_payload(decode=True)
    except Exception as exc:  # noqa: BLE001 - a broken transfer encoding is data, not a crash
        content.problems.append(f"undecodable part body ({type(exc).__name__})")
        raw = part.get_payload()
        return raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else b""
    if isinstance(data, bytes):
        return data
    return b""


def _part_filename(part: Message) -> str | None:
    try:
        name = part.get_filename() or part.get_param("name")
    except Exception:  # noqa: BLE001 - malformed parameters
        return None
    if isinstance(name, tuple):
        name = name[2]
    if not name:
        return None
    decoded = decode_header(str(name)).text
    return decoded or None


def _add_attachment(part: Message, content: MimeContent, *, name: str | None = None) -> None:
    if part.is_multipart():
        # message/delivery-status and friends: the stdlib splits them into header blocks.
        payload = b"\n".join(_serialise(child) for child in _children(part))
    else:
        payload = _payload_bytes(part, content)
    content.attachments.append(
        RawAttachment(
            name=name if name is not None else _part_filename(part),
            content_type=part.get_content_type(),
            payload=payload,
            inline=part.get_content_disposition() == "inline",
            content_id=_content_id(part),
        )
    )


def _serialise(message: Message) -> bytes:
    try:
        return message.as_bytes(policy=_SERIALISE_POLICY)
    except Exception:  # noqa: BLE001 - regenerating a damaged part can fail
        return b""


def _content_id(part: Message) -> str | None:
    value = part.get("content-id")
    if not value:
        return None
    return str(value).strip().strip("<>") or None


def _add_embedded_message(part: Message, content: MimeContent, *, embedded_depth: int) -> None:
    """An attached message: kept as an `.eml` attachment and parsed for forward detection."""
    inner = _embedded_message(part, content)
    raw = _serialise(inner) if inner is not None else b""
    if embedded_depth >= MAX_EMBEDDED_DEPTH:
        content.problems.append("attached messages nested too deeply; inner ones not parsed")
        inner = None
    content.attachments.append(
        RawAttachment(
            name=_part_filename(part),
            content_type=part.get_content_type(),
            payload=raw,
            inline=part.get_content_disposition() == "inline",
            content_id=_content_id(part),
            message=inner,
        )
    )


def _embedded_message(part: Message, content: MimeContent) -> EmailMessage | None:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding in ("base64", "quoted-printable") and isinstance(inner, Message):
        # The stdlib parses an encoded message/rfc822 as a header-less message whose body is
        # base64 text; decode that text and parse it as the message it is.
        encoded = _serialise(inner)
        try:
            data = (
                binascii.a2b_base64(re.sub(rb"[^A-Za-z0-9+/=]", b"", encoded))
                if encoding == "base64"
                else quopri.decodestring(encoded)
            )
        except (binascii.Error, ValueError):
            content.problems.append("attached message has a broken transfer encoding")
            return inner if isinstance(inner, EmailMessage) else None
        return parse_message_bytes(data)
    return inner if isinstance(inner, EmailMessage) else None
