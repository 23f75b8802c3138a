"""Resources: a case, and its timeline, by URI.

``case://SEC-12`` is the case as get_case returns it; ``case://SEC-12/timeline`` is the
newest page of its timeline, and ``case://SEC-12/timeline?page=2`` the page before. Each
timeline page names the next one's URI in ``next``, so a client can page back without
knowing the template. The documents are the tools' compact JSON.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Final

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError
from mcp.types import INVALID_PARAMS
from pydantic import Field

from case_mcp.errors import NotFoundError
from case_mcp.server._errors import reported
from case_mcp.server._state import ToolContext, state_of
from case_mcp.server.tools._render import compact_text
from case_mcp.server.tools._views import Timeline, case_view

CASE_URI: Final = "case://{case_id}"
TIMELINE_URI: Final = "case://{case_id}/timeline{?page}"
TIMELINE_PAGE_SIZE: Final = 50
_JSON: Final = "application/json"


class TimelinePage(Timeline):
    """A page of a case's timeline, newest first, with the URI of the page before it."""

    next: str | None = Field(None, description="The URI of the next, older page, if any.")


def timeline_uri(case_id: str, page: int = 1) -> str:
    """The URI of a page of a case's timeline (page 1 is the newest)."""
    return f"case://{case_id}/timeline" + (f"?page={page}" if page > 1 else "")


@contextmanager
def _read(uri: str, case_id: str) -> Iterator[None]:
    """Client errors as resource errors: not-found names the id, the rest say what to do."""
    try:
        with reported(""):
            yield
    except ToolError as error:
        if isinstance(error.__cause__, NotFoundError):
            raise ResourceNotFoundError(
                f"Case {case_id!r} was not found ({uri}). The search_cases tool finds case keys."
            ) from error.__cause__
        raise ResourceError(str(error)) from error


def _page_number(uri: str, page: str | None) -> int:
    if page is None or page == "":
        return 1
    if not page.isdigit() or not 1 <= int(page) <= 10_000:
        raise MCPError(
            INVALID_PARAMS,
            f"page must be a whole number from 1 to 10000, not {page[:20]!r}.",
            data={"uri": uri},
        )
    return int(page)


def register_resources(server: MCPServer[Any]) -> None:
    """Add the case resources to the server."""

    @server.resource(CASE_URI, name="case", title="Case", mime_type=_JSON)
    async def case(case_id: str, ctx: ToolContext) -> str:
        """A case as JSON: status, priority, assignee, project, description, attributes."""
        state = state_of(ctx)
        with _read(f"case://{case_id}", case_id):
            return compact_text(await case_view(await state.client.get_case(case_id), state.lookup))

    @server.resource(TIMELINE_URI, name="case_timeline", title="Case timeline", mime_type=_JSON)
    async def case_timeline(case_id: str, ctx: ToolContext, page: str | None = None) -> str:
        """A case's comments and changes as JSON, newest first; ?page=2 and on go back."""
        # Here, not at the top: registering the resources must not import a toolset, which
        # start-up leaves to the first tool call (`case_mcp.server._catalog`).
        from case_mcp.server.tools.comments import read_timeline

        number = _page_number(timeline_uri(case_id), page)
        with _read(timeline_uri(case_id, number), case_id):
            timeline = await read_timeline(state_of(ctx), case_id, number, TIMELINE_PAGE_SIZE)
        document = TimelinePage(
            **timeline.model_dump(),
            next=timeline_uri(case_id, number + 1) if timeline.has_more else None,
        )
        return compact_text(document)
