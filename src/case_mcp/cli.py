"""The `case-mcp` command: thin argument parsing over the package's entry points.

Each subcommand imports what it needs when it runs, so `case-mcp --help` stays fast and a
subcommand never pays for another's imports. Only `tools`, `call`, `demo` and `bundle` write
to stdout (their output is the point); `serve` leaves stdout to the MCP protocol, and every
log line and error goes to stderr.
"""

from __future__ import annotations

import argparse
import gc
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
    words = sys.argv[1:] if argv is None else argv
    # Reading the flags imports pydantic and the settings and builds their models: objects
    # that live as long as the process, and no garbage. The collector would walk them again
    # and again, and once more all at once if turned back on with them still young; so, as
    # `run_serve` does for the server's start, it is paused, then they are frozen.
    gc.disable()
    try:
        parser = command_line_parser(settings_flags=not _SETTINGS_COMMANDS.isdisjoint(words))
        args = parser.parse_args(words)
        gc.freeze()
    finally:
        gc.enable()
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


_SETTINGS_COMMANDS = frozenset({"serve", "call"})
"""The commands whose flags are made from the settings."""


def command_line_parser(*, settings_flags: bool = True) -> argparse.ArgumentParser:
    """The `case-mcp` command line's parser, which the manifests and docs are checked against.

    Args:
        settings_flags: Without them `serve` and `call` lack their settings' flags (for a
            command line that names neither, so that `--help` loads no settings).
    """
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
        "DD_APP_KEY (or an OAuth access token), and DD_SITE for a site other than "
        "datadoghq.com; with --sandbox it serves the embedded sandbox's demo organisation.",
    )
    _add_backend_flags(serve)
    serve.add_argument(
        "--transport",
        choices=["stdio", "http"],
        default="stdio",
        help="stdio (default): one assistant over stdin/stdout; http: a Streamable HTTP "
        "service at /mcp for bots and shared deployments",
    )
    if settings_flags:
        _add_settings_flags(serve, http=True)
    serve.set_defaults(run=run_serve)

    tools = commands.add_parser(
        "tools",
        help="print the tool table (name, kind, toolset, title)",
        description="Print every tool the server offers, from the server itself.",
    )
    tools.add_argument(
        "--json",
        action="store_true",
        help="print the full definitions as JSON: every tool, in list order",
    )
    tools.add_argument(
        "--snapshots",
        type=Path,
        metavar="DIR",
        help="write one JSON definition per tool into DIR, <tool>.json, removing the files of "
        "tools that are gone (the repository keeps them in manifests/tools), and the "
        "definitions the server lists its tools from (the package's "
        "case_mcp/server/tools/definitions.json)",
    )
    tools.add_argument(
        "--table",
        type=Path,
        nargs="+",
        metavar="FILE",
        help="remake the Markdown tool table between its marker lines in each FILE "
        "(the repository's is in docs/tools.md)",
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
    if settings_flags:
        _add_settings_flags(call, http=False)
    call.set_defaults(run=_run_call)

    demo = commands.add_parser(
        "demo",
        help="watch an assistant work through the MCP tools on the sandbox (no account needed)",
        description="Connect an MCP client to the server over the embedded sandbox's demo "
        "organisation and make the calls an assistant would: projects, a search, a case read, "
        "a new case taken through to closed, its timeline. Nothing is sent anywhere.",
    )
    demo.set_defaults(run=_run_demo)

    bundle = commands.add_parser(
        "bundle",
        help="write the MCP Bundle's directory for Claude Desktop (then `mcpb pack` it)",
        description="Write the directory of the MCP Bundle (.mcpb) that Claude Desktop "
        "installs with one click: its manifest.json (made from this package: version, tools, "
        "settings), icon, license, the package's source and the pyproject.toml whose "
        "dependencies the host's uv installs. `mcpb pack` (npm: @anthropic-ai/mcpb) turns it "
        "into the .mcpb file.",
    )
    bundle.add_argument(
        "--out",
        type=Path,
        default=Path("dist"),
        metavar="DIR",
        help="where to write the bundle's directory, DIR/case-mcp-bundle (default: dist)",
    )
    bundle.set_defaults(run=_run_bundle)

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


def _add_settings_flags(command: argparse.ArgumentParser, *, http: bool) -> None:
    # The flags are made from the settings' declarations (`case_mcp.config`), which import
    # pydantic-settings: only a command that may run pays for it, not `case-mcp --help`.
    from case_mcp.config import AuthOptions, HttpOptions, ServerOptions, add_flags

    for section in (ServerOptions, HttpOptions, AuthOptions) if http else (ServerOptions,):
        add_flags(command, section)


def _run_tools(args: argparse.Namespace) -> int:
    import anyio

    from case_mcp.server import (
        cost_report,
        get_case_costs,
        manifest_text,
        tool_table,
        write_tool_files,
    )

    if args.snapshots or args.table:
        import case_mcp.server

        # Read here, not imported by name: a test points it at a file of its own.
        definitions = case_mcp.server.TOOL_DEFINITIONS if args.snapshots else None
        anyio.run(write_tool_files, args.snapshots, args.table or [], definitions)
        return 0
    if args.cost:
        text = cost_report(anyio.run(get_case_costs))
    else:
        text = anyio.run(manifest_text if args.json else tool_table)
    return _to_stdout(lambda: sys.stdout.write(text))


def _run_call(args: argparse.Namespace) -> int:
    import json

    import anyio

    from case_mcp.server import CallUsageError, call_tool

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
    from case_mcp.sandbox import RateLimit, server

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


def _run_bundle(args: argparse.Namespace) -> int:
    from case_mcp.bundle import write_bundle

    bundle = write_bundle(args.out)
    packed = args.out / f"case-mcp-{__version__}.mcpb"
    # The path on stdout, for a script; what to do next on stderr, for a person.
    print(
        f"Wrote the bundle's directory; make the .mcpb with:\n  npx @anthropic-ai/mcpb pack "
        f"{bundle} {packed}",
        file=sys.stderr,
    )
    return _to_stdout(lambda: print(bundle))


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
