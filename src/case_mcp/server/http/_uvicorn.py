"""How uvicorn runs the HTTP service: the settings both serve paths share, and a bound on the
time a client has to send its request.

uvicorn (0.54, h11) bounds only the idle time between two requests on a connection
(``timeout_keep_alive``), and even that only after a first answer, and resets it on every
byte received. Nothing bounds a request in transit: a client that opens a connection and
sends its headers, or its body, a byte at a time keeps the connection, its buffers and, once
the headers are in, a task waiting on the body, for as long as it likes; a few thousand of
them (slowloris) take the service down. ASGI middleware cannot help: the app is called only
once the headers are complete. So the bound is kept in uvicorn's HTTP/1.1 protocol, where the
bytes arrive: a request must be read whole within ``--read-timeout`` seconds, counted from the
connection's start or from the previous answer, whatever trickles in meanwhile. The time the
app then takes to answer is not bounded by it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Final

import h11
import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

from case_mcp.config import HttpOptions

__all__ = ["ReadBoundProtocol", "ServiceConfig", "service_config"]

logger = logging.getLogger("case_mcp.http")

# The client's states while its request is still on the way: no request line yet (a new or
# kept-alive connection), or a body not read to its end.
_READING: Final = frozenset({h11.IDLE, h11.SEND_BODY})


class ServiceConfig(uvicorn.Config):
    """uvicorn's settings, and the seconds a client has to send a whole request.

    A class of its own (not a closure) so that ``--workers`` hands it to each worker process.
    """

    def __init__(self, app: Any, *, read_timeout: float, **settings: Any) -> None:
        super().__init__(app, http=ReadBoundProtocol, **settings)
        self.read_timeout = read_timeout


class ReadBoundProtocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol, closing a connection whose request is not read in time.

    Always h11, even where httptools is installed: one parser to bound, and the HTTP
    benchmark measured no gain from the other (see `_http.serve_http`).
    """

    def __init__(
        self,
        config: uvicorn.Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        if not isinstance(config, ServiceConfig):
            raise TypeError("ReadBoundProtocol needs a ServiceConfig, which holds its bound")
        self.read_timeout = config.read_timeout
        self._deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_clock()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next request on this connection gets the same time, from now.
        if not self.transport.is_closing():
            self._start_clock()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_clock()
        super().connection_lost(exc)

    def _start_clock(self) -> None:
        self._stop_clock()
        self._deadline = self.loop.call_later(self.read_timeout, self._read_timed_out)

    def _stop_clock(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _read_timed_out(self) -> None:
        self._deadline = None
        # A request read in time may still be being answered; that is not this bound's business.
        if self.conn.their_state not in _READING or self.transport.is_closing():
            return
        logger.warning(
            "closed a connection that did not send its request within %g seconds",
            self.read_timeout,
            extra={"client": f"{self.client[0]}:{self.client[1]}" if self.client else None},
        )
        # Closing wakes an app waiting for the rest of the body with a disconnect.
        self.transport.close()


def service_config(app: Any, http: HttpOptions, **settings: Any) -> ServiceConfig:
    """uvicorn's settings for the HTTP service of `app` (an ASGI app, or an import string).

    Args:
        app: The app, or with ``factory=True`` in `settings` the import string of a function
            that builds it (one call per worker).
        http: Where to listen, the read bound and the graceful shutdown time.
        settings: More of uvicorn's settings, such as ``workers``, or ones that replace
            these (``port``, once a listener bound to port 0 knows its own).
    """
    service: dict[str, Any] = {
        "host": http.host,
        "port": http.port,
        "log_config": None,  # keep the JSON handler; uvicorn's own lines go through it
        "access_log": False,  # RequestIdMiddleware writes the access lines, with the id
        "server_header": False,
        "timeout_graceful_shutdown": http.shutdown_timeout,
        "lifespan": "on",
        # No WebSocket route: no connection is ever handed to a protocol without the bound.
        "ws": "none",
    }
    return ServiceConfig(app, read_timeout=http.read_timeout, **{**service, **settings})
