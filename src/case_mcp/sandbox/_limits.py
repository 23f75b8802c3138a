"""Datadog's rate limits: a request budget per fixed window, and the X-RateLimit-* headers.

Every ``/api/`` answer carries ``X-RateLimit-Limit``, ``-Period``, ``-Remaining``, ``-Reset``
(whole seconds until the window ends) and ``-Name``, as Datadog's do. A request over the budget
is answered 429 ``{"errors":["Too many requests"]}`` with the same headers (Remaining 0). The
control plane (``/_sandbox/``) is never limited.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._answer import error_response
from ._errors import TooManyRequests

__all__ = ["UNLIMITED", "Limiter", "RateLimit", "RateLimitMiddleware"]


@dataclass(frozen=True)
class RateLimit:
    """A request budget per fixed window, like Datadog's per-organisation limits.

    Attributes:
        limit: Requests allowed per period.
        period: The window, in seconds; it starts with the first request after the last ended.
        name: The ``X-RateLimit-Name`` header.
    """

    limit: int = 1000
    period: int = 60
    name: str = "cases"

    def __post_init__(self) -> None:
        numbers = (self.limit, self.period)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in numbers):
            raise ValueError("a rate limit's limit and period are whole numbers")
        if not isinstance(self.name, str) or not self.name:
            raise ValueError("a rate limit needs a non-empty name")
        if self.limit < 1 or self.period < 1:
            raise ValueError("a rate limit needs limit >= 1 and period >= 1 (seconds)")


# Headers still go out with no budget set, so clients that read them keep working.
UNLIMITED: Final = RateLimit(limit=1_000_000_000, period=60)


class Limiter:
    """Counts requests in the current window of whatever limit is configured now.

    Args:
        config: Returns the limit in force (None: no budget); read on every request, so
            changing it at run time takes effect at once, in a fresh window.
        clock: The current time.
    """

    def __init__(
        self, config: Callable[[], RateLimit | None], clock: Callable[[], datetime]
    ) -> None:
        self.config = config
        self.clock = clock
        self._limit: RateLimit | None = None
        self._window_start = 0.0
        self._used = 0

    def reset(self) -> None:
        """Start a fresh window at the next request."""
        self._limit = None
        self._used = 0

    def take(self) -> tuple[bool, list[tuple[bytes, bytes]]]:
        """Count one request: whether it is within budget, and the headers to answer with."""
        limit = self.config() or UNLIMITED
        now = self.clock().timestamp()
        if limit is not self._limit or now >= self._window_start + limit.period:
            self._limit, self._window_start, self._used = limit, now, 0
        allowed = self._used < limit.limit
        if allowed:
            self._used += 1
        reset = max(0, math.ceil(self._window_start + limit.period - now))
        headers = [
            (b"x-ratelimit-limit", str(limit.limit).encode()),
            (b"x-ratelimit-period", str(limit.period).encode()),
            (b"x-ratelimit-remaining", str(limit.limit - self._used).encode()),
            (b"x-ratelimit-reset", str(reset).encode()),
            (b"x-ratelimit-name", limit.name.encode()),
        ]
        return allowed, headers


class RateLimitMiddleware:
    """Applies a `Limiter` to ``/api/`` requests and stamps its headers on their answers."""

    def __init__(self, app: ASGIApp, limiter: Limiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        allowed, headers = self.limiter.take()

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                stamped = headers
                if message["status"] == 429:  # an injected 429 spends the budget too
                    stamped = [
                        (n, b"0" if n == b"x-ratelimit-remaining" else v) for n, v in headers
                    ]
                message = {**message, "headers": [*message.get("headers", []), *stamped]}
            await send(message)

        if allowed:
            await self.app(scope, receive, send_with_headers)
        else:
            await error_response(TooManyRequests())(scope, receive, send_with_headers)
