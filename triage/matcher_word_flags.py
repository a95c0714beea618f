"""Word-list predicates in spaCy token patterns, turned into lexeme flags.

A `{"LOWER": {"IN": [...]}}` predicate is a Python call for every token the Matcher tries it
on, and a pattern's first token is tried on every token of every message: in the completeness
checker those calls were most of the per-message time. A lexeme flag holds the same answer,
computed once per distinct word in the vocabulary, and the Matcher checks it in C. spaCy has
45 free flag slots (`FLAG19` … `FLAG63`): the word lists tried most often (first tokens) get
them; the rest stay ordinary predicates. Matches are identical either way (the tests compare).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from spacy.attrs import IDS
from spacy.vocab import Vocab

Pattern = list[dict[str, Any]]

_FREE_FLAGS = tuple(f"FLAG{number}" for number in range(19, 64))
# A first token is tried at every position; a later one only where a partial match is alive.
_FIRST_TOKEN_WEIGHT = 1_000


def _word_set(spec: dict[str, Any]) -> frozenset[str] | None:
    value = spec.get("LOWER")
    if isinstance(value, dict) and set(value) == {"IN"}:
        return frozenset(str(word).lower() for word in value["IN"])
    return None


def _in_word_set(words: frozenset[str]):  # type: ignore[no-untyped-def]
    def getter(text: str) -> bool:
        return text.lower() in words  # exactly the LOWER attribute's test

    return getter


def flag_word_lists(vocab: Vocab, patterns: Iterable[Pattern]) -> dict[frozenset[str], str]:
    """Give the most-tried word lists of `patterns` a lexeme flag in `vocab`.

    Returns {word set: flag attribute name}, to be applied with `with_word_flags`. Call it once
    per vocabulary, with every pattern that will use the flags.
    """
    weight: Counter[frozenset[str]] = Counter()
    for pattern in patterns:
        for position, spec in enumerate(pattern):
            words = _word_set(spec)
            if words is not None:
                weight[words] += _FIRST_TOKEN_WEIGHT if position == 0 else 1
    flags: dict[frozenset[str], str] = {}
    for (words, _), name in zip(weight.most_common(), _FREE_FLAGS, strict=False):
        vocab.add_flag(_in_word_set(words), flag_id=IDS[name])
        flags[words] = name
    return flags


def with_word_flags(pattern: Pattern, flags: dict[frozenset[str], str]) -> Pattern:
    """`pattern` with each flagged word-list predicate replaced by its flag check."""
    rewritten: Pattern = []
    for spec in pattern:
        words = _word_set(spec)
        name = flags.get(words) if words is not None else None
        if name is None:
            rewritten.append(spec)
            continue
        rewritten.append({**{k: v for k, v in spec.items() if k != "LOWER"}, name: True})
    return rewritten
