"""A tool is a spec: its name, title, toolset, kind and handler.

The kind is the one source of truth for a tool's safety annotations (and, later, for
read-only mode): a model sees `readOnlyHint`, `destructiveHint`, `idempotentHint` and
`openWorldHint` derived from it, never set by hand tool by tool.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from typing import Any, Final, Literal, get_args

from mcp.server import MCPServer
from mcp.types import CallToolResult, ToolAnnotations

Toolset = Literal["cases", "comments", "projects", "lookup"]
TOOLSETS: Final[tuple[Toolset, ...]] = get_args(Toolset)

ToolKind = Literal["read", "write", "idempotent_write", "destructive"]
"""read: changes nothing. write: creates something; repeating creates another.
idempotent_write: sets state; repeating changes nothing more. destructive: deletes."""


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: what the model sees, and the function that serves it.

    The handler's docstring is the description the model reads: a one-line summary, when to
    use the tool, an example.
    """

    name: str
    title: str
    toolset: Toolset
    kind: ToolKind
    handler: Callable[..., Awaitable[CallToolResult]]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.handler.__doc__ or "")

    @property
    def annotations(self) -> ToolAnnotations:
        return ToolAnnotations(
            title=self.title,
            read_only_hint=self.kind == "read",
            destructive_hint=self.kind == "destructive",
            # Deleting twice removes nothing more, so deletes are idempotent too; only the
            # creating writes (a second call makes a second case) are not.
            idempotent_hint=self.kind != "write",
            # Every tool talks to Datadog, a system outside this server.
            open_world_hint=True,
        )


def register(server: MCPServer[Any], specs: Iterable[ToolSpec]) -> None:
    """Add each spec to the server as a tool with structured output."""
    for spec in specs:
        server.add_tool(
            spec.handler,
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.annotations,
            structured_output=True,
        )
