"""The `intake` command line.

Each sub-command lives in its own module and registers itself on `app`; `main()` turns
every expected failure into one clear line on stderr and a non-zero exit, never a traceback.
"""

from __future__ import annotations

import sys

import typer

from bot.cli.errors import CliError
from bot.config import ConfigError

app = typer.Typer(
    name="intake",
    help="Support intake bot: Slack and email into one conversation store.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


def _register_commands() -> None:
    # Imported for their side effect of adding commands to `app`; one module per command group.
    from bot.cli import (  # noqa: F401
        db_cmd,
        email_cmd,
        model_cmd,
        serve_cmd,
        sla_cmd,
        tickets_cmd,
        triage_cmd,
    )


_register_commands()


def main() -> None:
    """Entry point of the `intake` script."""
    try:
        app(standalone_mode=False)
    except CliError as exc:
        print(f"intake: error: {exc}", file=sys.stderr)
        sys.exit(exc.exit_code)
    except ConfigError as exc:
        print(f"intake: config error: {exc}", file=sys.stderr)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # click usage errors and anything unexpected: one line, no traceback
        # Typer bundles its own copy of click, so match click's exceptions by shape, not class.
        name = type(exc).__name__
        if name == "Exit":
            sys.exit(getattr(exc, "exit_code", 0))
        if name == "Abort":
            sys.exit(1)
        if hasattr(exc, "format_message") and hasattr(exc, "exit_code"):
            print(f"intake: error: {exc.format_message()}", file=sys.stderr)
            sys.exit(exc.exit_code)
        print(f"intake: error: {name}: {exc}", file=sys.stderr)
        sys.exit(1)
