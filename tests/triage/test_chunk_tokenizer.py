"""The chunk-cached tokenizer gives exactly spaCy's tokens and whitespace."""

from __future__ import annotations

import random
import re

import pytest
import spacy
from spacy.language import Language

from triage.chunk_tokenizer import ChunkCachedTokenizer
from triage.severity_registry import read_corpus


@pytest.fixture(scope="module")
def tokenizers() -> tuple[Language, ChunkCachedTokenizer]:
    nlp = spacy.blank("en")
    return nlp, ChunkCachedTokenizer(nlp.tokenizer, nlp.vocab)


def tokens(doc: spacy.tokens.Doc) -> list[tuple[str, str]]:
    return [(token.text, token.whitespace_) for token in doc]


def odd_whitespace_texts() -> list[str]:
    rng = random.Random(0)
    pieces = ["a", "don't", "x.", "(hi)", "U.S.", ":)", "e-mail", "5%", "", "'s", "«q»", "CAN'T"]
    gaps = [" ", "  ", "   ", "\n", "\n\n", " \n", "\n ", "\t", " \t ", "\xa0", " \xa0", "\r\n"]
    texts = []
    for _ in range(500):
        text = "".join(rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randint(1, 8)))
        texts.append(text if rng.random() < 0.5 else text.rstrip())
    return texts + ["", " ", "  lead", "\nlead", "trail ", "trail  ", "a \n b", "a\t b"]


def test_corpus_messages_tokenize_exactly_as_spacy_does(
    tokenizers: tuple[Language, ChunkCachedTokenizer],
) -> None:
    nlp, cached = tokenizers
    for example in read_corpus():
        for text in (example.full_text, example.full_text.lower()):
            assert tokens(cached(text)) == tokens(nlp.tokenizer(text))


def test_odd_whitespace_tokenizes_exactly_as_spacy_does(
    tokenizers: tuple[Language, ChunkCachedTokenizer],
) -> None:
    nlp, cached = tokenizers
    for text in odd_whitespace_texts():
        doc = cached(text)
        assert tokens(doc) == tokens(nlp.tokenizer(text)), repr(text)
        assert doc.text == text


def test_whitespace_means_the_same_to_the_chunk_split_and_to_spacy() -> None:
    # spaCy splits on str.isspace(); the chunk regex must agree on every code point.
    pattern = re.compile(r"\s")
    assert all((pattern.match(chr(c)) is not None) == chr(c).isspace() for c in range(0x110000))


def test_the_chunk_memory_is_bounded(tokenizers: tuple[Language, ChunkCachedTokenizer]) -> None:
    nlp, _ = tokenizers
    cached = ChunkCachedTokenizer(nlp.tokenizer, nlp.vocab, max_chunks=10)
    for i in range(100):
        assert tokens(cached(f"word{i} other{i}")) == [(f"word{i}", " "), (f"other{i}", "")]
    assert len(cached._words) <= 12
