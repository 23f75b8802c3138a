"""MCP Apps: the views a host that renders apps shows beside a tool's answer.

A tool names its view in its spec (`ToolSpec.view`, a ``ui://`` address); its definition
then carries ``_meta.ui.resourceUri`` (`view_meta`), and the server serves the view's HTML as
a resource of MIME ``text/html;profile=mcp-app`` through the SDK's `Apps` extension
(`views_extension`), which also advertises the extension to clients. A view is one HTML page,
script and style inline, with an empty content security policy: the host's iframe may reach
no network at all. It renders the answer's ``structuredContent``, the same data every client
gets, so a client without the extension sees no difference.

Each page is assembled from this package's parts (`View`): the page template
(``page.html``), the shared style (``base.css``) and host protocol (``bridge.js``), then the
view's own style and scripts, and the call that starts it. Views share parts (the queue opens
a case with the case view's script), so each part is written once.

A view acts through the server's own tools, called through the host (``tools/call``), so
every guardrail holds for a person's click exactly as for a model's call. A tool only the
views need is app-only (`ToolSpec.app_only`: ``_meta.ui.visibility`` is ``["app"]``, see
`view_meta`): a host keeps it from the model, and the server lists it, and answers it, only
to clients that negotiated the extension (`AppOnlyTools`).

The operator turns views off with ``--no-apps`` (`ServerOptions.no_apps`): no extension, no
``ui://`` resource, no ``_meta.ui`` in the definitions (`without_view`), no app-only tool.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib.resources import files
from typing import Any, Final

from mcp.server.apps import Apps, ResourceCsp
from mcp.types import Tool

from case_mcp.server.apps._visibility import AppOnlyTools, is_app_only

__all__ = [
    "CASE_VIEW",
    "COUNTS_VIEW",
    "PREVIEW_VIEW",
    "QUEUE_VIEW",
    "VIEWS",
    "AppOnlyTools",
    "View",
    "is_app_only",
    "view_html",
    "view_meta",
    "views_extension",
    "without_view",
]

CASE_VIEW: Final = "ui://case-mcp/case.html"
"""The case at a glance, with its latest timeline entries: shows get_case's answer."""

QUEUE_VIEW: Final = "ui://case-mcp/queue.html"
"""A page of cases as a queue the person sorts and groups, each case opening in the case
view: shows search_cases' and list_cases_in_view's answers."""
COUNTS_VIEW: Final = "ui://case-mcp/counts.html"
"""count_cases' answer as bar charts, regrouped on request: shows count_cases' answer."""

PREVIEW_VIEW: Final = "ui://case-mcp/preview.html"
"""What a confirmed delete or a bulk change destroys or changes, laid out for a person to
check, with the approval of a confirmation token: shows every confirmed delete's answer and
bulk_update_cases'."""


@dataclass(frozen=True)
class View:
    """One view: its address, what hosts list it as, and the parts its page is made of.

    Attributes:
        uri: The ``ui://`` address tools name in their ``_meta.ui.resourceUri``.
        title: The resource's title, and the page's.
        description: What the view shows, for a host's resource list.
        styles: The view's own style sheets, after ``base.css``.
        scripts: The view's own scripts, after ``bridge.js``, in order.
        render: The script's function that renders the tool result the host sends.
    """

    uri: str
    title: str
    description: str
    styles: tuple[str, ...]
    scripts: tuple[str, ...]
    render: str

    @property
    def name(self) -> str:
        """The resource's name: the last part of its address (``case.html``)."""
        return self.uri.rsplit("/", 1)[-1]


VIEWS: Final = (
    View(
        CASE_VIEW,
        "Case view",
        "A case at a glance, with the latest entries of its timeline and older ones on "
        "demand; a person changes its status, priority and assignee and comments on it.",
        styles=("case.css", "actions.css"),
        scripts=("case.js", "case_actions.js"),
        render="showCaseToActOn",
    ),
    View(
        QUEUE_VIEW,
        "Case queue",
        "Cases found by a search or a saved view, sorted and grouped as the person chooses; "
        "each opens in the case view.",
        styles=("case.css", "actions.css", "queue.css"),
        scripts=("case.js", "case_actions.js", "queue.js"),
        render="showQueue",
    ),
    View(
        COUNTS_VIEW,
        "Case counts",
        "How many cases match, as a bar chart per field, regrouped on request.",
        styles=("counts.css",),
        scripts=("counts.js",),
        render="showCounts",
    ),
    View(
        PREVIEW_VIEW,
        "Delete or change preview",
        "What a delete or bulk change destroys or changes, for a person to check and approve.",
        styles=("preview.css",),
        scripts=("preview.js",),
        render="showPreview",
    ),
)


def view_meta(uri: str | None, *, app_only: bool = False) -> dict[str, Any]:
    """The ``_meta`` of a tool shown in the view at `uri` (None: in none), or only called
    by views (`app_only`).

    Visibility is left out for the others: the spec's default is ``["model", "app"]``, and
    every character of a definition is paid for by the model in each conversation. An
    app-only tool names no view: the spec makes ``resourceUri`` optional, and a host shows
    no answer of a call a view made itself.
    """
    ui: dict[str, Any] = {} if uri is None else {"resourceUri": uri}
    if app_only:
        ui["visibility"] = ["app"]
    return {"ui": ui}


def without_view(tool: Tool) -> Tool:
    """`tool`'s definition naming no view (apps turned off)."""
    if not tool.meta or "ui" not in tool.meta:
        return tool
    meta = {key: value for key, value in tool.meta.items() if key != "ui"}
    return tool.model_copy(update={"meta": meta or None})


def views_extension() -> Apps:
    """The SDK's Apps extension serving every view, each with an empty CSP (no network)."""
    apps = Apps()
    for view in VIEWS:
        apps.add_html_resource(
            view.uri,
            view_html(view),
            name=view.name,
            title=view.title,
            description=view.description,
            csp=ResourceCsp(),
        )
    return apps


@functools.cache
def view_html(view: View) -> str:
    """`view`'s page: the template with its style and script inline, assembled once."""
    style = "\n".join(_part(name) for name in ("base.css", *view.styles))
    script = "\n".join(_part(name) for name in ("bridge.js", *view.scripts))
    # The title is ours (the table above), a JSON string is a JS string literal.
    start = f"start({json.dumps(view.title)}, {view.render});"
    return (
        _part("page.html")
        .replace("/*title*/", view.title)
        .replace("/*style*/", style.rstrip())
        .replace("/*script*/", f"{script.rstrip()}\n{start}")
    )


def _part(name: str) -> str:
    return files(__package__).joinpath(name).read_text(encoding="utf-8")
