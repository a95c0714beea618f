"""`impact`: who or what is affected and how badly.

Scope ("~5,000 employees", "40% of traffic", "only one of our devs", "prod is fine") or
consequence ("nothing has shipped today", "QA is blocked", "purely cosmetic", "not blocking
anything"). Not: a bare workaround sentence or an emotional reaction. Each sentence collects
cue weights; the strongest sentence is the evidence.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from triage.completeness_fields.evidence import Evidence, best
from triage.message_view import MessageView
from triage.negation import is_question

_THRESHOLD = 0.9
_LABEL_WEIGHTS = {
    "IMPACT_POPULATION_COUNT": 1.0,
    "IMPACT_PERCENT": 1.0,
    "IMPACT_CANNOT": 0.9,
    "IMPACT_SCOPE": 0.6,
}
# Phrases that state consequence or severity on their own.
_STRONG_PHRASES = frozenset(
    {
        "blocked", "blocking", "blocker", "is down", "are down", "standing still",
        "at a standstill", "losing", "loosing", "lost", "missed", "deadline", "depends on",
        "depend on", "rely on", "relies on", "relying on", "required to", "manually",
        "by hand", "on paper", "manual entry", "complaints", "complaining", "revenue",
        "nobody can", "no one can", "everyone else", "everybody else", "prod is fine",
        "production is fine", "production is unaffected", "prod is up", "unaffected",
        "not affected", "cosmetic", "not urgent", "no rush", "not blocking", "not a blocker",
        "annoying", "annoyance", "nuisance", "no harm", "no impact", "harmless",
        "nothing is lost", "nothing's lost", "no data is lost", "nothing lost", "workable",
        "not the end of the world", "not a huge deal", "not a big deal", "not a huge problem",
        "big deal", "makes it hard", "makes it really hard", "makes it useless",
        "kind of useless", "wasted", "wasting", "cost us", "cost me", "at risk", "exposed",
        "exposing", "anyone with", "anyone could", "anyone can", "could view",
        "could access", "could read", "out of service", "blind", "impact", "affects",
        "affected", "affecting", "system of record", "we need these for", "we need this for",
        "month-end", "on hold", "production incident", "prod incident", "chargeback",
        "chargebacks", "conversion", "abandonment", "data breach", "excluded from", "idle",
        "unprofessional", "customer-facing", "customer facing", "queue times", "capacity",
        "throughput", "takes longer", "three times longer", "twice as long", "productivity",
        "can't work", "cannot work", "going back to", "paper sheets", "delayed", "backed up",
        "piling up", "filling up", "waiting on", "waiting for", "can still", "fraudulent",
        "phishing", "our board", "the board", "confuses", "confusing", "hard to",
        "just flagging", "noise",
    }
)  # fmt: skip
# Weaker phrases: count only together with another cue in the same sentence.
_WEAK_WEIGHT = 0.45
_STRONG_WEIGHT = 0.95
# A sentence that only reports a workaround or asks for something is not an impact statement.
_WORKAROUND_ONLY = re.compile(
    r"(?i)^\W*(?:for now|in the meantime|meanwhile|as a workaround|we(?:'ve| have)? "
    r"(?:switched|added|set up|moved|been using|started using))\b"
)
_REQUEST = re.compile(r"(?i)^\W*(?:please|pls|kindly|can you|could you|would you|let us know)\b")
_EMOTION_ONLY = re.compile(
    r"(?i)\b(?:embarrassing|ridiculous|unacceptable|not happy|disappointed|frustrat\w+|"
    r"freaking out|furious|angry|terrible)\b"
)
_PRODUCTION_STATE = re.compile(
    r"(?i)\b(?:prod(?:uction)?|live site|storefront|checkout|payroll|site|shop|business)\b"
    r"[^.\n]{0,30}\b(?:is|are|was|itself is|still)\b[^.\n]{0,15}\b(?:fine|up|down|unaffected|"
    r"working|ok|normal|running)\b"
)
_CUSTOMERS_AFFECTED = re.compile(
    r"(?i)\b(?:our |the |all |most |many |some )?(?:customers?|users?|employees|staff|people|"
    r"shoppers|clients|agents|engineers|developers|devs|team|teams|managers|doctors|nurses|"
    r"drivers|members|subscribers|recipients|technicians|operators|analysts|recruiters|"
    r"accountants?|auditors?|warehouse|stores?|ops|qa|finance|sales|support)\b[^.\n]{0,40}"
    r"\b(?:can['’]?t|cannot|can not|couldn['’]t|unable|are unable|aren['’]t able|have to|"
    r"had to|has to|are (?:now |currently )?(?:stuck|blocked|waiting|getting|asking|calling|"
    r"complaining|handling|using|working|going|seeing|idle)|is (?:blocked|stuck|waiting)|"
    r"lose|lost|missed|rely|relies|depend|depends|wait|need|needs|won['’]t|didn['’]t)\b"
)


def detect_impact(view: MessageView) -> Evidence | None:
    candidates: list[Evidence] = []
    for sentence in view.sentences():
        score = _sentence_score(view, sentence)
        if score >= _THRESHOLD:
            candidates.append(
                Evidence(
                    confidence=min(0.95, 0.5 + score / 3),
                    start=sentence.start_char,
                    end=sentence.end_char,
                )
            )
    return best(candidates)


def _sentence_score(view: MessageView, sentence: Span) -> float:
    text = sentence.text
    if _REQUEST.match(text) or _WORKAROUND_ONLY.match(text):
        return 0.0
    if is_question(sentence) and not re.search(r"(?i)\b(?:all|every|nobody|everyone)\b", text):
        return 0.0
    score = 0.0
    for label, weight in _LABEL_WEIGHTS.items():
        if any(span.sent == sentence for span in view.analysis.spans(label)):
            score += weight
    for span in view.analysis.spans("IMPACT_PHRASE"):
        if span.sent != sentence:
            continue
        score += _STRONG_WEIGHT if span.text.lower() in _STRONG_PHRASES else _WEAK_WEIGHT
    if _PRODUCTION_STATE.search(text):
        score += 1.0
    if _CUSTOMERS_AFFECTED.search(text):
        score += 1.0
    if _EMOTION_ONLY.search(text) and score < 2 * _THRESHOLD:
        score -= 0.5
    return score
