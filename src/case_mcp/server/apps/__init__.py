"""MCP Apps: the views a host that renders apps shows beside a tool's answer.

A tool names its view in its spec (`ToolSpec.view`, a ``ui://`` address); its definition
then carries ``_meta.ui.resourceUri`` (`view_meta`), and the server serves the view's HTML as
a resource of MIME ``text/html;profile=mcp-app`` through the SDK's `Apps` extension
(`views_extension`), which also advertises the extension to clients. A view is one HTML file
of this package, script and style inline, with an empty content security policy: the host's
iframe may reach no network at all. It renders the answer's ``structuredContent``, the same
data every client gets, so a client without the extension sees no difference.

The operator turns views off with ``--no-apps`` (`ServerOptions.no_apps`): no extension, no
``ui://`` resource, no ``_meta.ui`` in the definitions (`without_view`).
"""

from __future__ import annotations

import functools
from importlib.resources import files
from typing import Any, Final

from mcp.server.apps import Apps, ResourceCsp
from mcp.types import Tool

__all__ = ["CASE_VIEW", "view_meta", "views_extension", "without_view"]

CASE_VIEW: Final = "ui://case-mcp/case.html"
"""The case at a glance, with its latest timeline entries: shows get_case's answer."""

_VIEWS: Final = {
    CASE_VIEW: (
        "case.html",
        "Case view",
        "A case at a glance, with the latest entries of its timeline.",
    ),
}


def view_meta(uri: str) -> dict[str, Any]:
    """The ``_meta`` of a tool shown in the view at `uri`, seen by the model and the view."""
    return {"ui": {"resourceUri": uri, "visibility": ["model", "app"]}}


def without_view(tool: Tool) -> Tool:
    """`tool`'s definition naming no view (apps turned off)."""
    if not tool.meta or "ui" not in tool.meta:
        return tool
    meta = {key: value for key, value in tool.meta.items() if key != "ui"}
    return tool.model_copy(update={"meta": meta or None})


def views_extension() -> Apps:
    """The SDK's Apps extension serving every view, each with an empty CSP (no network)."""
    apps = Apps()
    for uri, (file, title, description) in _VIEWS.items():
        apps.add_html_resource(
            uri, _html(file), name=file, title=title, description=description, csp=ResourceCsp()
        )
    return apps


@functools.cache
def _html(file: str) -> str:
    """A view's HTML, read from the package once."""
    return files(__package__).joinpath(file).read_text(encoding="utf-8")
