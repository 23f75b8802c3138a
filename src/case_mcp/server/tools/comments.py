"""The `comments` toolset: a case's timeline, and the comments on it."""

from __future__ import annotations

from typing import Annotated, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.server._errors import reported
from case_mcp.server._render import result
from case_mcp.server._spec import ToolSpec
from case_mcp.server._state import ServerState, ToolContext, state_of
from case_mcp.server._views import (
    CommentView,
    Outcome,
    Timeline,
    timeline_entry,
    user_ref,
)
from case_mcp.server.tools.cases import CaseId, not_found

TIMELINE_PAGE_SIZE: Final = 20

CommentId = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="The comment's id, a UUID (get_case_timeline shows it).",
    ),
]


async def read_timeline(state: ServerState, case_id: str, page: int, page_size: int) -> Timeline:
    """One page of a case's timeline, newest first (shared with the timeline resource).

    Raises:
        DatadogError: From the client; callers translate it for their audience.
    """
    # Datadog counts timeline pages from 0 (the official client says so); ours count from 1,
    # like search_cases. Page 1 sends no number, which every server reads as the first page.
    cells = await state.client.list_case_timeline(
        case_id, page_size=page_size, page_number=page - 1 if page > 1 else None
    )
    # The timeline answer has no total: a full page may have a successor, a short one cannot.
    has_more = len(cells) == page_size
    return Timeline(
        case=case_id,
        page=page,
        page_size=page_size,
        has_more=has_more,
        next_page=page + 1 if has_more else None,
        entries=[timeline_entry(cell) for cell in cells if cell.attributes.deleted_at is None],
    )


async def get_case_timeline(
    case_id: CaseId,
    ctx: ToolContext,
    page: Annotated[int, Field(ge=1, le=10_000, description="Page number, from 1.")] = 1,
    page_size: Annotated[
        int, Field(ge=1, le=100, description="Entries per page, 1 to 100.")
    ] = TIMELINE_PAGE_SIZE,
) -> Annotated[CallToolResult, Timeline]:
    """Get a case's history, newest first: comments, and changes of status, priority, assignee...

    Use this tool to read the discussion on a case, to learn who changed what and when, or
    to find a comment's id. Page back with next_page while has_more is true.
    Example: {"case_id": "SEC-12", "page_size": 10}
    """
    with reported(not_found(case_id)):
        return result(await read_timeline(state_of(ctx), case_id, page, page_size))


async def add_case_comment(
    case_id: CaseId,
    comment: Annotated[
        str,
        Field(
            min_length=1,
            max_length=20_000,
            description="The comment text; Markdown is rendered.",
        ),
    ],
    ctx: ToolContext,
) -> Annotated[CallToolResult, CommentView]:
    """Add a comment to a case; returns the new comment's id.

    Use this tool to record findings, decisions or hand-over notes on a case. Comments are
    visible to everyone who can see the case.
    Example: {"case_id": "OPS-7", "comment": "Rolled back to v2.3.1; error rate is normal."}
    """
    if not comment.strip():
        raise ToolError("The comment is blank. Write the text to post.")
    with reported(not_found(case_id)):
        cell = await state_of(ctx).client.comment_case(case_id, comment)
    return result(
        CommentView(
            id=cell.id,
            case=case_id,
            author=user_ref(cell.author),
            created_at=cell.attributes.created_at,
        )
    )


async def delete_case_comment(
    case_id: CaseId,
    comment_id: CommentId,
    ctx: ToolContext,
) -> Annotated[CallToolResult, Outcome]:
    """Delete one comment from a case, for good.

    Use this tool only when the user asks to remove a comment (posted by mistake, or
    holding a secret). Change entries of the timeline cannot be deleted.
    Example: {"case_id": "SEC-12", "comment_id": "0f8e2b1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"}
    """
    with reported(
        f"Case {case_id!r} or its comment {comment_id!r} was not found. search_cases finds "
        "cases; get_case_timeline lists a case's comments with their ids."
    ):
        await state_of(ctx).client.delete_case_comment(case_id, comment_id)
    return result(Outcome(message=f"Deleted comment {comment_id} from case {case_id}."))


TOOLS = [
    ToolSpec("get_case_timeline", "Get a case's timeline", "comments", "read", get_case_timeline),
    ToolSpec("add_case_comment", "Comment on a case", "comments", "write", add_case_comment),
    ToolSpec(
        "delete_case_comment", "Delete a comment", "comments", "destructive", delete_case_comment
    ),
]
