"""Resources: a case, and its timeline, by URI."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer


def register_resources(server: MCPServer[Any]) -> None:
    """Add the case resources to the server."""
