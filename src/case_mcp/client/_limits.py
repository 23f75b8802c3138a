"""Client-side request limits: requests in flight at once, and requests per second.

A model in a loop can call tools as fast as the host lets it, and each call is a request or
several. These limits bound what one client sends, whatever the caller does:

- at most `RequestLimits.max_concurrent` requests in flight (an anyio semaphore);
- a sustained `RequestLimits.per_second`, with bursts of up to `RequestLimits.burst`
  (a token bucket, kept as the time the next request may go: the "generic cell rate"
  form, which needs no lock and no background task).

These are case-mcp's own caps, for every caller of the client alike. Datadog's rate limits,
which belong to one organisation's credentials and one of Datadog's buckets, are kept apart
(`case_mcp.client._rate_limits`), so one tenant's 429 never holds another's calls here.

A request waits for its turn only as long as its deadline allows; past that it is refused
with `RequestLimitError`, and nothing is sent. Every attempt of a retried request takes a
turn too, so retries cannot multiply the load either.
"""

from __future__ import annotations

import math
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

import anyio

from case_mcp.errors import RequestLimitError

__all__ = ["Limiter", "RequestLimits"]


@dataclass(frozen=True)
class RequestLimits:
    """How much one client may send.

    Args:
        max_concurrent: Requests in flight at once.
        per_second: The sustained rate of requests.
        burst: Requests that may go at once after a quiet spell (default: six seconds' worth
            of `per_second`, at least `max_concurrent`).

    Raises:
        ValueError: A limit below 1 (or a rate of 0 or less).
    """

    max_concurrent: int = 8
    per_second: float = 5.0
    burst: int | None = None

    def __post_init__(self) -> None:
        if self.max_concurrent < 1 or self.per_second <= 0:
            raise ValueError("request limits need max_concurrent >= 1 and per_second > 0")
        if self.burst is not None and self.burst < 1:
            raise ValueError("a request burst must allow at least 1 request")

    @property
    def bucket(self) -> int:
        """The burst in force: `burst`, or six seconds' worth of `per_second`."""
        if self.burst is not None:
            return self.burst
        return max(self.max_concurrent, math.ceil(self.per_second * 6))


class Limiter:
    """Applies `RequestLimits` to the requests of one client.

    Args:
        limits: The limits.
        clock: Monotonic seconds (injectable for tests).
    """

    def __init__(
        self, limits: RequestLimits, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.limits = limits
        self._clock = clock
        self._interval = 1.0 / limits.per_second
        self._tolerance = (limits.bucket - 1) * self._interval
        self._next_free = -math.inf  # when the bucket is full again, in clock seconds
        self._slots = anyio.Semaphore(limits.max_concurrent)

    @asynccontextmanager
    async def turn(self, max_wait: float, *, method: str, path: str) -> AsyncIterator[None]:
        """Wait for this request's turn (a token, then a slot), and hold the slot.

        Args:
            max_wait: The longest the caller may wait, in seconds.
            method: The request's method, for the error.
            path: The request's path, for the error.

        Raises:
            RequestLimitError: The turn would come later than `max_wait`; nothing was sent.
        """
        wait = self._reserve(max_wait)
        if wait is None:
            raise self._refused(self._wait_now(), method, path)
        if wait > 0:
            await anyio.sleep(wait)
        try:
            self._slots.acquire_nowait()
        except anyio.WouldBlock:
            acquired = False
            with anyio.move_on_after(max(0.0, max_wait - wait)):
                await self._slots.acquire()
                acquired = True
            if not acquired:
                raise self._refused(self._interval, method, path, in_flight=True) from None
        try:
            yield
        finally:
            self._slots.release()

    def _wait_now(self) -> float:
        now = self._clock()
        rate_wait = max(self._next_free, now) - now - self._tolerance
        return max(0.0, rate_wait)

    def _reserve(self, max_wait: float) -> float | None:
        # No await between reading and moving `_next_free`: one event loop makes this atomic.
        wait = self._wait_now()
        if wait > max_wait:
            return None
        now = self._clock()
        self._next_free = max(self._next_free, now) + self._interval
        return wait

    def _refused(
        self, retry_after: float, method: str, path: str, *, in_flight: bool = False
    ) -> RequestLimitError:
        limits = self.limits
        if in_flight:
            why = f"{limits.max_concurrent} requests were already in flight"
        else:
            why = f"the limit of {limits.per_second:g} requests per second was reached"
        return RequestLimitError(
            f"case_mcp held {method} {path} back: {why}; it was not sent",
            retry_after=retry_after,
            method=method,
            path=path,
        )
