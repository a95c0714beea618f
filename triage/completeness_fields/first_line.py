"""`first_line_confirmation`: the customer already checked their own side and it persists.

Network/firewall, credentials/keys (including rotating or revoking them), permissions and
group membership, their own config/code/integration/file, or the client environment (other
browser/device/network). Not: negated or planned checks ("I have not checked the firewall",
"we will check"), questions/requests ("have you checked?"), speculation ("could be something
on our side"), or checks whose only purpose is to look for signs of exploitation.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

from triage.completeness_fields.evidence import Evidence, best
from triage.completeness_nlp import AnalysedText
from triage.completeness_patterns import ENVIRONMENT_NOUNS, word_set
from triage.message_view import MessageView
from triage.negation import is_hypothetical, is_in_hedge, is_negated, is_question

_EXPLOIT_PURPOSE = re.compile(
    r"(?i)\b(?:exploit\w*|abuse[ds]?|sign of|signs of|evidence of|indication|compromise\w*|"
    r"intrusion|malicious activity|(?:found|see|saw|seen) no (?:unknown|suspicious|"
    r"unauthori[sz]ed|rogue|unexpected))\b"
)
_OWN_SIDE_NOUNS = word_set(
    "network networks firewall firewalls connectivity connection credentials credential key "
    "keys token tokens password passwords permissions permission role roles group "
    "membership dns cname domain certificate certificates cert certs csp config "
    "configuration settings setting database db server servers resources cpu ram memory "
    "disk disks storage bandwidth account license licence file files csv template mapping "
    "clock clocks ntp heartbeat link links vpn proxy egress outbound quota statistics stats "
    "integration integrations webhook endpoint instance replica hardware components lun "
    "luns shell policy secret secrets service payload code headers header cache side plugin "
    "plugins driver drivers environment vlan signal wifi cabling psu controller gateway "
    "gateways devices device browser browsers extensions codes dates settings version "
    "history model schema definition app registration pool cluster node nodes agent agents "
    "host hosts rules sso idp okta ldap provider port ports udp tcp components"
)
_STRONG_OWN_SIDE = word_set(
    "network firewall connectivity credentials password token key keys permissions role dns "
    "cname csp certificate cert vpn egress bandwidth statistics disks hardware quota port "
    "ports udp tcp"
)
# States that only someone who looked can report ("all components healthy", "port is open").
_OBSERVED_STATES = word_set(
    "healthy online reachable open valid verified granted consented intact synced pingable "
    "identical unchanged present there resolving resolves assigned"
)
_TEST_WORDS = word_set(
    "tried tested checked same also even seen happens happening reproduced reproducible "
    "fails failing occurs confirmed verified switched using used regardless both"
)
_REMEDIATION_GERUNDS = word_set(
    "clearing logging restarting rebooting reinstalling reconnecting disabling removing "
    "resetting rotating switching using updating reseating recreating regenerating "
    "re-uploading reuploading uploading deleting revoking reinviting re-adding"
)
_ENVIRONMENT_NOUNS = frozenset(ENVIRONMENT_NOUNS)
_SUBJECT_WORDS = frozenset({"we", "i", "our", "my", "us", "team", "she", "he", "they", "it's"})
_VENDOR_SUBJECT = frozenset({"you", "your", "support"})
_CONDITIONAL_BEFORE = re.compile(r"(?i)\b(?:when|if|whenever|even when|even if|unless)\s+$")
_WORKAROUND = re.compile(r"(?i)\b(?:temporarily|as a workaround|for now|in the meantime)\b")
_LOOSE_CHECK_VERBS = frozenset({"tried", "tested", "made", "went", "looked", "ruled", "check"})


def detect_first_line_confirmation(view: MessageView) -> Evidence | None:
    """The most convincing sentence saying the customer ruled out their own side."""
    candidates: list[Evidence] = []
    analysis = view.analysis
    for sentence in view.sentences():
        if is_in_hedge(sentence):
            continue
        if is_question(sentence):
            # "I looked under Settings > Users but only see Admin, am I missing something?"
            confidence = _looked_in_settings(analysis, sentence)
        else:
            exploit_check = bool(_EXPLOIT_PURPOSE.search(sentence.text))
            confidence = _sentence_confidence(analysis, sentence, exploit_check)
        if confidence is not None:
            candidates.append(
                Evidence(confidence=confidence, start=sentence.start_char, end=sentence.end_char)
            )
    return best(candidates)


def _sentence_confidence(
    analysis: AnalysedText, sentence: Span, exploit_check: bool
) -> float | None:
    scores: list[float] = []
    environments = analysis.spans_in(sentence, "FLC_ENVIRONMENTS")
    same_result = analysis.spans_in(sentence, "FLC_SAME_RESULT")
    if not exploit_check:
        for span in analysis.spans_in(sentence, "FLC_CHECK"):
            score = _check_score(span, sentence, bool(environments))
            if score:
                scores.append(score)
        for span in analysis.spans_in(sentence, "FLC_FIX_ATTEMPT"):
            score = _fix_attempt_score(span, sentence)
            if score:
                scores.append(score)
    tested = any(t.lower_ in _TEST_WORDS for t in sentence)
    for span in environments:
        if tested and not is_negated(span[0]) and not is_hypothetical(span[0]):
            scores.append(0.8)
    for span in analysis.spans_in(sentence, "FLC_UNCHANGED"):
        before = sentence.text[: span.start_char - sentence.start_char]
        if _CONDITIONAL_BEFORE.search(before) or _vendor_subject(span, sentence):
            continue
        scores.append(0.85)
    if analysis.spans_in(sentence, "FLC_NOT_OURS"):
        scores.append(0.85)
    for span in analysis.spans_in(sentence, "FLC_OK_STATE"):
        if _own_side_state(span, sentence):
            scores.append(0.75)
    looked = _looked_in_settings(analysis, sentence)
    if looked is not None:
        scores.append(looked)
    if same_result and scores:
        scores.append(max(scores) + 0.05)
    return min(max(scores), 0.95) if scores else None


def _looked_in_settings(analysis: AnalysedText, sentence: Span) -> float | None:
    """Looking through one's own settings: "looked under Settings > Time Off, only X"."""
    for span in analysis.spans_in(sentence, "FLC_SETTINGS_LOOKED"):
        if is_negated(span[0]) and span[0].lower_ not in {"only", "there"}:
            continue
        if any(t.lower_ in {"looked", "went", "checked", "searched", "see"} for t in sentence):
            return 0.7
    return None


def _subject_is_customer(token: Token, sentence: Span) -> bool:
    """The verb's subject is the customer ("we", "I", "our team", "she") or implied."""
    window = sentence.doc[max(sentence.start, token.i - 4) : token.i]
    words = {t.lower_ for t in window}
    if words & _VENDOR_SUBJECT and not words & _SUBJECT_WORDS:
        return False
    first_alpha = next((t for t in sentence if t.is_alpha), None)
    implied = first_alpha is not None and first_alpha.i == token.i  # "Checked the firewall."
    return (
        implied
        or bool(words & _SUBJECT_WORDS)
        or token.i - sentence.start <= 1
        or (token.i > sentence.start and sentence.doc[token.i - 1].text in {"(", "—", "-", ";"})
    )


def _check_score(span: Span, sentence: Span, has_environments: bool) -> float | None:
    verb = span[-1] if span[-1].lower_ == "checked" else span[0]
    word = verb.lower_
    if is_negated(verb) or (is_hypothetical(verb) and word != "check"):
        return None
    doc = sentence.doc
    following = [t.lower_ for t in doc[verb.i + 1 : min(sentence.end, verb.i + 6)]]
    if word == "check":
        return 0.7 if verb.i > sentence.start and doc[verb.i - 1].lower_ in {"i", "we"} else None
    if word == "made":
        return 0.8 if following[:1] == ["sure"] else None
    if word == "went":
        return 0.7 if following[:1] == ["through"] else None
    if word == "looked":
        return (
            0.7
            if following[:1] and following[0] in {"at", "in", "under", "into", "through"}
            else None
        )
    if word == "ruled":
        return 0.85 if following[:1] == ["out"] else None
    if word in {"tried", "tested"}:
        if has_environments or set(following) & (_ENVIRONMENT_NOUNS | {"different", "another"}):
            return 0.8
        if set(following[:2]) & _REMEDIATION_GERUNDS:
            return 0.7  # "tried clearing the cache", "tried logging out"
        return None  # "we tested it with a throwaway fork" confirms the bug, not our side
    if word in {"confirmed", "verified"} and following[:1] and following[0] in {"this", "it"}:
        return 0.8 if has_environments else None
    passive_by_us = verb.i > sentence.start and doc[verb.i - 1].lower_ in {"were", "was", "been"}
    if passive_by_us:
        return 0.8 if following[:2] in (["by", "our"], ["by", "us"], ["by", "me"]) else None
    if not _subject_is_customer(verb, sentence):
        return None
    # What was checked must be on the customer's side or stated as a verified state.
    checked = {t.lower_ for t in doc[verb.i + 1 : min(sentence.end, verb.i + 10)]}
    specific = bool(
        checked & (_OWN_SIDE_NOUNS | _OBSERVED_STATES | {"that", "whether", "our", "my"})
        or any(t.text == "(" for t in doc[max(sentence.start, verb.i - 2) : verb.i])
    )
    emphatic = (
        word
        in {
            "verified",
            "confirmed",
            "validated",
            "ensured",
            "double-checked",
            "re-checked",
            "rechecked",
        }
        or len(span) > 1
    )  # "double-checked"
    if not specific and not emphatic:
        return 0.55
    return 0.85 if word not in _LOOSE_CHECK_VERBS else 0.7


def _fix_attempt_score(span: Span, sentence: Span) -> float | None:
    verb = span[0]
    word = verb.lower_
    if is_negated(verb) or is_hypothetical(verb):
        return None
    doc = sentence.doc
    following = [t.lower_ for t in doc[verb.i + 1 : min(sentence.end, verb.i + 5)]]
    before = sentence.text[
        max(0, verb.idx - 30 - sentence.start_char) : verb.idx - sentence.start_char
    ]
    if _WORKAROUND.search(before) or _WORKAROUND.search(" ".join(following[:3])):
        return None
    if word in {"logged", "logging"}:
        return 0.8 if following[:1] == ["out"] else None
    if word in {"cleared", "clearing"}:
        return 0.8 if "cache" in following or "cookies" in following else None
    if word == "rolled":
        return 0.75 if "our" in following[:3] else None
    if word in {"updated", "switched", "deleted", "removed", "replaced", "disabled"}:
        nouns = set(following) & (_OWN_SIDE_NOUNS | {"other", "all", "her", "him", "them"})
        customer = _subject_is_customer(verb, sentence)
        return 0.7 if nouns and customer and word != "switched" else None
    if word in {"reconnecting", "restarting", "rebooting", "reinstalling", "clearing"}:
        return (
            0.7
            if any(t.lower_ in {"did", "didn't", "n't", "help", "same"} for t in sentence)
            else None
        )
    if not _subject_is_customer(verb, sentence):
        return None
    return 0.75


def _vendor_subject(span: Span, sentence: Span) -> bool:
    window = sentence.doc[max(sentence.start, span.start - 3) : span.start]
    return any(t.lower_ in _VENDOR_SUBJECT for t in window)


def _own_side_state(span: Span, sentence: Span) -> bool:
    """A stated own-side state: "our firewall is open", "disks all report healthy"."""
    if is_negated(span[-1]):
        return False
    clause = sentence.doc[max(sentence.start, span.start - 8) : span.end]
    words = {t.lower_ for t in clause}
    nouns = words & _OWN_SIDE_NOUNS
    if not nouns:
        return False
    text = sentence.text.lower()
    checked = bool(
        re.search(r"\b(?:checked|verified|confirmed|tested|when (?:i|we)|definitely)\b", text)
        or re.search(r"\b(?:from|on) our side\b", text)
    )
    state = span[-1].lower_
    if span[0].lower_ in {
        "works",
        "work",
        "worked",
        "succeeds",
        "succeeded",
        "passes",
        "passed",
        "resolves",
        "returns",
        "responds",
        "completes",
        "loads",
    }:
        return bool(words & {"our", "my"}) or checked  # "our endpoint responds fine"
    if state in _OBSERVED_STATES:
        return True
    return bool(words & {"our", "my"} or nouns & _STRONG_OWN_SIDE or checked)
