"""`occurred_at`: when the problem started or was first observed.

Absolute ("13:05 UTC", "on 5 March") or relative ("since this morning", "3 hours ago",
"last week"), including event anchors that carry a time ("after last night's update").
Not: future dates (deadlines, renewals, "next week"), dates that identify something else
("our 28 Feb payslip"), vague "lately", or timestamps inside pasted logs (those lines are
blanked before the pipeline runs).
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from triage.completeness_fields.evidence import Evidence, best
from triage.completeness_patterns import word_set
from triage.message_view import MessageView

_TRIGGERS = word_set(
    "since started start began begun noticed noticing first seen spotted appeared tried "
    "observed found discovered ago from after happened happening occurred broke stopped "
    "went failed crashed went dropped during at on around approx approximately about until"
)
_FUTURE_BEFORE = word_set(
    "next tomorrow by due before deadline renewal renew renews expires expire expiring "
    "within starts start upcoming coming cutoff scheduled"
)
# Recurrence ("every morning") is a schedule, not when something started.
_RECURRING_BEFORE = frozenset({"every", "each"})
_FUTURE_CONTEXT = re.compile(
    r"(?i)\b(?:will|going to|gonna|need to|needs to|must|have to|has to|plan(?:ning)? to|"
    r"deadline|is due|are due|due (?:on|at|by)|tomorrow|next (?:week|month|sprint|year)|"
    r"cutoff|cut-off|before we|coming up)\b"
)
# Dates that name something else: "our 28 Feb payslip", "the March invoice".
_IDENTITY_NOUNS = word_set(
    "invoice invoices payslip payslips payroll payout payouts statement statements bill "
    "bills report reports release sprint deadline cutoff renewal cycle run newsletter "
    "quarter edition issue batch"
)
_PAST_CONTEXT = re.compile(
    r"(?i)\b(?:since|started|began|noticed|first|seen|spotted|appeared|ago|happened|occurred|"
    r"stopped|broke|failed|went|was|were|had|did|got|found|saw|yesterday|last|dropped|"
    r"crashed|been|\w+ed)\b"
)
_ADMIN_ACTIONS = word_set(
    "renewed paid purchased bought signed subscribed ordered invoiced billed hired joined "
    "migrated onboarded"
)
_BASE_CONFIDENCE = {
    "relative": 0.85,
    "clock": 0.8,
    "date": 0.8,
    "today": 0.65,
    "weekday": 0.7,
    "month": 0.6,
    "duration": 0.65,
}


def detect_occurred_at(view: MessageView) -> Evidence | None:
    """The best time expression that dates the problem (not a deadline or an invoice)."""
    candidates: list[Evidence] = []
    sentences = view.analysis.sentences
    for entity in view.analysis.doc.ents:
        if entity.label_ != "WHEN":
            continue
        sentence = next((s for s in sentences if s.start <= entity.start < s.end), None)
        if sentence is None:
            continue
        confidence = _entity_confidence(entity, sentence)
        if confidence is not None:
            span = _with_trigger(entity, sentence)
            candidates.append(Evidence(confidence=confidence, start=span[0], end=span[1]))
    return best(candidates)


def _words_before(entity: Span, sentence: Span, count: int) -> list[str]:
    start = max(sentence.start, entity.start - count)
    return [t.lower_ for t in entity.doc[start : entity.start] if not t.is_space]


def _word_after(entity: Span, sentence: Span) -> str:
    for token in entity.doc[entity.end : min(sentence.end, entity.end + 2)]:
        if token.is_alpha:
            return token.lower_
    return ""


def _inside_quotes(entity: Span, sentence: Span) -> bool:
    """Times inside quoted UI text ("install at 2am local time") describe a feature."""
    before = sentence.text[: entity.start_char - sentence.start_char].rsplit("\n", 1)[-1]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _entity_confidence(entity: Span, sentence: Span) -> float | None:
    kind = entity.ent_id_ or "date"
    before = _words_before(entity, sentence, 3)
    sentence_text = sentence.text
    following = entity.doc[entity.end] if entity.end < len(entity.doc) else None
    if kind == "duration" and following is not None and following.lower_ == "ago":
        kind = "relative"  # "since ~10 min ago"
    if set(before[-2:]) & _FUTURE_BEFORE or _inside_quotes(entity, sentence):
        return None
    if before[-1:] and before[-1] in _RECURRING_BEFORE and kind != "relative":
        return None
    if before[-1:] == ["in"] and kind in {"duration", "relative"} and entity[0].lower_ != "last":
        return None  # "in 3 hours"
    if following is not None and following.lower_ in {"to", "until", "–", "-"} and kind == "date":
        return None  # "from 3 March to 14 March": a range of data, not when it started
    if before[-1:] and before[-1] in {"version", "api", "v"}:
        return None  # "API version 2024-06-01" is a version, not a date
    if set(before) & _ADMIN_ACTIONS:
        return None  # "we renewed last week" dates an admin action, not the problem
    after = _word_after(entity, sentence)
    has_trigger = bool(set(_words_before(entity, sentence, 6)) & _TRIGGERS) or (
        kind == "date" and "starting" in before  # "a jump starting 12 Feb"
    )
    if after in _IDENTITY_NOUNS and not has_trigger:
        return None
    if (
        kind in {"month", "date"}
        and before[-1:] in (["for"], ["of"])
        and (set(before[:-1]) & _IDENTITY_NOUNS)
    ):
        return None  # "our invoice for March"
    if kind == "date" and before[-1:] in (["to"], ["and"]):
        return None  # the far end of a range
    confidence = _BASE_CONFIDENCE.get(kind, 0.7)
    future = bool(_FUTURE_CONTEXT.search(sentence_text))
    if kind == "today":
        near = entity.doc[max(sentence.start, entity.start - 6) : entity.end + 3]
        words = {t.lower_ for t in near}
        if not (words & _TRIGGERS - {"on", "at", "about", "around", "until", "during"}):
            return None
        return confidence if not future else None
    if kind == "relative" and entity[-1].lower_ in {"week", "month", "year"}:
        if entity[0].lower_ == "this" and not (has_trigger or _PAST_CONTEXT.search(sentence_text)):
            return None  # "an answer this week would help"
        if before[-1:] and before[-1] in {"as", "than", "used"}:
            return None  # "same template as last month"
    if kind in {"weekday", "month"}:
        if future and not has_trigger:
            return None
        if not (has_trigger or _PAST_CONTEXT.search(sentence_text)):
            return None
    if kind == "duration":
        lead = entity[0].lower_
        perfect = re.search(r"(?i)\b(?:been|has|have|'ve|’ve|had)\b", sentence_text)
        if lead in {"lost", "spent", "wasted", "since"} or perfect:
            return confidence
        if lead in {"in", "for"} and entity[2].lower_ in {"last", "past"}:
            return confidence  # "in the last 20 min", "for the past week"
        return None
    if future and not has_trigger and kind != "relative":
        return None
    return min(0.95, confidence + (0.1 if has_trigger else 0.0))


def _with_trigger(entity: Span, sentence: Span) -> tuple[int, int]:
    """Include a leading "since"/"started"/"noticed" in the evidence span."""
    start = entity.start_char
    for token in reversed(entity.doc[max(sentence.start, entity.start - 3) : entity.start]):
        if token.lower_ in {"since", "started", "noticed", "from", "after", "on", "at", "first"}:
            start = token.idx
            break
    return start, entity.end_char
