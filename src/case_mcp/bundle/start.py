"""What Claude Desktop runs from the bundle: `case-mcp serve`, with the sandbox if asked.

A bundle's settings reach the server through its command line and environment, substituted
by the host as text (MCPB's ``${user_config.x}``): a switch arrives as the word ``true`` or
``false``, which a flag that is present or absent cannot take. So this module reads the
sandbox switch as a word and starts `serve` with or without ``--sandbox``; every other setting
is already one of the variables the server reads.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from case_mcp.cli import main as case_mcp_main

__all__ = ["main"]

UNFILLED = "${user_config."
"""How a setting the host left unsubstituted starts (one without a value or a default)."""


def main(argv: Sequence[str] | None = None) -> int:
    """Start the server over stdio as the bundle's settings say; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m case_mcp.bundle.start",
        description="Run case_mcp as an MCP Bundle runs it (the extension's settings are "
        "substituted into this command line and the environment by the host).",
    )
    parser.add_argument(
        "--sandbox",
        choices=["true", "false"],
        default="false",
        help="true: serve the embedded sandbox's demo organisation instead of Datadog",
    )
    args = parser.parse_args(argv)
    _forget_unfilled_settings()
    if args.sandbox == "true":
        return case_mcp_main(["serve", "--sandbox"])
    if not _has_credentials():
        print(
            "case-mcp: no Datadog keys: fill in the API key and the application key in the "
            "extension's settings (Settings > Extensions > case-mcp), or turn on "
            "'Try with the sandbox' to use the demo organisation.",
            file=sys.stderr,
        )
        return 2
    return case_mcp_main(["serve"])


def _forget_unfilled_settings() -> None:
    # A host that substitutes no value leaves the placeholder itself: as a key it would be
    # sent to Datadog, as a site refused. Unset, each means what it means when not given.
    for name, value in list(os.environ.items()):
        if value.startswith(UNFILLED):
            del os.environ[name]


def _has_credentials() -> bool:
    from case_mcp.config import Settings
    from case_mcp.errors import ConfigurationError

    try:
        return Settings.load().auth_kind != "none"
    except ConfigurationError:
        return True  # `serve` reports the setting to fix, in its own words


if __name__ == "__main__":
    sys.exit(main())
