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
from triage.message_view import MessageView

_TRIGGERS = frozenset(
    "since started start starting began begun noticed noticing first seen spotted appeared "
    "observed found discovered ago from after happened happening occurred broke stopped went "
    "failed crashed went dropped during at on around approx approximately about until".split()
)
_FUTURE_BEFORE = frozenset(
    "next tomorrow by due until till before deadline renewal renew renews expires expire "
    "expiring within every each starting starts start upcoming coming cutoff scheduled".split()
)
_FUTURE_CONTEXT = re.compile(
    r"(?i)\b(?:will|going to|gonna|need to|needs to|must|have to|has to|plan(?:ning)? to|"
    r"deadline|is due|are due|due (?:on|at|by)|tomorrow|next (?:week|month|sprint|year)|"
    r"cutoff|cut-off|before we|coming up)\b"
)
# Dates that name something else: "our 28 Feb payslip", "the March invoice".
_IDENTITY_NOUNS = frozenset(
    "invoice invoices payslip payslips payroll payout payouts statement statements bill bills "
    "report reports release sprint deadline cutoff renewal cycle run newsletter quarter "
    "edition issue batch".split()
)
_PAST_CONTEXT = re.compile(
    r"(?i)\b(?:since|started|began|noticed|first|seen|spotted|appeared|ago|happened|occurred|"
    r"stopped|broke|failed|went|was|were|had|did|got|found|saw|yesterday|last|dropped|"
    r"crashed|been|\w+ed)\b"
)
_ADMIN_ACTIONS = frozenset(
    "renewed paid purchased bought signed subscribed ordered invoiced billed hired joined "
    "migrated onboarded".split()
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
    candidates: list[Evidence] = []
    doc = view.analysis.doc
    for entity in doc.ents:
        if entity.label_ != "WHEN":
            continue
        confidence = _entity_confidence(entity)
        if confidence is not None:
            span = _with_trigger(entity)
            candidates.append(Evidence(confidence=confidence, start=span[0], end=span[1]))
    return best(candidates)


def _words_before(entity: Span, count: int) -> list[str]:
    start = max(entity.sent.start, entity.start - count)
    return [t.lower_ for t in entity.doc[start : entity.start] if not t.is_space]


def _word_after(entity: Span) -> str:
    for token in entity.doc[entity.end : min(entity.sent.end, entity.end + 2)]:
        if token.is_alpha:
            return token.lower_
    return ""


def _entity_confidence(entity: Span) -> float | None:
    kind = entity.ent_id_ or "date"
    before = _words_before(entity, 3)
    sentence_text = entity.sent.text
    if set(before[-2:]) & _FUTURE_BEFORE:
        return None
    if before[-1:] == ["in"] and kind in {"duration", "relative"}:
        return None  # "in 3 hours"
    if before[-1:] and before[-1] in {"version", "api", "v"}:
        return None  # "API version 2024-06-01" is a version, not a date
    if set(before) & _ADMIN_ACTIONS:
        return None  # "we renewed last week" dates an admin action, not the problem
    after = _word_after(entity)
    has_trigger = bool(set(_words_before(entity, 6)) & _TRIGGERS)
    if after in _IDENTITY_NOUNS and not has_trigger:
        return None
    confidence = _BASE_CONFIDENCE.get(kind, 0.7)
    future = bool(_FUTURE_CONTEXT.search(sentence_text))
    if kind == "today":
        words = {t.lower_ for t in entity.sent}
        if not (words & _TRIGGERS - {"on", "at", "about", "around", "until", "during"}):
            return None
        return confidence if not future else None
    if kind in {"weekday", "month"}:
        if future and not has_trigger:
            return None
        if not (has_trigger or _PAST_CONTEXT.search(sentence_text)):
            return None
    if kind == "duration":
        text = entity.text.lower()
        lead = text.split()[0]
        perfect = re.search(r"(?i)\b(?:been|has|have|'ve|’ve|had)\b", sentence_text)
        if lead in {"lost", "spent", "wasted", "past", "last", "since"} or perfect:
            return confidence
        return None
    if future and not has_trigger and kind != "relative":
        return None
    return min(0.95, confidence + (0.1 if has_trigger else 0.0))


def _with_trigger(entity: Span) -> tuple[int, int]:
    """Include a leading "since"/"started"/"noticed" in the evidence span."""
    start = entity.start_char
    for token in reversed(entity.doc[max(entity.sent.start, entity.start - 3) : entity.start]):
        if token.lower_ in {"since", "started", "noticed", "from", "after", "on", "at", "first"}:
            start = token.idx
            break
    return start, entity.end_char
