"""`intake train|evaluate|retrain` and `intake model list|rollback|activate`: severity models.

Train from the bundled corpus or a team's own export (CSV/JSONL), measure a model on any
labelled file, fold engineers' confirmed and corrected severities back in behind a quality
gate, and move the `active` pointer. Human output goes to stdout; progress bars go to stderr;
with `--json` stdout carries exactly one JSON object.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.cli import app
from bot.cli.errors import CliError, UsageError
from bot.config import ConfigError, load_config
from bot.settings import load_settings
from bot.training_export import (
    ExportColumns,
    ExportFormatError,
    LoadedExport,
    parse_label_map,
    read_export,
    split_columns,
)
from triage.levels import SEVERITY_ORDER, Severity
from triage.severity_decision import DecisionPolicy
from triage.severity_evaluation import Evaluation, evaluate, holdout_evaluation, retrain
from triage.severity_metrics import SeverityMetrics
from triage.severity_model import (
    CORPUS_SETTINGS,
    ModelSettings,
    SeverityExample,
    TrainedModel,
    train,
)
from triage.severity_registry import (
    BUNDLED_SOURCE,
    ModelCard,
    ModelRegistryError,
    StoredModel,
    activate,
    list_models,
    load_or_train_active,
    read_corpus,
    rollback,
    save_model,
)

model_app = typer.Typer(
    name="model", help="Stored severity models: list, activate, roll back.", no_args_is_help=True
)
app.add_typer(model_app, name="model")

_stdout = Console(soft_wrap=True)
_stderr = Console(stderr=True)

ModelDirOption = Annotated[
    Path | None,
    typer.Option(
        "--model-dir",
        help="Model directory [env INTAKE_MODEL_DIR, else var/models].",
        show_default=False,
    ),
]
DataTextCol = Annotated[
    str, typer.Option("--text-col", help="Text column(s), comma-separated: joined in order.")
]
DataSubjectCol = Annotated[
    str, typer.Option("--subject-col", help="Subject/title column (optional in the file).")
]
DataLabelCol = Annotated[str, typer.Option("--label-col", help="Severity label column.")]
DataLabelMap = Annotated[
    str | None,
    typer.Option(
        "--label-map", help="Map raw labels: 'urgent=critical,normal=medium,...' (case-blind)."
    ),
]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object on stdout.")]
SeedOption = Annotated[
    int, typer.Option("--seed", help="Seed for splits (training is deterministic).")
]


# --- shared plumbing ------------------------------------------------------------------------


def resolve_model_dir(option: Path | None) -> Path:
    """--model-dir, else INTAKE_MODEL_DIR, else <INTAKE_DATA_DIR or var>/models (as `serve`)."""
    if option is not None:
        return option
    try:
        return load_settings().resolved_model_dir
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


def decision_policy() -> DecisionPolicy:
    """Costs and abstain threshold from config.yaml's `triage:` section."""
    try:
        triage = load_config().triage
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    return DecisionPolicy.from_config(triage.costs, triage.abstain_below)


def _columns(
    text_col: str, subject_col: str, label_col: str, label_map: str | None
) -> ExportColumns:
    try:
        return ExportColumns(
            text=split_columns(text_col),
            subject=subject_col or None,
            label=label_col,
            label_map=parse_label_map(label_map),
        )
    except ExportFormatError as exc:
        raise UsageError(str(exc)) from None


def _read(path: Path, columns: ExportColumns) -> list[SeverityExample]:
    try:
        loaded: LoadedExport = read_export(path, columns)
    except ExportFormatError as exc:
        raise UsageError(str(exc)) from None
    if loaded.skipped:
        _stderr.print(f"{path}: {loaded.skipped_summary()}")
    if not loaded.examples:
        raise UsageError(f"{path}: no usable labelled rows (check --label-col / --label-map)")
    return loaded.examples


def _active(model_dir: Path, *, progress_note: str = "") -> StoredModel:
    try:
        with _spinner(progress_note or "loading the active model"):
            return load_or_train_active(model_dir)
    except ModelRegistryError as exc:
        raise CliError(str(exc)) from None


@contextmanager
def _spinner(description: str) -> Iterator[None]:
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TimeElapsedColumn(),
        console=_stderr,
        transient=True,
    ) as progress:
        progress.add_task(description, total=None)
        yield


class _TrainingProgress:
    """A rich progress bar on stderr driven by the training stages."""

    def __init__(self, progress: Progress, total_steps: int) -> None:
        self._progress = progress
        self._task = progress.add_task("starting", total=float(total_steps))
        self._step = 0

    def begin(self, description: str) -> None:
        self._progress.update(self._task, description=description, completed=float(self._step))

    def stage(self, stage: str, fraction: float) -> None:
        self._progress.update(self._task, completed=self._step + fraction)

    def end(self) -> None:
        self._step += 1
        self._progress.update(self._task, completed=float(self._step))


@contextmanager
def _training_bar(total_steps: int) -> Iterator[_TrainingProgress]:
    with Progress(
        TextColumn("{task.description:<28}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
        console=_stderr,
    ) as progress:
        yield _TrainingProgress(progress, total_steps)


def _train_with_bar(
    examples: Sequence[SeverityExample],
    policy: DecisionPolicy,
    seed: int,
    settings: ModelSettings,
) -> tuple[TrainedModel, Evaluation]:
    with _training_bar(2) as bar:
        bar.begin("hold-out evaluation (80/20)")
        evaluation = holdout_evaluation(examples, policy, seed=seed, settings=settings)
        bar.end()
        bar.begin(f"training on {len(examples):,} tickets")
        model = train(examples, seed=seed, settings=settings, progress=bar.stage)
        bar.end()
    return model, evaluation


# --- train ----------------------------------------------------------------------------------


@app.command("train")
def train_command(
    data: Annotated[
        Path | None,
        typer.Option("--data", help="CSV or JSONL export; default: the bundled corpus."),
    ] = None,
    text_col: DataTextCol = "text",
    subject_col: DataSubjectCol = "subject",
    label_col: DataLabelCol = "severity",
    label_map: DataLabelMap = None,
    model_dir: ModelDirOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Train a severity model, evaluate it on a hold-out split, store and activate it."""
    directory = resolve_model_dir(model_dir)
    policy = decision_policy()
    if data is None:
        examples, source, settings = read_corpus(), BUNDLED_SOURCE, CORPUS_SETTINGS
    else:
        examples = _read(data, _columns(text_col, subject_col, label_col, label_map))
        source, settings = f"file:{data.name}", ModelSettings()
    if len({e.severity for e in examples}) < 2:
        raise UsageError("training needs examples of at least two severity levels")
    model, evaluation = _train_with_bar(examples, policy, seed, settings)
    card = save_model(directory, model, source=source, seed=seed, evaluation=evaluation)
    if as_json:
        typer.echo(card.to_json())
        return
    _stdout.print(
        f"trained model [bold]{card.version}[/] on {card.n_examples:,} tickets ({source})"
    )
    _stdout.print("labels: " + ", ".join(f"{k} {v:,}" for k, v in card.label_counts.items()))
    _print_metrics(evaluation.decided, title="hold-out (20%), suggested level")
    _stdout.print(f"active model: {card.version} in {directory}")


# --- evaluate -------------------------------------------------------------------------------


@app.command("evaluate")
def evaluate_command(
    data: Annotated[Path, typer.Option("--data", help="Labelled CSV or JSONL file to score.")],
    text_col: DataTextCol = "text",
    subject_col: DataSubjectCol = "subject",
    label_col: DataLabelCol = "severity",
    label_map: DataLabelMap = None,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="Also save the confusion matrix as a PNG.")
    ] = None,
    model_dir: ModelDirOption = None,
    as_json: JsonOption = False,
) -> None:
    """Accuracy, macro-F1, per-level precision/recall and confusion matrix of the active model."""
    examples = _read(data, _columns(text_col, subject_col, label_col, label_map))
    policy = decision_policy()
    stored = _active(resolve_model_dir(model_dir))
    with _spinner(f"classifying {len(examples):,} tickets"):
        result = evaluate(stored.model, examples, policy)
    if plot is not None:
        from bot.confusion_plot import save_confusion_png

        save_confusion_png(result.decided, plot, title=f"{data.name}: model {stored.card.version}")
    if as_json:
        payload = {
            "model": stored.card.version,
            "data": str(data),
            "suggested": result.decided.as_dict(),
            "most_probable": result.most_probable.as_dict(),
        }
        typer.echo(json.dumps(payload))
        return
    _stdout.print(f"model {stored.card.version} on {data} ({len(examples):,} tickets)")
    _print_metrics(result.decided, title="suggested level (cost-aware decision)")
    top = result.most_probable
    _stdout.print(
        f"most probable level, for comparison: accuracy {top.accuracy:.3f}, "
        f"macro-F1 {top.macro_f1:.3f}, critical recall {top.critical_recall:.3f}"
    )
    if plot is not None:
        _stdout.print(f"confusion matrix saved to {plot}")


def _print_metrics(metrics: SeverityMetrics, *, title: str) -> None:
    _stdout.print(
        f"[bold]{title}[/]: accuracy {metrics.accuracy:.3f}, macro-F1 {metrics.macro_f1:.3f}, "
        f"critical recall {metrics.critical_recall:.3f}, "
        f"low rated critical {metrics.low_rated_critical:.1%} (n={metrics.n:,})"
    )
    levels = Table("level", "precision", "recall", "F1", "support")
    for level in SEVERITY_ORDER:
        s = metrics.per_level[level]
        levels.add_row(
            str(level), f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support)
        )
    _stdout.print(levels)
    confusion = Table("true \\ suggested", *[str(level) for level in SEVERITY_ORDER])
    for true in SEVERITY_ORDER:
        confusion.add_row(str(true), *[str(metrics.confusion[true][p]) for p in SEVERITY_ORDER])
    _stdout.print(confusion)


# --- retrain --------------------------------------------------------------------------------


@app.command("retrain")
def retrain_command(
    feedback: Annotated[
        Path | None,
        typer.Option(
            "--feedback",
            help="JSONL of decided tickets (subject, text, channel, severity); "
            "default: engineers' confirmed and corrected tickets from the store.",
        ),
    ] = None,
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Base training data (CSV/JSONL); default: the bundled corpus."),
    ] = None,
    text_col: DataTextCol = "text",
    subject_col: DataSubjectCol = "subject",
    label_col: DataLabelCol = "severity",
    label_map: DataLabelMap = None,
    model_dir: ModelDirOption = None,
    seed: SeedOption = 0,
    as_json: JsonOption = False,
) -> None:
    """Fold engineers' decisions into the training data; activate only if the gate passes."""
    directory = resolve_model_dir(model_dir)
    policy = decision_policy()
    if data is None:
        base, settings = read_corpus(), CORPUS_SETTINGS
    else:
        base = _read(data, _columns(text_col, subject_col, label_col, label_map))
        settings = ModelSettings()
    decided = _feedback_examples(feedback)
    stored = _active(directory)
    with _training_bar(1) as bar:
        bar.begin(f"retraining with {len(decided):,} decided tickets")
        outcome = retrain(
            base, decided, stored.model, policy, seed=seed, settings=settings, progress=bar.stage
        )
        bar.end()
    card: ModelCard | None = None
    if outcome.accepted and outcome.candidate is not None:
        card = save_model(
            directory,
            outcome.candidate,
            source=f"retrain:{stored.card.version}+{len(decided)}-decided",
            seed=seed,
            evaluation=outcome.candidate_evaluation,
            gate=outcome.gate,
        )
    if as_json:
        payload: dict[str, Any] = {
            "accepted": outcome.accepted,
            "reason": outcome.reason,
            "gate": {
                "candidate_macro_f1": outcome.gate.candidate_macro_f1,
                "active_macro_f1": outcome.gate.incumbent_macro_f1,
                "candidate_critical_recall": outcome.gate.candidate_critical_recall,
                "active_critical_recall": outcome.gate.incumbent_critical_recall,
                "n_holdout": outcome.gate.n_holdout,
            },
            "previous": stored.card.version,
            "active": card.version if card else stored.card.version,
        }
        typer.echo(json.dumps(payload))
        return
    _stdout.print(outcome.reason)
    if card is not None:
        _stdout.print(f"active model: {card.version} (was {stored.card.version})")
    else:
        _stdout.print(f"active model unchanged: {stored.card.version}")


def _feedback_examples(path: Path | None) -> list[SeverityExample]:
    if path is not None:
        columns = ExportColumns(text=("text",), subject="subject", label="severity")
        return _read(path, columns)
    from bot.cli.store_access import run_with_store
    from bot.feedback_export import decided_severity_examples

    decided = run_with_store(decided_severity_examples)
    examples = [
        SeverityExample(
            subject=getattr(item, "subject", None) or None,
            text=str(item.text),
            severity=Severity(str(item.severity)),
            channel=str(getattr(item, "channel", "email") or "email"),
        )
        for item in decided
        if str(getattr(item, "text", "") or "").strip()
    ]
    if not examples:
        raise CliError("the store has no confirmed or corrected tickets to learn from yet")
    return examples


# --- model list / rollback / activate -------------------------------------------------------


@model_app.command("list")
def list_command(model_dir: ModelDirOption = None, as_json: JsonOption = False) -> None:
    """Stored model versions, oldest first; the active one is marked."""
    directory = resolve_model_dir(model_dir)
    entries = list_models(directory)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "model_dir": str(directory),
                    "models": [
                        {**json.loads(e.card.to_json()), "active": e.active} for e in entries
                    ],
                }
            )
        )
        return
    if not entries:
        _stdout.print(
            f"no models in {directory} (one is trained on first use, or run `intake train`)"
        )
        return
    # The version is the creation time (UTC) plus the data hash; it is copied into
    # `intake model activate`, so it never wraps.
    table = Table("", "version", "source", "tickets", "macro-F1", "crit.R", "gate")
    table.columns[1].no_wrap = True
    for entry in entries:
        card = entry.card
        decided = (card.metrics or {}).get("decided", {})
        gate = card.gate
        table.add_row(
            "*" if entry.active else "",
            card.version,
            card.source,
            f"{card.n_examples:,}",
            _fmt(decided.get("macro_f1")),
            _fmt(decided.get("critical_recall")),
            "" if gate is None else ("accepted" if gate.get("accepted") else "refused"),
        )
    _stdout.print(table)


@model_app.command("rollback")
def rollback_command(model_dir: ModelDirOption = None) -> None:
    """Re-activate the model that was active before the current one."""
    directory = resolve_model_dir(model_dir)
    try:
        version = rollback(directory)
    except ModelRegistryError as exc:
        raise CliError(str(exc)) from None
    _stdout.print(f"active model: {version}")


@model_app.command("activate")
def activate_command(
    version: Annotated[str, typer.Argument(help="A version shown by `intake model list`.")],
    model_dir: ModelDirOption = None,
) -> None:
    """Make a stored version the active model."""
    directory = resolve_model_dir(model_dir)
    try:
        activate(directory, version)
    except ModelRegistryError as exc:
        raise UsageError(str(exc)) from None
    _stdout.print(f"active model: {version}")


def _fmt(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, int | float) else "-"
