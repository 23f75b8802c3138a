"""`case-mcp serve`: the server over stdio, or over Streamable HTTP in one or more processes.

The command line's parsing stays in `case_mcp.cli`; this module turns the parsed flags into
options, a backend (Datadog or the sandbox) and a running server. Like the CLI, it imports
what each path needs when it runs, so `serve` over stdio never loads the HTTP stack.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import logging
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from case_mcp.errors import ConfigurationError

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from case_mcp.config import ServerOptions
    from case_mcp.sandbox import Sandbox
    from case_mcp.server._auth import AuthOptions
    from case_mcp.server._http_options import HttpOptions
    from case_mcp.server._state import ClientFactory

__all__ = ["client_factory", "http_worker_app", "open_sandbox", "run_serve", "server_options"]


def server_options(args: argparse.Namespace) -> ServerOptions:
    """The guardrail options: the flags given, over their ``CASE_MCP_*`` variables."""
    from case_mcp.config import ServerOptions

    return ServerOptions.load(
        read_only=args.read_only,
        toolsets=args.toolsets,
        tools=args.tools,
        exclude_tools=args.exclude_tools,
        projects=args.projects,
        no_destructive=args.no_destructive,
        confirm_mode=args.confirm_mode,
        audit_log=args.audit_log,
    )


@contextmanager
def client_factory(
    args: argparse.Namespace, *, tenants_bring_keys: bool = False
) -> Iterator[ClientFactory]:
    """The client factory for Datadog or the sandbox, as the flags say.

    With `tenants_bring_keys` (HTTP with per-request credentials) a server without keys of
    its own may start: each request's DD-API-KEY/DD-APPLICATION-KEY headers authenticate it.
    """
    from case_mcp.client import CaseManagementClient
    from case_mcp.config import Settings
    from case_mcp.server._launch import (
        datadog_client_factory,
        sandbox_client_factory,
        sandbox_on_demand,
    )

    if args.sandbox_db is not None:
        # A file is opened at once, so that one this version cannot open stops the start.
        with open_sandbox(args.sandbox_db, flag="--sandbox-db") as sandbox:
            yield sandbox_client_factory(sandbox)
        return
    if args.sandbox:
        with sandbox_on_demand() as make_client:
            yield make_client
        return
    settings = Settings.load()
    if tenants_bring_keys and settings.auth_kind == "none":
        yield lambda: CaseManagementClient.from_settings(settings)
        return
    try:
        make_client = datadog_client_factory(settings)
    except ConfigurationError as error:
        # Someone without credentials may only want to try it: say how.
        raise ConfigurationError(
            f"{error}, or pass --sandbox to use the embedded sandbox"
        ) from None
    yield make_client


def open_sandbox(path: Path | None, *, flag: str, **options: Any) -> Sandbox:
    """The sandbox kept in the file `path` (given by `flag`), or in memory when it is None.

    Raises:
        ConfigurationError: The file cannot be used; the message names `flag` and what to fix.
    """
    from case_mcp.sandbox import Sandbox
    from case_mcp.sandbox._schema import DatabaseError

    try:
        return Sandbox(db_path=path, **options)
    except DatabaseError as error:
        # The sandbox's message starts with the path; the user typed it after `flag`.
        raise ConfigurationError(f"{flag} {error}") from None


def run_serve(args: argparse.Namespace) -> int:
    """Serve MCP as the parsed `serve` flags say, until the client or a signal stops it."""
    # Start-up (importing the SDK, building the tools' models) allocates hundreds of
    # thousands of objects that live as long as the process and almost no garbage; the
    # collector would walk them all again and again while the assistant waits for the tools.
    gc.disable()
    try:
        from case_mcp.server import create_server

        options = server_options(args)
        if args.transport == "http":
            return _run_serve_http(args, options)
        from case_mcp.server._stdio import run_stdio

        with client_factory(args) as make_client:
            server = create_server(make_client, options)
            # Everything built so far lives as long as the process: keeping it out of the
            # collector's sight also saves a quarter of a second at exit, when the client waits.
            gc.freeze()
            gc.enable()
            run_stdio(server)
    finally:
        gc.enable()
    return 0


def _run_serve_http(args: argparse.Namespace, options: ServerOptions) -> int:
    from case_mcp.server._http import serve_http

    http, auth, own_keys = _http_settings(args)
    if http.workers > 1:
        return _run_serve_http_workers(args, options, http, auth)
    with client_factory(args, tenants_bring_keys=auth.per_request_credentials) as make_client:
        gc.freeze()
        gc.enable()
        serve_http(
            make_client,
            options,
            http,
            auth=auth,
            keys=own_keys,
            log_level=logging.DEBUG if args.verbose else logging.INFO,
        )
    return 0


def _http_settings(args: argparse.Namespace) -> tuple[HttpOptions, AuthOptions, bool]:
    """The HTTP options, the authentication options, and whether the server has own keys."""
    from case_mcp.config import Settings
    from case_mcp.server._auth import AuthOptions
    from case_mcp.server._http import HttpOptions

    http = HttpOptions.load(
        host=args.host,
        port=args.port,
        allowed_hosts=args.allowed_hosts,
        allowed_origins=args.allowed_origins,
        public_url=args.public_url,
        max_body_size=args.max_body_size,
        max_concurrent_calls=args.max_concurrent_calls,
        calls_per_minute=args.calls_per_minute,
        shutdown_timeout=args.shutdown_timeout,
        read_timeout=args.read_timeout,
        workers=args.workers,
    )
    # The authentication flags are added by their own group; absent ones read the env.
    auth = AuthOptions.load(
        token_file=getattr(args, "token_file", None),
        jwks_file=getattr(args, "jwks_file", None),
        jwt_audience=getattr(args, "jwt_audience", None),
        jwt_issuer=getattr(args, "jwt_issuer", None),
        per_request_credentials=getattr(args, "per_request_credentials", None),
    )
    own_keys = (
        args.sandbox
        or args.sandbox_db is not None
        or not auth.per_request_credentials
        or Settings.load().auth_kind != "none"
    )
    return http, auth, own_keys


def _run_serve_http_workers(
    args: argparse.Namespace, options: ServerOptions, http: HttpOptions, auth: AuthOptions
) -> int:
    from case_mcp.server._auth import auth_configured, server_auth
    from case_mcp.server._factory import offered_tools
    from case_mcp.server._http import check_binding
    from case_mcp.server._http_app import serve_workers

    if args.sandbox and args.sandbox_db is None:
        raise ConfigurationError(
            f"--workers {http.workers} cannot share the in-memory --sandbox: each worker would "
            "have its own separate demo data. Pass --sandbox-db FILE (one sandbox file all "
            "workers share) or serve Datadog"
        )
    # Whatever a worker would refuse is refused here, once, before any worker starts.
    check_binding(http, authenticated=auth_configured(auth))
    offered_tools(options)
    server_auth(auth, http.resource_url)
    # Opening the backend once also creates and seeds a new sandbox file before the workers
    # open it together.
    with client_factory(args, tenants_bring_keys=auth.per_request_credentials):
        pass
    serve_workers(
        args.argv, options, http, log_level=logging.DEBUG if args.verbose else logging.INFO
    )
    return 0


def http_worker_app(argv: Sequence[str]) -> Starlette:
    """The app of one worker of `serve --transport http --workers N`, from the parent's argv.

    The worker parses the same command line as the parent and reads the same environment
    (inherited), so it serves with the same settings; its backend stays open for its life.

    Raises:
        ConfigurationError: The settings are invalid (the parent checked them first).
    """
    # Imported here: the CLI imports this module to run its commands.
    from case_mcp.cli import _parser
    from case_mcp.server._http import create_http_app, tune_collector
    from case_mcp.server._http_log import use_json_logs

    gc.disable()  # as in `run_serve`: start-up makes almost no garbage
    try:
        args = _parser().parse_args(argv)
        options = server_options(args)
        http, auth, own_keys = _http_settings(args)
        backend = ExitStack()
        atexit.register(backend.close)
        make_client = backend.enter_context(
            client_factory(args, tenants_bring_keys=auth.per_request_credentials)
        )
        app = create_http_app(make_client, options, http, auth=auth, keys=own_keys)
        use_json_logs(logging.DEBUG if args.verbose else logging.INFO)
        tune_collector()
    finally:
        gc.enable()
    return app
