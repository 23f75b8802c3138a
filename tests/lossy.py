"""Test helpers for failures: answers lost after Datadog acted, and a resilient server.

The sandbox's own faults never reach its store, so retrying them is always safe. What makes
creates dangerous is the other case, an answer lost *after* the work was done; `LoseAnswers`
wraps any transport to produce exactly that (or a loss before it, for comparison).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

import httpx2
import stamina
from mcp.server import MCPServer

from case_mcp.client import CaseManagementClient, RequestLimits, RetryPolicy
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import ServerState, create_server
from guarded import with_every_toolset

Loss = Literal["timeout", "drop", "503", "garbled", "refused", "drop_before"]
"""timeout/drop/503/garbled: the request is served, then its answer is lost that way.
refused: the connection never opens (nothing served). drop_before: dropped unserved."""

# Fast waits for tests that do not use stamina's test mode.
FAST = RetryPolicy(attempts=5, deadline=5.0, wait_initial=0.001, wait_max=0.005, wait_jitter=0.0)


@dataclass
class Rule:
    """For requests matching `method` and `path`, `times` times: lose the answer, or answer
    `loss` (a response) without serving the request."""

    method: str
    path: str
    loss: Loss | httpx2.Response
    times: int = 1


@dataclass
class LoseAnswers(httpx2.AsyncBaseTransport):
    """Forwards every request to `inner`, and loses the answers its rules say to."""

    inner: httpx2.AsyncBaseTransport
    rules: list[Rule] = field(default_factory=list)
    sent: list[tuple[str, str]] = field(default_factory=list)
    statuses: list[int] = field(default_factory=list)

    def lose(self, method: str, path: str, loss: Loss, times: int = 1) -> None:
        """Add a rule; `path` is a regular expression matched against the whole path."""
        self.rules.append(Rule(method, path, loss, times))

    def answer(
        self,
        method: str,
        path: str,
        status: int,
        body: object = None,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer matching requests with this error (Datadog's JSON) instead of serving them."""
        response = httpx2.Response(status, json=body, headers=headers)
        self.rules.append(Rule(method, path, response, times))

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        """Serve `request` through `inner`, losing its answer if a rule says so."""
        rule = next(
            (
                rule
                for rule in self.rules
                if rule.times > 0
                and rule.method == request.method
                and re.fullmatch(rule.path, request.url.path)
            ),
            None,
        )
        if rule is None:
            self.sent.append((request.method, request.url.path))
            served = await self.inner.handle_async_request(request)
            self.statuses.append(served.status_code)
            return served
        rule.times -= 1
        if isinstance(rule.loss, httpx2.Response):
            return rule.loss
        if rule.loss == "refused":
            raise httpx2.ConnectError("[Errno 111] Connection refused", request=request)
        if rule.loss == "drop_before":
            raise httpx2.ReadError("connection reset by peer", request=request)
        self.sent.append((request.method, request.url.path))
        answer = await self.inner.handle_async_request(request)
        await answer.aread()
        if rule.loss == "timeout":
            raise httpx2.ReadTimeout("timed out", request=request)
        if rule.loss == "drop":
            raise httpx2.ReadError("connection reset by peer", request=request)
        if rule.loss == "503":
            return httpx2.Response(503, json={"errors": ["Service Unavailable"]})
        return httpx2.Response(200, content=b'{"data":{"id":"')


def resilient_server(
    sandbox: Sandbox,
    transport: httpx2.AsyncBaseTransport | None = None,
    *,
    base_url: str = "http://sandbox.invalid",
    retry: RetryPolicy | None = FAST,
    limits: RequestLimits | None = None,
    timeout: float = 30.0,
    options: ServerOptions | None = None,
    api_key: str | None = "test-api-key",
    app_key: str | None = "test-app-key",
    access_token: str | None = None,
) -> MCPServer[ServerState]:
    """The MCP server over `sandbox` (through `transport` if given), with retries on."""
    wire = transport or sandbox.transport()
    return create_server(
        lambda: CaseManagementClient(
            base_url=base_url,
            api_key=api_key,
            app_key=app_key,
            access_token=access_token,
            timeout=timeout,
            transport=wire,
            retry=retry,
            limits=limits,
        ),
        with_every_toolset(options),
    )


@contextmanager
def no_backoff() -> Iterator[None]:
    """stamina's test mode: no waiting between attempts (their number stays the policy's)."""
    with stamina.set_testing(True, attempts=100, cap=True):
        yield
