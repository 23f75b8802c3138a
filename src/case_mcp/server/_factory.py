"""Building the MCP server: tools by toolset, resources, prompts and completions."""

from __future__ import annotations

from collections.abc import Collection

from mcp.server import MCPServer

from case_mcp import __version__
from case_mcp.server._instructions import INSTRUCTIONS
from case_mcp.server._prompts import register_prompts
from case_mcp.server._resources import register_resources
from case_mcp.server._spec import TOOLSETS, Toolset, register
from case_mcp.server._state import ClientFactory, ServerState, lifespan_for
from case_mcp.server.tools import all_tools

SERVER_NAME = "case-mcp"


def create_server(
    make_client: ClientFactory, *, toolsets: Collection[Toolset] = TOOLSETS
) -> MCPServer[ServerState]:
    """The case_mcp MCP server.

    Args:
        make_client: Opens the Datadog client when the server starts (for Datadog, or for the
            embedded sandbox through its transport); the server closes it when it stops.
        toolsets: Which groups of tools to offer; all of them by default.
    """
    server: MCPServer[ServerState] = MCPServer(
        SERVER_NAME,
        title="Datadog Case Management",
        version=__version__,
        instructions=INSTRUCTIONS,
        lifespan=lifespan_for(make_client),
    )
    register(server, [spec for spec in all_tools() if spec.toolset in toolsets])
    register_resources(server)
    register_prompts(server)
    return server
