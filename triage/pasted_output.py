"""Recognise pasted machine output (log lines, stack traces, tool output) inside a message.

Logs are one of the default required fields, and their timestamps, hosts and version strings
must not be mistaken for the customer's own statements (a timestamp inside a log line does
not say when the problem started). So the message is split into lines and every line gets a
kind: prose the customer wrote, or machine output they pasted.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum


class LineKind(StrEnum):
    BLANK = "blank"
    PROSE = "prose"
    OUTPUT = "output"  # log/console/tool output or a stack trace
    CODE = "code"  # fenced or indented code/config that is not output


@dataclass(frozen=True, slots=True)
class TextLine:
    """One line of a message with its character offsets and kind."""

    start: int
    end: int
    text: str
    kind: LineKind


_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_LOG_SHAPE_SOURCES: tuple[str, ...] = (
    # timestamps at the start of a line: ISO, syslog, logcat, [hh:mm:ss], kernel uptime
    r"^\W{0,3}\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}",
    rf"^{_MONTH} +\d{{1,2}} \d{{2}}:\d{{2}}:\d{{2}}",
    r"^\d{2}-\d{2} \d{2}:\d{2}:\d{2}",
    r"^\[?\d{2}:\d{2}:\d{2}(?:[.,]\d+)?\]? ",
    r"^\[\s*\d+\.\d+\]",
    r"^#\d+ (?:\d+\.\d+ |\[)",  # docker buildkit
    # severity tokens as a line prefix
    r"^\[?(?:ERROR|ERR|WARN|WARNING|INFO|DEBUG|FATAL|TRACE|PANIC|SEVERE)\]?[: ]",
    r"^[\w.-]+: (?:ERROR|FATAL|WARN(?:ING)?|error|fatal)\b",  # "bload: ERROR 2204: …"
    r"^(?i:(?:[\w.-]+ )?(?:error|fatal)(?: \d+)?): (?![\"'“])",  # "config error: …"
    r"\b[VDIWEF]/[\w.]+\(\s*\d+\):",  # Android logcat
    r"\blevel=\w+",
    # daemon[pid]: and dmesg-like prefixes
    r"^[\w./-]+\[\d+\]:",
    # stack traces: Java/.NET, Python, Go, PHP, JS
    r"^\s*at [\w$.<>/\\`]+[.(:]",
    r'^\s*File "[^"]+", line \d+',
    r"^Traceback \(most recent call last\)",
    r"^goroutine \d+ \[",
    r"^\s*#\d+ (?:/|\{main\}|\w+\\)",
    r"^(?:Stack ?trace|Caused by|Exception in thread)\b",
    r"^\s*thrown in ",
    r"^[a-z][\w]*(?:\.[\w$]+)+(?:Exception|Error)\b",
    r"^(?:Uncaught|Unhandled)\b.*(?:Error|Exception)",
    r"^[A-Z]\w*(?:Exception|Error): ",
    r"^PHP (?:Fatal|Warning|Notice|Parse)",
    r"^panic: ",
    # shell traces and package managers
    r"^\+ \w",
    r"^npm (?:ERR|WARN)!",
    # HTTP console output
    r"^(?:GET|POST|PUT|PATCH|DELETE|HEAD) https?://\S+ .*\b[1-5]\d\d\b",
    r"\bHTTP/\d(?:\.\d)? [1-5]\d\d\b",
    # query plans
    r"\(cost=\d",
    r"^\s*->\s+\w.*\b(?:Scan|Loop|Join|Sort|Aggregate)\b",
    r"^\s*(?:Filter|Index Cond|Hash Cond|Sort Key): \(",
    # raw mail headers
    r"^(?:Received|Authentication-Results|DKIM-Signature|Return-Path|Message-ID|"
    r"ARC-[\w-]+|X-[\w-]+|Content-Type|Delivered-To): ",
    r"^Subject: =\?",
    r"\b(?:dkim|spf|dmarc)=(?:pass|fail|none|softfail|neutral|temperror|permerror)\b",
    # terraform plan output
    r"^\s*[~+-] (?:resource|data|module)\b",
    r"^\s*[~+-] \w+\s*=\s*\S+ -> ",
    # Windows event records
    r"^(?:Faulting (?:application|module) name|Exception code|Fault offset|"
    r"Faulting process id|Event ID): ",
    r"^Exception: 0x[0-9A-Fa-f]+",
)
# One alternation: a single regex pass per line instead of one per shape.
_LOG_SHAPE = re.compile("|".join(f"(?:{source})" for source in _LOG_SHAPE_SOURCES))
_KEY_VALUE = re.compile(r"\b[\w.]+=[^\s=]+")
_COLUMN_GAP = re.compile(r" {2,}|\t| ?\| ?")
_TIMESTAMPED = re.compile(r"^\W{0,3}(?:\d{4}-\d{2}-\d{2}[T ]|\d{2}:\d{2}:\d{2})")
_JSON_LINE = re.compile(r'^\s*(?:[\w ]{0,20}:\s*)?[\[{].*"[\w-]+"\s*:.*[\]}]\s*$')
_FENCE = re.compile(r"^\s*```")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")
# A line that announces pasted output: "Agent log:", "From adb logcat:", "kubectl top shows:".
_OUTPUT_INTRO = re.compile(
    r"(?i)\b(?:logs?|logcat|dmesg|journal(?:ctl)?|output|excerpt|trace|traceback|console|"
    r"capture|headers?|events?|records?|response|status|viewer|history|plan|stderr|stdout|"
    r"sql|generated)\b[^:\n]{0,60}:\s*$"
    r"|(?i:\bfail(?:s|ed|ing)?\b[^:\n]{0,40}\bwith:\s*$)"
)
# "`bsadm ntp status` shows:" / "kubectl top shows:" but not "the details panel says:".
_COMMAND_INTRO = re.compile(
    r"^(?!(?:the|a|an|it|this|that|our|my|which)\b)(?:`[^`]+`|[a-z][\w.-]*(?: [\w.-]+)?|"
    r"(?:GET|POST|PUT|PATCH|DELETE) \S+)(?: now)? (?:shows|says|returns|prints|outputs|repeats)"
    r"\b[^:\n]{0,30}:\s*$"
)
_CODE_INTRO = re.compile(
    r"(?i)(?:\b(?:paste|config(?:uration)?|yaml|snippet|code|script)\b:?"
    r"|\b(?:payload|request(?: body)?|body)\b[^:\n]{0,30}|\bwe send\b[^:\n]{0,30}):\s*$"
)
_SQL_LINE = re.compile(r"^\s*(?:(?:SELECT|WITH|INSERT|UPDATE|DELETE|EXPLAIN)\b|\.\.\. )")


def has_log_shape(line: str) -> bool:
    """True when a single line looks like machine output rather than something a person wrote."""
    stripped = line.strip()
    if not stripped:
        return False
    if _LOG_SHAPE.search(stripped):
        return True
    if len(_KEY_VALUE.findall(stripped)) >= 2 and not _reads_as_sentence(stripped):
        return True
    if _JSON_LINE.match(stripped) and stripped.count('":') >= 2:
        return True
    columns = [cell for cell in _COLUMN_GAP.split(stripped) if cell.strip()]
    return len(columns) >= 4 and sum(ch.isdigit() for ch in stripped) >= 4


def _reads_as_sentence(line: str) -> bool:
    words = _WORD.findall(line)
    letters = sum(len(word) for word in words)
    non_space = sum(not ch.isspace() for ch in line)
    return len(words) >= 6 and non_space > 0 and letters / non_space > 0.75


def _iter_raw_lines(text: str) -> Iterator[tuple[int, int, str]]:
    offset = 0
    for raw in text.split("\n"):
        yield offset, offset + len(raw), raw
        offset += len(raw) + 1


def classify_lines(text: str) -> list[TextLine]:
    """Split `text` into lines and mark which are prose, pasted output or code.

    Fenced blocks count as output unless they read like configuration/code the customer
    wants us to try; a line announcing output ("Agent log:") turns the following
    non-prose lines into output even when they have no recognisable log shape.
    """
    raw_lines = list(_iter_raw_lines(text))
    kinds: list[LineKind] = []
    in_fence = False
    fence_kind = LineKind.OUTPUT
    after_intro = False  # inside the output announced by an intro line
    seen_output = False  # at least one output line since the intro
    previous_prose = ""
    in_code_paste = False  # lines the customer pasted as input ("The payload we send:")
    code_lines_seen = False
    for index, (_, _, raw) in enumerate(raw_lines):
        stripped = raw.strip()
        if _FENCE.match(raw):
            if not in_fence:
                fence_kind = _fence_kind(raw_lines, index, previous_prose)
            in_fence = not in_fence
            kinds.append(fence_kind)
            continue
        if in_fence:
            kinds.append(fence_kind)
            continue
        if not stripped:
            kinds.append(LineKind.BLANK)
            if seen_output:
                after_intro = seen_output = False
            if in_code_paste and code_lines_seen:
                in_code_paste = False
            continue
        if in_code_paste:
            code_lines_seen = True
            if not _TIMESTAMPED.match(stripped):
                kinds.append(LineKind.CODE)
                continue
        if has_log_shape(raw) or (
            after_intro and (not _reads_as_sentence(stripped) or _SQL_LINE.match(stripped))
        ):
            kinds.append(LineKind.OUTPUT)
            seen_output = after_intro
            continue
        kinds.append(LineKind.PROSE)
        after_intro = _is_output_intro(stripped)
        in_code_paste = bool(_CODE_INTRO.search(stripped))
        code_lines_seen = False
        seen_output = False
        previous_prose = stripped
    return [
        TextLine(start=start, end=end, text=raw, kind=kind)
        for (start, end, raw), kind in zip(raw_lines, kinds, strict=True)
    ]


def _is_output_intro(line: str) -> bool:
    if _CODE_INTRO.search(line):
        return False
    return bool(_OUTPUT_INTRO.search(line) or _COMMAND_INTRO.match(line))


def _fence_kind(raw_lines: list[tuple[int, int, str]], index: int, intro: str) -> LineKind:
    if _CODE_INTRO.search(intro):
        return LineKind.CODE
    body: list[str] = []
    for _, _, raw in raw_lines[index + 1 :]:
        if _FENCE.match(raw):
            break
        body.append(raw)
    if any(has_log_shape(line) for line in body):
        return LineKind.OUTPUT
    content = [line for line in body if line.strip()]
    if len(content) >= 2 and all(re.match(r"^\s*[\w.<-]+:(?:\s|$)", line) for line in content):
        return LineKind.CODE  # a YAML/config snippet
    return LineKind.OUTPUT
