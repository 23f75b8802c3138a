"""The HTTP front: the Streamable HTTP app, authentication, limits, health probes and logs.

What the composition root (`case_mcp._serve`) needs to run the service is public here, as is
what one who runs the app under their own uvicorn needs (`service_config`) and what a client
needs to tell a refusal by a cap from other errors (`RETRY_LATER`); the modules stay private.
The order the layers wrap a call is written down once, in `case_mcp.server.guardrails`.
"""

from case_mcp.server.http._app import check_binding, create_http_app, serve_http, tune_collector
from case_mcp.server.http._auth import ServerAuth, auth_configured, server_auth
from case_mcp.server.http._limits import RETRY_LATER
from case_mcp.server.http._log import use_json_logs
from case_mcp.server.http._uvicorn import service_config
from case_mcp.server.http._workers import serve_workers

__all__ = [
    "RETRY_LATER",
    "ServerAuth",
    "auth_configured",
    "check_binding",
    "create_http_app",
    "serve_http",
    "serve_workers",
    "server_auth",
    "service_config",
    "tune_collector",
    "use_json_logs",
]
