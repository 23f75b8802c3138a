"""Which failed requests are sent again, how long to wait between attempts, and when to stop.

What may be retried follows from the operation's declared `Effect`:

- ``read``, ``sets`` and ``deletes``: sending one twice leaves the same state as sending it
  once, so they are retried on 429, 5xx, timeouts, dropped connections and unreadable answers;
- ``creates``: sending one twice makes two. They are retried only when the failure proves
  nothing was done: a 429 (Datadog refuses before doing anything) or a connection that never
  opened. Any other failure after sending is *ambiguous*; the session then looks for the
  created object instead of sending again (see `case_mcp.client._recovery`).

Waits are jittered exponential backoff (stamina's), except after a 429, which waits for
Datadog's ``X-RateLimit-Reset`` / ``Retry-After`` plus a little jitter. All attempts and waits
fit in one deadline per request: a wait that would end past it is not taken, and the last
error is raised at once (a 429's `retry_after` then tells the caller when to come back).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, TypeVar

import httpx2

from case_mcp.errors import (
    DatadogError,
    MalformedResponseError,
    NetworkError,
    RateLimitedError,
    ServerError,
    UnknownHostError,
)

if TYPE_CHECKING:
    from case_mcp.client._operation import Effect

__all__ = ["RetryPolicy", "ambiguous", "never_sent", "retrying"]

T = TypeVar("T")

logger = logging.getLogger("case_mcp.client")

# Failures that happen before a byte of the request leaves: nothing can have been done.
_NOT_SENT: Final = (httpx2.ConnectError, httpx2.ConnectTimeout, httpx2.PoolTimeout)


@dataclass(frozen=True)
class RetryPolicy:
    """How failed requests are retried.

    Args:
        attempts: Times a request may be sent in all, the first included (1: never retry).
        deadline: Seconds one request may take in all: attempts, waits between them, and the
            wait for a turn under the client's request limits.
        wait_initial: The first backoff, in seconds (then doubled each time).
        wait_max: The longest backoff, in seconds (a 429's reset time may be longer).
        wait_jitter: Up to this many seconds are added at random to each wait, so clients
            that failed together do not come back together.

    Raises:
        ValueError: `attempts` below 1, or a deadline or wait that is not positive.
    """

    attempts: int = 5
    deadline: float = 30.0
    wait_initial: float = 0.2
    wait_max: float = 4.0
    wait_jitter: float = 0.5

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.deadline <= 0:
            raise ValueError("a retry policy needs attempts >= 1 and a positive deadline")
        if min(self.wait_initial, self.wait_max, self.wait_jitter) < 0:
            raise ValueError("retry waits must not be negative")


def never_sent(error: BaseException) -> bool:
    """Whether the request of `error` certainly never left: the connection never opened."""
    return isinstance(error, NetworkError) and isinstance(error.__cause__, _NOT_SENT)


def ambiguous(error: BaseException) -> bool:
    """Whether the request was sent and may have taken effect, with its answer lost."""
    return isinstance(error, ServerError | NetworkError | MalformedResponseError) and not (
        never_sent(error)
    )


def _retryable(error: BaseException, effect: Effect) -> bool:
    if isinstance(error, UnknownHostError):
        return False  # a name with no DNS record will not have one a second later
    if isinstance(error, RateLimitedError) or never_sent(error):
        return True
    return effect != "creates" and ambiguous(error)


async def retrying(
    policy: RetryPolicy,
    effect: Effect,
    attempt: Callable[[float], Awaitable[T]],
    *,
    deadline: float | None = None,
    clock: Callable[[], float] = time.monotonic,
    label: str = "request",
) -> T:
    """Run `attempt` until it succeeds, the failure is not retryable, or time runs out.

    Args:
        policy: Attempts, deadline and waits.
        effect: The operation's effect on state, which decides what is retried.
        attempt: Sends the request once; it gets the seconds left before the deadline.
        deadline: Seconds for this call instead of the policy's.
        clock: Monotonic seconds (injectable for tests).
        label: What the request is (method and path), for the log line of each retry.

    Raises:
        DatadogError: The last failure, with `attempts` set to the number of attempts made.
    """
    limit = policy.deadline if deadline is None else deadline
    started = clock()
    made = 0

    def left() -> float:
        return limit - (clock() - started)

    def backoff(error: Exception) -> bool | float:
        decision = _backoff(error)
        if decision is not False and made < policy.attempts:
            logger.info("%s failed (%s); retrying", label, type(error).__name__)
        return decision

    def _backoff(error: Exception) -> bool | float:
        if not _retryable(error, effect):
            return False
        if isinstance(error, RateLimitedError) and error.retry_after is not None:
            wait = error.retry_after + random.uniform(0, policy.wait_jitter)
            return wait if wait < left() else False
        # stamina's next wait is at most this; do not start one that would end past the deadline.
        longest: float = min(
            policy.wait_max, policy.wait_initial * 2.0 ** (made - 1) + policy.wait_jitter
        )
        return longest < left()

    # Imported here, at the first request, not with the module: stamina brings tenacity, about
    # 15 ms that would otherwise delay every server's first tools/list answer.
    import stamina

    try:
        async for trial in stamina.retry_context(
            on=backoff,
            attempts=policy.attempts,
            timeout=limit,
            wait_initial=policy.wait_initial,
            wait_max=policy.wait_max,
            wait_jitter=policy.wait_jitter,
        ):
            with trial:
                made += 1
                return await attempt(max(left(), 0.0))
    except DatadogError as error:
        error.attempts = made
        raise
    raise AssertionError("stamina neither returned nor raised")  # pragma: no cover
