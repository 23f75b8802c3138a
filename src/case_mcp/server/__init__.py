"""The MCP server: every case and project operation as a typed tool, timelines as resources."""

from case_mcp.server._factory import SERVER_NAME, create_server
from case_mcp.server._spec import EFFECT_OF_KIND, TOOLSETS, ToolKind, Toolset, ToolSpec

__all__ = [
    "EFFECT_OF_KIND",
    "SERVER_NAME",
    "TOOLSETS",
    "ToolKind",
    "ToolSpec",
    "Toolset",
    "create_server",
]
