"""Serving the sandbox over HTTP with uvicorn, for any Datadog client to use.

Logs go to stderr only (stdout may be an MCP protocol stream). A connection the sandbox drops
on purpose (a fault) is not logged as a crash: uvicorn would print the traceback of the
exception that cuts it, so a logging filter leaves those records out.
"""

from __future__ import annotations

import logging
import os
import sys
from typing import Any, TextIO

import uvicorn

from case_mcp._listener import bind_listener

from ._faults import ConnectionDropped
from ._limits import RateLimit
from ._sandbox import DEFAULT_RATE_LIMIT, Sandbox

__all__ = ["DeliberateDropFilter", "StderrHandler", "log_config", "serve", "server"]


class StderrHandler(logging.StreamHandler[TextIO]):
    """Writes each record to the ``sys.stderr`` of the moment, never to stdout.

    Looking the stream up per record (as `logging.lastResort` does) keeps working when
    ``sys.stderr`` is replaced after logging is configured, as test runners do.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass  # always sys.stderr


class DeliberateDropFilter(logging.Filter):
    """Leaves out the log records of connections dropped by fault injection."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], ConnectionDropped))


def log_config(log_level: str) -> dict[str, Any]:
    """uvicorn's logging, sent to stderr, without the tracebacks of deliberate drops."""
    handler = {
        "()": StderrHandler,
        "formatter": "default",
        "filters": ["deliberate_drops"],
    }
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"deliberate_drops": {"()": DeliberateDropFilter}},
        "formatters": {
            "default": {
                "()": "uvicorn.logging.DefaultFormatter",
                "fmt": "%(levelprefix)s %(message)s",
            },
        },
        "handlers": {"stderr": handler},
        "loggers": {
            "uvicorn": {"handlers": ["stderr"], "level": log_level.upper(), "propagate": False},
            "uvicorn.error": {"level": log_level.upper()},
            "uvicorn.access": {"level": log_level.upper()},
        },
    }


def server(
    sandbox: Sandbox, *, host: str = "127.0.0.1", port: int = 8126, log_level: str = "warning"
) -> uvicorn.Server:
    """A uvicorn server for a sandbox (not started): ``.run()`` it, or ``await .serve()``.

    Args:
        sandbox: The sandbox to serve.
        host: The interface to listen on.
        port: The TCP port (0: any free port).
        log_level: uvicorn's log level (critical, error, warning, info, debug, trace).
    """
    config = uvicorn.Config(
        sandbox.app,
        host=host,
        port=port,
        log_level=log_level,
        log_config=log_config(log_level),
        lifespan="off",
    )
    return uvicorn.Server(config)


def serve(
    *,
    host: str = "127.0.0.1",
    port: int = 8126,
    db_path: str | os.PathLike[str] | None = None,
    seed: bool = True,
    rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
    log_level: str = "warning",
) -> None:
    """Serve a sandbox over HTTP until interrupted (Ctrl-C); logs go to stderr.

    Point a Datadog client at ``http://<host>:<port>`` with any non-empty API and
    application keys.

    Args:
        host: The interface to listen on.
        port: The TCP port.
        db_path: A database file to keep the state in (None: in memory, lost on exit).
        seed: Seed a new database with the demo organisation.
        rate_limit: The request budget (None: no budget).
        log_level: uvicorn's log level.

    Raises:
        case_mcp.errors.ConfigurationError: `db_path` is not a sandbox database this version
            can open, or the port is taken (checked before anything is served).
    """
    with (
        Sandbox(db_path=db_path, seed=seed, rate_limit=rate_limit) as sandbox,
        bind_listener(host, port) as listener,
    ):
        bound = listener.getsockname()[1]
        server(sandbox, host=host, port=bound, log_level=log_level).run(sockets=[listener])
