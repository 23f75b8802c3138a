"""``/healthz`` and ``/readyz``: is the process alive, and can it serve a tool call now.

Readiness asks the backend (Datadog or the sandbox) one cheap authenticated question, the
project list, through the server's own client: it fails when Datadog cannot be reached or
refuses the credentials. A success is remembered for a few seconds so that probes from every
replica do not spend the organisation's API budget. Neither answer says more than ok or not:
why a check failed goes to the log, never to whoever probes.
"""

from __future__ import annotations

import logging
import time
from typing import Final

import anyio
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from case_mcp.client import CaseManagementClient
from case_mcp.errors import DatadogError
from case_mcp.server._state import ClientFactory
from case_mcp.server.tools._lookup import Lookup

logger = logging.getLogger("case_mcp.http")

# Kubernetes' default probe timeout is 1 s and the period 10 s: a check may not take
# longer than a few seconds, and a success stays good for less than a period.
_CHECK_TIMEOUT: Final = 3.0
_SUCCESS_TTL: Final = 5.0


class Readiness:
    """Follows the server's client, and checks the backend with it."""

    def __init__(self) -> None:
        self.client: CaseManagementClient | None = None
        self._ready_until = 0.0

    def follow(self, make_client: ClientFactory) -> ClientFactory:
        """`make_client`, remembering the client it made for the checks."""

        def make() -> CaseManagementClient:
            self.client = make_client()
            return self.client

        return make

    async def ready(self) -> bool:
        """Whether the backend answered an authenticated request (recently)."""
        if self.client is None:
            return False  # the server has not started, or has stopped
        if time.monotonic() < self._ready_until:
            return True
        try:
            with anyio.fail_after(_CHECK_TIMEOUT):
                # The project list, read afresh: a Lookup of its own keeps nothing.
                await Lookup(self.client).projects(fresh=True)
        except (DatadogError, TimeoutError) as error:
            logger.warning("not ready: the backend check failed (%s)", type(error).__name__)
            return False
        self._ready_until = time.monotonic() + _SUCCESS_TTL
        return True

    async def readyz(self, _request: Request) -> Response:
        """200 when ready, else 503; the body says nothing more."""
        if await self.ready():
            return JSONResponse({"status": "ready"})
        return JSONResponse({"status": "unavailable"}, status_code=503)


async def healthz(_request: Request) -> Response:
    """200 while the process serves HTTP at all."""
    return JSONResponse({"status": "ok"})
