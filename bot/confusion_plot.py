"""Save a severity confusion matrix as a PNG (for reports and pull requests).

Uses matplotlib's Agg backend: no display, works on servers and in CI.
"""

from __future__ import annotations

from pathlib import Path

from triage.levels import SEVERITY_ORDER
from triage.severity_metrics import SeverityMetrics


def save_confusion_png(metrics: SeverityMetrics, path: Path, *, title: str) -> None:
    """Rows are the true level, columns the suggested one; cells show counts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    levels = [str(level) for level in SEVERITY_ORDER]
    counts = [[metrics.confusion[t][p] for p in levels] for t in levels]
    figure, axes = plt.subplots(figsize=(5.2, 4.4), dpi=120)
    image = axes.imshow(counts, cmap="Blues")
    axes.set_xticks(range(len(levels)), labels=levels)
    axes.set_yticks(range(len(levels)), labels=levels)
    axes.set_xlabel("suggested")
    axes.set_ylabel("true")
    axes.set_title(title, fontsize=10)
    peak = max(max(row) for row in counts) or 1
    for i, row in enumerate(counts):
        for j, value in enumerate(row):
            colour = "white" if value > peak / 2 else "black"
            axes.text(j, i, str(value), ha="center", va="center", color=colour)
    figure.colorbar(image, ax=axes, fraction=0.046, pad=0.04)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path)
    plt.close(figure)
