"""`intake serve`: SMTP + HTTP + workers in one asyncio process until SIGTERM/SIGINT."""

from __future__ import annotations

import asyncio
import logging
import signal

import typer

from bot.cli import app
from bot.cli.errors import CliError
from bot.config import load_config
from bot.settings import load_settings
from models.store import StoreUnavailable


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    # aiosmtpd logs every SMTP command at INFO; that is a debugging aid, not an operator's log.
    logging.getLogger("mail.log").setLevel(logging.WARNING)


@app.command("serve")
def serve(
    log_level: str = typer.Option("info", help="debug, info, warning or error."),
) -> None:
    """Run the bot: SMTP intake, HTTP (health, Slack), intake and outbox workers, SLA alarms."""
    settings = load_settings()
    config = load_config(settings.config)
    _configure_logging(log_level)

    async def run() -> None:
        from bot.runtime import IntakeRuntime

        runtime = IntakeRuntime(settings=settings, config=config)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        try:
            await runtime.start()
        except StoreUnavailable as exc:
            await runtime.store.close()
            raise CliError(f"database unavailable: {exc}") from None
        except OSError as exc:
            await runtime.stop()
            raise CliError(f"cannot listen: {exc.strerror or exc}") from None
        await stop.wait()
        logging.getLogger("intake").info("shutting down")
        await runtime.stop()

    asyncio.run(run())
