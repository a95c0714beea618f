"""`repro_steps`: concrete actions someone else could follow to trigger the problem.

Numbered/bulleted steps, a "Steps:"/"Repro:" section, a click path (Payroll > Runs > Export),
an API call or command, or a specific triggering action with its condition ("every time I
upload the CSV it fails"). Not: a bare symptom, "next steps", "what are the steps to …?",
or a list of questions/requests.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from triage.completeness_fields.evidence import Evidence, best
from triage.completeness_patterns import REPRO_ACTION_VERBS, REPRO_GERUNDS, word_set
from triage.message_view import MessageView
from triage.negation import is_question
from triage.pasted_output import LineKind

_ACTION_VERBS = frozenset(REPRO_ACTION_VERBS)
_LIST_ITEM = re.compile(r"^\s*(?:\(?\d{1,2}[.)]|[-*•–])\s+(?P<body>\S.*)$")
_INLINE_NUMBERED = re.compile(r"(?:^|\s)1[.)]\s+\S.{2,}?\s2[.)]\s+\S")
_SEPARATOR = r"\s(?:>|→|->|»|›|=>)\s"
_CLICK_PATH = re.compile(rf"[^>→\n]{{1,60}}?{_SEPARATOR}[^>→\n]{{1,60}}?{_SEPARATOR}")
_ONE_STEP_PATH = re.compile(
    rf"\b(?!(?:Our|The|My|A|An|This|That|It)\b)[A-Z][\w&'\-]*(?: [\w&'\-]+){{0,3}}"
    rf"{_SEPARATOR}[A-Z\"“]"
)
# A click path introduced as a place ("I only see X under Settings > Users") is a location.
_LOCATION_BEFORE = re.compile(
    r"(?i)\b(?:under|checked|looked(?: in| at| under| through)?|went through|only see|"
    r"see (?:\w+ )?in|visible in|listed in|shows? in|exists in|it's in|it is in)\b[^.\n]{0,60}$"
)
_API_CALL = re.compile(r"\b(?:GET|POST|PUT|PATCH|DELETE)\s+/[\w/{}.:<>…-]+")
_CURL = re.compile(r"(?:^|\s)(?:curl|wget|httpie)\s+(?:-|https?://|['\"])")
_COMMAND_THEN_RESULT = re.compile(
    r"`[^`\n]{3,200}`\s*(?:\([^)]*\)\s*)?(?:gives|fails|dies|throws|produces|results in|"
    r"errors|crashes|hangs|returns (?:an? )?(?:error|`|\"|[45]\d\d))"
)
_TRIED_THEN_RESULT = re.compile(
    r"(?i)\b(?:tried|tested|ran|sent|uploaded|used)\b[^.;\n]{1,60}\b(?:and|but)\s+"
    r"(?:got|get|it (?:says|fails|failed|returns|returned|gives|gave)|received)\b"
)
_RESULT_WORDS = re.compile(
    r"(?i)\b(?:fail\w*|error\w*|crash\w*|closes|close|nothing|blank|spinner|spins|hangs?|"
    r"returns?|returned|shows?|showed|gives?|got|get|gets|breaks?|broke|stuck|freez\w+|"
    r"doesn't|does not|won't|isn't|not|never|times? out|timed out|wrong|missing|empty|"
    r"instead|twice|duplicate\w*|no \w+|only|cut off|greys? out|disappears?|loops?)\b|→|->"
)
_PAST_ACTIONS = word_set(
    "created selected scheduled clicked opened uploaded ran added set entered imported "
    "exported submitted configured enabled disabled changed edited deleted installed "
    "upgraded triggered sent started joined placed assigned applied saved copied pasted "
    "pushed restored generated chose filtered logged"
)
_REQUEST_START = re.compile(r"(?i)^\W*(?:please|pls|kindly|can you|could you|would you|let us)\b")
_ANY_SUBJECT = re.compile(
    r"(?i)^\W*(?:any|every|each)\s+(?!idea|update|news|help|chance|way|plans)\w+"
    r"[^.?!\n]{0,120}\b(?:fail\w*|error\w*|crash\w*|returns?|breaks?|times? out|hangs?)\b"
)


def detect_repro_steps(view: MessageView) -> Evidence | None:
    """Step lists and labels first (most reliable), then one replayable action per sentence."""
    candidates = [*_step_lists(view), *_labelled_steps(view)]
    has_label = bool(view.analysis.spans("REPRO_LABEL"))
    for sentence in view.sentences():
        if is_question(sentence) and not has_label:
            continue
        found = _sentence_evidence(view, sentence)
        if found is not None:
            candidates.append(found)
    return best(candidates)


def _step_lists(view: MessageView) -> list[Evidence]:
    """Two or more list items, at least one of which starts with an action."""
    found: list[Evidence] = []
    run: list[tuple[int, int, str]] = []
    prose_lines = [line for line in view.lines if line.kind is not LineKind.OUTPUT]
    for line in [*prose_lines, None]:
        match = _LIST_ITEM.match(view.prose_text[line.start : line.end]) if line else None
        if line is not None and match:
            run.append((line.start, line.end, match.group("body")))
            continue
        if line is not None and line.kind is LineKind.BLANK and run:
            continue
        if len(run) >= 2 and _reads_as_steps([body for _, _, body in run]):
            found.append(Evidence(confidence=0.9, start=run[0][0], end=run[-1][1]))
        run = []
    for match in _INLINE_NUMBERED.finditer(view.prose_text):
        line_end = view.prose_text.find("\n", match.start())
        end = line_end if line_end != -1 else len(view.prose_text)
        if _reads_as_steps(re.split(r"\s\d[.)]\s", view.prose_text[match.start() : end])):
            found.append(Evidence(confidence=0.85, start=match.start(), end=end))
    return found


def _reads_as_steps(items: list[str]) -> bool:
    """A list is steps unless it is mostly questions and none of its items is an action."""
    if sum(item.rstrip().endswith("?") for item in items) >= len(items) / 2:
        return False
    return any(_item_is_action(item) for item in items)


def _item_is_action(item: str) -> bool:
    """An item that is an action: "Open Reports", "Settings > Users", "POST /v2/x"."""
    if _CLICK_PATH.search(item) or _API_CALL.search(item) or "→" in item or "->" in item:
        return True
    words = re.findall(r"[A-Za-z][\w'-]*", item.lower())
    if not words:
        return False
    if words[0] in _ACTION_VERBS or words[0] in REPRO_GERUNDS:
        return True
    return words[0] in {"user", "customer", "we", "i"} and any(
        word in _ACTION_VERBS or word.rstrip("s") in _ACTION_VERBS for word in words[1:4]
    )


def _labelled_steps(view: MessageView) -> list[Evidence]:
    """A label ("Steps:", "Repro:", "To reproduce:") followed by something to do."""
    found: list[Evidence] = []
    blocked = {span.start for span in view.analysis.spans("REPRO_NOT_STEPS")}
    blocked |= {span.start + 1 for span in view.analysis.spans("REPRO_NOT_STEPS")}
    for span in view.analysis.spans("REPRO_LABEL"):
        sentence = next((s for s in view.sentences() if s.start <= span.start < s.end), None)
        if span.start in blocked or sentence is None or is_question(sentence):
            continue
        after = view.prose_text[span.end_char : span.end_char + 400]
        following = after.lstrip(" :\t(").split("\n\n")[0].strip()
        if len(re.findall(r"[A-Za-z]+", following)) < 2 and "`" not in following:
            continue
        end = span.end_char + after.find(following) + len(following)
        found.append(Evidence(confidence=0.92, start=span.start_char, end=end))
    return found


def _path_is_location(text: str, path_start: int) -> bool:
    first_separator = re.search(_SEPARATOR, text[path_start:])
    cut = path_start + (first_separator.start() if first_separator else 0)
    return bool(_LOCATION_BEFORE.search(text[:cut]))


def _sentence_evidence(view: MessageView, sentence: Span) -> Evidence | None:
    text = sentence.text
    start = sentence.start_char
    if _REQUEST_START.match(text):
        return None
    for match in _CLICK_PATH.finditer(text):
        if not _path_is_location(text, match.start()):
            return Evidence(confidence=0.85, start=start, end=sentence.end_char)
    one_step = _ONE_STEP_PATH.search(text)
    if (
        one_step
        and not _path_is_location(text, one_step.start())
        and (_RESULT_WORDS.search(text[one_step.end() :]) or _starts_with_action(sentence))
    ):
        return Evidence(confidence=0.75, start=start, end=sentence.end_char)
    if _API_CALL.search(text) and re.search(
        r"(?i)→|->|\breturns?\b|\bwith\b|\bgives\b|\bany\b", text
    ):
        return Evidence(confidence=0.8, start=start, end=sentence.end_char)
    if _CURL.search(text) or _COMMAND_THEN_RESULT.search(text):
        return Evidence(confidence=0.8, start=start, end=sentence.end_char)
    if view.analysis.spans_in(sentence, "REPRO_TRIED_COMMAND"):
        return Evidence(confidence=0.75, start=start, end=sentence.end_char)
    if _TRIED_THEN_RESULT.search(text):
        return Evidence(confidence=0.65, start=start, end=sentence.end_char)
    triggers = view.analysis.spans_in(sentence, "REPRO_TRIGGER")
    if triggers and (_RESULT_WORDS.search(text) or "," in text[triggers[0].end_char - start :]):
        return Evidence(confidence=0.7, start=start, end=sentence.end_char)
    if _starts_with_action(sentence) and (
        _count_clause_actions(sentence) >= 2 or re.search(r"(?i)\bany\b|→|->", text)
    ):
        return Evidence(confidence=0.75, start=start, end=sentence.end_char)
    if _ANY_SUBJECT.search(text):
        return Evidence(confidence=0.65, start=start, end=sentence.end_char)
    if _past_action_sequence(sentence):
        return Evidence(confidence=0.6, start=start, end=sentence.end_char)
    return None


def _first_word(sentence: Span) -> str:
    for token in sentence:
        if token.is_alpha:
            return token.lower_
    return ""


def _starts_with_action(sentence: Span) -> bool:
    """An imperative: the sentence (or the part after "Steps:") opens with an action verb."""
    return _first_word(sentence) in _ACTION_VERBS


def _count_clause_actions(sentence: Span) -> int:
    """Actions that open a clause: "open X, click Y, then export" has three."""
    count = 0
    clause_start = True
    for token in sentence:
        if token.text in {",", ";", ":", "→", ">", "-", "("} or token.lower_ in {"and", "then"}:
            clause_start = True
            continue
        if token.is_space:
            continue
        if clause_start and token.lower_ in _ACTION_VERBS:
            count += 1
        clause_start = False
    return count


def _past_action_sequence(sentence: Span) -> bool:
    """Several past actions by the customer ("we created X, selected Y and scheduled it")."""
    if not any(token.lower_ in {"we", "i"} for token in sentence[:4]):
        return False
    return sum(token.lower_ in _PAST_ACTIONS for token in sentence) >= 3
