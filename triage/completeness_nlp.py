"""The spaCy pipeline the completeness checker runs on every inbound message.

Only `spacy.blank("en")` plus rule components: no model download at run time. The pipeline
and its matchers are built once per process (lazy singleton) because the checker runs on
every message in the intake worker; building them costs ~100 ms, matching costs < 1 ms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import spacy
from spacy.language import Language
from spacy.matcher import Matcher, PhraseMatcher
from spacy.tokens import Doc, Span

from triage.completeness_patterns import PHRASE_PATTERNS, TIME_ENTITY_PATTERNS, TOKEN_PATTERNS


@Language.component("line_break_sentences")
def line_break_sentences(doc: Doc) -> Doc:
    """Start a new sentence after every line break: chat lines and list items rarely end
    with punctuation, and a step list must not merge into one sentence with the greeting."""
    for index in range(1, len(doc)):
        previous = doc[index - 1]
        token = doc[index]
        if token.is_space:
            token.is_sent_start = False
        elif "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
    return doc


def _first_token_words(pattern: list[dict[str, Any]]) -> list[str] | None:
    """The word list of a pattern whose first token is a plain `{"LOWER": {"IN": [...]}}`."""
    first = pattern[0]
    if set(first) != {"LOWER"} or not isinstance(first["LOWER"], dict):
        return None
    words = first["LOWER"].get("IN")
    return list(words) if set(first["LOWER"]) == {"IN"} else None


def split_for_speed(
    patterns: list[list[dict[str, Any]]],
) -> tuple[list[list[dict[str, Any]]], list[str]]:
    """Rewrite token patterns into forms spaCy matches in C rather than in Python.

    A `{"LOWER": {"IN": [...]}}` predicate is a Python call on every token of every message;
    a plain `{"LOWER": "word"}` is a C comparison and a one-token word list is a PhraseMatcher
    hash lookup. Returns (token patterns, single words for the PhraseMatcher). Matches are
    identical to the original patterns.
    """
    token_patterns: list[list[dict[str, Any]]] = []
    single_words: list[str] = []
    for pattern in patterns:
        words = _first_token_words(pattern)
        if words is None:
            token_patterns.append(pattern)
        elif len(pattern) == 1:
            single_words.extend(words)
        else:
            token_patterns.extend([{"LOWER": word}, *pattern[1:]] for word in words)
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
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_break_sentences")
    # Added after any initialize(): initialize() would reset the EntityRuler's patterns.
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(  # type: ignore[attr-defined]
        [
            {**entry, "pattern": expanded}
            for entry in TIME_ENTITY_PATTERNS
            for expanded in _expanded_entity_pattern(entry["pattern"])
        ]
    )
    matcher = Matcher(nlp.vocab)
    phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, patterns in TOKEN_PATTERNS.items():
        token_patterns, single_words = split_for_speed(patterns)
        if token_patterns:
            matcher.add(label, token_patterns)
        if single_words:
            phrase_matcher.add(label, [nlp.make_doc(word) for word in single_words])
    for label, phrases in PHRASE_PATTERNS.items():
        phrase_matcher.add(label, list(nlp.tokenizer.pipe(phrases)))
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


def analyse(text: str) -> AnalysedText:
    """Run the pipeline and both matchers over `text` (already masked: offsets preserved)."""
    components = completeness_nlp()
    doc = components.nlp(text)
    all_sentences = list(doc.sents)
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
        sentences=tuple(sentence for sentence in all_sentences if sentence.text.strip()),
        _by_sentence=dict(by_sentence),
    )
