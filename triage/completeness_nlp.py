"""The spaCy pipeline the completeness checker runs on every inbound message.

Only `spacy.blank("en")` plus rule components: no model download at run time. The pipeline
and its matchers are built once per process (lazy singleton) because the checker runs on
every message in the intake worker; building them costs ~100 ms, so it is done once.
"""

from __future__ import annotations

import re
import threading
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, cast

import numpy as np
import spacy
from spacy.attrs import IS_SPACE, ORTH, SENT_START
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span
from thinc.types import Ints2d

import triage.spacy_array_components  # noqa: F401  (registers the array_* factories)
from triage.chunk_tokenizer import ChunkCachedTokenizer
from triage.completeness_patterns import PHRASE_PATTERNS, TIME_ENTITY_PATTERNS, TOKEN_PATTERNS
from triage.matcher_word_flags import flag_word_lists, with_word_flags

_HAS_LINE_BREAK: dict[int, bool] = {}


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    """Start a new sentence after every line break: chat lines and list items rarely end
    with punctuation, and a step list must not merge into one sentence with the greeting.

    Works on the token arrays (no Token objects): this runs on every message.
    """
    if len(doc) < 2:
        return doc
    columns = doc.to_array([ORTH, IS_SPACE, SENT_START])
    strings = doc.vocab.strings
    starts = columns[:, 2].astype(np.int64)  # -1 (not a start), 0 (unset), 1 (a start)
    previous_breaks = False
    for index, (orth, is_space) in enumerate(columns[:, :2].tolist()):
        if index:
            if is_space:
                starts[index] = -1
            elif previous_breaks:
                starts[index] = 1
        breaks = _HAS_LINE_BREAK.get(orth)
        if breaks is None:
            breaks = _HAS_LINE_BREAK[orth] = "\n" in strings[orth]
        previous_breaks = breaks
    doc.from_array([SENT_START], cast(Ints2d, starts.reshape(-1, 1).astype(np.uint64)))
    return doc


def _first_token_words(pattern: list[dict[str, Any]]) -> list[str] | None:
    """The word list of a pattern whose first token is a plain `{"LOWER": {"IN": [...]}}`."""
    first = pattern[0]
    if set(first) != {"LOWER"} or not isinstance(first["LOWER"], dict):
        return None
    if set(first["LOWER"]) != {"IN"}:
        return None
    return [str(word) for word in first["LOWER"]["IN"]]


def split_for_speed(
    patterns: list[list[dict[str, Any]]],
) -> tuple[list[list[dict[str, Any]]], list[str]]:
    """Move one-token word-list patterns to the PhraseMatcher.

    A `{"LOWER": {"IN": [...]}}` predicate is a Python call on every token of every message;
    a one-token word list is a PhraseMatcher hash lookup instead. (Expanding the first token
    of longer patterns into one pattern per word was measured slower: more patterns to step.)
    Returns (token patterns, single words for the PhraseMatcher); matches are identical.
    """
    token_patterns: list[list[dict[str, Any]]] = []
    single_words: list[str] = []
    for pattern in patterns:
        words = _first_token_words(pattern)
        if words is not None and len(pattern) == 1:
            single_words.extend(words)
        else:
            token_patterns.append(pattern)
    return token_patterns, single_words


@dataclass(frozen=True, slots=True)
class CompletenessNlp:
    """The pipeline and the matchers, built together so they share one vocabulary."""

    nlp: Language
    matcher: Matcher
    phrase_matcher: PhraseMatcher


def _expanded_entity_pattern(pattern: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    token_patterns, single_words = split_for_speed([pattern])
    return token_patterns + [[{"LOWER": word}] for word in single_words]


@lru_cache(maxsize=1)
def completeness_nlp() -> CompletenessNlp:
    """Build (once per process) the blank English pipeline with rule components."""
    nlp = spacy.blank("en")
    nlp.tokenizer = ChunkCachedTokenizer(nlp.tokenizer, nlp.vocab)  # same Docs, faster
    nlp.add_pipe("array_sentencizer", name="sentencizer")
    nlp.add_pipe("line_break_sentences")
    entity_entries = [
        {**entry, "pattern": expanded}
        for entry in TIME_ENTITY_PATTERNS
        for expanded in _expanded_entity_pattern(entry["pattern"])
    ]
    token_patterns_by_label = {
        label: split_for_speed(patterns) for label, patterns in TOKEN_PATTERNS.items()
    }
    flags = flag_word_lists(
        nlp.vocab,
        [
            *(entry["pattern"] for entry in entity_entries),
            *(p for token_patterns, _ in token_patterns_by_label.values() for p in token_patterns),
        ],
    )
    # Added after any initialize(): initialize() would reset the EntityRuler's patterns.
    # validate=False: spaCy's pattern schema does not list the FLAGnn attributes it supports.
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True, "validate": False})
    ruler.add_patterns(  # type: ignore[attr-defined]
        [{**entry, "pattern": with_word_flags(entry["pattern"], flags)} for entry in entity_entries]
    )
    matcher = Matcher(nlp.vocab, validate=False)
    phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, (token_patterns, single_words) in token_patterns_by_label.items():
        if token_patterns:
            matcher.add(label, [with_word_flags(p, flags) for p in token_patterns])
        if single_words:
            phrase_matcher.add(label, [nlp.make_doc(word) for word in single_words])
    for label, phrases in PHRASE_PATTERNS.items():
        phrase_matcher.add(label, [nlp.make_doc(phrase) for phrase in phrases])
    return CompletenessNlp(nlp=nlp, matcher=matcher, phrase_matcher=phrase_matcher)


@dataclass(frozen=True, slots=True)
class AnalysedText:
    """A processed text plus every rule match, grouped by pattern label and by sentence.

    `Span.sent` and `Doc.sents` rescan the document on every access; the detectors ask
    "which matches are in this sentence?" many times per message, so it is indexed once.
    """

    doc: Doc
    matches: dict[str, list[Span]]
    sentences: tuple[Span, ...]  # non-blank sentences in order
    _by_sentence: dict[tuple[str, int], list[Span]]

    def spans(self, *labels: str) -> list[Span]:
        """Matches for any of `labels`, in document order."""
        found = [span for label in labels for span in self.matches.get(label, [])]
        return sorted(found, key=lambda span: (span.start, -span.end))

    def spans_in(self, sentence: Span, *labels: str) -> list[Span]:
        """Matches for any of `labels` that start inside `sentence`."""
        found = [
            span for label in labels for span in self._by_sentence.get((label, sentence.start), [])
        ]
        return sorted(found, key=lambda span: (span.start, -span.end))


# Blanked-out logs and quoted history leave long whitespace runs; spaCy's tokenizer runs its
# affix regexes over every whitespace token, which is quadratic-ish on a 100 KB paste.
_LONG_WHITESPACE = re.compile(r"\s{40,}")


def _make_doc(nlp: Language, text: str) -> Doc:
    """Tokenise `text` but hand long whitespace runs to the Doc as single space tokens.

    The Doc's text (and so every character offset) is exactly `text`. The pieces are joined
    as one word list: `Doc.from_docs` cost 3 ms per message, more than everything else.
    """
    if _LONG_WHITESPACE.search(text) is None:
        return nlp.make_doc(text)
    words: list[str] = []
    spaces: list[bool] = []

    def add_piece(piece: str) -> None:
        for token in nlp.make_doc(piece):
            words.append(token.text)
            spaces.append(bool(token.whitespace_))

    position = 0
    for match in _LONG_WHITESPACE.finditer(text):
        if match.start() > position:
            add_piece(text[position : match.start()])
        words.append(match.group(0))
        spaces.append(False)
        position = match.end()
    if position < len(text):
        add_piece(text[position:])
    return Doc(nlp.vocab, words=words, spaces=spaces)


def _without_trailing_space(sentence: Span) -> Span:
    end = sentence.end
    while end > sentence.start and sentence.doc[end - 1].is_space:
        end -= 1
    return sentence.doc[sentence.start : end]


# spaCy's matchers are not re-entrant and the vocabulary grows while processing; the intake
# worker may prepare its next batch in a thread while it re-checks a reply in another.
_LOCK = threading.Lock()


def analyse(text: str) -> AnalysedText:
    """Run the pipeline and both matchers over `text` (already masked: offsets preserved)."""
    with _LOCK:
        return _analyse(text)


def _analyse(text: str) -> AnalysedText:
    components = completeness_nlp()
    doc = components.nlp(_make_doc(components.nlp, text))
    all_sentences = [_without_trailing_space(sentence) for sentence in doc.sents]
    sentence_start_of_token = [0] * len(doc)
    for sentence in all_sentences:
        for index in range(sentence.start, sentence.end):
            sentence_start_of_token[index] = sentence.start
    matches: dict[str, list[Span]] = defaultdict(list)
    by_sentence: dict[tuple[str, int], list[Span]] = defaultdict(list)
    strings = components.nlp.vocab.strings
    found = [*components.matcher(doc), *components.phrase_matcher(doc)]
    for match_id, start, end in found:
        label = strings[match_id]
        span = doc[start:end]
        matches[label].append(span)
        by_sentence[(label, sentence_start_of_token[start])].append(span)
    return AnalysedText(
        doc=doc,
        matches=dict(matches),
        sentences=tuple(sentence for sentence in all_sentences if len(sentence)),
        _by_sentence=dict(by_sentence),
    )
