"""An httpx2 transport that talks to the sandbox in process: no port, no thread.

It wraps `httpx2.ASGITransport` for one difference: a connection the sandbox drops on purpose
(a fault) reaches the client as `httpx2.ReadError`, the transport error a real dropped
connection raises, rather than as the app's internal exception.
"""

from __future__ import annotations

import httpx2
from starlette.types import ASGIApp

from ._faults import ConnectionDropped

__all__ = ["SandboxTransport"]


class SandboxTransport(httpx2.AsyncBaseTransport):
    """Sends each request straight to the sandbox's ASGI app.

    Args:
        app: The sandbox's ASGI app (`Sandbox.app`).
    """

    def __init__(self, app: ASGIApp) -> None:
        self._asgi = httpx2.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Answer one request, or raise `httpx2.ReadError` for a dropped connection."""
        try:
            return await self._asgi.handle_async_request(request)
        except ConnectionDropped as exc:
            raise httpx2.ReadError(
                "the sandbox dropped the connection (an injected fault)", request=request
            ) from exc
