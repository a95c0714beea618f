"""`intake serve` (edges + worker processes) and `intake worker` (one triage worker)."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys

import typer

from bot.cli import app
from bot.cli.errors import CliError
from bot.config import load_config, resolve_config_path
from bot.settings import load_settings
from models.store import StoreUnavailable


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(process)d %(name)s: %(message)s",
        stream=sys.stderr,
    )
    # aiosmtpd logs every SMTP command at INFO; that is a debugging aid, not an operator's log.
    logging.getLogger("mail.log").setLevel(logging.WARNING)


def _stop_event() -> asyncio.Event:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    return stop


@app.command("serve")
def serve(
    workers: int = typer.Option(
        1, min=0, help="Triage worker processes; 0 runs everything in this one process."
    ),
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run the bot: SMTP intake, HTTP (health, Slack), triage workers, outbox, SLA alarms."""
    settings = load_settings()
    config_path = resolve_config_path(settings.config)
    config = load_config(config_path)
    _configure_logging(log_level)

    async def run() -> None:
        from bot.runtime import IntakeRuntime
        from bot.worker_supervisor import WorkerSupervisor

        runtime = IntakeRuntime(settings=settings, config=config)
        stop = _stop_event()
        supervisor = (
            WorkerSupervisor(count=workers, config_path=config_path.resolve(), log_level=log_level)
            if workers
            else None
        )
        try:
            # Migrate before the workers start, so they never race each other to do it.
            await runtime.store.upgrade()
            if supervisor is not None:
                await supervisor.start()
                runtime.on_inbox_stored.append(supervisor.wake)
            await runtime.start(run_workers=supervisor is None, warm_up=supervisor is None)
        except StoreUnavailable as exc:
            await _shutdown(runtime, supervisor)
            raise CliError(f"database unavailable: {exc}") from None
        except (OSError, RuntimeError) as exc:
            await _shutdown(runtime, supervisor)
            raise CliError(f"cannot start: {exc}") from None
        if supervisor is not None:
            supervisor.wake()  # anything stored while we were down
        await stop.wait()
        logging.getLogger("intake").info("shutting down")
        await _shutdown(runtime, supervisor)

    asyncio.run(run())


async def _shutdown(runtime: object, supervisor: object) -> None:
    # Edges first (no new mail is acknowledged), then the workers finish their batches.
    await runtime.stop()  # type: ignore[attr-defined]
    if supervisor is not None:
        await supervisor.stop()  # type: ignore[attr-defined]


@app.command("worker", hidden=True)
def worker(
    wake_stdin: bool = typer.Option(
        False, help="Wake on each line read from stdin (serve's pipe)."
    ),
    log_level: str = typer.Option("info"),
) -> None:
    """One triage worker: intake, outbox and SLA alarms from the store (started by serve)."""
    settings = load_settings()
    config = load_config(settings.config)
    _configure_logging(log_level)

    async def run() -> None:
        from bot.runtime import IntakeRuntime

        # Triage is background work: acknowledging mail and Slack events comes first (nice 10:
        # about a tenth of a core when the edge is busy; measured 0.50x -> 0.63x acceptance).
        os.nice(10)
        runtime = IntakeRuntime(
            settings=settings, config=config, durable_commits=False, triage_in_child=True
        )
        stop = _stop_event()
        try:
            await runtime.start(listen=False)
        except StoreUnavailable as exc:
            await runtime.store.close()
            raise CliError(f"database unavailable: {exc}") from None
        sys.stdout.write("ready\n")
        sys.stdout.flush()
        waker = asyncio.create_task(_wake_from_stdin(runtime, stop)) if wake_stdin else None
        await stop.wait()
        if waker is not None:
            waker.cancel()
        await runtime.stop()

    asyncio.run(run())


async def _wake_from_stdin(runtime: object, stop: asyncio.Event) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while await reader.readline():
        runtime.intake_worker.wake()  # type: ignore[attr-defined]
    stop.set()  # the parent is gone: stop rather than linger as an orphan
