"""The caps on tool calls of one HTTP server: at once, and per caller over time.

A call beyond the cap is not queued: it is answered at once with a tool error that tells the
model nothing was done and to retry shortly, so a burst from a chat-ops bot neither piles up
behind a slow Datadog nor holds connections open until the load balancer gives up. The
client's own request limits (``CASE_MCP_MAX_CONCURRENT_REQUESTS``) still pace what reaches
Datadog; this cap bounds what waits for them.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from typing import Any

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, TextContent

from case_mcp.server import _audit

logger = logging.getLogger("case_mcp.http")


class CallLimit:
    """Server middleware that refuses a ``tools/call`` beyond `limit` calls in flight."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.active = 0

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        if self.active >= self.limit:
            _audit.note_refusal("busy")
            logger.warning("tool call refused: %d calls already in flight", self.active)
            return CallToolResult(content=[TextContent(text=busy_text(self.limit))], is_error=True)
        # One event loop serves every call, so a plain counter is exact.
        self.active += 1
        try:
            return await call_next(ctx)
        finally:
            self.active -= 1


def busy_text(limit: int) -> str:
    """What a model reads when the server is at its cap."""
    return (
        f"The server is busy: it is already serving {limit} tool calls, its limit. Nothing "
        "was done. Retry this call in a few seconds."
    )


class CallerRateLimit:
    """Server middleware that allows each caller `per_minute` tool calls a minute.

    A looping agent behind one token must not spend the whole organisation's Datadog budget,
    nor starve the other callers of a shared deployment. Each caller (the token's client id;
    every unauthenticated caller shares one budget) has a token bucket that refills
    continuously and holds at most a minute's worth. A call over budget is refused at once,
    with the seconds to wait; nothing is sent to Datadog. The buckets live in this process:
    behind a load balancer with N replicas a caller gets up to N times the budget.
    """

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # caller -> (tokens, at)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if ctx.method != "tools/call":
            return await call_next(ctx)
        wait = self._take(_caller())
        if wait > 0:
            _audit.note_refusal("rate_limited")
            logger.warning("tool call refused: caller over %d calls a minute", self.per_minute)
            text = (
                f"Too many tool calls: this token may make {self.per_minute} a minute. Nothing "
                f"was done. Retry in {math.ceil(wait)} seconds."
            )
            return CallToolResult(content=[TextContent(text=text)], is_error=True)
        return await call_next(ctx)

    def _take(self, caller: str) -> float:
        """Spend one call of `caller`'s budget; the seconds to wait when there is none."""
        now = self._clock()
        rate = self.per_minute / 60.0
        tokens, at = self._buckets.get(caller, (float(self.per_minute), now))
        tokens = min(float(self.per_minute), tokens + (now - at) * rate)
        if tokens < 1.0:
            self._buckets[caller] = (tokens, now)
            return (1.0 - tokens) / rate
        self._buckets[caller] = (tokens - 1.0, now)
        return 0.0


def _caller() -> str:
    token = get_access_token()
    return token.client_id if token is not None else "(anonymous)"
