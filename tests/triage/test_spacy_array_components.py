"""The array-based sentencizer and lookup lemmatizer give exactly spaCy's own answers."""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import triage.spacy_array_components  # noqa: F401  (registers the factories)
from triage.severity_registry import read_corpus

AWKWARD = [
    "",
    " ",
    "Hi.",
    "...",
    "\n\n",
    "“Quoted.” Next one! And? ok",
    "a.b. c",
    "Prod is down!!! (since 09:10)) Really. Customers' carts are empty.",
    "v4.2.1 -> v4.3; see https://example.com/a.b?c=d. Then: nothing",
]


def pipeline(sentencizer: str, lemmatizer: str) -> Language:
    nlp = spacy.blank("en")
    nlp.add_pipe(sentencizer, name="sentencizer")
    config = {"mode": "lookup"} if lemmatizer == "lemmatizer" else {}
    nlp.add_pipe(lemmatizer, name="lemmatizer", config=config)
    nlp.initialize()
    return nlp


@pytest.fixture(scope="module")
def texts() -> list[str]:
    return [example.full_text for example in read_corpus()] + AWKWARD


def test_sentence_starts_and_lemmas_equal_spacys_on_the_corpus(texts: list[str]) -> None:
    stock = pipeline("sentencizer", "lemmatizer")
    arrays = pipeline("array_sentencizer", "array_lookup_lemmatizer")
    differing = []
    for text in texts:
        expected, got = stock(text), arrays(text)
        if [(t.is_sent_start, t.lemma_) for t in expected] != [
            (t.is_sent_start, t.lemma_) for t in got
        ]:
            differing.append(text[:60])
    assert not differing, differing[:5]
