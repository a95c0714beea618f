"""Fixtures shared by every test folder: databases, configuration, the shared data folder."""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
POSTGRES_URL = os.environ.get("INTAKE_TEST_POSTGRES_URL")


def shared_path(*parts: str) -> Path:
    """A path under ../shared, or skip the test with the reason when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"{path} is not present (the shared data folder sits beside the checkout)")
    return path


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'intake.sqlite3'}"


@asynccontextmanager
async def fresh_postgres_database() -> AsyncIterator[str]:
    """A fresh, empty PostgreSQL database, dropped afterwards (skips without a server)."""
    if not POSTGRES_URL:
        pytest.skip("INTAKE_TEST_POSTGRES_URL is not set: PostgreSQL tests need a server")
    import asyncpg

    admin_dsn = POSTGRES_URL.replace("postgresql+asyncpg://", "postgresql://")
    name = f"intake_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    base, _, _ = admin_dsn.rpartition("/")
    try:
        yield f"{base}/{name}"
    finally:
        admin = await asyncpg.connect(admin_dsn)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


@pytest.fixture
async def postgres_url() -> AsyncIterator[str]:
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """Each store test runs on SQLite and (when available) on PostgreSQL."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'intake.sqlite3'}"
        return
    async with fresh_postgres_database() as url:
        yield url


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No INTAKE_/SLACK_ variables leak in from the developer's shell."""
    for key in list(os.environ):
        if key.startswith(("INTAKE_", "SLACK_")) and key != "INTAKE_TEST_POSTGRES_URL":
            monkeypatch.delenv(key, raising=False)
    yield
