"""The spaCy pipeline the completeness checker runs on every inbound message.

Only `spacy.blank("en")` plus rule components: no model download at run time. The pipeline
and its matchers are built once per process (lazy singleton) because the checker runs on
every message in the intake worker; building them costs ~100 ms, matching costs < 1 ms.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

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


@dataclass(frozen=True, slots=True)
class CompletenessNlp:
    """The pipeline and the matchers, built together so they share one vocabulary."""

    nlp: Language
    matcher: Matcher
    phrase_matcher: PhraseMatcher


@lru_cache(maxsize=1)
def completeness_nlp() -> CompletenessNlp:
    """Build (once per process) the blank English pipeline with rule components."""
    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("line_break_sentences")
    # Added after any initialize(): initialize() would reset the EntityRuler's patterns.
    ruler = nlp.add_pipe("entity_ruler", config={"overwrite_ents": True})
    ruler.add_patterns(TIME_ENTITY_PATTERNS)  # type: ignore[attr-defined]
    matcher = Matcher(nlp.vocab)
    for label, patterns in TOKEN_PATTERNS.items():
        matcher.add(label, patterns)
    phrase_matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    for label, phrases in PHRASE_PATTERNS.items():
        phrase_matcher.add(label, list(nlp.tokenizer.pipe(phrases)))
    return CompletenessNlp(nlp=nlp, matcher=matcher, phrase_matcher=phrase_matcher)


@dataclass(frozen=True, slots=True)
class AnalysedText:
    """A processed text plus every rule match, grouped by pattern label."""

    doc: Doc
    matches: dict[str, list[Span]]

    def spans(self, *labels: str) -> list[Span]:
        """Matches for any of `labels`, in document order."""
        found = [span for label in labels for span in self.matches.get(label, [])]
        return sorted(found, key=lambda span: (span.start, -span.end))


def analyse(text: str) -> AnalysedText:
    """Run the pipeline and both matchers over `text` (already masked: offsets preserved)."""
    components = completeness_nlp()
    doc = components.nlp(text)
    matches: dict[str, list[Span]] = defaultdict(list)
    for match_id, start, end in components.matcher(doc):
        matches[components.nlp.vocab.strings[match_id]].append(doc[start:end])
    for match_id, start, end in components.phrase_matcher(doc):
        matches[components.nlp.vocab.strings[match_id]].append(doc[start:end])
    return AnalysedText(doc=doc, matches=dict(matches))
