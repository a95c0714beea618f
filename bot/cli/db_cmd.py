"""`intake db upgrade`: bring the schema to the newest migration."""

from __future__ import annotations

import typer

from bot.cli import app
from bot.cli.store_access import run_with_store
from models.migrate import current_revision
from models.store import Store

db_app = typer.Typer(help="Database schema management.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def upgrade() -> None:
    """Apply all pending migrations (serve also does this on start)."""

    async def revision(store: Store) -> str | None:
        return await current_revision(store.engines.reader)

    typer.echo(f"database at revision {run_with_store(revision)}", err=True)
