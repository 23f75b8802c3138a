"""How loud the logs are: ``-v`` opens the server's own loggers, never the libraries'.

The server's own lines (``case_mcp.*``) say what was asked, how it went, how long it took and
which request it was: methods and paths without their queries, statuses, timings, ids, and
error types rather than messages. The libraries' DEBUG lines say what was sent: sse_starlette
logs every SSE chunk it writes (tool results, with confirmation tokens, case titles and
descriptions), the SDK the frames it could not read, httpcore2 Datadog's response headers.
So ``-v`` lowers only the server's own loggers to DEBUG and leaves every library at INFO,
where none of them logs what passes through it. A library's DEBUG line is read by setting its
logger's level in code, on purpose, never by a flag an operator may leave on in production.

Levels are set here, where the program configures its logging, never when a module is
imported: a program that embeds the client keeps its own logging as it made it.
"""

from __future__ import annotations

import logging
from typing import Final

__all__ = ["OWN_LOGGERS", "set_levels"]

OWN_LOGGERS: Final = "case_mcp"


def set_levels(*, verbose: bool) -> None:
    """Warnings only; or with `verbose`, the server's debug lines and the libraries' INFO ones."""
    logging.getLogger().setLevel(logging.INFO if verbose else logging.WARNING)
    logging.getLogger(OWN_LOGGERS).setLevel(logging.DEBUG if verbose else logging.NOTSET)
    # httpx2 logs every request line at INFO; the URL may carry a user's search text, and the
    # MCP host may show INFO logs to the user. The client's own DEBUG line logs the path only.
    logging.getLogger("httpx2").setLevel(logging.WARNING)
