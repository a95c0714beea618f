"""One customer message prepared once for all field detectors.

Every detector needs the same three views of a message: what the customer wrote (quoted
history blanked), the prose alone (pasted output blanked too, so a timestamp in a log line is
not read as "when it started"), and the spaCy analysis of that prose. Building them once per
message keeps the per-message cost to a single pipeline run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Span

from triage.completeness_nlp import AnalysedText, analyse
from triage.pasted_output import LineKind, TextLine, classify_lines
from triage.quoted_history import mask_quoted_history
from triage.ticket_text import AttachmentInfo


@dataclass(frozen=True, slots=True)
class MessageView:
    """A message's text in the forms the detectors read; all offsets index `text`."""

    index: int
    text: str
    customer_text: str  # quoted history blanked
    prose_text: str  # quoted history and pasted output blanked
    lines: tuple[TextLine, ...]
    analysis: AnalysedText
    attachments: tuple[AttachmentInfo, ...]

    def output_lines(self) -> list[TextLine]:
        return [line for line in self.lines if line.kind is LineKind.OUTPUT]

    def sentences(self) -> tuple[Span, ...]:
        return self.analysis.sentences

    def prose_lines(self) -> list[tuple[int, str]]:
        """(offset, text) of every non-blank prose line: regexes run per line, so a long
        pasted log (blanked to spaces) costs nothing and no match spans two lines."""
        found: list[tuple[int, str]] = []
        offset = 0
        for line in self.prose_text.split("\n"):
            if line.strip():
                found.append((offset, line))
            offset += len(line) + 1
        return found


def _blank_lines(text: str, lines: list[TextLine], kinds: set[LineKind]) -> str:
    chars = list(text)
    for line in lines:
        if line.kind in kinds:
            chars[line.start : line.end] = " " * (line.end - line.start)
    return "".join(chars)


def build_message_view(
    index: int, text: str, attachments: tuple[AttachmentInfo, ...] = ()
) -> MessageView:
    """Mask quoted history, classify lines and analyse the prose of one message."""
    customer_text = mask_quoted_history(text)
    lines = classify_lines(customer_text)
    prose_text = _blank_lines(customer_text, lines, {LineKind.OUTPUT, LineKind.CODE})
    # Signature blocks and greetings carry no evidence but names like "Tuesday Smith" could;
    # the detectors work sentence by sentence so they are simply never matched.
    prose_text = re.sub(r"\r", " ", prose_text)
    return MessageView(
        index=index,
        text=text,
        customer_text=customer_text,
        prose_text=prose_text,
        lines=tuple(lines),
        analysis=analyse(prose_text),
        attachments=attachments,
    )
