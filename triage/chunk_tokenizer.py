"""spaCy's tokenizer with its output remembered per whitespace-separated chunk.

spaCy tokenizes text chunk by chunk (the runs between whitespace), and its result for a
chunk does not depend on the text around it. It already caches the affix splitting, yet
still spends most of its time per token writing the Doc; on a 500-character message that
was half of the cue extraction. This wrapper asks spaCy once per distinct chunk and builds
the Doc from the remembered words in one call. Output is identical (the tests compare it
with spaCy's own on the corpus and on odd whitespace); a text that starts with whitespace
goes to spaCy unchanged, since spaCy treats that leading run specially.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from spacy.tokens import Doc
from spacy.vocab import Vocab

_RUNS = re.compile(r"\S+|\s+")


class ChunkCachedTokenizer:
    """Callable like `nlp.tokenizer`; wraps it (`nlp.tokenizer = ChunkCachedTokenizer(...)`)."""

    def __init__(
        self, tokenizer: Callable[[str], Doc], vocab: Vocab, *, max_chunks: int = 200_000
    ) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        self.max_chunks = max_chunks
        self._words: dict[str, tuple[str, ...]] = {}

    def __call__(self, text: str) -> Doc:
        if not text or text[0].isspace():
            return self.tokenizer(text)
        words: list[str] = []
        spaces: list[bool] = []
        chunks = self._words
        if len(chunks) > self.max_chunks:  # bounded: logs bring endless one-off chunks
            chunks = self._words = {}
        for run in _RUNS.findall(text):
            if run[0] == " ":
                # A whitespace run's leading " " becomes the previous token's trailing space;
                # the rest of the run, if any, is a whitespace token of its own.
                spaces[-1] = True
                run = run[1:]
                if not run:
                    continue
            found = chunks.get(run)
            if found is None:
                found = chunks[run] = tuple(token.text for token in self.tokenizer(run))
            words.extend(found)
            spaces.extend([False] * len(found))
        return Doc(self.vocab, words=words, spaces=spaces)
