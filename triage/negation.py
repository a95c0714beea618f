"""Negation and non-factual context around a cue word.

"I have not checked the firewall", "we haven't had a chance to verify it yet", "could you
check the logs?" and "we will check tomorrow" all contain a check verb, yet none of them says
the customer already checked their side. These helpers look at the tokens around a cue in
its sentence and say whether the cue is negated, hypothetical or a request/question.
"""

from __future__ import annotations

from spacy.tokens import Span, Token

NEGATORS = frozenset({"not", "n't", "n’t", "never", "no", "without", "neither", "nor", "cannot"})
# Words that end a negation's reach: clause boundaries and contrastive conjunctions.
_SCOPE_BREAKERS = frozenset(
    {",", ";", ":", "—", "–", "but", "and", "so", "although", "though", "however", "because",
     "which", "while", "(", ")", ".", "!", "?"}
)  # fmt: skip
_MODALS = frozenset(
    {"will", "would", "should", "could", "might", "may", "shall", "'ll", "’ll", "going", "gonna",
     "plan", "planning", "want", "wants", "need", "needs", "try", "trying", "about", "if",
     "whether", "please", "pls", "can", "able", "maybe", "perhaps", "possibly", "probably"}
)  # fmt: skip
_YET_TO = ("yet", "to")


def is_negated(token: Token, *, window: int = 5) -> bool:
    """True when `token` sits in the scope of a negator earlier in its clause.

    "have n't checked", "did not verify", "never tested", "not yet checked", and the
    post-posed "have yet to check" all negate; a clause break (comma, "but") ends the scope.
    """
    for word, previous in _words_back(token, window):
        if word in _SCOPE_BREAKERS:
            break
        if word in NEGATORS or (word == "to" and previous == "yet"):
            return True
    return False


def _words_back(token: Token, window: int) -> list[tuple[str, str]]:
    """Lowercased words before `token` in its sentence, nearest first, each with the word
    before it (cheaper than `token.sent`, which rescans the document)."""
    doc = token.doc
    words: list[tuple[str, str]] = []
    index = token.i
    while len(words) < window and index > 0 and not doc[index].is_sent_start:
        index -= 1
        previous = doc[index - 1].lower_ if index > 0 and not doc[index].is_sent_start else ""
        words.append((doc[index].lower_, previous))
    return words


def is_hypothetical(token: Token, *, window: int = 4) -> bool:
    """True when a modal, request or conditional governs `token` ("we will check",
    "could you verify", "if we restart", "please check")."""
    for word, _ in _words_back(token, window):
        if word in _SCOPE_BREAKERS:
            break
        if word in _MODALS:
            return True
    return False


_REPORTED_QUESTION = (
    "asks whether", "asked whether", "asking whether", "asks if", "asked if", "wants to know",
    "would like to know", "wondering whether", "wondering if",
)  # fmt: skip


def is_question(sentence: Span) -> bool:
    """A sentence asking something ("have you checked …?", "what are the steps to …?",
    "our auditor asks whether …")."""
    text = sentence.text.strip()
    if text.endswith("?"):
        return True
    lowered = text.lower()
    if any(phrase in lowered for phrase in _REPORTED_QUESTION):
        return True
    first = sentence[0].lower_ if len(sentence) else ""
    return first in {"how", "what", "why", "where", "which", "can", "could", "is", "are", "do",
                     "does", "should", "would", "have", "has", "any"} and "?" in text  # fmt: skip


def is_in_hedge(sentence: Span) -> bool:
    """Speculation about one's own side ("could be something on our side") is not a check."""
    lowered = sentence.text.lower()
    return any(
        phrase in lowered
        for phrase in (
            "could be something",
            "might be something",
            "may be something",
            "could be on our side",
            "might be on our side",
            "not sure if",
            "not sure whether",
            "i wonder if",
            "haven't had a chance",
            "have not had a chance",
            "haven't had time",
        )
    )
