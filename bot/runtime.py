"""Assembles the serve process: store, triage, edges, workers — and takes it down cleanly.

Used by `intake serve` and, unchanged, by the end-to-end tests (on port 0), so the tests
exercise exactly what runs in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from aiohttp import web

from bot.config import AppConfig
from bot.customer_notices import EMAIL_KIND
from bot.email_intake import EmailInboxProcessor, EmailIntake
from bot.email_outbound import OutboundEmail, RelaySettings, send_via_relay
from bot.http_server import build_http_app, start_http_server
from bot.inbox_writer import InboxWriter
from bot.intake_worker import IntakeWorker
from bot.outbox_worker import OutboxWorker
from bot.settings import Settings
from bot.sla_scheduler import SlaScheduler
from bot.smtp_server import IntakeSmtpHandler, start_smtp_server
from bot.spool_mover import SpoolMover
from bot.ticket_desk import TicketDesk, assemble_desk
from bot.triage_engine import TriageEngine
from models.inbox_spool import InboxSpool, spool_path_for
from models.store import Store
from models.tables import OutboxItem

if TYPE_CHECKING:
    from bot.slack_integration import SlackIntegration
    from bot.triage_process import TriageProcess

log = logging.getLogger(__name__)


@dataclass
class BoundPorts:
    smtp: int = 0
    http: int = 0


@dataclass
class IntakeRuntime:
    settings: Settings
    config: AppConfig
    store: Store = field(init=False)
    engine: TriageEngine = field(init=False)
    desk: TicketDesk = field(init=False)
    inbox: InboxWriter = field(init=False)
    intake_worker: IntakeWorker = field(init=False)
    outbox_worker: OutboxWorker = field(init=False)
    sla_scheduler: SlaScheduler = field(init=False)
    http_app: web.Application = field(init=False)
    ports: BoundPorts = field(default_factory=BoundPorts)
    # False only in `intake worker` processes, which acknowledge nothing (see create_engines).
    durable_commits: bool = True
    # True in `intake worker` processes: email triage runs in a child process beside the
    # database writes (bot/triage_process.py). Tests keep it in-process.
    triage_in_child: bool = False

    def __post_init__(self) -> None:
        self.store = Store.from_url(
            self.settings.database_url, durable_commits=self.durable_commits
        )
        self.slack_enabled = bool(self.settings.slack_bot_token)
        self.desk = assemble_desk(
            self.store,
            config=self.config,
            model_dir=self.settings.resolved_model_dir,
            slack_enabled=self.slack_enabled,
        )
        self.engine = self.desk.engine
        # SQLite has one writer. The SMTP edge has its own spool file; Slack's inserts still
        # wait behind a triage batch, and batches of 16 keep that wait far inside Slack's 3 s
        # (bench/slack_events.py: ack p99 47 ms, retries max 0.4 s) while costing fewer
        # transactions than 4 (pipeline +20 %). PostgreSQL takes bigger batches.
        self.intake_worker = IntakeWorker(
            self.store,
            worker_id=self.settings.worker_id,
            batch=16 if self.store.is_sqlite else 32,
        )
        self.outbox_worker = OutboxWorker(self.store, worker_id=self.settings.worker_id)
        self.intake_worker.after_commit.append(self.outbox_worker.wake)
        self.on_inbox_stored: list[Callable[[], None]] = [self.intake_worker.wake]
        # On SQLite the edges (SMTP mail, Slack events and clicks) write to their own spool
        # file, so a 250 or a 200 never waits for the workers' write lock on the main database
        # (models/inbox_spool.py says why). PostgreSQL: straight into the inbox.
        self.spool: InboxSpool | None = None
        self.spool_mover: SpoolMover | None = None
        self.inbox = InboxWriter(self.store.store_inbound, on_stored=self._inbox_stored)
        database = self.store.engines.url.database
        if self.store.is_sqlite and database and database != ":memory:":
            self.spool = InboxSpool(spool_path_for(Path(database)))
            self.spool_mover = SpoolMover(
                spool=self.spool, store=self.store, on_moved=self._inbox_stored
            )
            self.inbox = InboxWriter(self.spool.put_many, on_stored=self.spool_mover.wake)
        email = EmailIntake(desk=self.desk, attachments_dir=self.settings.attachments_dir)
        self.email_processor = EmailInboxProcessor(email)
        self.intake_worker.register("email", self.email_processor)
        self._triage_process: TriageProcess | None = None
        self.outbox_worker.register(EMAIL_KIND, self._send_email)
        self.sla_scheduler = SlaScheduler(store=self.store, desk=self.desk)
        self._ready = False
        self.http_app = build_http_app(ready=self._is_ready)
        self.slack: SlackIntegration | None = None
        if self.slack_enabled:
            from bot.slack_integration import install_slack  # slack-bolt only when it is used

            self.slack = install_slack(
                settings=self.settings,
                desk=self.desk,
                inbox=self.inbox,
                intake_worker=self.intake_worker,
                outbox_worker=self.outbox_worker,
                http_app=self.http_app,
            )
        else:
            log.info("Slack disabled: SLACK_BOT_TOKEN is not set")
        self._tasks: list[asyncio.Task[None]] = []
        self._smtp_server: asyncio.Server | None = None
        self._spool_open = False
        self._http_runner: web.AppRunner | None = None

    @property
    def relay(self) -> RelaySettings:
        email = self.config.email
        return RelaySettings(
            host=self.settings.relay_host,
            port=self.settings.relay_port,
            starttls=self.settings.relay_starttls or email.relay_starttls,
            username=self.settings.relay_username or email.relay_username,
            password=self.settings.relay_password or email.relay_password,
        )

    async def _send_email(self, row: OutboxItem) -> dict[str, object]:
        return await send_via_relay(OutboundEmail.from_payload(row.payload), self.relay)

    def _inbox_stored(self) -> None:
        for listener in self.on_inbox_stored:
            listener()

    async def flush_spool(self) -> int:
        """Move everything the SMTP edge has acknowledged into the inbox now (tests, tools)."""
        return await self.spool_mover.move_all() if self.spool_mover is not None else 0

    async def _is_ready(self) -> bool:
        return self._ready

    async def start(
        self, *, warm_up: bool = True, run_workers: bool = True, listen: bool = True
    ) -> None:
        """Start the parts this process runs.

        `listen`: the SMTP and HTTP edges (and the inbox writer behind them).
        `run_workers`: the intake and outbox workers and the SLA scheduler as background tasks;
        tests pass False and drive the same workers step by step.
        `intake serve` runs the edges here and the workers in child processes (`intake worker`),
        so triage never competes with acknowledging mail for the same interpreter.
        """
        await self.store.upgrade()
        if self.triage_in_child:
            from bot.triage_process import TriageProcess

            self._triage_process = TriageProcess(
                config=self.config, model_dir=self.settings.resolved_model_dir
            )
            await self._triage_process.start()
            self.email_processor.triage_process = self._triage_process
        if warm_up:
            # Train/load the model and spaCy before triaging, off the event loop.
            await asyncio.to_thread(self.engine.warm_up)
        if self.slack is not None:
            self.slack.bind_loop(asyncio.get_running_loop())
        if listen:
            if self.spool is not None and self.spool_mover is not None:
                await self.spool.open()
                self._spool_open = True
                self.spool_mover.start()
            self.inbox.start()
            self._smtp_server = await start_smtp_server(
                IntakeSmtpHandler(
                    inbox=self.inbox, support_addresses=self.config.support_addresses
                ),
                host=self.settings.smtp_host,
                port=self.settings.smtp_port,
                max_message_bytes=self.config.email.max_message_bytes,
            )
            self.ports.smtp = self._smtp_server.sockets[0].getsockname()[1]
            self._http_runner, self.ports.http = await start_http_server(
                self.http_app, host=self.settings.http_host, port=self.settings.http_port
            )
        if run_workers:
            self._tasks = [
                asyncio.create_task(self.intake_worker.run(), name="intake-worker"),
                asyncio.create_task(self.outbox_worker.run(), name="outbox-worker"),
                asyncio.create_task(self.sla_scheduler.run(), name="sla-scheduler"),
            ]
        self._ready = True
        if listen:
            log.info(
                "intake ready: SMTP on %s:%d, HTTP on %s:%d, database %s, Slack %s",
                self.settings.smtp_host,
                self.ports.smtp,
                self.settings.http_host,
                self.ports.http,
                self.store.engines.url.render_as_string(hide_password=True),
                "enabled" if self.slack_enabled else "disabled",
            )

    async def stop(self) -> None:
        """Stop accepting, let in-flight work finish, then close the store."""
        self._ready = False
        if self._smtp_server is not None:
            self._smtp_server.close()
            # Sessions in DATA finish storing before their 250; give them a moment to do so.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._smtp_server.wait_closed(), timeout=5)
        if self._http_runner is not None:
            await self._http_runner.cleanup()
        # Edges are closed: store what they accepted, then move the spool into the inbox.
        await self.inbox.stop()
        if self._spool_open and self.spool is not None and self.spool_mover is not None:
            self._spool_open = False
            await self.spool_mover.stop()
            await self.spool.close()
        self.intake_worker.stop()
        self.outbox_worker.stop()
        self.sla_scheduler.stop()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError, TimeoutError):
                await asyncio.wait_for(task, timeout=10)
        if self._triage_process is not None:
            await asyncio.to_thread(self._triage_process.close)
            self._triage_process = None
        await self.store.close()
