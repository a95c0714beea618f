"""The serve process's HTTP side: health now, Slack events (and more) as routes are added."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from aiohttp import web

Readiness = Callable[[], Awaitable[bool]]


def build_http_app(*, ready: Readiness) -> web.Application:
    app = web.Application(client_max_size=2 * 1024 * 1024)

    async def healthz(_request: web.Request) -> web.Response:
        if await ready():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "starting"}, status=503)

    app.router.add_get("/healthz", healthz)
    return app


async def start_http_server(
    app: web.Application, *, host: str, port: int
) -> tuple[web.AppRunner, int]:
    """Start listening; returns the runner (for cleanup) and the bound port (port 0 = any)."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host=host, port=port)
    await site.start()
    server = site._server
    bound = server.sockets[0].getsockname()[1] if server and server.sockets else port
    return runner, int(bound)
