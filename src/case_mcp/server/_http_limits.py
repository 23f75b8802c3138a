"""The cap on tool calls served at once by one HTTP server.

A call beyond the cap is not queued: it is answered at once with a tool error that tells the
model nothing was done and to retry shortly, so a burst from a chat-ops bot neither piles up
behind a slow Datadog nor holds connections open until the load balancer gives up. The
client's own request limits (``CASE_MCP_MAX_CONCURRENT_REQUESTS``) still pace what reaches
Datadog; this cap bounds what waits for them.
"""

from __future__ import annotations

import logging
from typing import Any

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
