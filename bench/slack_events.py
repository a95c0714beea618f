"""Slack events benchmark: how fast `/slack/events` acknowledges, and the pipeline behind it.

    .venv/bin/python bench/slack_events.py [-n 1000] [-k 16]

Starts the local fake Slack Web API (tests/bot/fake_slack_api.py) in this process and
`intake serve` as its own process pointed at it (fresh SQLite file), then:
1. sends N signed message events from K concurrent HTTP connections: acknowledgements/s and
   p50/p99/max latency of the 200 (Slack wants it within 3 s);
2. re-sends all N as Slack retries (`X-Slack-Retry-Num: 1`): the same latencies, and (after
   step 3) how many inbox rows exist (must stay N);
3. waits until every event is a ticket with its thread acknowledgement and its triage card
   posted to the fake Slack: pipeline rate, and the counts.
Figures are printed; nothing is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import yaml
from slack_sdk.signature import SignatureVerifier

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.bot.fake_slack_api import FakeSlackApi  # noqa: E402
from tests.bot.slack_event_factory import envelope, user_message  # noqa: E402

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
TEXT = (
    "Since 09:10 the reporting dashboards in production time out for all analysts with "
    "504 Gateway Timeout. Version 4.2.{n}.\nSteps to reproduce:\n1. Open Reports\n"
    "2. Pick last month\n3. Wait: 504 after 60 s\nLogs:\n2026-11-20 09:10:02 ERROR upstream "
    "timed out\nWe checked our firewall and credentials already."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def count(db: Path, sql: str) -> int:
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute(sql).fetchone()[0])
    except sqlite3.OperationalError:
        return -1


def signed(body: bytes, retry: int | None) -> dict[str, str]:
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(
            timestamp=stamp, body=body
        ),
    }
    if retry:
        headers |= {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
    return headers


async def deliver(
    url: str, bodies: list[bytes], k: int, retry: int | None
) -> tuple[float, list[float]]:
    latencies: list[float] = []
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for body in bodies:
        queue.put_nowait(body)

    async def connection(session: aiohttp.ClientSession) -> None:
        while not queue.empty():
            body = queue.get_nowait()
            started = time.perf_counter()
            async with session.post(url, data=body, headers=signed(body, retry)) as response:
                await response.read()
                if response.status != 200:
                    raise SystemExit(f"HTTP {response.status} from /slack/events")
            latencies.append(time.perf_counter() - started)

    connector = aiohttp.TCPConnector(limit=k)
    async with aiohttp.ClientSession(connector=connector) as session:
        started = time.perf_counter()
        await asyncio.gather(*(connection(session) for _ in range(k)))
        return time.perf_counter() - started, latencies


def describe(label: str, n: int, wall: float, latencies: list[float]) -> None:
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{label:<26} {n / wall:7.0f} acks/s   p50 {q[49] * 1000:6.1f} ms   "
        f"p99 {q[98] * 1000:6.1f} ms   max {max(latencies) * 1000:6.1f} ms"
    )


async def until(predicate, limit: float, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if predicate():
            return
        await asyncio.sleep(0.1)  # the fake Slack API in this loop must keep answering
    raise SystemExit(f"timed out waiting for {what}")


async def run(n: int, k: int) -> None:
    fake = FakeSlackApi()
    await fake.start()
    fake.add_user("U0CUST1", name="Olga Ops", email="ops@acme.test")
    work = Path(tempfile.mkdtemp(prefix="intake-slack-bench-"))
    shipped = yaml.safe_load((REPO / "config.yaml").read_text())
    config = {
        "support_addresses": ["support@example.com"],
        "default_plan": "kubeark",
        "customers": [{"name": "Acme", "domains": ["acme.test"], "slack_channels": ["C0ACME"]}],
        "slack": {"triage_channel": "C0TRIAGE", "engineers": ["U0ENG1"]},
        "plans": shipped["plans"],
    }
    (work / "config.yaml").write_text(yaml.safe_dump(config))
    db = work / "intake.sqlite3"
    http_port = free_port()
    env = {
        **os.environ,
        "INTAKE_DATABASE_URL": f"sqlite:///{db}",
        "INTAKE_CONFIG": str(work / "config.yaml"),
        "INTAKE_SMTP_PORT": str(free_port()),
        "INTAKE_HTTP_PORT": str(http_port),
        "INTAKE_DATA_DIR": str(work / "var"),
        "INTAKE_MODEL_DIR": str(REPO / "var" / "models"),
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.base_url,
    }
    serve = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", "serve", "--log-level", "warning", env=env, cwd=work
    )
    try:
        async with aiohttp.ClientSession() as session:

            async def healthy() -> bool:
                try:
                    async with session.get(f"http://127.0.0.1:{http_port}/healthz") as r:
                        return r.status == 200
                except aiohttp.ClientError:
                    return False

            deadline = time.monotonic() + 300
            while not await healthy():
                if time.monotonic() > deadline or serve.returncode is not None:
                    raise SystemExit("intake serve did not become healthy")
                await asyncio.sleep(0.2)

        url = f"http://127.0.0.1:{http_port}/slack/events"
        bodies = [
            json.dumps(envelope(user_message(TEXT.format(n=i % 10)))).encode() for i in range(n)
        ]
        print(f"N={n} events, K={k} concurrent connections, intake serve on SQLite\n")
        started = time.perf_counter()
        wall, latencies = await deliver(url, bodies, k, retry=None)
        describe("first deliveries", n, wall, latencies)
        wall, latencies = await deliver(url, bodies, k, retry=1)
        describe("Slack retries (same ids)", n, wall, latencies)

        def cards() -> int:
            return len(fake.top_level("C0TRIAGE"))

        await until(
            lambda: count(db, "SELECT count(*) FROM tickets") >= n and cards() >= n, 900, "cards"
        )
        pipeline = time.perf_counter() - started
        acks = len([m for m in fake.messages if m.channel == "C0ACME"])
        rate = n / pipeline
        print(f"{'pipeline (to cards)':<26} {rate:7.0f} events/s   all {n} in {pipeline:.1f} s")
        # Counted once everything went through: acknowledged events wait in the edge's spool
        # file (SQLite) until the mover has put them into the inbox.
        spool = db.with_name(f"{db.stem}.spool{db.suffix}")
        print(
            f"{'inbox rows':<26} {count(db, 'SELECT count(*) FROM inbox')} (expected {n}; "
            f"{count(spool, 'SELECT count(*) FROM spool')} left in the spool)"
        )
        tickets = count(db, "SELECT count(*) FROM tickets")
        print(
            f"{'result':<26} tickets {tickets}, thread replies {acks}, cards {cards()}, "
            f"Web API calls {len(fake.calls)}"
        )
    finally:
        serve.terminate()
        await asyncio.wait_for(serve.wait(), timeout=60)
        await fake.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=1000, help="events")
    parser.add_argument("-k", type=int, default=16, help="concurrent HTTP connections")
    args = parser.parse_args()
    asyncio.run(run(args.n, args.k))


if __name__ == "__main__":
    main()
