"""The tool inventory as the meta-tests read it: each tool's spec and its checked example.

A per-tool table in a test is derived from here, so a new tool is covered by adding its spec
and the example its description already shows the model.
"""

from __future__ import annotations

from typing import Any

from mcp.types import Tool, ToolAnnotations

from case_mcp.server import DEFAULT_TOOLSETS, ToolKind, ToolSpec
from case_mcp.server._read_costs import example_of as shown_example
from case_mcp.server.tools import all_tools

READ_VERBS = ("get_", "list_", "search_", "find_", "count_")


def example_of(tool: ToolSpec | Tool) -> dict[str, Any]:
    """The arguments of the example in `tool`'s description."""
    arguments = shown_example(tool)
    assert arguments is not None, f"{tool.name} has no 'Example: {{...}}' line"
    return arguments


def examples(kinds: set[ToolKind] | None = None) -> dict[str, dict[str, Any]]:
    """Every tool's example arguments by name, or those of the tools of `kinds`."""
    return {
        spec.name: example_of(spec) for spec in all_tools() if kinds is None or spec.kind in kinds
    }


def default_tools() -> list[ToolSpec]:
    """The tools a server offers a client that shows no views (a model's) when its operator
    names no toolsets: app-only tools are offered only to hosts."""
    return [spec for spec in all_tools() if spec.toolset in DEFAULT_TOOLSETS and not spec.app_only]


def names_of(*kinds: ToolKind) -> set[str]:
    """The names of the tools of `kinds`."""
    return {spec.name for spec in all_tools() if spec.kind in kinds}


def kind_named(name: str) -> ToolKind:
    """The kind a tool's name promises: its verb says read, delete, or create a new thing;
    every other verb sets state, which is safe to repeat."""
    if name.startswith(READ_VERBS):
        return "read"
    if name.startswith("delete_"):
        return "destructive"
    if name.startswith(("create_", "add_")):
        return "write"
    return "idempotent_write"


def kind_read_from(annotations: ToolAnnotations | None) -> ToolKind:
    """The kind a client infers from the annotations it was sent."""
    if annotations is None:
        return "write"
    if annotations.read_only_hint:
        return "read"
    if annotations.destructive_hint:
        return "destructive"
    return "idempotent_write" if annotations.idempotent_hint else "write"
