"""`impact`: who or what is affected and how badly.

Scope ("~5,000 employees", "40% of traffic", "only one of our devs", "prod is fine") or
consequence ("nothing has shipped today", "QA is blocked", "purely cosmetic", "not blocking
anything"). Not: a bare workaround sentence, a request, or an emotional reaction. Each
sentence collects cue weights; the strongest sentence is the evidence.
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
    "IMPACT_PEOPLE_WORDS": 0.9,
    "IMPACT_CANNOT": 0.9,
    "IMPACT_STRONG": 0.95,
    "IMPACT_WEAK": 0.45,
}
# Counts of people/devices in a billing sentence describe the contract, not the impact.
_COUNT_LABELS = frozenset({"IMPACT_POPULATION_COUNT", "IMPACT_PERCENT", "IMPACT_PEOPLE_WORDS"})
# "all/every/whole/none … users" states scope; "some/any … users" only hints at it. Neither
# is enough alone: "every device shows orange" is a symptom until a consequence is stated.
_BROAD_QUANTIFIERS = frozenset({"all", "every", "whole", "entire"})
_PROPORTION_QUANTIFIERS = frozenset({"most", "half", "none"})
_SCOPE_WEIGHT_PROPORTION = 1.0
_SCOPE_WEIGHT_BROAD = 0.8
_SCOPE_WEIGHT_NARROW = 0.6
_SHAPE_WEIGHT = 1.0

_WORKAROUND_ONLY = re.compile(
    r"(?i)^\W*(?:for now|in the meantime|meanwhile|as a workaround|we(?:'ve| have)? "
    r"(?:switched|added|set up|moved|been using|started using))\b"
)
_REQUEST = re.compile(r"(?i)^\W*(?:please|pls|kindly|can you|could you|would you|let us know)\b")
# "please send the RCA for the outage on our payroll": a request, not an impact statement.
_REPORT_REQUEST = re.compile(
    r"(?i)\b(?:please|could you|can you|requesting|request)\b[^.\n]*"
    r"\b(?:rca|root cause|post-?incident|incident report|report|analysis|quote)\b"
)
_EMOTION_ONLY = re.compile(
    r"(?i)\b(?:embarrassing|ridiculous|unacceptable|not happy|disappointed|frustrat\w+|"
    r"freaking out|furious|angry|terrible)\b"
)
# "prod is fine", "the database is running normally", "everything else works".
_SYSTEM_STATE = re.compile(
    r"(?i)\b(?:prod(?:uction)?|live site|storefront|checkout|payroll|site|shop|business|"
    r"database|db|system|platform|service|api|others?|everything else|rest of \w+)\b"
    r"[^.\n]{0,30}\b(?:is|are|was|itself is|still|look|looks|seem|seems)\b[^.\n]{0,15}"
    r"\b(?:fine|up|down|unaffected|working|ok|normal|normally|running)\b"
)
# Consequences with a shape rather than a fixed phrase.
_CONSEQUENCE_SHAPES = re.compile(
    r"(?i)\b(?:has|have|had) to (?:type|re-?enter|manually|do|use|redo|re-?run|re-?create|"
    r"copy|wait|restart|refresh|retry|refund|sit|watch|fix|key|call|work|pay|send|approve)\b"
    r"|\b\d+(?:\.\d+)?x (?:longer|slower)\b|\btimes (?:longer|slower)\b"
    r"|\binstead of (?:the usual |about |~)?~?\d"
    r"|\b(?:minutes|hours?|an hour|half an hour|days?|weeks?) (?:late|behind|delayed|stale)\b"
    r"|\bnothing(?:'s| has| is| gets| goes| can)? (?:been )?(?:shipped|shipping|ships|going out|"
    r"goes out|built|builds|deployed|deploys|processed|delivered|sent|working|works|loading|"
    r"loads|moving|moves|broken|failing|lost|landed|arrived|received|prints|sells)\b"
    r"|\b(?:haven['’]t|have not|hasn['’]t|didn['’]t|did not) (?:had|get|got|received?|seen?) "
    r"(?:a single|any)\b"
    r"|\b(?:not a single|zero|no) (?:orders?|sales|payments?|sign-?ups?|transactions?|emails?|"
    r"calls?|builds?|deploys?|alerts?|logins?|bookings?)\b"
    r"|\bcost (?:us|me|one of|him|her|them|our)\b"
    r"|\b(?:nobody|no one|no-one|none of us|no (?:customers?|users?|employees?|staff|agents?|"
    r"shoppers?|one))\b[^.\n]{0,40}\b(?:can|could|(?:has|have|was|were|is|are) been able|"
    r"(?:is|are|was|were) able)\b"
    r"|\bother (?:users|managers|customers|employees|people|members|devs|developers|teams?|"
    r"offices|regions|stores|sites|devices|accounts|admins|colleagues)\b[^.\n]{0,50}"
    r"\b(?:fine|ok|okay|normally|can|work|works|unaffected)\b"
    r"|\b(?:others|everyone else|colleagues|teammates|co-?workers|the rest of (?:us|the team))\b"
    r"[^.\n]{0,40}\b(?:fine|ok|okay|normally|unaffected)\b"
    r"|\b(?:for|affects|affecting|hits|impacts)\s+(?:everyone|everybody|all (?:of )?(?:our |the )?"
    r"(?:users|customers|staff|employees|people|agents|members|teams?|offices|stores|sites|"
    r"devices|accounts)|(?:our|the) (?:whole|entire) (?:company|org|organi[sz]ation|team|"
    r"office|staff|fleet|business))\b"
    r"|\b(?:lost|losing|lose)\b(?: \w+){0,3} (?:orders?|sales|revenue|data|money|customers?|logs?|"
    r"records?|emails?|days?|hours?|work|deals?|calls?|leads?|bookings?)\b"
    r"|\b(?:someone|anyone|attackers?|an attacker)\b[^.\n]{0,60}\b(?:could|can)\b"
    r"|\bit['’]s (?:just|only) (?:the|a|cosmetic|visual)\b|\bjust (?:the|cosmetic)\b"
)
# Billing and licensing sentences count people and devices without describing impact.
_BILLING_CONTEXT = re.compile(
    r"(?i)\b(?:invoices?|billed|billing|licen[cs]es?|seats?|tier|plan|quote|renewal|prorat\w*|"
    r"subscription fee|pricing|credit|evaluat\w+|trial|pilot|purchas\w+)\b"
)
_PEOPLE_AFFECTED = re.compile(
    r"(?i)\b(?:our |the |all |most |many |some )?(?:customers?|users?|employees|staff|people|"
    r"shoppers|clients|agents|engineers|developers|devs|team|teams|managers|doctors|nurses|"
    r"drivers|members|subscribers|recipients|technicians|operators|analysts|recruiters|"
    r"accountants?|auditors?|warehouse|stores?|ops|qa|finance|sales|support)\b[^.\n]{0,40}"
    r"\b(?:can['’]?t|cannot|can not|couldn['’]t|unable|are unable|aren['’]t able|have to|"
    r"had to|has to|are (?:now |currently )?(?:stuck|blocked|waiting|getting|asking|calling|"
    r"complaining|handling|working|going|seeing|idle)|is (?:blocked|stuck|waiting)|"
    r"lose|lost|missed|rely|relies|depend|depends|won['’]t|didn['’]t)\b"
)


_PEOPLE_SUBJECTS = frozenset(
    {"we", "i", "they", "you", "he", "she", "nobody", "noone", "no-one", "one", "people",
     "users", "customers", "employees", "staff", "team", "teams", "engineers", "developers",
     "devs", "managers", "admins", "colleagues", "shoppers", "clients", "members", "doctors",
     "nurses", "drivers", "agents", "dispatchers", "cashiers", "students", "patients",
     "workers", "associates", "recruiters", "accountants", "analysts", "operators", "qa",
     "ops", "finance", "sales", "support", "everyone", "anybody", "anyone", "us"}
)  # fmt: skip


def _people_subject(span: Span, sentence: Span) -> bool:
    """People cannot do something ("our dispatchers can't see routes"), not software."""
    if span[0].lower_ in {"nobody", "noone", "no-one", "no"}:
        return True
    window = span.doc[max(sentence.start, span.start - 4) : span.start]
    return any(token.lower_ in _PEOPLE_SUBJECTS for token in window)


def detect_impact(view: MessageView) -> Evidence | None:
    """The sentence with the strongest scope/consequence cues, if any reaches the threshold."""
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
    if _REQUEST.match(text) or _WORKAROUND_ONLY.match(text) or _REPORT_REQUEST.search(text):
        return 0.0
    if is_question(sentence):
        return 0.0
    billing = bool(_BILLING_CONTEXT.search(text))
    score = 0.0
    for label, weight in _LABEL_WEIGHTS.items():
        if billing and label in _COUNT_LABELS:
            continue
        for span in view.analysis.spans_in(sentence, label):
            if label == "IMPACT_CANNOT" and not _people_subject(span, sentence):
                score += _LABEL_WEIGHTS["IMPACT_WEAK"]  # "the agent can't reach X": a symptom
            else:
                score += weight
    scopes = view.analysis.spans_in(sentence, "IMPACT_SCOPE")
    if scopes and not billing:
        quantifiers = {span[0].lower_ for span in scopes}
        possessive = any("our" in {t.lower_ for t in span} for span in scopes)
        if quantifiers & _PROPORTION_QUANTIFIERS:
            score += _SCOPE_WEIGHT_PROPORTION
        elif quantifiers & _BROAD_QUANTIFIERS or possessive:
            score += _SCOPE_WEIGHT_BROAD
        else:
            score += _SCOPE_WEIGHT_NARROW
    if view.analysis.spans_in(sentence, "IMPACT_WORKAROUND"):
        score += _LABEL_WEIGHTS["IMPACT_WEAK"]
    for shape in (_SYSTEM_STATE, _PEOPLE_AFFECTED, _CONSEQUENCE_SHAPES):
        if shape.search(text):
            score += _SHAPE_WEIGHT
    if _EMOTION_ONLY.search(text) and score < 2 * _THRESHOLD:
        score -= 0.5
    return score
