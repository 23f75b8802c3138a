"""The `comments` toolset."""

from __future__ import annotations

from case_mcp.server._spec import ToolSpec

TOOLS: list[ToolSpec] = []
