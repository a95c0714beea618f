"""spaCy's sentencizer and lookup lemmatizer, computed on token arrays instead of Token objects.

Both stock components walk the Doc in Python and build a `Token` object per token; on a
support message that was a third of the cue extraction time. The answers depend only on each
token's text (and, for sentences, on the order of tokens), so these versions read the token
ids with `Doc.to_array`, answer from a per-process cache keyed by the word, and write the
result back with `Doc.from_array`. The results are identical to spaCy's (the tests compare
them on the corpus); the stock components stay the reference.
"""

from __future__ import annotations

from typing import Any, cast

import numpy as np
from spacy.attrs import IS_PUNCT, LEMMA, ORTH, SENT_START
from spacy.language import Language
from spacy.pipeline import Lemmatizer, Sentencizer
from spacy.tokens import Doc
from spacy.vocab import Vocab
from thinc.types import Ints2d


class ArraySentencizer(Sentencizer):  # type: ignore[misc]
    """`Sentencizer` with the same rule (a sentence ends after punctuation characters)."""

    def __init__(self, name: str = "sentencizer", **kwargs: Any) -> None:
        super().__init__(name=name, **kwargs)
        self._is_end_char: dict[int, bool] = {}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc) == 0:
            return doc
        columns = doc.to_array([ORTH, IS_PUNCT, SENT_START])
        # A new Doc marks its first token as a sentence start; any other mark means an earlier
        # component annotated it, and spaCy's own merge rules apply.
        if not self.overwrite and columns[1:, 2].any():
            return super().__call__(doc)
        strings = doc.vocab.strings
        punct_chars = self.punct_chars
        is_end_char = self._is_end_char
        starts = np.full(len(doc), -1, dtype=np.int64)
        start = 0
        seen_period = False
        starts[0] = 1
        for i, (orth, is_punct) in enumerate(columns[:, :2].tolist()):
            in_punct_chars = is_end_char.get(orth)
            if in_punct_chars is None:
                in_punct_chars = is_end_char[orth] = strings[orth] in punct_chars
            if seen_period and not is_punct and not in_punct_chars:
                starts[start] = 1
                start = i
                seen_period = False
            elif in_punct_chars:
                seen_period = True
        starts[start] = 1
        doc.from_array([SENT_START], cast(Ints2d, starts.reshape(-1, 1).astype(np.uint64)))
        return doc


class ArrayLookupLemmatizer(Lemmatizer):  # type: ignore[misc]
    """The lookup-mode `Lemmatizer`: the lookup table entry for the token text, else the text."""

    def __init__(self, vocab: Vocab, name: str = "lemmatizer", **kwargs: Any) -> None:
        super().__init__(vocab, None, name, mode="lookup", **kwargs)
        self._lemma_of: dict[int, int] = {}

    def __call__(self, doc: Doc) -> Doc:
        if not self._validated:
            self._validate_tables()
        if len(doc) == 0:
            return doc
        table = self.lookups.get_table("lemma_lookup", {})
        strings = doc.vocab.strings
        lemma_of = self._lemma_of
        columns = doc.to_array([ORTH, LEMMA]).tolist()
        lemmas = np.empty(len(columns), dtype=np.uint64)
        for i, (orth, lemma) in enumerate(columns):
            if lemma and not self.overwrite:
                lemmas[i] = lemma
                continue
            found = lemma_of.get(orth)
            if found is None:
                text = strings[orth]
                result = table.get(text, text)
                lemma_text = result if isinstance(result, str) else result[0]
                found = lemma_of[orth] = strings.add(lemma_text)
            lemmas[i] = found
        doc.from_array([LEMMA], cast(Ints2d, lemmas.reshape(-1, 1)))
        return doc


@Language.factory("array_sentencizer")
def make_array_sentencizer(nlp: Language, name: str) -> ArraySentencizer:
    return ArraySentencizer(name=name)


@Language.factory("array_lookup_lemmatizer")
def make_array_lookup_lemmatizer(nlp: Language, name: str) -> ArrayLookupLemmatizer:
    return ArrayLookupLemmatizer(nlp.vocab, name=name)
