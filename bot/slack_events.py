"""`POST /slack/events`: verify, store, acknowledge. Nothing else happens inside the request.

Slack wants a 200 within 3 seconds and retries otherwise (`X-Slack-Retry-Num`), and Bolt
neither de-duplicates those retries nor keeps its after-ack work safe from a crash. So the
signature is checked on the raw bytes first (a bad or stale one gets 401 and nothing is
stored), then each delivery is written to the inbox under a unique key (the envelope's
`event_id`; for clicks, the action's ts, user and id) before the 200 goes back. The intake
worker does the real work from the store.

Events are stored directly. Interactive requests (block actions, slash commands, view
submissions) go through a slack-bolt `AsyncApp`, whose listeners store the payload and then
`ack()`: with `process_before_response=True` the ack is the HTTP response, so it can only
happen after the payload is durable.
"""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qs

from aiohttp import web
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import select

from bot.inbox_writer import InboxWriter
from bot.slack_payloads import interactive_dedupe_key
from bot.triage_card import CONFIRM_ACTION, SET_ACTION
from models.store import NewInboxItem, Store, StoreUnavailable, raw_dedupe_key
from models.tables import InboxItem

log = logging.getLogger(__name__)

SLACK_SOURCE = "slack"
EVENTS_PATH = "/slack/events"
SIGNATURE_WINDOW_SECONDS = 60 * 5

# What the intake worker is told about each stored item (InboxItem.envelope["kind"]).
EVENT_KIND = "event"
INTERACTIVE_KIND = "interactive"


def build_bolt_app(
    *, signing_secret: str, token: str, api_url: str, inbox: InboxWriter
) -> AsyncApp:
    """The Bolt app for interactive requests: every listener stores, then acknowledges."""

    async def authorize(
        enterprise_id: str | None, team_id: str | None, **_: object
    ) -> AuthorizeResult:
        # Single workspace, token known: no auth.test round trip, so storing a click never
        # depends on the Web API being reachable.
        return AuthorizeResult(enterprise_id=enterprise_id, team_id=team_id, bot_token=token)

    # The listeners make no API calls; this client only gives Bolt the right base URL.
    app = AsyncApp(
        signing_secret=signing_secret,
        client=AsyncWebClient(base_url=api_url),
        authorize=authorize,
        process_before_response=True,
        logger=_bolt_logger(),
    )

    async def store_then_ack(ack: AsyncAck, request: AsyncBoltRequest) -> None:
        raw = request.raw_body.encode("utf-8")
        is_new = await inbox.put(
            NewInboxItem(
                source=SLACK_SOURCE,
                dedupe_key=interactive_dedupe_key(raw),
                raw=raw,
                envelope={"kind": INTERACTIVE_KIND},
            )
        )
        if not is_new:
            log.info("Slack click delivered again; already stored")
        await ack()

    app.action(CONFIRM_ACTION)(store_then_ack)
    app.action(SET_ACTION)(store_then_ack)
    return app


class _EnvironmentTokenNotice(logging.Filter):
    """Bolt reads SLACK_BOT_TOKEN itself and warns that it is unused: true, and by design."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "`token` will be unused" not in record.getMessage()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger(f"{__name__}.bolt")
    if not any(isinstance(f, _EnvironmentTokenNotice) for f in logger.filters):
        logger.addFilter(_EnvironmentTokenNotice())
    return logger


class SlackEventsEndpoint:
    def __init__(
        self, *, signing_secret: str, store: Store, inbox: InboxWriter, bolt_app: AsyncApp
    ) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._store = store
        self._inbox = inbox
        self._bolt = bolt_app

    def install(self, http_app: web.Application) -> None:
        http_app.router.add_post(EVENTS_PATH, self.handle)

    async def handle(self, request: web.Request) -> web.Response:
        raw = await request.read()
        if _is_ssl_check(request, raw):
            return web.Response(status=200)
        if not self._signed_by_slack(request, raw):
            log.warning("Slack request with a bad or stale signature refused")
            return web.json_response({"error": "invalid_signature"}, status=401)
        if request.content_type == "application/json":
            return await self._json_request(request, raw)
        return await self._interactive_request(request, raw)

    def _signed_by_slack(self, request: web.Request, raw: bytes) -> bool:
        timestamp = request.headers.get("X-Slack-Request-Timestamp", "")
        signature = request.headers.get("X-Slack-Signature", "")
        if not timestamp or not signature:
            return False
        # SignatureVerifier also refuses timestamps outside the 5-minute window (replays).
        return self._verifier.is_valid(body=raw, timestamp=timestamp, signature=signature)

    async def _json_request(self, request: web.Request, raw: bytes) -> web.Response:
        try:
            body = json.loads(raw)
        except ValueError:
            return web.json_response({"error": "invalid_json"}, status=400)
        kind = body.get("type") if isinstance(body, dict) else None
        if kind == "url_verification":
            return web.json_response({"challenge": body.get("challenge", "")})
        if kind == "event_callback":
            return await self._store_event(request, raw, body)
        if kind == "app_rate_limited":
            log.warning("Slack dropped events for this app (app_rate_limited): %s", body)
        return web.Response(status=200)

    async def _store_event(
        self, request: web.Request, raw: bytes, body: dict[str, object]
    ) -> web.Response:
        event_id = str(body.get("event_id") or "")
        retry = request.headers.get("X-Slack-Retry-Num")
        dedupe_key = f"event:{event_id}" if event_id else raw_dedupe_key(raw)
        if retry and await self._already_stored(dedupe_key):
            # Slack retries because we were slow; answer from a read that takes no write lock.
            log.info("Slack event %s delivered again (retry %s); already stored", event_id, retry)
            return web.Response(status=200)
        item = NewInboxItem(
            source=SLACK_SOURCE,
            dedupe_key=dedupe_key,
            raw=raw,
            envelope={
                "kind": EVENT_KIND,
                "retry_num": int(retry) if retry and retry.isdigit() else 0,
                "retry_reason": request.headers.get("X-Slack-Retry-Reason"),
            },
        )
        try:
            is_new = await self._inbox.put(item)
        except StoreUnavailable as exc:
            # No 200 without storage: Slack will retry, and the retry will be stored.
            log.error("Slack event %s not stored (%s); asking Slack to retry", event_id, exc)
            return web.json_response({"error": "store_unavailable"}, status=503)
        if not is_new:
            log.info("Slack event %s delivered again (retry %s); already stored", event_id, retry)
        return web.Response(status=200)

    async def _already_stored(self, dedupe_key: str) -> bool:
        try:
            async with self._store.reading() as session:
                found = await session.exec(
                    select(InboxItem.id).where(
                        InboxItem.source == SLACK_SOURCE, InboxItem.dedupe_key == dedupe_key
                    )
                )
                return found.first() is not None
        except (OperationalError, DBAPIError, OSError):
            return False  # the write path below decides, and reports a real outage

    async def _interactive_request(self, request: web.Request, raw: bytes) -> web.Response:
        bolt_request = AsyncBoltRequest(
            body=raw.decode("utf-8"),
            query=request.query_string,
            headers={key: value for key, value in request.headers.items()},
        )
        response = await self._bolt.async_dispatch(bolt_request)
        return web.Response(
            status=response.status,
            body=response.body.encode("utf-8") if isinstance(response.body, str) else response.body,
            headers=response.first_headers_without_set_cookie(),
        )


def _is_ssl_check(request: web.Request, raw: bytes) -> bool:
    """Slack's certificate probe for slash-command URLs: unsigned, answered with a bare 200."""
    if request.content_type != "application/x-www-form-urlencoded":
        return False
    form = parse_qs(raw.decode("utf-8", "replace"))
    return form.get("ssl_check") == ["1"]
