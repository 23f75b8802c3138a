"""The tool inventory, one module per toolset."""

from __future__ import annotations

from case_mcp.server._spec import ToolSpec
from case_mcp.server.tools import cases, comments, lookup, projects


def all_tools() -> list[ToolSpec]:
    """Every tool the server can offer, toolset by toolset."""
    return [*cases.TOOLS, *comments.TOOLS, *projects.TOOLS, *lookup.TOOLS]
