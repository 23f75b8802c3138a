"""The `case-mcp` command: thin argument parsing over the package's entry points.

Each subcommand imports what it needs when it runs, so `case-mcp --help` stays fast and a
subcommand never pays for another's imports.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from case_mcp import __version__


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `case-mcp` command line; returns the process exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        stream=sys.stderr,  # stdout belongs to the MCP protocol in `serve`
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    if args.command is None:
        parser.print_help()
        return 2
    status: int = args.run(args)
    return status


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="case-mcp",
        description="Datadog Case Management for AI assistants, over the Model Context Protocol.",
    )
    parser.add_argument("--version", action="version", version=f"case-mcp {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug detail to stderr")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    demo = commands.add_parser(
        "demo",
        help="walk through the client against the embedded sandbox (no Datadog account needed)",
        description="Show the Case Management client at work on the embedded sandbox's demo "
        "organisation: projects, a search, a new case with a comment and its timeline. "
        "Everything happens in this process; nothing is sent anywhere.",
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


def _run_sandbox(args: argparse.Namespace) -> int:
    from case_mcp.sandbox import RateLimit, serve

    rate_limit = (
        RateLimit(limit=args.rate_limit, period=args.rate_period) if args.rate_limit else None
    )
    print(
        f"Datadog Case Management sandbox on http://{args.host}:{args.port} "
        f"({'empty' if args.empty else 'demo organisation'}; "
        f"state {'in ' + str(args.db) if args.db else 'in memory'}). Ctrl-C stops it.",
        file=sys.stderr,
    )
    serve(
        host=args.host, port=args.port, db_path=args.db, seed=not args.empty, rate_limit=rate_limit
    )
    return 0


def _run_demo(args: argparse.Namespace) -> int:
    import anyio

    from case_mcp.demo import run_demo

    anyio.run(run_demo, sys.stdout)
    return 0
