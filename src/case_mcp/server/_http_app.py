"""`serve --transport http --workers N`: several server processes on one port, one per core.

A server process spends its CPU in Python, on one core; more cores need more processes.
uvicorn's supervisor binds the port once, starts N workers that share it (the kernel hands
each new connection to one of them), restarts a worker that dies, and on SIGTERM or SIGINT
passes the signal on and waits for every worker's graceful shutdown.

Each worker is a fresh interpreter (uvicorn spawns, never forks) that builds its own app with
`worker_app`: it parses the parent's command line again, handed over in `ARGV_VARIABLE`, and
reads the same ``CASE_MCP_*``/``DD_*`` environment, which it inherits. The command line holds
no secret (keys and tokens only ever come from the environment or files).

Workers are stateless towards each other, like replicas: any worker serves any request, and
what lives in a process (per-caller budgets, call slots, confirmation tokens' single-use
memory, the sandbox's rate-limit window) is per worker. What must be shared is: the request
state and confirmation tokens are sealed with a key from ``CASE_MCP_SECRET``, and without
one the parent makes a random one for its workers, so a round trip may cross workers.
"""

from __future__ import annotations

import json
import logging
import os
import secrets
from collections.abc import Sequence
from typing import Final

from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from case_mcp._listener import bind_listener
from case_mcp.config import ServerOptions
from case_mcp.server._http_log import use_json_logs
from case_mcp.server._http_options import HttpOptions
from case_mcp.server._http_server import service_config

__all__ = ["ARGV_VARIABLE", "serve_workers", "worker_app"]

logger = logging.getLogger("case_mcp.http")

# Internal: how the parent hands its command line to the workers (JSON list of strings).
ARGV_VARIABLE: Final = "CASE_MCP_WORKER_ARGV"
_SECRET_VARIABLE: Final = "CASE_MCP_SECRET"


def serve_workers(
    argv: Sequence[str],
    options: ServerOptions,
    http: HttpOptions,
    *,
    log_level: int = logging.INFO,
) -> None:
    """Run uvicorn's supervisor over `http.workers` workers until SIGTERM or SIGINT.

    Args:
        argv: The command line the parent was given (``serve --transport http ...``); each
            worker parses it again.
        options: The parent's guardrails (only its secret is looked at here).
        http: Where to listen, how many workers, the graceful shutdown time.
        log_level: The level of the parent's JSON log on stderr.

    Raises:
        ConfigurationError: The port is in use, or the address cannot be bound.
    """
    with bind_listener(http.host, http.port) as listener:
        use_json_logs(log_level)
        if options.secret is None:
            logger.warning(
                "CASE_MCP_SECRET is not set: confirmation tokens and request state are sealed "
                "with a random key of this server's workers only, so no other replica accepts "
                "them"
            )
            os.environ[_SECRET_VARIABLE] = secrets.token_urlsafe(32)
        os.environ[ARGV_VARIABLE] = json.dumps(list(argv))
        logger.info(
            "serving MCP on http://%s:%d/mcp with %d workers", http.host, http.port, http.workers
        )
        config = service_config(f"{__name__}:worker_app", http, factory=True, workers=http.workers)
        # What `uvicorn.run` does for workers, with the socket bound before the first log
        # line (see `bind_listener`, also for why it names its protocol); the workers'
        # copies of the descriptor keep it.
        Multiprocess(config, sockets=[listener]).run()


def worker_app() -> Starlette:
    """uvicorn's app factory in each worker: the app the parent's command line describes.

    Raises:
        ConfigurationError: The settings are invalid (the parent checked them first).
    """
    # Imported here: the serve command imports this module's callers, not the other way round.
    from case_mcp._serve import http_worker_app

    argv = json.loads(os.environ[ARGV_VARIABLE])
    return http_worker_app(argv)
