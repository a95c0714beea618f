"""The Slack Web API client the bot uses, and how its failures map onto outbox retries.

One `AsyncWebClient` per process, pointed at `SLACK_API_URL` (tests and local runs use a local
server). Short 429s are waited out in place by slack_sdk's retry handler, honouring
Retry-After; anything longer, and any outage, becomes a `TransientSendError` so the outbox
keeps the message and tries again later instead of blocking the worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import aiohttp
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.async_handler import AsyncRetryHandler
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web.async_client import AsyncWebClient

from bot.email_outbound import PermanentSendError, TransientSendError

# Errors that retrying the same request can never fix: the request itself is wrong.
# Missing membership or a revoked token are NOT here: an admin fixes those and the queued
# message should then go out.
PERMANENT_ERRORS = frozenset(
    {
        "invalid_blocks",
        "invalid_blocks_format",
        "msg_too_long",
        "no_text",
        "too_many_attachments",
        "invalid_arguments",
        "message_not_found",
        "cant_update_message",
        "edit_window_closed",
        "user_not_in_channel",
    }
)

MAX_INLINE_RETRY_AFTER = 30  # seconds; a longer wait goes back to the outbox instead


class BoundedRateLimitRetryHandler(AsyncRateLimitErrorRetryHandler):
    """Waits out a 429 only when Retry-After is short, so one send never stalls the worker."""

    def __init__(self, max_retry_count: int = 2, max_wait: int = MAX_INLINE_RETRY_AFTER) -> None:
        super().__init__(max_retry_count=max_retry_count)
        self._max_wait = max_wait

    async def _can_retry_async(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if response is None or response.status_code != 429:
            return False
        retry_after = next(
            (v for k, v in response.headers.items() if k.lower() == "retry-after"), ["1"]
        )
        try:
            return int(retry_after[0]) <= self._max_wait
        except (TypeError, ValueError):
            return True


def build_web_client(*, token: str, base_url: str, timeout: int = 15) -> AsyncWebClient:
    handlers: list[AsyncRetryHandler] = [
        BoundedRateLimitRetryHandler(),
        AsyncConnectionErrorRetryHandler(max_retry_count=1),
    ]
    return AsyncWebClient(token=token, base_url=base_url, timeout=timeout, retry_handlers=handlers)


def slack_error_code(exc: SlackApiError) -> str:
    data = getattr(exc.response, "data", None)
    return str(data.get("error", "")) if isinstance(data, dict) else ""


@contextmanager
def outbox_send_errors(what: str) -> Iterator[None]:
    """Turn a Slack failure into the outbox's Transient/Permanent vocabulary."""
    try:
        yield
    except SlackApiError as exc:
        code = slack_error_code(exc) or f"HTTP {exc.response.status_code}"
        if code in PERMANENT_ERRORS:
            raise PermanentSendError(f"{what}: {code}") from exc
        raise TransientSendError(f"{what}: {code}") from exc
    except (TimeoutError, SlackClientError, aiohttp.ClientError, OSError) as exc:
        raise TransientSendError(f"{what}: {type(exc).__name__}: {exc}") from exc
