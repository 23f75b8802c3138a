"""The `case-mcp` command: thin argument parsing over the package's entry points.

Each subcommand imports what it needs when it runs, so `case-mcp --help` stays fast and a
subcommand never pays for another's imports. Only `tools` and `call` write to stdout (their
output is the point); `serve` leaves stdout to the MCP protocol, and every log line and
error goes to stderr.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from case_mcp import __version__
from case_mcp._log_levels import set_levels
from case_mcp._serve import client_factory, open_sandbox, run_serve, server_options
from case_mcp.errors import ConfigurationError


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `case-mcp` command line; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    # `serve --workers N` hands its command line to the worker processes, which parse it again.
    args.argv = list(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(
        stream=sys.stderr,  # stdout belongs to the MCP protocol in `serve`
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    set_levels(verbose=args.verbose)
    if args.command is None:
        parser.print_help()
        return 2
    try:
        status: int = args.run(args)
    except ConfigurationError as error:
        # One line a person can act on, never a traceback: it names what to set.
        print(f"case-mcp: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return status


class _Command(argparse.ArgumentParser):
    """A command's parser, which reports what it does not recognise under its own usage.

    argparse hands a command's leftover arguments up to the top-level parser, whose error
    shows the usage of `case-mcp`, not the flags of the command that was typed.

    Args:
        trailing: The name of a list positional that also takes the words given after the
            command's flags (`call`'s key=value arguments may come before or after them).
    """

    def __init__(self, *args: Any, trailing: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._trailing = trailing

    def parse_known_args(  # type: ignore[override]  # typeshed's overloads; same behaviour
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        parsed, extras = super().parse_known_args(args, namespace)
        if self._trailing is not None and not any(extra.startswith("-") for extra in extras):
            setattr(parsed, self._trailing, [*getattr(parsed, self._trailing), *extras])
            extras = []
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed, extras


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="case-mcp",
        description="Datadog Case Management for AI assistants, over the Model Context Protocol.",
    )
    parser.add_argument("--version", action="version", version=f"case-mcp {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Command)

    serve = commands.add_parser(
        "serve",
        help="run the MCP server on stdio (what an assistant's MCP configuration starts) "
        "or, with --transport http, as a Streamable HTTP service",
        description="Run the MCP server on stdin/stdout. Against Datadog it needs DD_API_KEY and "
        "DD_APP_KEY (or CASE_MCP_ACCESS_TOKEN), and DD_SITE for a site other than "
        "datadoghq.com; with --sandbox it serves the embedded sandbox's demo organisation.",
    )
    _add_backend_flags(serve)
    _add_policy_flags(serve)
    _add_http_flags(serve)
    _add_auth_flags(serve)
    serve.set_defaults(run=run_serve)

    tools = commands.add_parser(
        "tools",
        help="print the tool table (name, kind, toolset, title)",
        description="Print every tool the server offers, from the server itself.",
    )
    tools.add_argument(
        "--json",
        action="store_true",
        help="print the full definitions as JSON (what manifests/tools.json holds)",
    )
    tools.add_argument(
        "--cost",
        action="store_true",
        help="print what a get_case answer costs a model against Datadog's own JSON, "
        "measured on the sandbox's demo organisation",
    )
    tools.set_defaults(run=_run_tools)

    call = commands.add_parser(
        "call",
        trailing="arguments",
        help="run one tool and print its result as JSON",
        description="Run one tool, as an assistant would, and print its structured result as "
        "JSON on stdout. Arguments are key=value; a value is read as JSON when it parses "
        '(page=2, ascending=true, attributes=\'{"env": ["prod"]}\') and the parameter accepts '
        "that type, else as a string. A tool error goes to stderr with exit status 1.",
    )
    call.add_argument("tool", help="the tool's name (see `case-mcp tools`)")
    call.add_argument("arguments", nargs="*", metavar="KEY=VALUE", help="the tool's arguments")
    _add_backend_flags(call)
    _add_policy_flags(call)
    call.set_defaults(run=_run_call)

    demo = commands.add_parser(
        "demo",
        help="watch an assistant work through the MCP tools on the sandbox (no account needed)",
        description="Connect an MCP client to the server over the embedded sandbox's demo "
        "organisation and make the calls an assistant would: projects, a search, a case read, "
        "a new case taken through to closed, its timeline. Nothing is sent anywhere.",
    )
    demo.set_defaults(run=_run_demo)

    sandbox = commands.add_parser(
        "sandbox",
        help="serve the Datadog Case Management sandbox over HTTP",
        description="Serve the embedded Datadog Case Management emulator over HTTP, so that "
        "curl or Datadog's own API clients (with their host set to this URL) can use it. Any "
        "non-empty DD-API-KEY and DD-APPLICATION-KEY headers are accepted.",
    )
    sandbox.add_argument("--host", default="127.0.0.1", help="address to bind (default: 127.0.0.1)")
    sandbox.add_argument("--port", type=int, default=8126, help="port to bind (default: 8126)")
    sandbox.add_argument(
        "--db",
        type=Path,
        metavar="PATH",
        help="keep state in this SQLite file across restarts (default: in memory)",
    )
    sandbox.add_argument(
        "--empty",
        action="store_true",
        help="start without the demo organisation (only the built-in case types and API user)",
    )
    sandbox.add_argument(
        "--rate-limit",
        type=int,
        default=1000,
        metavar="N",
        help="requests allowed per period before answering 429; 0 disables (default: 1000)",
    )
    sandbox.add_argument(
        "--rate-period",
        type=int,
        default=60,
        metavar="SECONDS",
        help="length of the rate-limit window (default: 60)",
    )
    sandbox.set_defaults(run=_run_sandbox)
    return parser


def _add_backend_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--sandbox",
        action="store_true",
        help="use the embedded Datadog sandbox (demo organisation) instead of Datadog",
    )
    command.add_argument(
        "--sandbox-db",
        type=Path,
        metavar="PATH",
        help="keep the sandbox's state in this SQLite file (implies --sandbox; "
        "default: in memory, fresh on every start)",
    )


def _add_policy_flags(command: argparse.ArgumentParser) -> None:
    policy = command.add_argument_group(
        "guardrails", "what the server may do; each flag also has a CASE_MCP_* variable"
    )
    policy.add_argument(
        "--read-only",
        action="store_true",
        default=None,
        help="offer only tools that change nothing; wins over every other flag "
        "(CASE_MCP_READ_ONLY=1)",
    )
    policy.add_argument(
        "--toolsets",
        metavar="LIST",
        help="comma-separated toolsets to offer: cases, comments, projects, lookup "
        "(default: all; CASE_MCP_TOOLSETS)",
    )
    policy.add_argument(
        "--tools",
        metavar="LIST",
        help="comma-separated allow list of tool names (CASE_MCP_TOOLS)",
    )
    policy.add_argument(
        "--exclude-tools",
        metavar="LIST",
        help="comma-separated deny list of tool names; wins over --tools (CASE_MCP_EXCLUDE_TOOLS)",
    )
    policy.add_argument(
        "--projects",
        metavar="KEYS",
        help="comma-separated project keys: the server sees and touches only their cases "
        "(CASE_MCP_PROJECTS)",
    )
    policy.add_argument(
        "--no-destructive",
        action="store_true",
        default=None,
        help="remove the deleting tools entirely (CASE_MCP_NO_DESTRUCTIVE=1)",
    )
    policy.add_argument(
        "--confirm-mode",
        choices=["auto", "elicit", "token"],
        help="how deletes get a human's confirmation: elicit (only a person's answer in the "
        "client's prompt; clients without elicitation cannot delete), auto (elicitation when "
        "the client supports it, else a confirmation token) or token (always a confirmation "
        "token, which relies on the client asking the user before a destructive tool runs) "
        "(default: elicit; CASE_MCP_CONFIRM_MODE)",
    )
    policy.add_argument(
        "--audit-log",
        type=Path,
        metavar="PATH",
        help="append one JSON line per write and per refused or confirmed delete "
        "(CASE_MCP_AUDIT_LOG)",
    )


def _add_http_flags(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="stdio (default): one assistant over stdin/stdout; http: a Streamable HTTP "
        "service at /mcp for bots and shared deployments",
    )
    http = command.add_argument_group(
        "HTTP service", "with --transport http; each flag also has a CASE_MCP_* variable"
    )
    http.add_argument(
        "--host",
        help="address to bind (default: 127.0.0.1; anything but loopback needs "
        "authentication; CASE_MCP_HOST)",
    )
    http.add_argument("--port", type=int, help="port to bind (default: 8000; CASE_MCP_PORT)")
    http.add_argument(
        "--allowed-hosts",
        metavar="LIST",
        help="comma-separated Host header values accepted at /mcp, name:port or name:* "
        "(default: the loopback names at --port; CASE_MCP_ALLOWED_HOSTS)",
    )
    http.add_argument(
        "--allowed-origins",
        metavar="LIST",
        help="comma-separated browser Origins accepted at /mcp, such as "
        "https://chat.example.com (default: the loopback origins; CASE_MCP_ALLOWED_ORIGINS)",
    )
    http.add_argument(
        "--public-url",
        metavar="URL",
        help="the URL clients reach /mcp at behind a load balancer (CASE_MCP_PUBLIC_URL)",
    )
    http.add_argument(
        "--max-body-size",
        type=int,
        metavar="BYTES",
        help="largest request body accepted (default: 1048576; CASE_MCP_MAX_BODY_SIZE)",
    )
    http.add_argument(
        "--max-concurrent-calls",
        type=int,
        metavar="N",
        help="requests that reach Datadog (tool calls, resource reads, completions) served "
        "at once; more are refused at once with a retry message "
        "(default: 32; CASE_MCP_MAX_CONCURRENT_CALLS)",
    )
    http.add_argument(
        "--calls-per-minute",
        type=int,
        metavar="N",
        help="requests that reach Datadog (tool calls, resource reads, completions) each "
        "token may make a minute; 0 turns the limit off "
        "(default: 120; CASE_MCP_CALLS_PER_MINUTE)",
    )
    http.add_argument(
        "--shutdown-timeout",
        type=int,
        metavar="SECONDS",
        help="on SIGTERM, how long calls in flight may finish (default: 25; "
        "CASE_MCP_SHUTDOWN_TIMEOUT)",
    )
    http.add_argument(
        "--read-timeout",
        type=float,
        metavar="SECONDS",
        help="time a client has to send a whole request, from connecting or from its previous "
        "answer; slower clients are disconnected (default: 10; CASE_MCP_READ_TIMEOUT)",
    )
    http.add_argument(
        "--workers",
        type=int,
        metavar="N",
        help="server processes sharing the port, one per core; like replicas, each has its "
        "own call budgets, --max-concurrent-calls slots and token memory; needs --sandbox-db "
        "rather than --sandbox (default: 1; CASE_MCP_WORKERS)",
    )


def _add_auth_flags(command: argparse.ArgumentParser) -> None:
    auth = command.add_argument_group(
        "HTTP authentication",
        "who may call the HTTP service; static tokens also come from CASE_MCP_HTTP_TOKENS "
        "and a JWT secret from CASE_MCP_JWT_SECRET",
    )
    auth.add_argument(
        "--token-file",
        type=Path,
        metavar="PATH",
        help="static bearer tokens, one per line (token, or token:cases:read for read-only "
        "access); # starts a comment (CASE_MCP_TOKEN_FILE)",
    )
    auth.add_argument(
        "--jwks-file",
        type=Path,
        metavar="PATH",
        help="accept RS256/ES256 JWTs signed by a key of this JWKS file (CASE_MCP_JWKS_FILE)",
    )
    auth.add_argument(
        "--jwt-audience",
        metavar="AUD",
        help="the aud claim a JWT must carry (default: the resource URL, "
        "http://HOST:PORT/mcp or --public-url; CASE_MCP_JWT_AUDIENCE)",
    )
    auth.add_argument(
        "--jwt-issuer",
        metavar="URL",
        help="the iss claim a JWT must carry, announced as the authorisation server "
        "(CASE_MCP_JWT_ISSUER)",
    )
    auth.add_argument(
        "--per-request-credentials",
        action="store_true",
        default=None,
        help="use each request's DD-API-KEY/DD-APPLICATION-KEY headers for the Datadog "
        "calls it causes (CASE_MCP_PER_REQUEST_CREDENTIALS=1)",
    )


def _run_tools(args: argparse.Namespace) -> int:
    import anyio

    from case_mcp.server._manifest import cost_report, get_case_costs, manifest_text, tool_table

    if args.cost:
        text = cost_report(anyio.run(get_case_costs))
    else:
        text = anyio.run(manifest_text if args.json else tool_table)
    return _to_stdout(lambda: sys.stdout.write(text))


def _run_call(args: argparse.Namespace) -> int:
    import json

    import anyio

    from case_mcp.server._launch import CallUsageError, call_tool

    options = server_options(args)
    with client_factory(args) as make_client:
        try:
            answer = anyio.run(call_tool, make_client, args.tool, args.arguments, options)
        except CallUsageError as error:
            print(f"case-mcp call: {error}", file=sys.stderr)
            return 2
    if answer.is_error:
        print(_text_of(answer.content), file=sys.stderr)
        return 1
    data = answer.structured_content
    # A tool without structured output (none today): its text is the answer.
    text = (
        _text_of(answer.content) if data is None else json.dumps(data, indent=2, ensure_ascii=False)
    )
    return _to_stdout(lambda: print(text))


def _text_of(content: Sequence[object]) -> str:
    return "\n".join(str(getattr(block, "text", "")) for block in content)


def _run_sandbox(args: argparse.Namespace) -> int:
    from case_mcp._listener import bind_listener
    from case_mcp.sandbox import RateLimit
    from case_mcp.sandbox._http import server

    rate_limit = (
        RateLimit(limit=args.rate_limit, period=args.rate_period) if args.rate_limit else None
    )
    with (
        open_sandbox(args.db, flag="--db", seed=not args.empty, rate_limit=rate_limit) as sandbox,
        bind_listener(args.host, args.port) as listener,
    ):
        # Said once the file is open and the port bound, so it is true when it is read.
        port = listener.getsockname()[1]
        print(
            f"Datadog Case Management sandbox on http://{args.host}:{port} "
            f"({'empty' if args.empty else 'demo organisation'}; "
            f"state {'in ' + str(args.db) if args.db else 'in memory'}). Ctrl-C stops it.",
            file=sys.stderr,
        )
        server(sandbox, host=args.host, port=port).run(sockets=[listener])
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    import anyio

    from case_mcp.demo import run_demo

    return _to_stdout(lambda: anyio.run(run_demo, sys.stdout))


def _to_stdout(write: Callable[[], object]) -> int:
    """Run `write`, which prints to stdout: 0, or 1 when the reader closed the pipe first."""
    reader_left = False
    try:
        write()
        sys.stdout.flush()
    except* BrokenPipeError:
        reader_left = True
    if reader_left:
        # `case-mcp demo | head`: the reader has what it wanted, so stop quietly, as cat does.
        # Python flushes stdout once more at exit; that flush must find somewhere to go.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0
