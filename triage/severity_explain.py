"""Why the classifier chose a level, in one sentence an engineer reads on the triage card.

The model is linear, so a feature's contribution to a level is its value times its weight for
that level (relative to the other levels). The three largest readable contributions, words
and cues, are the evidence. Character n-grams are left out: "rod d" explains nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from triage.levels import Severity
from triage.severity_cues import CueReport, cue_label
from triage.severity_decision import Decision

MAX_EVIDENCE = 3
_CANDIDATES = 12
_WORD_PREFIX = "words__"
_CUE_PREFIX = "cues__"
# Cue features that describe the text's shape, not its content: no use as evidence.
_NOT_EVIDENCE = frozenset({"cue:length", "cue:question_marks"})
# Greetings and function words can carry weight statistically ("hi" is commoner in calm
# low tickets) but explain nothing to an engineer; terms made only of these are skipped.
_UNINFORMATIVE = frozenset(
    {
        "hi", "hello", "hey", "dear", "thanks", "thank", "you", "regards", "best", "kind",
        "cheers", "please", "pls", "team", "support", "we", "our", "us", "i", "my", "me", "the",
        "a", "an", "and", "or", "to", "of", "in", "on", "for", "is", "are", "was", "were", "it",
        "its", "this", "that", "with", "at", "be", "been", "have", "has", "had", "can", "could",
        "would", "will", "any", "just", "so", "as", "if", "from", "by", "there", "here", "all",
        "im", "ive", "hope", "well", "good", "morning", "afternoon", "guys", "folks", "everyone",
        "sincerely", "though", "although", "do", "does", "did", "how", "what", "about",
        "also", "then", "yet", "really", "very", "some", "get", "got",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Evidence:
    """One reason for the level: the customer's words (or a derived cue) and its weight."""

    text: str | None  # the customer's words; None for derived cues ("production impact")
    kind: str  # "cue" or "term"
    label: str  # what it means ("outage", "no workaround"); the term itself for terms
    weight: float

    def phrase(self) -> str:
        if self.text is None:
            return self.label
        quoted = f"\u201c{self.text}\u201d"
        if self.kind == "cue" and self.label.lower() != self.text.lower():
            return f"{quoted} ({self.label})"
        return quoted


@dataclass(frozen=True, slots=True)
class Explanation:
    sentence: str
    evidence: tuple[Evidence, ...]


def top_evidence(
    row: sparse.csr_matrix,
    level_weights: np.ndarray,
    feature_names: Sequence[str] | np.ndarray,
    cues: CueReport,
    *,
    limit: int = MAX_EVIDENCE,
    explainable: np.ndarray | None = None,
) -> tuple[Evidence, ...]:
    """The `limit` readable features that push hardest towards the level, strongest first.

    A word that is part of a cue's phrase is shown as that cue ("down" → "prod is down"
    (outage)) with both contributions added: same words, more meaning.
    """
    row = row.tocsr()
    indices = row.indices
    contributions = row.data * level_weights[indices]
    if explainable is not None:
        keep = explainable[indices]
        indices, contributions = indices[keep], contributions[keep]
    if len(contributions) > _CANDIDATES:  # only the strongest can make the top three
        strongest = np.argpartition(-contributions, _CANDIDATES)[:_CANDIDATES]
        indices, contributions = indices[strongest], contributions[strongest]
    candidates = [
        evidence
        for k in np.argsort(-contributions, kind="stable")
        if contributions[k] > 0
        and (evidence := _evidence(str(feature_names[indices[k]]), float(contributions[k]), cues))
    ]
    phrases = [e for e in candidates if e.kind == "cue" and e.text]
    merged: list[Evidence] = []
    used: set[int] = set()
    for evidence in candidates:
        if evidence.kind == "term":
            for i, cue in enumerate(phrases):
                if i not in used and _contains_words(cue.text or "", evidence.text or ""):
                    used.add(i)
                    evidence = replace(cue, weight=cue.weight + evidence.weight)
                    break
        elif evidence in phrases and phrases.index(evidence) in used:
            continue
        merged.append(evidence)
    merged.sort(key=lambda e: -e.weight)
    chosen: list[Evidence] = []
    for evidence in merged:
        if len(chosen) >= limit:
            break
        if not _overlaps(evidence, chosen):
            chosen.append(evidence)
    return tuple(chosen)


def explainable_features(feature_names: Sequence[str] | np.ndarray) -> np.ndarray:
    """Mask of features that can be shown as evidence (words and content cues, no char grams).

    Computed once per model: filtering a message's few hundred active features with it is
    much cheaper than inspecting every one of them per message.
    """
    names = [str(n) for n in feature_names]
    return np.array(
        [
            (n.startswith(_WORD_PREFIX) or n.startswith(_CUE_PREFIX))
            and n.removeprefix(_CUE_PREFIX) not in _NOT_EVIDENCE
            for n in names
        ],
        dtype=bool,
    )


def _contains_words(phrase: str, term: str) -> bool:
    words, needle = phrase.lower().split(), term.lower().split()
    return any(words[i : i + len(needle)] == needle for i in range(len(words) - len(needle) + 1))


def _evidence(name: str, weight: float, cues: CueReport) -> Evidence | None:
    if name.startswith(_WORD_PREFIX):
        term = name.removeprefix(_WORD_PREFIX)
        if all(word in _UNINFORMATIVE or word.isdigit() for word in term.split()):
            return None
        return Evidence(text=term, kind="term", label=term, weight=weight)
    if name.startswith(_CUE_PREFIX):
        feature = name.removeprefix(_CUE_PREFIX)
        if feature in _NOT_EVIDENCE:
            return None
        return Evidence(
            text=cues.evidence_for(feature), kind="cue", label=cue_label(feature), weight=weight
        )
    return None


def _overlaps(candidate: Evidence, chosen: Sequence[Evidence]) -> bool:
    """Skip "down" when "production is down" is already there, and the reverse."""
    mine = (candidate.text or candidate.label).lower()
    for other in chosen:
        theirs = (other.text or other.label).lower()
        if mine in theirs or theirs in mine:
            return True
    return False


def explain(
    decision: Decision,
    row: sparse.csr_matrix,
    level_weights: np.ndarray,
    feature_names: Sequence[str] | np.ndarray,
    cues: CueReport,
    *,
    explainable: np.ndarray | None = None,
) -> Explanation:
    """One sentence: the level, any caveat (low confidence, chosen for safety), the evidence."""
    evidence = top_evidence(row, level_weights, feature_names, cues, explainable=explainable)
    return Explanation(sentence=sentence_for(decision, evidence), evidence=evidence)


def sentence_for(decision: Decision, evidence: Sequence[Evidence]) -> str:
    level = decision.severity
    caveats: list[str] = []
    if decision.moved_by_costs:
        caveats.append(f"to be safe, {decision.most_likely} is likelier")
    if decision.needs_human:
        caveats.append(f"low confidence {decision.confidence:.0%}, needs a human look")
    head = f"Rated {level}" + (f" ({'; '.join(caveats)})" if caveats else "")
    if not evidence:
        return f"{head}: no strong signal in the wording; it reads most like other {level} tickets."
    return f"{head} mainly because of: " + ", ".join(e.phrase() for e in evidence) + "."


def level_row(weights: np.ndarray, level: Severity, order: Sequence[Severity]) -> np.ndarray:
    """The weight row for one level from a (levels × features) matrix in `order`."""
    return weights[list(order).index(level)]
