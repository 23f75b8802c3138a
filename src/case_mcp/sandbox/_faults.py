"""Fault injection: make the sandbox slow, failing, garbled or cut off, on purpose.

Faults apply to ``/api/`` requests only, never to the control plane. A request chosen for a
fault never reaches the store, so retrying it is always safe and the state stays as it was:

- latency: every API answer waits this many seconds first;
- error: answered with one of `error_statuses` in Datadog's shape (429 with rate-limit headers);
- malformed: answered 200 with a JSON body cut off mid-document;
- drop: the answer starts and the connection is cut before it completes. In process,
  `SandboxTransport` turns this into `httpx2.ReadError`; over HTTP the client sees the
  connection close mid-answer (``httpx2.RemoteProtocolError``).

One random draw per request picks at most one of error, malformed and drop, from
`random.Random(seed)`, so a seeded sequence of faults repeats exactly.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus

from anyio import sleep
from starlette.types import ASGIApp, Receive, Scope, Send

from . import _wire
from ._answer import JSON_API

__all__ = ["ConnectionDropped", "FaultMiddleware", "Faults"]


@dataclass
class Faults:
    """What goes wrong, and how often; all off by default and changeable at run time.

    Attributes:
        latency: Seconds added before every API answer.
        error_rate: Share of API requests (0 to 1) answered with one of `error_statuses`.
        error_statuses: The statuses of injected errors, each equally likely.
        malformed_rate: Share answered 200 with a truncated JSON body.
        drop_rate: Share whose connection is dropped before the answer completes.
        seed: Seed of the random draws, for a reproducible sequence (None: unseeded).
    """

    latency: float = 0.0
    error_rate: float = 0.0
    error_statuses: tuple[int, ...] = (429, 500, 503)
    malformed_rate: float = 0.0
    drop_rate: float = 0.0
    seed: int | None = None

    def __post_init__(self) -> None:
        self.check()

    def check(self) -> None:
        """Raise ValueError, naming the field, when a setting cannot work."""
        numbers = ("latency", "error_rate", "malformed_rate", "drop_rate")
        for name in numbers:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise ValueError(f"{name} must be a number")
        if self.seed is not None and (
            isinstance(self.seed, bool) or not isinstance(self.seed, int)
        ):
            raise ValueError("seed must be an integer or null")
        if self.latency < 0:
            raise ValueError("latency must be >= 0 seconds")
        for name in ("error_rate", "malformed_rate", "drop_rate"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name} must be between 0 and 1")
        if self.error_rate + self.malformed_rate + self.drop_rate > 1:
            raise ValueError("error_rate + malformed_rate + drop_rate must not exceed 1")
        statuses = self.error_statuses
        if not statuses or not all(isinstance(s, int) and 400 <= s <= 599 for s in statuses):
            raise ValueError("error_statuses must be one or more HTTP error statuses (400-599)")


class ConnectionDropped(Exception):
    """Raised by the app to cut a connection on purpose (a dropped-connection fault)."""


_BODIES = {
    429: {"errors": ["Too many requests"]},
    500: {"errors": ["Internal Server Error"]},
    503: {"errors": ["Service Unavailable"]},
}
_TRUNCATED = b'{"data":{"id":"'


class FaultMiddleware:
    """Injects the faults of the `Faults` in force (read on every request)."""

    def __init__(self, app: ASGIApp, faults: Callable[[], Faults]) -> None:
        self.app = app
        self.faults = faults
        self._rng = random.Random()
        self._rng_for: tuple[int, int | None] | None = None

    def _random(self, faults: Faults) -> random.Random:
        # A new Faults object, or a new seed on the same one, restarts the sequence.
        key = (id(faults), faults.seed)
        if key != self._rng_for:
            self._rng, self._rng_for = random.Random(faults.seed), key
        return self._rng

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/api/"):
            await self.app(scope, receive, send)
            return
        faults = self.faults()
        if faults.latency > 0:
            await sleep(faults.latency)
        rng = self._random(faults)
        draw = rng.random()
        if draw < faults.drop_rate:
            await self._drop(send)
        elif draw < faults.drop_rate + faults.error_rate:
            await self._error(rng.choice(faults.error_statuses), send)
        elif draw < faults.drop_rate + faults.error_rate + faults.malformed_rate:
            await self._answer(200, _TRUNCATED, send)
        else:
            await self.app(scope, receive, send)

    async def _error(self, status: int, send: Send) -> None:
        try:
            phrase = HTTPStatus(status).phrase
        except ValueError:
            phrase = "Error"
        body = _BODIES.get(status, {"errors": [phrase]})
        await self._answer(status, _wire.dumps(body), send)

    @staticmethod
    async def _answer(status: int, body: bytes, send: Send) -> None:
        headers = [
            (b"content-type", JSON_API.encode()),
            (b"content-length", str(len(body)).encode()),
        ]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    @staticmethod
    async def _drop(send: Send) -> None:
        # Start an answer that promises more than it sends, then stop: a server that has
        # started answering can only close the connection, which is what a drop looks like.
        headers = [(b"content-type", JSON_API.encode()), (b"content-length", b"4096")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": _TRUNCATED, "more_body": True})
        raise ConnectionDropped("dropped the connection (an injected fault)")
