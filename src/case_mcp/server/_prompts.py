"""Prompts that lead a model through the tools to do a job well."""

from __future__ import annotations

from typing import Any

from mcp.server import MCPServer


def register_prompts(server: MCPServer[Any]) -> None:
    """Add the prompts and the argument completions to the server."""
