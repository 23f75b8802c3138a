"""Structured logs for the HTTP service: one JSON object per line on stderr, with request ids.

Every HTTP request gets an id: the caller's ``X-Request-Id`` when it is a plain token (a
load balancer or a bot may already have one), else a new random one. The id is echoed in the
answer's ``X-Request-Id``, stamped on every log line written while the request is served, and
sent to Datadog on each API call the request causes (`case_mcp.client.using_request_id`), so
one chat-ops command can be followed from the bot through this server to Datadog. With
telemetry on (`case_mcp.telemetry`), a line written inside a span also carries its trace and
span ids, so the logs of a call sit beside its trace in Datadog.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Final

from starlette.datastructures import Headers, MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from case_mcp import telemetry
from case_mcp._log_levels import set_levels
from case_mcp.client import current_request_id, using_request_id

logger = logging.getLogger("case_mcp.http")

# The access line's status of a request whose client left before sending it whole (as nginx).
CLIENT_GONE: Final = 499

# A caller's id is kept only when it cannot smuggle anything into a log line or a header.
_ACCEPTABLE_ID: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")

# Fields of a LogRecord that are not extras given to the logging call, and uvicorn's
# copy of its message with terminal colours.
_STANDARD: Final = frozenset(
    logging.LogRecord("", 0, "", 0, "", None, None).__dict__.keys()
    | {"message", "asctime", "color_message"}
)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, pid, request id, trace ids
    and extras."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            # With --workers, which of the server's processes wrote the line.
            "pid": record.process,
        }
        request_id = current_request_id()
        if request_id is not None:
            entry["request_id"] = request_id
        entry.update(telemetry.log_fields())
        for key, value in record.__dict__.items():
            if key not in _STANDARD and not key.startswith("_"):
                entry[key] = value
        if record.exc_info is not None:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=True, default=str)


def use_json_logs(level: int = logging.INFO) -> None:
    """Send every log line to stderr as JSON (replacing the root logger's handlers).

    Args:
        level: DEBUG for ``-v``: the service's own debug lines, the libraries' INFO ones and
            never their DEBUG ones, which carry what was sent (`case_mcp._log_levels`).
    """
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    set_levels(verbose=level <= logging.DEBUG)
    # Whatever the level, the service's access lines, and uvicorn's of each process starting
    # and stopping (which say nothing of any request).
    logger.setLevel(min(level, logging.INFO))
    logging.getLogger("uvicorn.error").setLevel(logging.INFO)


class RequestIdMiddleware:
    """Gives each HTTP request an id, echoes it, and writes one access line per request.

    Args:
        app: The app it wraps.
        identify: Names the caller from the finished request (the token's client, subject
            and email: `_auth.caller_identity`), for the access line's ``caller``; None: no
            authentication, no ``caller``.
    """

    def __init__(
        self, app: ASGIApp, identify: Callable[[object], str | None] | None = None
    ) -> None:
        self.app = app
        self._identify = identify

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = Headers(scope=scope).get("x-request-id", "")
        request_id = given if _ACCEPTABLE_ID.match(given) else uuid.uuid4().hex
        status = 500  # what the caller gets if the app fails before answering
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableHeaders(scope=message)["X-Request-Id"] = request_id
            await send(message)

        with using_request_id(request_id):
            try:
                await self.app(scope, receive, send_with_id)
            except ClientDisconnect:
                # The client went away, or was cut off by the read bound, before its body was
                # read: nobody is left to answer, and a traceback would only grow the log.
                status = CLIENT_GONE
            finally:
                extra: dict[str, object] = {
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                }
                # Authentication, inside, has put the caller's token in the shared scope.
                caller = self._identify(_Finished(scope)) if self._identify else None
                if caller is not None:
                    extra["caller"] = caller
                logger.info("%s %s %d", scope["method"], scope["path"], status, extra=extra)


class _Finished:
    """A finished request as the identity hook reads requests: by its ASGI scope."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
