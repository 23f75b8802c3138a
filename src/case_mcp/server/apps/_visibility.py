"""App-only tools: listed and served only to clients that show MCP Apps.

A tool whose ``_meta.ui.visibility`` leaves out ``"model"`` is there for the views alone
(the statuses a case's type offers, for the case view's status control). The spec asks the
host to keep such a tool out of the model's list; the server goes further, so that a client
that never shows a view pays nothing for it and cannot call it: ``tools/list`` gives it only
to clients that negotiated the extension (`client_supports_apps`: the ``initialize``
capabilities on the legacy protocol, each request's on 2026-07-28), and a ``tools/call`` of
it from any other client is refused in words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final

from mcp.server.apps import client_supports_apps
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, ListToolsResult, TextContent

__all__ = ["AppOnlyTools", "is_app_only", "not_for_this_client"]

_LISTED: Final = "tools/list"
_CALLED: Final = "tools/call"


def is_app_only(meta: Mapping[str, Any] | None) -> bool:
    """Whether a tool with this ``_meta`` is for the views alone (``visibility: ["app"]``)."""
    ui = (meta or {}).get("ui")
    visibility = ui.get("visibility") if isinstance(ui, Mapping) else None
    return isinstance(visibility, list) and "model" not in visibility


def not_for_this_client(name: str) -> str:
    """What a client that shows no views is told when it calls the app-only tool `name`."""
    return (
        f"The tool {name} serves the views that hosts showing MCP Apps display beside an "
        "answer, and this client did not say it shows them, so it is not offered here. "
        "Nothing was done; tools/list shows the tools this client can call."
    )


class AppOnlyTools:
    """Server middleware: app-only tools are listed and answered only to clients with views."""

    def __init__(self, names: Iterable[str]) -> None:
        """Hide and refuse the app-only tools `names` (those the server offers)."""
        self._names = frozenset(names)

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        if not self._names or ctx.method not in (_LISTED, _CALLED) or client_supports_apps(ctx):
            return await call_next(ctx)
        if ctx.method == _CALLED:
            name = (ctx.params or {}).get("name")
            if name in self._names:
                text = TextContent(type="text", text=not_for_this_client(str(name)))
                return CallToolResult(content=[text], is_error=True)
            return await call_next(ctx)
        listed = await call_next(ctx)
        if isinstance(listed, ListToolsResult):
            shown = [tool for tool in listed.tools if not is_app_only(tool.meta)]
            return listed.model_copy(update={"tools": shown})
        if isinstance(listed, Mapping) and isinstance(listed.get("tools"), list):
            tools = [tool for tool in listed["tools"] if not _app_only_entry(tool)]
            return {**listed, "tools": tools}
        return listed


def _app_only_entry(tool: object) -> bool:
    return isinstance(tool, Mapping) and is_app_only(tool.get("_meta"))
