"""`case-mcp serve`: the server over stdio, or over Streamable HTTP in one or more processes.

The command line's parsing stays in `case_mcp.cli`; this module turns the parsed flags into
options, a backend (Datadog or the sandbox) and a running server. Like the CLI, it imports
what each path needs when it runs, so `serve` over stdio never loads the HTTP stack.
"""

from __future__ import annotations

import argparse
import atexit
import gc
import json
import logging
import os
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from case_mcp.errors import ConfigurationError

_WORKER_VARIABLE: Final = "CASE_MCP_WORKER_SETTINGS"
"""How the parent of `serve --workers N` hands its validated settings to its workers."""

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from case_mcp.config import AuthOptions, HttpOptions, ServerOptions
    from case_mcp.sandbox import Sandbox
    from case_mcp.server import ClientFactory

__all__ = ["client_factory", "http_worker_app", "open_sandbox", "run_serve", "server_options"]


def server_options(args: argparse.Namespace) -> ServerOptions:
    """The guardrail options: the flags given, over their ``CASE_MCP_*`` variables."""
    from case_mcp.config import ServerOptions, flag_values

    return ServerOptions.load(**flag_values(args, ServerOptions))


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
    from case_mcp.server import (
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
    from case_mcp.sandbox import DatabaseError, Sandbox

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
        from case_mcp.server import run_stdio
        from case_mcp.telemetry import start_telemetry

        start_telemetry()

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
    from case_mcp.server.http import serve_http
    from case_mcp.telemetry import start_telemetry, telemetry_options

    http, auth, own_keys = _http_settings(args)
    if http.workers > 1:
        # Each worker sends its own; the parent only checks, before any worker starts.
        telemetry_options()
        return _run_serve_http_workers(args, options, http, auth)
    start_telemetry()
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
    from case_mcp.config import AuthOptions, HttpOptions, flag_values

    http = HttpOptions.load(**flag_values(args, HttpOptions))
    auth = AuthOptions.load(**flag_values(args, AuthOptions))
    return http, auth, _own_keys(args, auth)


def _own_keys(backend: argparse.Namespace, auth: AuthOptions) -> bool:
    """Whether the server has Datadog keys of its own, or each request brings its caller's."""
    from case_mcp.config import Settings

    return (
        backend.sandbox
        or backend.sandbox_db is not None
        or not auth.per_request_credentials
        or Settings.load().auth_kind != "none"
    )


def _run_serve_http_workers(
    args: argparse.Namespace, options: ServerOptions, http: HttpOptions, auth: AuthOptions
) -> int:
    from case_mcp.config import ServeSettings
    from case_mcp.server import offered_tools
    from case_mcp.server.http import auth_configured, check_binding, serve_workers, server_auth

    if args.sandbox and args.sandbox_db is None:
        raise ConfigurationError(
            f"--workers {http.workers} cannot share the in-memory --sandbox: each worker would "
            "have its own separate demo data. Pass --sandbox-db FILE (one sandbox file all "
            "workers share) or serve Datadog"
        )
    # Whatever a worker would refuse is refused here, once, before any worker starts.
    check_binding(http, authenticated=auth_configured(auth), oauth=auth.oauth_issuer is not None)
    offered_tools(options)
    server_auth(auth, http.resource_url)
    # Opening the backend once also creates and seeds a new sandbox file before the workers
    # open it together.
    with client_factory(args, tenants_bring_keys=auth.per_request_credentials):
        pass
    # The workers get the settings validated here, not the command line to parse again:
    # one variable of JSON without the secrets, which the workers read from the environment
    # they inherit, as this process did (a secret never goes into a variable it was not
    # given in, nor into argv, which any local user may read). The backend's two flags and
    # -v are not settings, so they travel beside them.
    os.environ[_WORKER_VARIABLE] = json.dumps(
        {
            "settings": ServeSettings(server=options, http=http, auth=auth).public_values(),
            "sandbox": args.sandbox,
            "sandbox_db": None if args.sandbox_db is None else str(args.sandbox_db),
            "verbose": args.verbose,
        }
    )
    serve_workers(
        f"{__name__}:http_worker_app",
        options,
        http,
        log_level=logging.DEBUG if args.verbose else logging.INFO,
    )
    return 0


def http_worker_app() -> Starlette:
    """uvicorn's app factory in each worker of `serve --transport http --workers N`.

    The worker serves with the settings the parent validated (see `_run_serve_http_workers`)
    and reads the same environment (inherited); its backend stays open for its life.

    Raises:
        ConfigurationError: A secret in the environment is invalid (the parent checked it).
    """
    from case_mcp.config import ServeSettings
    from case_mcp.server.http import create_http_app, tune_collector, use_json_logs
    from case_mcp.telemetry import start_telemetry

    gc.disable()  # as in `run_serve`: start-up makes almost no garbage
    try:
        start_telemetry()
        plan = json.loads(os.environ[_WORKER_VARIABLE])
        settings = ServeSettings.from_public_values(plan["settings"])
        backend = argparse.Namespace(
            sandbox=plan["sandbox"],
            sandbox_db=None if plan["sandbox_db"] is None else Path(plan["sandbox_db"]),
        )
        own_keys = _own_keys(backend, settings.auth)
        opened = ExitStack()
        atexit.register(opened.close)
        make_client = opened.enter_context(
            client_factory(backend, tenants_bring_keys=settings.auth.per_request_credentials)
        )
        app = create_http_app(
            make_client, settings.server, settings.http, auth=settings.auth, keys=own_keys
        )
        use_json_logs(logging.DEBUG if plan["verbose"] else logging.INFO)
        tune_collector()
    finally:
        gc.enable()
    return app
