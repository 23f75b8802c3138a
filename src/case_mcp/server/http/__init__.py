"""The HTTP front: the Streamable HTTP app, authentication, limits, health probes and logs.

What the composition root (`case_mcp._serve`) needs to run the service is public here; the
modules stay private. The order the layers wrap a call is written down once, in
`case_mcp.server.guardrails`.
"""

from case_mcp.server.http._app import check_binding, create_http_app, serve_http, tune_collector
from case_mcp.server.http._auth import ServerAuth, auth_configured, server_auth
from case_mcp.server.http._log import use_json_logs
from case_mcp.server.http._workers import serve_workers

__all__ = [
    "ServerAuth",
    "auth_configured",
    "check_binding",
    "create_http_app",
    "serve_http",
    "serve_workers",
    "server_auth",
    "tune_collector",
    "use_json_logs",
]
