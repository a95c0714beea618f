"""Batched severity classification on several processes, for bulk runs.

One process classifies a few hundred support messages a second: spaCy's tokenizer and the
rule matching behind the cue features are most of the cost, and they hold the GIL, so
threads would take turns. Bulk jobs (re-triaging a backlog, scoring a dataset) can use
every core instead: each worker process holds its own copy of the classifier, sent once
when the pool starts, and classifies one contiguous slice of a batch while this process
classifies the first slice. The verdicts are the ones `SeverityClassifier` gives, in input
order; if a worker dies, its slice is classified here.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from multiprocessing import get_context
from types import TracebackType

from triage.severity import SeverityClassifier, SeverityVerdict

_WORKER_CLASSIFIER: SeverityClassifier | None = None


def _install(classifier: SeverityClassifier) -> None:
    """Pool initializer: keep the classifier and build spaCy now, not on the first batch."""
    global _WORKER_CLASSIFIER
    _WORKER_CLASSIFIER = classifier
    classifier.classify_texts(["warm-up: production is down for everyone"])


def _classify_in_worker(texts: list[str]) -> list[SeverityVerdict]:
    assert _WORKER_CLASSIFIER is not None, "pool started without its initializer"
    return _WORKER_CLASSIFIER.classify_texts(texts)


class ParallelClassifier:
    """`classify_texts` split over `processes` processes (this one included).

    Starting the pool costs a few seconds (each worker imports scikit-learn and spaCy), so
    keep one open for a whole bulk job (`with ParallelClassifier(...) as parallel:`).
    Batches smaller than `min_batch` are classified here: shipping them costs more.
    """

    def __init__(
        self,
        classifier: SeverityClassifier,
        *,
        processes: int | None = None,
        min_batch: int = 200,
    ) -> None:
        self.classifier = classifier
        self.processes = max(1, processes or os.cpu_count() or 1)
        self.min_batch = min_batch
        self._pool: ProcessPoolExecutor | None = None

    def start(self) -> None:
        """Start the worker processes now (otherwise the first big batch does)."""
        if self._pool is None and self.processes > 1:
            self._pool = ProcessPoolExecutor(
                max_workers=self.processes - 1,
                mp_context=get_context("spawn"),
                initializer=_install,
                initargs=(self.classifier,),
            )
            # Wait until every worker is up, so a timed batch measures classification only.
            warm = [self._pool.submit(_classify_in_worker, []) for _ in range(self.processes - 1)]
            for future in warm:
                future.result()

    def classify_texts(self, texts: Sequence[str]) -> list[SeverityVerdict]:
        """Verdicts for `texts` (subject, blank line, body), in order."""
        if self.processes <= 1 or len(texts) < self.min_batch:
            return self.classifier.classify_texts(texts)
        self.start()
        assert self._pool is not None
        slices = _even_slices(list(texts), self.processes)
        try:
            futures: list[Future[list[SeverityVerdict]]] = [
                self._pool.submit(_classify_in_worker, part) for part in slices[1:]
            ]
        except BrokenProcessPool:  # a worker died earlier: start afresh next time
            self.close()
            return self.classifier.classify_texts(texts)
        verdicts = self.classifier.classify_texts(slices[0])
        for part, future in zip(slices[1:], futures, strict=True):
            try:
                verdicts.extend(future.result())
            except BrokenProcessPool:
                verdicts.extend(self.classifier.classify_texts(part))
        return verdicts

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ParallelClassifier:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()


def _even_slices(items: list[str], parts: int) -> list[list[str]]:
    size, extra = divmod(len(items), parts)
    slices: list[list[str]] = []
    start = 0
    for index in range(parts):
        end = start + size + (1 if index < extra else 0)
        slices.append(items[start:end])
        start = end
    return slices
