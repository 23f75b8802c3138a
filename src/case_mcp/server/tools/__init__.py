"""The tool inventory, one module per toolset (the `cases` toolset spans three)."""

from __future__ import annotations

from case_mcp.server._spec import ToolSpec
from case_mcp.server.tools import (
    case_attributes,
    case_changes,
    cases,
    comments,
    lookup,
    projects,
)


def all_tools() -> list[ToolSpec]:
    """Every tool the server can offer, toolset by toolset."""
    return [
        *cases.TOOLS,
        *case_changes.TOOLS,
        *case_attributes.TOOLS,
        *comments.TOOLS,
        *projects.TOOLS,
        *lookup.TOOLS,
    ]
