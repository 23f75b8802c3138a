"""The MCP server: every case and project operation as a typed tool, timelines as resources."""

from case_mcp.server._factory import SERVER_NAME, create_server
from case_mcp.server._spec import TOOLSETS, ToolKind, Toolset, ToolSpec

__all__ = ["SERVER_NAME", "TOOLSETS", "ToolKind", "ToolSpec", "Toolset", "create_server"]
