"""Download a file a customer shared in Slack (`url_private`), safely.

Slack answers a download without the `files:read` scope with HTTP 200 and an HTML sign-in
page, so an HTML answer is refused rather than stored as the customer's log file; the size
is capped before and while reading.
"""

from __future__ import annotations

import re
from pathlib import Path

import aiohttp

from bot.email_outbound import PermanentSendError, TransientSendError

_CHUNK = 64 * 1024


def safe_file_name(name: str) -> str:
    cleaned = re.sub(r"[^\w.\- ]", "_", name).strip(" .") or "file"
    return cleaned[:200]


async def download_slack_file(
    url: str, *, token: str, destination: Path, max_bytes: int, time_limit: float = 60.0
) -> int:
    """Stream the file to `destination`; returns its size. Raises Transient/PermanentSendError."""
    headers = {"Authorization": f"Bearer {token}"}
    partial = destination.with_name(destination.name + ".part")
    try:
        async with (
            aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=time_limit)) as session,
            session.get(url, headers=headers) as response,
        ):
            if response.status == 429 or response.status >= 500:
                raise TransientSendError(f"file download: HTTP {response.status}")
            if response.status != 200:
                raise PermanentSendError(f"file download: HTTP {response.status}")
            if response.content_type == "text/html":
                raise PermanentSendError(
                    "file download returned an HTML page: the bot token lacks files:read"
                )
            if (response.content_length or 0) > max_bytes:
                raise PermanentSendError(f"file is larger than {max_bytes} bytes")
            destination.parent.mkdir(parents=True, exist_ok=True)
            size = 0
            with partial.open("wb") as out:
                async for chunk in response.content.iter_chunked(_CHUNK):
                    size += len(chunk)
                    if size > max_bytes:
                        raise PermanentSendError(f"file is larger than {max_bytes} bytes")
                    out.write(chunk)
    except (aiohttp.ClientError, TimeoutError, OSError) as exc:
        partial.unlink(missing_ok=True)
        raise TransientSendError(f"file download: {type(exc).__name__}: {exc}") from exc
    except (TransientSendError, PermanentSendError):
        partial.unlink(missing_ok=True)
        raise
    partial.replace(destination)
    return size
