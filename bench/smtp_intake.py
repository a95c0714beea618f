"""SMTP intake benchmark: acceptance rate and latency vs a bare aiosmtpd server, pipeline rate.

    .venv/bin/python bench/smtp_intake.py [-n 2000] [-k 16]

1. Starts a bare aiosmtpd server that only answers 250 (its own process) and sends N messages
   over K persistent connections from this process (aiosmtplib): messages/s, p50/p99.
2. Starts `intake serve` (its own process, a fresh SQLite file, the bare server as its relay),
   sends the same N messages (new Message-IDs) from designated contacts, and measures
   acceptance the same way, then the time until all N are triaged tickets (pipeline rate),
   and how many tickets were stored (must equal N).
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import aiosmtplib
import yaml

REPO = Path(__file__).resolve().parents[1]
BODY = (
    "Hello team,\n\nsince 09:10 today the reporting dashboards in production time out for all "
    'analysts with "504 Gateway Timeout". We run version 4.2.{n}. We checked our firewall '
    "and credentials already.\n\nSteps to reproduce:\n1. Open Reports\n2. Pick last month\n"
    "3. Wait: 504 after 60 s\n\n2026-11-20 09:10:02 ERROR upstream timed out\n\nThanks,\nOps\n"
)
BARE_SERVER = """
import asyncio, functools, sys
from aiosmtpd.smtp import SMTP
class Sink:
    async def handle_DATA(self, server, session, envelope):
        return "250 2.0.0 OK"
async def main():
    loop = asyncio.get_running_loop()
    factory = functools.partial(SMTP, Sink(), enable_SMTPUTF8=True)
    server = await loop.create_server(factory, "127.0.0.1", int(sys.argv[1]))
    print("ready", flush=True)
    await asyncio.Event().wait()
asyncio.run(main())
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def messages(n: int, senders: list[str]) -> list[EmailMessage]:
    out = []
    for i in range(n):
        m = EmailMessage()
        m["From"] = senders[i % len(senders)]
        m["To"] = "support@example.com"
        m["Subject"] = f"Reports time out ({i})"
        m["Message-ID"] = make_msgid(domain="bench.test")
        m.set_content(BODY.format(n=i % 10))
        out.append(m)
    return out


async def blast(port: int, batch: list[EmailMessage], k: int) -> tuple[float, list[float]]:
    """Send over k persistent connections; returns wall time and per-message latencies."""
    latencies: list[float] = []
    chunks = [batch[i::k] for i in range(k)]

    async def connection(chunk: list[EmailMessage]) -> None:
        client = aiosmtplib.SMTP(hostname="127.0.0.1", port=port, timeout=60)
        await client.connect()
        for message in chunk:
            started = time.perf_counter()
            await client.send_message(message)
            latencies.append(time.perf_counter() - started)
        await client.quit()

    started = time.perf_counter()
    await asyncio.gather(*(connection(c) for c in chunks))
    return time.perf_counter() - started, latencies


def describe(label: str, n: int, wall: float, latencies: list[float]) -> float:
    rate = n / wall
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<22} {rate:8.0f} msg/s   p50 {q[49] * 1000:6.2f} ms   p99 {q[98] * 1000:6.2f} ms"
    )
    return rate


def wait_for(predicate, timeout: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise SystemExit(f"timed out waiting for {what}")


def write_config(path: Path, senders: list[str]) -> None:
    shipped = yaml.safe_load((REPO / "config.yaml").read_text())
    orgs = [
        {
            "name": f"Org{i}",
            "domains": [f"org{i}.test"],
            "contacts": senders[2 * i : 2 * i + 2],
            "plan": "kubeark",
        }
        for i in range(len(senders) // 2)
    ]
    config = {
        "support_addresses": ["support@example.com"],
        "staff_domains": ["example.com"],
        "default_plan": "kubeark",
        "customers": orgs,
        "email": {"auto_replies_per_address_per_hour": 1000},
        "plans": shipped["plans"],
    }
    path.write_text(yaml.safe_dump(config))


def count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return -1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=2000, help="messages")
    parser.add_argument("-k", type=int, default=16, help="concurrent SMTP connections")
    args = parser.parse_args()
    senders = [f"ops{i}@org{i // 2}.test" for i in range(100)]
    work = Path(tempfile.mkdtemp(prefix="intake-bench-"))
    bare_port, smtp_port, http_port = free_port(), free_port(), free_port()

    bare = subprocess.Popen(
        [sys.executable, "-c", BARE_SERVER, str(bare_port)], stdout=subprocess.PIPE, text=True
    )
    assert bare.stdout is not None and bare.stdout.readline().strip() == "ready"
    serve = None
    try:
        print(f"N={args.n} messages, K={args.k} connections, client: aiosmtplib in this process\n")
        wall, lat = asyncio.run(blast(bare_port, messages(args.n, senders), args.k))
        bare_rate = describe("bare aiosmtpd (250)", args.n, wall, lat)

        config = work / "config.yaml"
        write_config(config, senders)
        db = work / "intake.sqlite3"
        env = {
            **os.environ,
            "INTAKE_DATABASE_URL": f"sqlite:///{db}",
            "INTAKE_CONFIG": str(config),
            "INTAKE_SMTP_PORT": str(smtp_port),
            "INTAKE_HTTP_PORT": str(http_port),
            "INTAKE_RELAY_PORT": str(bare_port),
            "INTAKE_DATA_DIR": str(work / "var"),
            "INTAKE_MODEL_DIR": str(REPO / "var" / "models"),
        }
        env.pop("SLACK_BOT_TOKEN", None)
        serve = subprocess.Popen(
            [sys.executable, "-m", "bot", "serve", "--log-level", "warning"], env=env, cwd=work
        )

        def healthy() -> bool:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{http_port}/healthz", timeout=1
                ) as r:
                    return r.status == 200
            except (urllib.error.URLError, OSError):
                return False

        wait_for(healthy, 300, "intake serve to become healthy")
        started = time.perf_counter()
        wall, lat = asyncio.run(blast(smtp_port, messages(args.n, senders), args.k))
        intake_rate = describe("intake serve (stored)", args.n, wall, lat)
        print(f"{'acceptance ratio':<22} {intake_rate / bare_rate:8.2f} × bare server")

        wait_for(lambda: count(db, "SELECT count(*) FROM tickets") >= args.n, 600, "all tickets")
        pipeline = time.perf_counter() - started
        tickets = count(db, "SELECT count(*) FROM tickets")
        inbox = count(db, "SELECT count(*) FROM inbox")
        print(
            f"{'pipeline (to tickets)':<22} {args.n / pipeline:8.0f} msg/s   "
            f"all {args.n} triaged in {pipeline:.1f} s"
        )
        print(
            f"{'stored':<22} inbox {inbox}, tickets {tickets} (expected {args.n}): "
            f"{'OK' if tickets == args.n else 'LOST'}"
        )
    finally:
        for process in (serve, bare):
            if process is not None:
                process.terminate()
                process.wait(timeout=30)


if __name__ == "__main__":
    main()
