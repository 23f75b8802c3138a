"""The MCP Bundle's manifest.json, made from the package: never kept by hand.

The format is MCPB's (the `@anthropic-ai/mcpb` npm package is its reference implementation,
its MANIFEST.md the spec). Manifest version 0.4 because it is the first with the ``uv``
server type, the only one that runs this server on a user's machine as it is: the host
(Claude Desktop) brings uv, which brings a Python and installs the dependencies for the
user's platform from the bundle's pyproject.toml. The ``python`` type would need them inside
the bundle, and pydantic-core and cryptography are compiled for one platform each.

The settings the user fills in (`user_config`) reach the server as the environment variables
its settings declare (`case_mcp.config`), so the names here cannot drift from what it reads.
"""

from __future__ import annotations

import json
from typing import Any, Final, Literal

from case_mcp import __version__
from case_mcp.config import DEFAULT_SITE, SITES, ServerOptions, Settings
from case_mcp.server import TOOL_DEFINITIONS
from case_mcp.server.apps import is_app_only

__all__ = ["ENTRY_MODULE", "MANIFEST_VERSION", "bundle_manifest"]

MANIFEST_VERSION: Final = "0.4"
"""The MCPB manifest version the bundle follows (the first with the ``uv`` server type)."""

ENTRY_MODULE: Final = "case_mcp.bundle.start"
"""The module the host runs: it turns the sandbox switch into `serve --sandbox`."""

HOMEPAGE: Final = "https://github.com/case-mcp/case-mcp"

ConfigType = Literal["string", "boolean"]


def bundle_manifest() -> dict[str, Any]:
    """The bundle's manifest.json, as a dict in the order the file shows it."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "name": "case-mcp",
        "display_name": "Datadog Case Management (case_mcp)",
        "version": __version__,
        "description": "Search, read, triage and update Datadog Case Management cases from "
        "Claude, with a built-in sandbox to try it without a Datadog account.",
        "long_description": _LONG_DESCRIPTION,
        "author": {"name": "case_mcp contributors", "url": HOMEPAGE},
        "repository": {"type": "git", "url": f"{HOMEPAGE}.git"},
        "homepage": HOMEPAGE,
        "documentation": f"{HOMEPAGE}#readme",
        "support": f"{HOMEPAGE}/issues",
        "icon": "icon.png",
        "server": {
            "type": "uv",
            "entry_point": f"src/{ENTRY_MODULE.replace('.', '/')}.py",
            "mcp_config": {
                # `uv run` in the bundle's directory: its pyproject.toml names the
                # dependencies, which uv installs for this platform on the first start.
                "command": "uv",
                "args": [
                    "run",
                    "--directory",
                    "${__dirname}",
                    "--quiet",
                    "python",
                    "-m",
                    ENTRY_MODULE,
                    "--sandbox",
                    "${user_config.sandbox}",
                ],
                "env": {
                    Settings.variable("api_key"): "${user_config.api_key}",
                    Settings.variable("app_key"): "${user_config.app_key}",
                    Settings.variable("site"): "${user_config.site}",
                    ServerOptions.variable("read_only"): "${user_config.read_only}",
                    ServerOptions.variable("toolsets"): "${user_config.toolsets}",
                },
            },
        },
        "tools": bundle_tools(),
        "tools_generated": False,
        "prompts_generated": False,
        "keywords": ["datadog", "case management", "incidents", "triage", "mcp"],
        "license": "Apache-2.0",
        # The server sends what it reads and writes to one place only: the API of the
        # Datadog site the user chose, under Datadog's privacy policy. It has no other
        # service, no analytics; OpenTelemetry is off unless OTEL_* variables ask for it.
        "privacy_policies": ["https://www.datadoghq.com/legal/privacy/"],
        "compatibility": {
            "claude_desktop": ">=1.0.0",
            "platforms": ["darwin", "win32", "linux"],
            "runtimes": {"python": ">=3.11"},
        },
        "user_config": _user_config(),
    }


_CASE_MANAGEMENT: Final = "https://docs.datadoghq.com/service_management/case_management/"

_LONG_DESCRIPTION: Final = f"""\
case_mcp gives Claude the tools of [Datadog Case Management]({_CASE_MANAGEMENT}): \
search and read cases with their timelines, create them, change their status, priority and \
assignee, comment, and (with more toolsets) triage in bulk, link incidents and Jira issues, \
manage views and automation rules.

Give it a Datadog API key and application key and your site; the keys are kept in your \
operating system's keychain. Or turn on **Try with the sandbox** to use an embedded, \
in-memory demo organisation: no keys, nothing sent anywhere.

Guardrails: read-only mode offers only the tools that change nothing, and deleting anything \
always asks you first."""


def bundle_tools() -> list[dict[str, str]]:
    """Every tool a model may be offered, from the package's definitions, with its summary.

    All toolsets, not only the defaults: the user turns any of them on in the settings, and
    a host may hold the server to the tools its manifest declares. Tools only the views call
    (visibility ``app``) are no model's tools, so they are left out.
    """
    document = json.loads(TOOL_DEFINITIONS.read_text(encoding="utf-8"))
    return [
        {"name": entry["tool"]["name"], "description": _summary(entry["tool"]["description"])}
        for entry in document["tools"]
        if not is_app_only(entry["tool"].get("_meta"))
    ]


def _summary(description: str) -> str:
    """The description's first line: the one-sentence summary every tool starts with."""
    return description.splitlines()[0] if description else ""


def _user_config() -> dict[str, dict[str, Any]]:
    sites = ", ".join(SITES)
    return {
        "api_key": _field(
            "string",
            "Datadog API key",
            "Organization Settings > API Keys in Datadog. Not needed with the sandbox.",
            default="",
            sensitive=True,
        ),
        "app_key": _field(
            "string",
            "Datadog application key",
            "Organization Settings > Application Keys in Datadog; its user needs the "
            "cases_read permission (cases_write to change cases). Not needed with the sandbox.",
            default="",
            sensitive=True,
        ),
        "site": _field(
            "string",
            "Datadog site",
            f"Your organisation's site, one of: {sites}. It is in your Datadog address "
            "(app.datadoghq.eu is datadoghq.eu).",
            default=DEFAULT_SITE,
        ),
        "read_only": _field(
            "boolean",
            "Read-only",
            "Offer only the tools that change nothing.",
            default=False,
        ),
        "toolsets": _field(
            "string",
            "Toolsets",
            "Comma-separated: cases, comments, projects, lookup (together: default), triage, "
            "integrations, views, automation, admin; or all.",
            default="default",
        ),
        "sandbox": _field(
            "boolean",
            "Try with the sandbox",
            "Use an embedded demo organisation instead of Datadog: no keys needed, nothing "
            "sent anywhere, changes forgotten when Claude restarts.",
            default=False,
        ),
    }


def _field(
    kind: ConfigType,
    title: str,
    description: str,
    *,
    default: str | bool,
    sensitive: bool = False,
) -> dict[str, Any]:
    # Every field has a default, so none is required and an untouched one is substituted
    # too: a host leaves `${user_config.x}` as it is when x has neither value nor default.
    field: dict[str, Any] = {
        "type": kind,
        "title": title,
        "description": description,
        "required": False,
        "default": default,
    }
    if sensitive:
        field["sensitive"] = True
    return field
