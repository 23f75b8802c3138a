"""The caps on requests that reach Datadog, in one HTTP server: at once, and per caller over time.

Tool calls, resource reads and completions all call Datadog (`_methods`), so they spend one
budget and share the same slots; listings, discovery and prompts do neither. A request beyond
a cap is not queued: it is answered at once, saying that nothing was done and when to retry,
so a burst from a chat-ops bot neither piles up behind a slow Datadog nor holds connections
open until the load balancer gives up. A tool call gets a tool error, which the model reads;
any other request a JSON-RPC error with the code `RETRY_LATER`. The client's own request
limits (``CASE_MCP_MAX_CONCURRENT_REQUESTS``) still pace what reaches Datadog; these caps
bound what waits for them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any, Final

from mcp import MCPError
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, TextContent

from case_mcp.server.guardrails import _audit
from case_mcp.server.http._methods import reaches_datadog

__all__ = ["RETRY_LATER", "CallLimit", "CallerRateLimit", "busy_text"]

logger = logging.getLogger("case_mcp.http")

RETRY_LATER: Final = -32010
"""The JSON-RPC error code of a request refused by a cap (from the band JSON-RPC leaves to
implementations); its data holds ``retry_after``, in seconds, when the wait is known."""


class CallLimit:
    """Server middleware that refuses a request reaching Datadog beyond `limit` in flight."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if not _capped(ctx):
            return await call_next(ctx)
        if self.active >= self.limit:
            _audit.note_refusal("busy")
            logger.warning("%s refused: %d requests already in flight", ctx.method, self.active)
            return _refused(ctx.method, busy_text(self.limit))
        # One event loop serves every request, so a plain counter is exact.
        self.active += 1
        try:
            return await call_next(ctx)
        finally:
            self.active -= 1


def busy_text(limit: int) -> str:
    """What a model or a client reads when the server is at its cap."""
    return (
        f"The server is busy: it is already serving {limit} requests that reach Datadog, its "
        "limit. Nothing was done. Retry in a few seconds."
    )


class CallerRateLimit:
    """Server middleware that allows each caller `per_minute` requests reaching Datadog a minute.

    A looping agent behind one token must not spend the whole organisation's Datadog budget,
    nor starve the other callers of a shared deployment. Each caller (the token's client id;
    every unauthenticated caller shares one budget) has a token bucket that refills
    continuously and holds at most a minute's worth. A request over budget is refused at
    once, with the seconds to wait; nothing is sent to Datadog. The buckets live in this
    process: behind a load balancer with N replicas a caller gets up to N times the budget.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, at)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if not _capped(ctx):
            return await call_next(ctx)
        wait = self._take(_caller())
        if wait > 0:
            _audit.note_refusal("rate_limited")
            logger.warning("%s refused: caller over %d a minute", ctx.method, self.per_minute)
            seconds = math.ceil(wait)
            text = (
                f"Too many requests: this token may make {self.per_minute} a minute that reach "
                "Datadog (tool calls, resource reads and completions). Nothing was done. "
                f"Retry in {seconds} seconds."
            )
            return _refused(ctx.method, text, retry_after=seconds)
        return await call_next(ctx)

    def _take(self, caller: str) -> float:
        """Spend one request of `caller`'s budget; the seconds to wait when there is none."""
        now = self._clock()
        rate = self.per_minute / 60.0
        tokens, at = self._buckets.get(caller, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * rate)
        if tokens < 1.0:
            self._buckets[caller] = (tokens, now)
            return (1.0 - tokens) / rate
        self._buckets[caller] = (tokens - 1.0, now)
        return 0.0


def _capped(ctx: ServerRequestContext[Any, Any]) -> bool:
    # A notification (no request id) has no answer to refuse with and calls nobody.
    return ctx.request_id is not None and reaches_datadog(ctx.method)


def _refused(method: str, text: str, *, retry_after: int | None = None) -> CallToolResult:
    """A tool call's refusal, as a tool error; any other request's is raised as an `MCPError`."""
    if method == "tools/call":
        return CallToolResult(content=[TextContent(text=text)], is_error=True)
    raise MCPError(
        RETRY_LATER, text, data=None if retry_after is None else {"retry_after": retry_after}
    )


def _caller() -> str:
    token = get_access_token()
    return token.client_id if token is not None else "(anonymous)"
