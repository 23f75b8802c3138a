"""Datadog's rate limits as Datadog reports them: per organisation, per bucket.

Datadog counts each organisation's requests in named buckets (``X-RateLimit-Name``); a bucket
may serve several endpoints, and every answer says how much of it is left
(``X-RateLimit-Remaining``) and when it refills (``X-RateLimit-Reset``, in seconds). Once a
bucket is spent (a 429, or ``Remaining: 0``), the requests it serves fail fast with Datadog's
time to retry instead of earning more 429s. Nothing else is held: other buckets, and the calls
made with other organisations' credentials (per-request credentials), go on.

Which bucket a request will hit is known only from earlier answers, so `RateLimits` remembers,
per organisation, the bucket each operation (method and path template) was last served from;
an operation Datadog has not named a bucket for counts as its own bucket. An organisation is
named by a keyed hash of its API key (`RequestCredentials.organisation`), never by the key.
Both memories keep only the most recently used entries, so a server that serves many
organisations holds a bounded amount.

This is not `case_mcp.client._limits`: those are case-mcp's own caps, and their refusals say so.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Final, Generic, Literal, TypeVar

import httpx2

__all__ = ["KNOWN_BUCKETS", "RateLimits", "retry_after"]

KNOWN_BUCKETS: Final = frozenset({"cases"})
"""Datadog's rate-limit names (``X-RateLimit-Name``) that may be repeated to a model.

A name is text from Datadog's answer, so only the names known here are ever quoted. The
recorded traffic (``shared/datadog/cassettes``, and the official client's recordings) keeps no
``X-RateLimit-*`` header, so no Case Management name is on record; ``cases`` is the name the
embedded sandbox sends. Add a name here when real traffic shows it.
"""

# Longer names are not kept: a name is a key of the memory below, and Datadog's are short.
_LONGEST_NAME: Final = 100

Organisation = str | None
"""Whose credentials: `RequestCredentials.organisation`, or None for the configured ones."""

_Bucket = tuple[Organisation, Literal["named", "operation"], str]
K = TypeVar("K")
V = TypeVar("V")


class _Recent(Generic[K, V]):
    """A mapping that keeps its `capacity` most recently used entries."""

    def __init__(self, capacity: int) -> None:
        self._capacity = capacity
        self._items: OrderedDict[K, V] = OrderedDict()

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K) -> V | None:
        if key not in self._items:
            return None
        self._items.move_to_end(key)
        return self._items[key]

    def put(self, key: K, value: V) -> None:
        self._items[key] = value
        self._items.move_to_end(key)
        while len(self._items) > self._capacity:
            self._items.popitem(last=False)

    def drop(self, key: K) -> None:
        self._items.pop(key, None)


class RateLimits:
    """What Datadog said about its rate-limit buckets, per organisation (see the module doc).

    Args:
        capacity: How many operations' buckets, and how many spent buckets, are remembered.
        clock: Monotonic seconds (injectable for tests).
    """

    def __init__(
        self, *, capacity: int = 4096, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._clock = clock
        self._bucket_of: _Recent[tuple[Organisation, str], str] = _Recent(capacity)
        self._spent_until: _Recent[_Bucket, float] = _Recent(capacity)

    def __len__(self) -> int:
        """How many entries are remembered, of both kinds."""
        return len(self._bucket_of) + len(self._spent_until)

    def held(self, who: Organisation, operation: str) -> tuple[str | None, float] | None:
        """Whether `operation` is held, as ``(Datadog's bucket name or None, seconds left)``.

        Args:
            who: The organisation whose credentials the request carries.
            operation: The method and path template, such as ``GET /api/v2/cases/{}``.
        """
        bucket = self._bucket(who, operation)
        until = self._spent_until.get(bucket)
        if until is None:
            return None
        left = until - self._clock()
        if left <= 0:
            self._spent_until.drop(bucket)
            return None
        return (bucket[2] if bucket[1] == "named" else None), left

    def heed(self, who: Organisation, operation: str, status: int, headers: httpx2.Headers) -> None:
        """Learn from one answer which bucket served `operation`, and whether it is spent."""
        name = headers.get("x-ratelimit-name")
        if name and len(name) <= _LONGEST_NAME:
            self._bucket_of.put((who, operation), name)
        bucket = self._bucket(who, operation)
        remaining = headers.get("x-ratelimit-remaining")
        if status == 429 or remaining == "0":
            wait = retry_after(headers)
            if wait is not None:
                self._spent_until.put(bucket, self._clock() + wait)
        elif remaining is not None:
            self._spent_until.drop(bucket)  # Datadog's latest word: the bucket has room again

    def _bucket(self, who: Organisation, operation: str) -> _Bucket:
        name = self._bucket_of.get((who, operation))
        return (who, "named", name) if name is not None else (who, "operation", operation)


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds until a rate limit resets, from ``X-RateLimit-Reset`` or ``Retry-After``."""
    for name in ("x-ratelimit-reset", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)  # Retry-After may be an HTTP date
        except (TypeError, ValueError):
            continue
        return max(0.0, moment.timestamp() - time.time())
    return None
