"""Everyday work on a case beyond its fields, in the default toolsets: the resolved reason of a
security case and its watchers (`cases`), and editing a comment (`comments`).

Each change sets state, so repeating a call changes nothing more. Unwatching undoes watching
and destroys nothing (the user can watch again), so it is a set, not a delete.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import BadRequestError, NotFoundError
from case_mcp.models import ResolvedReason, UserRef
from case_mcp.server._state import ServerState, State
from case_mcp.server.guardrails._spec import ToolKind, ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import CaseView, CommentView, View, case_view, person
from case_mcp.server.tools.cases import Assignee, CaseId, case_not_found
from case_mcp.server.tools.comments import CommentId


class Watchers(View):
    """Who is notified of a case's changes."""

    case: str = Field(description="The case key or id.")
    watchers: list[str] = Field(description="Each watcher as cases show people.")


async def update_case_resolved_reason(
    case_id: CaseId,
    reason: Annotated[ResolvedReason, Field(description="Why the case was resolved.")],
    state: State,
) -> Annotated[CallToolResult, CaseView]:
    """Record why a security case was resolved: FALSE_POSITIVE, TRUE_POSITIVE or BENIGN_POSITIVE.

    Use this tool when closing or reviewing a security case.
    Example: {"case_id": "SEC-3", "reason": "FALSE_POSITIVE"}
    """
    case = await state.client.update_case_resolved_reason(case_id, reason)
    return result(await case_view(case, state.lookup))


async def _watchers(state: ServerState, case_id: str) -> Watchers:
    people: list[str] = []
    for watcher in await state.client.list_case_watchers(case_id):
        if watcher.user_id is None:
            continue
        try:
            user = await state.client.get_user(watcher.user_id)
        except NotFoundError:  # a user Datadog no longer knows: the id is all there is
            people.append(watcher.user_id)
            continue
        attributes = user.attributes
        ref = UserRef(id=user.id, name=attributes.name, email=attributes.email or None)
        people.append(person(ref) or user.id)
    return Watchers(case=case_id, watchers=people)


async def list_case_watchers(case_id: CaseId, state: State) -> Annotated[CallToolResult, Watchers]:
    """List who watches a case (is notified of its changes).

    Use this tool to see who follows a case before pinging people or handing it over.
    Example: {"case_id": "SEC-12"}
    """
    return result(await _watchers(state, case_id))


WatcherArg = Annotated[Assignee, Field(description="The user: email, handle or UUID.")]


async def watch_case(
    case_id: CaseId, user: WatcherArg, state: State
) -> Annotated[CallToolResult, Watchers]:
    """Make a user a watcher of a case; returns the watchers.

    Use this tool when someone asks to follow a case's updates.
    Example: {"case_id": "SEC-12", "user": "maya.chen@demo-org.example"}
    """
    found = await state.lookup.user(user)
    await state.client.watch_case(case_id, found.id)
    return result(await _watchers(state, case_id))


async def unwatch_case(
    case_id: CaseId, user: WatcherArg, state: State
) -> Annotated[CallToolResult, Watchers]:
    """Stop a user watching a case (they can watch again); returns the watchers.

    Use this tool when someone no longer wants a case's updates.
    Example: {"case_id": "SEC-12", "user": "maya.chen@demo-org.example"}
    """
    found = await state.lookup.user(user)
    await state.client.unwatch_case(case_id, found.id)
    return result(await _watchers(state, case_id))


async def update_case_comment(
    case_id: CaseId,
    comment_id: CommentId,
    comment: Annotated[
        str, Field(min_length=1, max_length=20_000, description="The new text; replaces it.")
    ],
    state: State,
) -> Annotated[CallToolResult, CommentView]:
    """Edit a comment's text; it keeps its id and the timeline shows it edited.

    Use this tool to fix or complete a comment. Only comments can be edited.
    Example: {"case_id": "SEC-3", "comment_id": "84210936-5c63-570a-9a32-12cd34a78053", "comment": "Credentials rotated."}
    """  # noqa: E501 (an example is one line)
    if not comment.strip():
        raise ToolError("The comment is blank. Write the new text.")
    try:
        await state.client.update_case_comment(case_id, comment_id, comment)
    except BadRequestError:
        raise ToolError(
            f"{comment_id!r} was not edited: it is not a comment of case {case_id!r} (status, "
            "priority and other changes cannot be edited). get_case_timeline shows comments "
            "with their ids."
        ) from None
    return result(CommentView(id=comment_id, case=case_id, message=comment))


def _comment_not_found(arguments: Mapping[str, Any]) -> str:
    return (
        f"Case {arguments['case_id']!r} or its comment {arguments['comment_id']!r} was not "
        "found. search_cases finds cases; get_case_timeline lists a case's comments with "
        "their ids."
    )


def _case_work(
    name: str, title: str, kind: ToolKind, handler: Callable[..., Awaitable[CallToolResult]]
) -> ToolSpec:
    return ToolSpec(name, title, "cases", kind, handler, not_found=case_not_found)


TOOLS = [
    _case_work(
        "update_case_resolved_reason",
        "Set a security case's resolved reason",
        "idempotent_write",
        update_case_resolved_reason,
    ),
    _case_work("list_case_watchers", "List a case's watchers", "read", list_case_watchers),
    _case_work("watch_case", "Watch a case", "idempotent_write", watch_case),
    _case_work("unwatch_case", "Stop watching a case", "idempotent_write", unwatch_case),
    ToolSpec(
        "update_case_comment",
        "Edit a comment",
        "comments",
        "idempotent_write",
        update_case_comment,
        not_found=_comment_not_found,
    ),
]
