"""Lexeme flags stand in for word-list predicates without changing a single match."""

from __future__ import annotations

import spacy
from spacy.matcher import Matcher

from triage.completeness_nlp import split_for_speed
from triage.completeness_patterns import TOKEN_PATTERNS
from triage.matcher_word_flags import flag_word_lists, with_word_flags

TEXTS = [
    "We checked the firewall and rotated the API keys, still failing since Monday 09:00.",
    "Steps: 1. open Reports 2. pick last month 3. click Export -> 504 Gateway Timeout",
    "I tried Chrome and Firefox on another network, same result. Version 4.2.1 build 77.",
    "Nobody changed anything on our side; it started after last night's update.",
    "HOW do we reset a password?? thanks",
]


def matches(matcher: Matcher, nlp: spacy.language.Language) -> list[list[tuple[str, int, int]]]:
    strings = nlp.vocab.strings
    return [
        sorted((strings[match_id], start, end) for match_id, start, end in matcher(nlp(text)))
        for text in TEXTS
    ]


def test_flagged_patterns_find_exactly_what_the_word_lists_find() -> None:
    plain_nlp, flagged_nlp = spacy.blank("en"), spacy.blank("en")
    patterns = {label: split_for_speed(p)[0] for label, p in TOKEN_PATTERNS.items()}
    plain, flagged = Matcher(plain_nlp.vocab), Matcher(flagged_nlp.vocab, validate=False)
    flags = flag_word_lists(flagged_nlp.vocab, [p for ps in patterns.values() for p in ps])
    for label, label_patterns in patterns.items():
        if label_patterns:
            plain.add(label, label_patterns)
            flagged.add(label, [with_word_flags(p, flags) for p in label_patterns])

    expected = matches(plain, plain_nlp)
    assert any(expected), "the sample texts must exercise the patterns"
    assert matches(flagged, flagged_nlp) == expected
    assert flags, "some word lists must have been given flags"


def test_at_most_the_45_free_flag_slots_are_used() -> None:
    nlp = spacy.blank("en")
    many = [[{"LOWER": {"IN": [f"word{i}", f"other{i}"]}}] for i in range(80)]
    flags = flag_word_lists(nlp.vocab, many)
    assert len(flags) == 45
    untouched = [
        with_word_flags(p, flags) for p in many if frozenset(p[0]["LOWER"]["IN"]) not in flags
    ]
    assert all("LOWER" in p[0] for p in untouched)
