"""Readable plain text from an HTML mail body, for mails that have no text/plain part.

Triage and reply trimming work on lines, so the converter keeps what they need: paragraph and
line breaks, list items, table cells separated by spaces, and `<blockquote>` history turned into
`> ` quoted lines (so the reply trimmer can drop it like plain-text quoting). It emits no
Markdown: html2text's `1\\.` escapes, `**bold**` and `---|---` table rules are noise for triage
(see README.md, "Email parsing: design notes", for the comparison).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_SKIPPED = frozenset({"script", "style", "head", "title", "template", "noscript", "xml", "svg"})
_BLOCK = frozenset(
    {
        "address", "article", "aside", "center", "dd", "div", "dl", "dt", "fieldset",
        "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr",
        "main", "nav", "ol", "section", "table", "tbody", "thead", "tfoot", "ul",
    }
)  # fmt: skip
_PARAGRAPH = frozenset({"p", "pre", "blockquote"})
_VOID = frozenset({"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "wbr"})
# Marker characters from the private-use area: they cannot come from the (already decoded) HTML
# text because private-use code points are removed before conversion.
_NEWLINE = "\ue000"
_QUOTE_IN = "\ue001"
_QUOTE_OUT = "\ue002"
_PRIVATE_USE = re.compile("[\ue000-\uf8ff]")
_SPACES = re.compile(r"[ \t\f\v\xa0\u2000-\u200a\u202f\u205f\u3000]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad\u034f]")
_BLANK_RUN = re.compile(r"\n{3,}")
_WHITESPACE_RUN = re.compile(r"\s+")
_MARKERS = re.compile(f"([{_NEWLINE}{_QUOTE_IN}{_QUOTE_OUT}])")
MAX_HTML_CHARS = 1024 * 1024  # html.parser converts about 1 MB/s here


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip_depth = 0
        self._pre_depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            self._skip_depth += 1
            return
        if tag == "br":
            self.parts.append(_NEWLINE)
        elif tag == "li":
            self.parts.append(_NEWLINE + "- ")
        elif tag in ("td", "th"):
            self.parts.append(" ")
        elif tag == "tr" or tag in _BLOCK:
            self.parts.append(_NEWLINE)
        elif tag in _PARAGRAPH:
            self.parts.append(_NEWLINE * 2)
            if tag == "blockquote":
                self.parts.append(_QUOTE_IN)
            elif tag == "pre":
                self._pre_depth += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIPPED:
            return  # <script/> and friends open nothing
        self.handle_starttag(tag, attrs)
        if tag not in _VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            if self._skip_depth:
                self._skip_depth -= 1
            return
        if tag == "blockquote":
            self.parts.append(_QUOTE_OUT)
            self.parts.append(_NEWLINE * 2)
        elif tag == "pre":
            self._pre_depth = max(0, self._pre_depth - 1)
            self.parts.append(_NEWLINE * 2)
        elif tag == "p":
            self.parts.append(_NEWLINE * 2)
        elif tag == "tr" or tag in _BLOCK:
            self.parts.append(_NEWLINE)

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._pre_depth:
            self.parts.append(data.replace("\r\n", "\n").replace("\n", _NEWLINE))
        else:
            self.parts.append(_WHITESPACE_RUN.sub(" ", data))


def html_to_text(html: str) -> str:
    """Plain text of an HTML document; never raises, whatever the markup."""
    if not html:
        return ""
    if len(html) > MAX_HTML_CHARS:
        html = html[:MAX_HTML_CHARS]
    collector = _TextCollector()
    try:
        collector.feed(_PRIVATE_USE.sub("", html))
        collector.close()
    except Exception:  # noqa: BLE001 - HTMLParser can raise on pathological input; keep what we have
        pass
    return _layout("".join(collector.parts))


def _layout(stream: str) -> str:
    """Turn the marker stream into lines, prefixing quoted lines with `> ` per nesting level."""
    depth = 0
    lines: list[str] = []
    current: list[str] = []
    has_text = False
    line_depth = 0

    def end_line() -> None:
        nonlocal current, has_text, line_depth
        text = _SPACES.sub(" ", _INVISIBLE.sub("", "".join(current))).strip()
        prefix = "> " * line_depth
        lines.append(f"{prefix}{text}".rstrip() if text else prefix.rstrip())
        current = []
        has_text = False
        line_depth = depth

    for piece in _MARKERS.split(stream):
        if piece == _NEWLINE:
            end_line()
        elif piece in (_QUOTE_IN, _QUOTE_OUT):
            if has_text:
                end_line()
            depth = depth + 1 if piece == _QUOTE_IN else max(0, depth - 1)
            line_depth = depth
        elif piece:
            if not has_text and piece.strip():
                has_text = True
                line_depth = depth
            current.append(piece)
    end_line()
    return _BLANK_RUN.sub("\n\n", "\n".join(lines)).strip()
