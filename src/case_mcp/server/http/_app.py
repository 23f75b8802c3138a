"""The MCP server as a Streamable HTTP service: ``/mcp``, health probes, limits, logs.

The service is the stdio server (`create_server`: the same tools, guardrails and options)
behind the SDK's Streamable HTTP transport, made fit to share:

- stateless: no MCP session lives in a process, and the request state of a confirmation
  round trip is sealed with a key derived from the configured secret (`_http_state`), so any
  replica serves any request of either protocol era;
- ``Origin`` and ``Host`` are always checked against explicit allow lists (foreign Origin:
  403, foreign Host: 421). The SDK switches both checks off when bound to 0.0.0.0 unless it
  is given the settings, so it always is;
- the request body is capped (413); requests that reach Datadog (tool calls, resource
  reads, completions) are capped in flight and per caller a minute (`_http_limits`);
- ``/healthz`` and ``/readyz`` for probes (`_http_health`); they skip the Host check, since
  probes and load balancers address a pod by its IP;
- one JSON log line per request, with a request id also sent to Datadog (`_http_log`);
- a client must send each request whole within ``--read-timeout`` (`_http_server`);
- `serve_http` refuses a non-loopback address without authentication and a port in use (in
  one line, before it says it serves), and on SIGTERM stops accepting connections, lets
  calls in flight finish within ``--shutdown-timeout``, ends the listener streams as
  finished responses (`_http_streams`), and exits 0.
"""

from __future__ import annotations

import gc
import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import NoReturn

import uvicorn
from mcp.server.auth.middleware.auth_context import AuthContextMiddleware
from mcp.server.auth.middleware.bearer_auth import BearerAuthBackend
from mcp.server.transport_security import TransportSecuritySettings
from pydantic import AnyHttpUrl
from starlette.applications import Starlette
from starlette.middleware.authentication import AuthenticationMiddleware

from case_mcp._listener import bind_listener
from case_mcp.config import AuthOptions, HttpOptions, ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.server._factory import create_server
from case_mcp.server._state import ClientFactory
from case_mcp.server.http._auth import (
    auth_configured,
    caller_identity,
    install_caller_policy,
    server_auth,
)
from case_mcp.server.http._health import Readiness, healthz
from case_mcp.server.http._limits import CallerRateLimit, CallLimit
from case_mcp.server.http._log import RequestIdMiddleware, use_json_logs
from case_mcp.server.http._resource import RequireBearer
from case_mcp.server.http._streams import EndListenersAtShutdown, let_answers_finish
from case_mcp.server.http._uvicorn import service_config
from case_mcp.server.tools import all_tools

__all__ = ["MCP_PATH", "HttpOptions", "check_binding", "create_http_app", "serve_http"]

logger = logging.getLogger("case_mcp.http")

MCP_PATH = "/mcp"


def create_http_app(
    make_client: ClientFactory,
    options: ServerOptions | None,
    http: HttpOptions,
    *,
    auth: AuthOptions | None = None,
    keys: bool = True,
) -> Starlette:
    """The HTTP service as an ASGI app (its lifespan opens and closes the Datadog client).

    Args:
        make_client: Opens the Datadog (or sandbox) client when the app starts.
        options: The operator's guardrails, as for stdio.
        http: What the service accepts: allowed hosts and origins, body and call limits.
        auth: How callers authenticate (`case_mcp.server.http._auth`); None or nothing
            configured: no authentication (loopback only, see `check_binding`).
        keys: Whether the server has Datadog credentials of its own (with per-request
            credentials, a request without keys is then refused).

    Raises:
        ConfigurationError: `options` names an unknown tool or toolset, or `auth` is
            invalid (a short token, an unreadable token file).
    """
    readiness = Readiness()
    bearer = server_auth(auth, http.resource_url) if auth is not None else None
    # With authentication, the audit log names each call's token client and subject.
    identity = caller_identity if bearer is not None else None
    server = create_server(readiness.follow(make_client), options, identity=identity)
    if auth is not None and bearer is not None:
        scopes = {spec.name: spec.scope for spec in all_tools()}
        install_caller_policy(server, scopes, auth, keys=keys)
    # Inside the caller policy: a call refused for its scope never takes one of the slots.
    server.middleware.append(CallLimit(http.max_concurrent_calls))
    if http.calls_per_minute:
        server.middleware.append(CallerRateLimit(http.calls_per_minute))
    server.custom_route("/healthz", methods=["GET"])(healthz)
    server.custom_route("/readyz", methods=["GET"])(readiness.readyz)
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH,
        stateless_http=True,
        max_request_body_size=http.max_body_size,
        transport_security=TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=http.hosts,
            allowed_origins=http.origins,
        ),
        host=http.host,
    )
    if bearer is not None:
        app.router.routes.extend(bearer.resource.metadata_routes())
        # Innermost first: the gate needs the user that authentication finds.
        app.add_middleware(RequireBearer, path=MCP_PATH, resource=bearer.resource)
        app.add_middleware(AuthContextMiddleware)
        app.add_middleware(
            AuthenticationMiddleware,
            backend=BearerAuthBackend(
                bearer.verifier, resource_server_url=AnyHttpUrl(bearer.resource.url)
            ),
        )
    let_answers_finish()
    app.add_middleware(EndListenersAtShutdown)
    app.add_middleware(RequestIdMiddleware, identify=identity)
    return app


def check_binding(http: HttpOptions, *, authenticated: bool, oauth: bool = False) -> None:
    """Refuse to listen beyond this machine when nobody has to authenticate, or, with an OAuth
    issuer, when clients would not know the URL the tokens must be for.

    Raises:
        ConfigurationError: `http.host` is not a loopback address and `authenticated` is
            false, or `oauth` is true and no public URL is set.
    """
    if not http.loopback and oauth and http.public_url is None:
        raise ConfigurationError(
            f"with {AuthOptions.named('oauth_issuer')}, set "
            f"{HttpOptions.named('public_url')} to the URL clients reach /mcp at (such as "
            "https://case-mcp.example.com/mcp): it is the resource clients ask the "
            "authorisation server a token for, and the audience this server checks"
        )
    if not http.loopback and not authenticated:
        raise ConfigurationError(
            f"--host {http.host} would let anyone who can reach this machine use your Datadog "
            "credentials: configure authentication (bearer tokens or JWTs: --token-file or "
            "--jwks-file, or their variables, as docs/http.md says under Authentication) or "
            "bind to 127.0.0.1"
        )


# A tool call allocates thousands of short-lived objects (JSON, pydantic models, ASGI
# messages), almost none of them in cycles, so at the default gen0 threshold of 700 the
# collector runs every other call and now and then walks the whole heap. Over the 900 calls
# of the HTTP benchmark that was 460 collections (3 full ones) and 120-160 ms, about 5% of
# the server's CPU and pauses that land in the latency tail. The first threshold makes it
# about one collection every 200 calls. The other two keep full collections coming: the
# objects of the calls in flight when a collection lands are promoted, and those in cycles
# reach the oldest generation, where they wait for a full collection. At (20_000, 20, 20)
# that came once in about 100,000 calls, so memory rose by ~60 bytes a call and did not
# level off within 40,000. A full collection is cheap here, since what start-up built is
# frozen out of it: it walks only the ~10,000 objects the calls left alive.
GC_THRESHOLDS = (20_000, 5, 1)


def tune_collector() -> None:
    """Set the garbage collector for a long-running service with many short requests.

    Everything built at start-up (the app, its tools and models) lives as long as the
    process: it is moved out of the collector's sight, and the thresholds are raised.
    """
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def serve_http(
    make_client: ClientFactory,
    options: ServerOptions | None,
    http: HttpOptions,
    *,
    auth: AuthOptions | None = None,
    keys: bool = True,
    log_level: int = logging.INFO,
) -> None:
    """Serve until stopped (SIGINT or SIGTERM), then finish the calls in flight.

    Args:
        make_client: Opens the Datadog (or sandbox) client when the service starts.
        options: The operator's guardrails.
        http: Where to listen and what to accept.
        auth: How callers authenticate; without it only a loopback address is allowed.
        keys: Whether the server has Datadog credentials of its own.
        log_level: The level of the JSON log on stderr.

    Raises:
        ConfigurationError: A non-loopback `http.host` without authentication, a port in
            use or an address that cannot be bound, or invalid options.
        SystemExit: With status 0, once SIGTERM has stopped the server.
    """
    check_binding(
        http,
        authenticated=auth is not None and auth_configured(auth),
        oauth=auth is not None and auth.oauth_issuer is not None,
    )
    with bind_listener(http.host, http.port) as listener:
        app = create_http_app(make_client, options, http, auth=auth, keys=keys)
        use_json_logs(log_level)
        if options is None or options.secret is None:
            logger.warning(
                "%s is not set: confirmation tokens and request state are sealed "
                "with a key of this process only, so no other replica accepts them",
                ServerOptions.variable("secret"),
            )
        port = listener.getsockname()[1]
        logger.info("serving MCP on http://%s:%d%s", http.host, port, MCP_PATH)
        tune_collector()
        # One worker: the process is stateless, so more CPU is more replicas behind the load
        # balancer, each with its own limits. uvicorn's "auto" loop and parser take uvloop and
        # httptools when installed (uvicorn[standard]); without them (asyncio and h11, the
        # default install) a call cost the same CPU within the noise of the benchmark, so
        # they are not dependencies.
        server = uvicorn.Server(service_config(app, http, port=port))
        with _stopping_on_sigterm_is_success():
            server.run(sockets=[listener])


@contextmanager
def _stopping_on_sigterm_is_success() -> Iterator[None]:
    """Exit with status 0, not 143, once SIGTERM has stopped the server gracefully.

    uvicorn catches SIGTERM to shut down gracefully, then raises it again with the handler
    that was there before, so that the process dies of it. A stop that was asked for and
    done is a success, as it is for ``--workers``, whose supervisor exits 0.
    """
    if threading.current_thread() is not threading.main_thread():
        yield  # only the main thread has signal handlers, and uvicorn leaves them alone
        return
    previous = signal.signal(signal.SIGTERM, _exit_successfully)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _exit_successfully(signum: int, frame: FrameType | None) -> NoReturn:
    raise SystemExit(0)
