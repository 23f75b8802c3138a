"""An embedded emulator of the Datadog Case Management API.

The sandbox answers the requests of Datadog's Case Management API (cases, projects, case
types, custom attributes, timelines, users) the way Datadog does: the same paths, status
codes, JSON documents and error bodies, checked against recorded Datadog traffic. Its state
lives in SQLite (in memory, or a file that survives restarts) and starts as a seeded demo
organisation. Use it in process through `Sandbox.transport()` (an httpx2 transport, no port),
or over HTTP with `serve()` for any Datadog client; any non-empty API and application keys
are accepted. Rate limits and faults (latency, errors, garbled answers, dropped connections)
are injected on demand, and ``/_sandbox/`` is a control plane to reset state and set them.
"""

from ._faults import Faults
from ._http import serve, server
from ._limits import RateLimit
from ._routes import Operation
from ._sandbox import Sandbox
from ._schema import DatabaseError

__all__ = ["DatabaseError", "Faults", "Operation", "RateLimit", "Sandbox", "serve", "server"]
