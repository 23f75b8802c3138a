"""Building the MCP server: tools by toolset, resources, prompts and completions.

Building imports no tool module and builds no tool: the server lists the offered tools from
their packaged definitions and builds each on its first call (`_catalog`, for cold start).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace

from mcp.server import MCPServer

from case_mcp import __version__
from case_mcp.config import ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.server._catalog import ToolDefinition, inventory, packaged_definitions
from case_mcp.server._server import CaseServer
from case_mcp.server._state import ClientFactory, ServerState, lifespan_for
from case_mcp.server.apps import AppOnlyTools, views_extension, without_view
from case_mcp.server.guardrails._approvals import seal_nonces
from case_mcp.server.guardrails._audit import AuditLog, IdentityProvider, default_identity
from case_mcp.server.guardrails._request_state import request_state_security
from case_mcp.server.guardrails._scope import check_scope
from case_mcp.server.guardrails._spec import (
    EVERY_TOOLSET,
    THE_DEFAULTS,
    TOOLSETS,
    ToolSpec,
    guard,
    withheld,
)
from case_mcp.server.guardrails._tokens import TokenBook
from case_mcp.server.tools._instructions import INSTRUCTIONS
from case_mcp.server.tools._prompts import register_prompts
from case_mcp.server.tools._resources import register_resources

SERVER_NAME = "case-mcp"


def create_server(
    make_client: ClientFactory,
    options: ServerOptions | None = None,
    *,
    identity: IdentityProvider | None = None,
    tokens: TokenBook | None = None,
) -> MCPServer[ServerState]:
    """The case_mcp MCP server.

    Args:
        make_client: Opens the Datadog client when the server starts (for Datadog, or for the
            embedded sandbox through its transport); the server closes it when it stops.
        options: What the operator allows (read-only, toolsets, allow and deny lists,
            project scope, confirmation); by default everything, deletes confirmed.
        identity: How the audit log names the caller, from the transport's request object;
            default: the SDK's authenticated user (the bearer token's client and subject).
        tokens: The book of confirmation tokens this server issues and spends; default: a
            new one with the wall clock (a test passes one with its own clock).

    Raises:
        ConfigurationError: `options` names a tool or toolset that does not exist; the
            message lists the valid names.
    """
    options = options or ServerOptions()
    check_scope(options.projects)
    audit = AuditLog(options.audit_log, identity or default_identity)
    offered = offered_definitions(options)
    server = CaseServer(
        SERVER_NAME,
        title="Datadog Case Management",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan_for(make_client, options, audit=audit, tokens=tokens or TokenBook()),
        # With a shared secret (`ServerOptions.secret`), replicas open each other's state.
        request_state_security=request_state_security(options.secret),
        # Inside the SDK's sealing: a nonce in each state makes a person's answer single use.
        # Tools only views call are listed and answered only to clients that show views.
        middleware=[seal_nonces, AppOnlyTools(d.name for d in offered if d.app_only)],
        offered=offered,
        extensions=None if options.no_apps else [views_extension()],
    )
    guard(server, (), options=options, inventory=inventory, audit=audit)
    register_resources(server)
    register_prompts(server)
    return server


def offered_tools(options: ServerOptions) -> list[ToolSpec]:
    """The tools `options` lets the server offer, in inventory order.

    Read-only mode wins over everything: it keeps only the tools whose kind is ``read``,
    whatever the lists say. The deny list wins over the allow list.

    Raises:
        ConfigurationError: An unknown tool or toolset name; the message lists the valid ones.
    """
    _check_options(options)
    return [spec for spec in inventory().values() if withheld(spec, options) is None]


def offered_definitions(options: ServerOptions) -> list[ToolDefinition]:
    """The packaged definitions of the tools `offered_tools` gives, read without importing
    a tool.

    Raises:
        ConfigurationError: An unknown tool or toolset name; the message lists the valid ones.
    """
    _check_options(options)
    offered = [d for d in packaged_definitions() if withheld(d, options) is None]
    if options.no_apps:
        return [replace(d, tool=without_view(d.tool)) for d in offered]
    return offered


def _check_options(options: ServerOptions) -> None:
    names = [definition.name for definition in packaged_definitions()]
    toolsets = (*TOOLSETS, THE_DEFAULTS, EVERY_TOOLSET)
    _check_names("toolset", options.toolsets or (), toolsets, "CASE_MCP_TOOLSETS / --toolsets")
    _check_names("tool", options.tools or (), names, "CASE_MCP_TOOLS / --tools")
    _check_names("tool", options.exclude_tools, names, "CASE_MCP_EXCLUDE_TOOLS / --exclude-tools")


def _check_names(kind: str, given: Iterable[str], valid: Sequence[str], where: str) -> None:
    unknown = sorted(set(given) - set(valid))
    if unknown:
        raise ConfigurationError(
            f"Unknown {kind} {', '.join(map(repr, unknown))} in {where}. "
            f"Valid {kind}s: {', '.join(valid)}"
        )
