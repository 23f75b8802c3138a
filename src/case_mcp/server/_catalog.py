"""The tools a server offers: listed from definitions made once, built on their first call.

Why: cold start. A client waits from spawning the server to its first ``tools/list`` answer,
and building every tool's SDK object (`guardrails._tool.tool_of`: the SDK's
`Tool.from_function`, which makes a pydantic model of the arguments and its JSON schema, and
the output schema) took about 2 ms a tool, most of the start-up beyond the SDK's own imports,
growing with every tool added. So the work is split in two:

- what ``tools/list`` sends of each tool (name, title, description, both schemas,
  annotations), with its toolset and kind, is derived from the specs at development time and
  shipped in the package as ``tools/definitions.json`` (`packaged_definitions`); a server
  lists, and refuses unknown arguments, from these. The file is written by the command that
  writes the tool snapshots (`case_mcp.server._manifest.write_tool_files`), and a test fails
  when it differs from what the specs give now;
- a tool's SDK object, which validates a call's arguments and output and runs its handler, is
  built the first time the SDK asks for the tool (`LazyToolManager.get_tool`: on a call, or
  for its input schema), then kept for the life of the process. The tool modules themselves
  are imported then too (`inventory`), not at start-up.

A call goes through everything it went through before (the guard's refusals and audit,
confirmations, argument errors in our words, output validation): only when the SDK object is
made has moved.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from mcp.server.mcpserver.tools import Tool, ToolManager
from mcp.types import Tool as MCPTool

from case_mcp.server.apps import is_app_only
from case_mcp.server.guardrails._tool import tool_of

if TYPE_CHECKING:
    from case_mcp.server.guardrails._spec import ToolKind, Toolset, ToolSpec

__all__ = [
    "DEFINITIONS_FILE",
    "LazyToolManager",
    "ToolDefinition",
    "definition_entry",
    "inventory",
    "packaged_definitions",
]

DEFINITIONS_FILE: Final = Path(__file__).parent / "tools" / "definitions.json"
"""Every tool's definition as ``tools/list`` sends it, with its toolset and kind, in
inventory order: package data, generated from the specs."""


@dataclass(frozen=True)
class ToolDefinition:
    """One tool as a server lists it, and what its operator's options are decided on."""

    name: str
    toolset: Toolset
    kind: ToolKind
    tool: MCPTool
    """The definition ``tools/list`` sends."""

    @property
    def app_only(self) -> bool:
        """Whether only the views call it (its ``_meta.ui.visibility`` leaves out the model)."""
        return is_app_only(self.tool.meta)


@functools.cache
def packaged_definitions() -> tuple[ToolDefinition, ...]:
    """Every tool's definition, read once from the package's file, in inventory order."""
    document = json.loads(DEFINITIONS_FILE.read_text(encoding="utf-8"))
    return tuple(
        ToolDefinition(
            name=entry["tool"]["name"],
            toolset=entry["toolset"],
            kind=entry["kind"],
            tool=MCPTool.model_validate(entry["tool"]),
        )
        for entry in document["tools"]
    )


@functools.cache
def inventory() -> Mapping[str, ToolSpec]:
    """Every tool's spec by name; the tool modules are imported at the first call."""
    from case_mcp.server.tools import all_tools

    return {spec.name: spec for spec in all_tools()}


class LazyToolManager(ToolManager):
    """The SDK's tool manager for `offered` tools, building each tool on first need.

    The SDK asks `get_tool` for a tool it calls and for its input schema (before the
    middleware runs), so that is where a tool is built.
    """

    def __init__(self, offered: Sequence[ToolDefinition]) -> None:
        super().__init__()
        self._offered = {definition.name: definition for definition in offered}

    @property
    def offered(self) -> Mapping[str, ToolDefinition]:
        """The offered tools' definitions by name, in list order."""
        return self._offered

    def get_tool(self, name: str) -> Tool | None:
        """The tool named `name`, built now if this is its first use; None if not offered."""
        tool = super().get_tool(name)
        if tool is None and name in self._offered:
            tool = self._tools[name] = tool_of(inventory()[name])
        return tool

    def list_tools(self) -> list[Tool]:
        """Every offered tool's SDK object (each built now if not yet), in list order."""
        return [tool for name in self._offered if (tool := self.get_tool(name)) is not None]


def definition_entry(definition: ToolDefinition) -> dict[str, Any]:
    """One tool as the definitions file records it."""
    return {
        "toolset": definition.toolset,
        "kind": definition.kind,
        "tool": definition.tool.model_dump(mode="json", by_alias=True, exclude_none=True),
    }
