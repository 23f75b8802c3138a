"""The MCP server: every case and project operation as a typed tool, timelines as resources.

The server has three rooms, and a call flows through them in this order:

- `http`: the HTTP front (the Streamable HTTP app, authentication, limits, health, logs);
  its public API is `case_mcp.server.http`.
- `guardrails`: which tools are offered and why, project scope, confirmation and its
  tokens, the audit log, untrusted text; the order of the layers is written down there.
- `tools`: the tool surface (the tools by toolset, views, rendering, resources, prompts,
  completions).

The modules directly here build the server (`_factory`, `_server`, `_state`), translate
errors (`_errors`, `_bad_request`, `_arguments`) and run it on stdio or for one call
(`_stdio`, `_launch`, `_manifest`). `case_mcp._serve` composes settings, client, server and
transport from what is public here.
"""

from case_mcp.server._catalog import DEFINITIONS_FILE as TOOL_DEFINITIONS
from case_mcp.server._factory import SERVER_NAME, create_server, offered_tools
from case_mcp.server._launch import (
    SANDBOX_BASE_URL,
    CallUsageError,
    call_tool,
    datadog_client_factory,
    parse_arguments,
    sandbox_client_factory,
    sandbox_on_demand,
)
from case_mcp.server._manifest import (
    cost_report,
    get_case_costs,
    manifest_text,
    tool_snapshots,
    tool_table,
    write_tool_files,
)
from case_mcp.server._read_costs import read_costs
from case_mcp.server._state import ClientFactory, ServerState
from case_mcp.server._stdio import run_stdio
from case_mcp.server.guardrails._audit import IdentityProvider
from case_mcp.server.guardrails._spec import (
    DEFAULT_TOOLSETS,
    EFFECT_OF_KIND,
    TOOLSETS,
    ToolKind,
    Toolset,
    ToolSpec,
)
from case_mcp.server.guardrails._tokens import TokenBook

__all__ = [
    "DEFAULT_TOOLSETS",
    "EFFECT_OF_KIND",
    "SANDBOX_BASE_URL",
    "SERVER_NAME",
    "TOOLSETS",
    "TOOL_DEFINITIONS",
    "CallUsageError",
    "ClientFactory",
    "IdentityProvider",
    "ServerState",
    "TokenBook",
    "ToolKind",
    "ToolSpec",
    "Toolset",
    "call_tool",
    "cost_report",
    "create_server",
    "datadog_client_factory",
    "get_case_costs",
    "manifest_text",
    "offered_tools",
    "parse_arguments",
    "read_costs",
    "run_stdio",
    "sandbox_client_factory",
    "sandbox_on_demand",
    "tool_snapshots",
    "tool_table",
    "write_tool_files",
]
