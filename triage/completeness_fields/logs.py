"""`logs`: pasted log/console/tool output or a stack trace, or an attached log file/bundle.

An error string quoted inside a sentence is `error_message`, not logs; the line classifier in
`triage.pasted_output` decides what counts as pasted output.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath

from triage.completeness_fields.evidence import Evidence, best
from triage.message_view import MessageView
from triage.negation import is_hypothetical, is_negated, is_question
from triage.pasted_output import LineKind
from triage.ticket_text import AttachmentInfo

LOG_FILE_SUFFIXES = frozenset(
    {".log", ".txt", ".zip", ".har", ".gz", ".tgz", ".tar", ".json", ".out", ".trace", ".7z",
     ".bz2", ".xz", ".dmp", ".evtx", ".pcap", ".csv", ".ndjson", ".jsonl", ".err"}
)  # fmt: skip
LOG_CONTENT_TYPES = frozenset(
    {"text/plain", "text/x-log", "text/csv", "application/zip", "application/x-zip-compressed",
     "application/gzip", "application/x-gzip", "application/x-tar", "application/json",
     "application/x-ndjson", "application/x-7z-compressed", "application/vnd.tcpdump.pcap"}
)  # fmt: skip
_MAX_BLOCK_LINES = 6
_ERRORISH = re.compile(r"(?i)\b(?:error|err|fatal|exception|fail(?:ed|ure)?|panic|warn)")
# "support bundle is attached", "attached the agent logs", "log file attached", "see attached".
_ATTACHED_LOGS = re.compile(
    r"(?i)\b(?:logs?|log ?files?|(?:support |diagnostic )?bundles?|har(?: file)?|traces?|"
    r"dumps?|diagnostics|captures?|output|[\w.-]+\.(?:log|txt|zip|har|gz|tgz|json|out|trace))\b"
    r"[^.\n]{0,40}?\b(?:attached|enclosed|uploaded)\b"
    r"|\b(?:attached|attaching|enclosed|uploaded|attach)\b[^.\n]{0,40}?\b(?:logs?|log ?files?|"
    r"bundles?|har|traces?|dumps?|diagnostics|captures?|output|"
    r"[\w.-]+\.(?:log|txt|zip|har|gz|tgz|json|out|trace))\b"
)


def attachment_is_log(attachment: AttachmentInfo) -> bool:
    """Log files, text dumps, archives and HAR captures count as logs; images do not."""
    suffixes = PurePosixPath(attachment.filename.lower()).suffixes
    if suffixes and suffixes[-1] in LOG_FILE_SUFFIXES:
        return True
    return attachment.content_type.split(";")[0].strip().lower() in LOG_CONTENT_TYPES


def detect_logs(view: MessageView) -> Evidence | None:
    """A log attachment beats a pasted block, which beats "logs attached" in prose."""
    candidates: list[Evidence] = [
        Evidence(confidence=0.95, attachment=attachment.filename)
        for attachment in view.attachments
        if attachment_is_log(attachment)
    ]
    candidates.extend(_pasted_blocks(view))
    candidates.extend(_attachment_mentions(view))
    return best(candidates)


def _pasted_blocks(view: MessageView) -> list[Evidence]:
    found: list[Evidence] = []
    block: list[int] = []
    lines = list(view.lines)
    for index, line in enumerate(lines + [None]):  # type: ignore[list-item]
        if line is not None and line.kind is LineKind.OUTPUT:
            block.append(index)
            continue
        if line is not None and line.kind is LineKind.BLANK and block:
            continue  # a blank line inside pasted output does not end it
        if block:
            shown = [lines[i] for i in block[:_MAX_BLOCK_LINES] if lines[i].text.strip()]
            substantial = len(shown) >= 2 or any(_ERRORISH.search(ln.text) for ln in shown)
            found.append(
                Evidence(
                    confidence=0.92 if substantial else 0.8,
                    start=shown[0].start + (len(shown[0].text) - len(shown[0].text.lstrip())),
                    end=shown[-1].end,
                )
            )
            block = []
    return found


def _attachment_mentions(view: MessageView) -> list[Evidence]:
    found: list[Evidence] = []
    for sentence in view.sentences():
        match = _ATTACHED_LOGS.search(sentence.text)
        if match is None or is_question(sentence):
            continue
        cue = sentence.char_span(match.start(), match.end(), alignment_mode="expand")
        if cue is not None and any(is_negated(t) or is_hypothetical(t) for t in cue):
            continue
        found.append(Evidence(confidence=0.8, start=sentence.start_char, end=sentence.end_char))
    return found
