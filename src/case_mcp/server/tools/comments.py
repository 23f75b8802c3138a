"""The `comments` toolset: a case's timeline, and the comments on it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import TimelineCell
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import LINE_LENGTH, NAME_LENGTH, identifier, quoted
from case_mcp.server.guardrails._sanitize import clean_text
from case_mcp.server.guardrails._spec import ToolSpec, named_by_arguments
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import (
    CommentView,
    Timeline,
    View,
    timeline_entry,
    user_ref,
)
from case_mcp.server.tools.cases import CaseId, case_not_found

TIMELINE_PAGE_SIZE: Final = 20

# How far back delete_case_comment looks for the comment it shows a person: 20 pages of 100.
_PAGE: Final = 100
_COMMENT_SEARCH_PAGES: Final = 20

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
    state: State,
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
    return result(await read_timeline(state, case_id, page, page_size))


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
    state: State,
) -> Annotated[CallToolResult, CommentView]:
    """Add a comment to a case; returns the new comment's id.

    Use this tool to record findings, decisions or hand-over notes on a case. Comments are
    visible to everyone who can see the case.
    Example: {"case_id": "OPS-7", "comment": "Rolled back to v2.3.1; error rate is normal."}
    """
    if not comment.strip():
        raise ToolError("The comment is blank. Write the text to post.")
    cell = await state.client.comment_case(case_id, comment)
    return result(
        CommentView(
            id=cell.id,
            case=case_id,
            author=user_ref(cell.author),
            created_at=cell.attributes.created_at,
        )
    )


class CommentLoss(View):
    """What deleting a comment destroys."""

    case: str = Field(description="The case key.")
    comment_id: str
    author: str | None = Field(None, description="Who wrote it: a name, or an email.")
    created_at: datetime | None = None
    first_line: str | None = Field(None, description="The comment's first line, shortened.")


class CommentDeletion(Deletion[CommentLoss]):
    """What delete_case_comment did: deleted or not, why, and the comment at stake."""


def _comment_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Case {arguments['case_id']!r} or its comment {arguments['comment_id']!r} was not "
        "found. search_cases finds cases; get_case_timeline lists a case's comments with "
        "their ids."
    )


async def _find_comment(state: ServerState, case_id: str, comment_id: str) -> TimelineCell | None:
    """The comment, from the case's timeline (Datadog has no endpoint for one comment)."""
    wanted = comment_id.lower()
    for page in range(_COMMENT_SEARCH_PAGES):
        cells = await state.client.list_case_timeline(
            case_id, page_size=_PAGE, page_number=page or None
        )
        for cell in cells:
            if cell.id.lower() == wanted:
                return cell
        if len(cells) < _PAGE:
            return None
    # Fail closed: a comment that cannot be shown to the person cannot be approved.
    raise ToolError(
        f"Comment {comment_id!r} is not among the newest {_COMMENT_SEARCH_PAGES * _PAGE} "
        "entries of the case's timeline, so what it holds cannot be shown for confirmation; "
        "it was not deleted."
    )


async def _read_comment_loss(case_id: str, comment_id: str, state: State) -> Loss[CommentLoss]:
    case = await state.client.get_case(case_id)
    cell = await _find_comment(state, case.id, comment_id)
    if cell is None or cell.attributes.deleted_at is not None:
        raise ToolError(_comment_gone({"case_id": case_id, "comment_id": comment_id}))
    if cell.attributes.type != "COMMENT":
        raise ToolError(
            f"Timeline entry {comment_id!r} of case {case_id!r} is a change record, not a "
            "comment; only comments can be deleted."
        )
    key = case.attributes.key or case.id
    author = cell.author
    written_by = (author.name or author.email or None) if author is not None else None
    text = clean_text(cell.message or "")
    first = next((line.strip() for line in text.splitlines() if line.strip()), "")
    if len(first) > LINE_LENGTH:
        first = first[: LINE_LENGTH - 1] + "\u2026"
    created = cell.attributes.created_at
    when = created.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if created else "unknown"
    who = written_by or ""
    if author is not None and author.name and author.email:
        who += f" <{author.email}>"
    return Loss(
        tool="delete_case_comment",
        target=f"comment:{case.id}:{cell.id.lower()}",
        key=key,
        subject=f"The comment {cell.id} on case {key}",
        question=f"Delete this comment from case {identifier(key)} for good?\n"
        f"Author: {quoted(who, 2 * NAME_LENGTH) if who else 'unknown'}\nPosted: {when}\n"
        f"First line: {quoted(first, LINE_LENGTH)}\n"
        f"This cannot be undone. To confirm, type the case key: {identifier(key)}",
        preview=CommentLoss(
            case=key,
            comment_id=cell.id,
            author=written_by,
            created_at=created,
            first_line=first or None,
        ),
        facts={
            "case": case.id,
            "key": key,
            "comment": cell.id.lower(),
            # Who the person was told wrote it, as well as who did.
            "author": author.id if author is not None else None,
            "author_shown": who,
            "created_at": created.isoformat() if created else None,
            "message": cell.message,
        },
        audit_target={"case": key, "comment": cell.id},
    )


async def _delete_comment(state: ServerState, loss: Loss[CommentLoss]) -> str:
    await state.client.delete_case_comment(loss.facts["case"], loss.preview.comment_id)
    return f"Deleted comment {loss.preview.comment_id} from case {loss.key}."


_DELETE: Final = ConfirmedDelete(
    _read_comment_loss, _delete_comment, outcome=CommentDeletion, not_found=_comment_gone
)


async def delete_case_comment(
    case_id: CaseId,
    comment_id: CommentId,
    ctx: ToolContext,
    loss: Annotated[Loss[CommentLoss], Resolve(_DELETE.read)],
    answer: Annotated[Answer, Resolve(_DELETE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, CommentDeletion]:
    """Delete one comment from a case, for good, once a person confirms.

    Use this tool only when the user asks to remove a comment (posted by mistake, or
    holding a secret). Change entries of the timeline cannot be deleted. The user is asked
    to type the case key; or the first call returns a preview and a confirmation_token, to
    repeat the call with once the user approves.
    Example: {"case_id": "SEC-12", "comment_id": "0f8e2b1c-3a4d-4e5f-8a9b-0c1d2e3f4a5b"}
    """
    return await _DELETE.settle(
        ctx,
        loss,
        answer,
        case_id=case_id,
        comment_id=comment_id,
        confirmation_token=confirmation_token,
    )


def _new_comment(arguments: Mapping[str, Any], answer: Mapping[str, Any] | None) -> dict[str, Any]:
    """The case commented on and, once Datadog answered, the new comment's id."""
    target = named_by_arguments(arguments)
    if answer is not None:
        target["comment"] = answer.get("id")
    return target


TOOLS = [
    ToolSpec(
        "get_case_timeline",
        "Get a case's timeline",
        "comments",
        "read",
        get_case_timeline,
        not_found=case_not_found,
    ),
    ToolSpec(
        "add_case_comment",
        "Comment on a case",
        "comments",
        "write",
        add_case_comment,
        audit_target=_new_comment,
        not_found=case_not_found,
        created=Creation("the comment", "get_case_timeline on that case", "add_case_comment"),
    ),
    ToolSpec(
        "delete_case_comment",
        "Delete a comment",
        "comments",
        "destructive",
        delete_case_comment,
        view=PREVIEW_VIEW,
    ),
]
