"""`serve --transport http --workers N`: several server processes on one port, one per core.

A server process spends its CPU in Python, on one core; more cores need more processes.
uvicorn's supervisor binds the port once, starts N workers that share it (the kernel hands
each new connection to one of them), restarts a worker that dies, and on SIGTERM or SIGINT
passes the signal on and waits for every worker's graceful shutdown.

Each worker is a fresh interpreter (uvicorn spawns, never forks) that builds its own app with
the factory the caller names: from the settings the parent validated, and the environment it
inherits (keys and tokens only ever come from the environment or files).

Workers are stateless towards each other, like replicas: any worker serves any request, and
what lives in a process (per-caller budgets, call slots, confirmation tokens' single-use
memory, the sandbox's rate-limit window) is per worker. What must be shared is: the request
state and confirmation tokens are sealed with a key from the configured secret, and without
one the parent makes a random one for its workers, so a round trip may cross workers.
"""

from __future__ import annotations

import logging
import os
import secrets

from uvicorn.supervisors import Multiprocess

from case_mcp._listener import bind_listener
from case_mcp.config import HttpOptions, ServerOptions
from case_mcp.server.http._log import use_json_logs
from case_mcp.server.http._uvicorn import service_config

__all__ = ["serve_workers"]

logger = logging.getLogger("case_mcp.http")


def serve_workers(
    app_factory: str,
    options: ServerOptions,
    http: HttpOptions,
    *,
    log_level: int = logging.INFO,
) -> None:
    """Run uvicorn's supervisor over `http.workers` workers until SIGTERM or SIGINT.

    Args:
        app_factory: The ``module:function`` that builds a worker's app, in the worker.
        options: The parent's guardrails (only its secret is looked at here).
        http: Where to listen, how many workers, the graceful shutdown time.
        log_level: The level of the parent's JSON log on stderr.

    Raises:
        ConfigurationError: The port is in use, or the address cannot be bound.
    """
    with bind_listener(http.host, http.port) as listener:
        use_json_logs(log_level)
        if options.secret is None:
            variable = ServerOptions.variable("secret")
            logger.warning(
                "%s is not set: confirmation tokens and request state are sealed "
                "with a random key of this server's workers only, so no other replica accepts "
                "them",
                variable,
            )
            os.environ[variable] = secrets.token_urlsafe(32)
        logger.info(
            "serving MCP on http://%s:%d/mcp with %d workers", http.host, http.port, http.workers
        )
        config = service_config(app_factory, http, factory=True, workers=http.workers)
        # What `uvicorn.run` does for workers, with the socket bound before the first log
        # line (see `bind_listener`, also for why it names its protocol); the workers'
        # copies of the descriptor keep it.
        Multiprocess(config, sockets=[listener]).run()
