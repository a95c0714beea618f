"""Bulk classification over several processes gives the single-process verdicts, in order."""

from __future__ import annotations

import os
import signal

from triage.severity import SeverityClassifier
from triage.severity_parallel import ParallelClassifier

TEXTS = [
    "Production is down for every customer, nobody can log in.",
    "How do I change the logo on our invoices?",
    "The staging server is down after the upgrade, production is fine.",
    "Exports take 20 minutes instead of seconds for the finance team.",
    "Typo on the settings page.",
] * 9


def test_verdicts_equal_the_single_process_ones_in_input_order(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    expected = tiny_severity_classifier.classify_texts(TEXTS)
    with ParallelClassifier(tiny_severity_classifier, processes=2, min_batch=1) as parallel:
        assert parallel.classify_texts(TEXTS) == expected


def test_small_batches_stay_in_this_process(tiny_severity_classifier: SeverityClassifier) -> None:
    parallel = ParallelClassifier(tiny_severity_classifier, processes=2, min_batch=100)
    assert parallel.classify_texts(TEXTS[:3]) == tiny_severity_classifier.classify_texts(TEXTS[:3])
    assert parallel._pool is None  # no process was started for them


def test_a_dead_worker_costs_speed_not_verdicts(
    tiny_severity_classifier: SeverityClassifier,
) -> None:
    expected = tiny_severity_classifier.classify_texts(TEXTS)
    with ParallelClassifier(tiny_severity_classifier, processes=2, min_batch=1) as parallel:
        assert parallel._pool is not None
        for pid in list(parallel._pool._processes):
            os.kill(pid, signal.SIGKILL)
        assert parallel.classify_texts(TEXTS) == expected
        assert parallel.classify_texts(TEXTS) == expected  # and again, on a fresh pool
