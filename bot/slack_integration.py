"""Plugs Slack into the serve runtime: the events route, the inbox processor and the outbox
kinds, all sharing one Web API client.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import ConfigError
from bot.inbox_writer import InboxWriter
from bot.intake_worker import IntakeWorker
from bot.outbox_worker import OutboxWorker
from bot.settings import Settings
from bot.slack_client import build_web_client
from bot.slack_decisions import SeverityDecisions
from bot.slack_directory import SlackDirectory
from bot.slack_events import SLACK_SOURCE, SlackEventsEndpoint, build_bolt_app
from bot.slack_intake import SlackInboxProcessor
from bot.slack_outbox import SlackOutbox
from bot.ticket_desk import TicketDesk


@dataclass
class SlackIntegration:
    client: AsyncWebClient
    directory: SlackDirectory
    bolt_app: AsyncApp
    endpoint: SlackEventsEndpoint
    processor: SlackInboxProcessor
    outbox: SlackOutbox

    def bind_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """Look-ups started from the intake worker's prepare thread run on this loop."""
        self.directory.bind(loop)


def install_slack(
    *,
    settings: Settings,
    desk: TicketDesk,
    inbox: InboxWriter,
    intake_worker: IntakeWorker,
    outbox_worker: OutboxWorker,
    http_app: web.Application,
) -> SlackIntegration:
    """Wire everything Slack; raises ConfigError when the token comes without its secret."""
    token = settings.slack_bot_token
    secret = settings.slack_signing_secret
    if not token:
        raise ConfigError("SLACK_BOT_TOKEN is not set")
    if not secret:
        # Without it no request can be verified, and unverified requests must not be stored.
        raise ConfigError("SLACK_SIGNING_SECRET is required when SLACK_BOT_TOKEN is set")
    client = build_web_client(token=token, base_url=settings.slack_api_url)
    bolt_app = build_bolt_app(
        signing_secret=secret, token=token, api_url=settings.slack_api_url, inbox=inbox
    )
    endpoint = SlackEventsEndpoint(
        signing_secret=secret, store=desk.store, inbox=inbox, bolt_app=bolt_app
    )
    endpoint.install(http_app)
    directory = SlackDirectory(client)
    processor = SlackInboxProcessor(
        desk=desk,
        directory=directory,
        decisions=SeverityDecisions(desk=desk),
        download_files=settings.slack_download_files,
        max_file_bytes=settings.slack_max_file_bytes,
    )
    intake_worker.register(SLACK_SOURCE, processor)
    outbox = SlackOutbox(
        desk=desk,
        client=client,
        token=token,
        attachments_dir=settings.attachments_dir,
        max_file_bytes=settings.slack_max_file_bytes,
    )
    outbox.register(outbox_worker)
    # The triage-card hooks come with the desk itself (`assemble_desk`), so CLI decisions too
    # update the card.
    return SlackIntegration(client, directory, bolt_app, endpoint, processor, outbox)
