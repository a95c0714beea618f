"""`intake serve` as a user runs it: a real process, real ports, SIGTERM to stop."""

from __future__ import annotations

import os
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from email.message import EmailMessage
from pathlib import Path

import pytest

from tests.bot.conftest import write_config


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_until(condition, *, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    """Poll a condition of the running process (not a sleep standing in for an event)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    pytest.fail(f"timed out waiting for {what}")


def healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as response:
            return response.status == 200
    except OSError:
        return False


def tickets(db: Path) -> list[tuple[str, str]]:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT requester, status FROM tickets").fetchall()
    except sqlite3.OperationalError:
        return []


@pytest.mark.parametrize("workers", [1, 0])
def test_serve_acknowledges_triages_and_stops_cleanly_on_sigterm(
    tmp_path: Path, model_dir: Path, workers: int
) -> None:
    db = tmp_path / "intake.sqlite3"
    smtp_port, http_port = free_port(), free_port()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("INTAKE_", "SLACK_"))},
        "INTAKE_DATABASE_URL": f"sqlite:///{db}",
        "INTAKE_CONFIG": str(write_config(tmp_path / "config.yaml")),
        "INTAKE_SMTP_PORT": str(smtp_port),
        "INTAKE_HTTP_PORT": str(http_port),
        "INTAKE_RELAY_PORT": str(free_port()),  # nobody listens: replies wait in the outbox
        "INTAKE_DATA_DIR": str(tmp_path / "var"),
        "INTAKE_MODEL_DIR": str(model_dir),
    }
    serve = subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--workers", str(workers)],
        env=env,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: healthy(http_port) or serve.poll() is not None, timeout=600, what="/healthz"
        )
        assert serve.poll() is None, serve.stderr.read() if serve.stderr else ""

        message = EmailMessage()
        message["From"] = "ops@acme.test"
        message["To"] = "support@example.com"
        message["Subject"] = "Console down"
        message.set_content("The production console returns 502 for everyone since 9am.")
        with smtplib.SMTP("127.0.0.1", smtp_port) as client:
            assert client.send_message(message) == {}  # 250: stored

        wait_until(
            lambda: tickets(db) == [("ops@acme.test", "open")], timeout=120, what="the ticket"
        )
    finally:
        serve.send_signal(signal.SIGTERM)
        _, stderr = serve.communicate(timeout=60)
    assert serve.returncode == 0, stderr
    assert "Traceback" not in stderr
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT status, count(*) FROM inbox GROUP BY status").fetchall() == [
            ("done", 1)
        ]
        assert conn.execute("SELECT count(*) FROM outbox WHERE status = 'pending'").fetchone() == (
            1,
        )
