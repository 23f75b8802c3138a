"""The `cases` toolset's changes to one field of a case: title, status, assignee, project...

Each tool sets a value, so repeating a call changes nothing more (they are idempotent), and
each returns the case as it is afterwards.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date
from typing import Annotated, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import BeforeValidator, Field

from case_mcp.models import CaseType, StatusesConfig, StatusGroupConfig
from case_mcp.server._state import State
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._catalog_views import case_type_view
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import CaseView, View, absent, case_view, status_of
from case_mcp.server.tools.cases import (
    Assignee,
    CaseId,
    Priority,
    ProjectKey,
    case_not_found,
)

Changed = Annotated[CallToolResult, CaseView]
StatusGroup = Literal["OPEN", "IN_PROGRESS", "CLOSED"]
_GROUPS: dict[StatusGroup, str] = {"OPEN": "open", "IN_PROGRESS": "in_progress", "CLOSED": "closed"}
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _written_as_a_date(value: object) -> object:
    """Only ``YYYY-MM-DD`` text (or null), as Datadog takes it: pydantic alone would also take
    a time of day or a Unix timestamp as a date."""
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        return value
    raise ValueError("not a date written YYYY-MM-DD")


async def update_case_title(
    case_id: CaseId,
    title: Annotated[str, Field(min_length=1, max_length=1000, description="The new title.")],
    state: State,
) -> Changed:
    """Change a case's title.

    Use this tool when the title no longer says what the case is about.
    Example: {"case_id": "OPS-12", "title": "Checkout 5xx after the 14:05 deploy"}
    """
    case = await state.client.update_case_title(case_id, title)
    return result(await case_view(case, state.lookup))


async def update_case_description(
    case_id: CaseId,
    description: Annotated[
        str, Field(max_length=20_000, description="The new description (Markdown); replaces it.")
    ],
    state: State,
) -> Changed:
    """Replace a case's description.

    Use this tool to rewrite the description; to add a note, use add_case_comment instead.
    Example: {"case_id": "OPS-12", "description": "Impact: 2% of checkouts fail."}
    """
    case = await state.client.update_case_description(case_id, description)
    return result(await case_view(case, state.lookup))


async def update_case_status(
    case_id: CaseId,
    state: State,
    status: Annotated[
        StatusGroup | None,
        Field(description="Move to the case type's default status of this group."),
    ] = None,
    status_name: Annotated[
        str | None,
        Field(
            max_length=100,
            description="A status the case type offers, as cases show it, e.g. 'Approved'.",
        ),
    ] = None,
) -> Changed:
    """Change a case's status: give status (OPEN, IN_PROGRESS, CLOSED) or a status_name.

    Use this tool to start, close or reopen a case. Case types can offer their own status
    names (list_case_types shows them); a wrong name gets the list.
    Example: {"case_id": "OPS-12", "status": "CLOSED"}
    """
    if (status is None) == (status_name is None):
        raise ToolError("Give either status (OPEN, IN_PROGRESS or CLOSED) or status_name.")
    case = await state.client.get_case(case_id)
    case_type = await state.lookup.case_type_of(case.attributes.type_id)
    if case_type is None or case_type.attributes.statuses_config is None:
        # Nothing to check against: Datadog decides, and says why it refuses.
        updated = await state.client.update_status(case.id, status, status_name)
    else:
        name = _status_name(case_type, case_type.attributes.statuses_config, status, status_name)
        updated = await state.client.update_status(case.id, status_name=name)
    return result(await case_view(updated, state.lookup))


def _status_name(
    case_type: CaseType,
    config: StatusesConfig,
    status: StatusGroup | None,
    status_name: str | None,
) -> str:
    """The status name to send: the group's default for a status, the exact spelling of a name."""
    type_name = case_type.attributes.name or case_type.id
    groups: dict[str, StatusGroupConfig | None] = {
        "open": config.open,
        "in_progress": config.in_progress,
        "closed": config.closed,
    }
    if status is not None:
        group = groups[_GROUPS[status]]
        if group is None or not (group.default or group.status_options):
            raise ToolError(f"Case type {type_name!r} has no {status} status; give status_name.")
        return group.default or group.status_options[0].name
    wanted = (status_name or "").strip().casefold()
    offered: list[str] = []
    for group_name, group in groups.items():
        if group is None:
            continue
        for option in group.status_options:
            if option.name.casefold() == wanted:
                return option.name
        names = ", ".join(repr(option.name) for option in group.status_options)
        offered.append(f"{group_name.replace('_', ' ')}: {names}")
    raise ToolError(
        f"Case type {type_name!r} has no status {status_name!r}. "
        f"Its statuses are {'; '.join(offered)}."
    )


class CaseStatuses(View):
    """The statuses a case can be given: its type's, by group, in the type's order."""

    case: str = Field(description="The case key or id.")
    status: str | None = absent(description="Its status now.")
    type: str | None = absent(description="Its case type's name.")
    statuses: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Status names by group (open, in_progress, closed); empty when Datadog "
        "names none, and then update_case_status takes status alone.",
    )


async def list_case_statuses(
    case_id: CaseId, state: State
) -> Annotated[CallToolResult, CaseStatuses]:
    """List the statuses a case's type offers, for the case view's status control.

    Use this tool from a view before offering a case's statuses.
    Example: {"case_id": "SEC-1"}
    """
    case = await state.client.get_case(case_id)
    case_type = await state.lookup.case_type_of(case.attributes.type_id)
    shown = case_type_view(case_type) if case_type is not None else None
    return result(
        CaseStatuses(
            case=case.key or case.id,
            status=status_of(case),
            type=shown.name if shown is not None else None,
            statuses=shown.statuses if shown is not None else {},
        )
    )


async def update_case_priority(
    case_id: CaseId,
    priority: Annotated[Priority, Field(description="P1 is the most urgent.")],
    state: State,
) -> Changed:
    """Change a case's priority.

    Use this tool when a case's urgency changed.
    Example: {"case_id": "SEC-4", "priority": "P1"}
    """
    case = await state.client.update_priority(case_id, priority)
    return result(await case_view(case, state.lookup))


async def update_case_due_date(
    case_id: CaseId,
    due_date: Annotated[
        date | None,
        BeforeValidator(_written_as_a_date),
        Field(description="The date it should be resolved by, YYYY-MM-DD; null clears it."),
    ],
    state: State,
) -> Changed:
    """Set the date a case should be resolved by, or clear it with null.

    Use this tool when a case gets a deadline or its deadline moves.
    Example: {"case_id": "SEC-4", "due_date": "2026-12-31"}
    """
    case = await state.client.update_case_due_date(case_id, due_date)
    return result(await case_view(case, state.lookup))


async def assign_case(case_id: CaseId, assignee: Assignee, state: State) -> Changed:
    """Assign a case to a user, replacing any assignee.

    Use this tool to hand a case to someone; find_users finds people by name.
    Example: {"case_id": "OPS-12", "assignee": "maya.chen@demo-org.example"}
    """
    user = await state.lookup.user(assignee)
    case = await state.client.assign_case(case_id, user.id)
    return result(await case_view(case, state.lookup))


async def unassign_case(case_id: CaseId, state: State) -> Changed:
    """Remove a case's assignee.

    Use this tool to put a case back in the unassigned queue.
    Example: {"case_id": "OPS-12"}
    """
    case = await state.client.unassign_case(case_id)
    return result(await case_view(case, state.lookup))


async def archive_case(case_id: CaseId, state: State) -> Changed:
    """Archive a case: searches leave it out; unarchive_case brings it back.

    Use this tool for duplicates and noise that should leave the queue; to finish work,
    close it with update_case_status instead.
    Example: {"case_id": "OPS-12"}
    """
    case = await state.client.archive_case(case_id)
    return result(await case_view(case, state.lookup))


async def unarchive_case(case_id: CaseId, state: State) -> Changed:
    """Bring an archived case back into searches.

    Use this tool when an archived case is relevant again (search_cases finds archived
    cases with archived:true).
    Example: {"case_id": "OPS-12"}
    """
    case = await state.client.unarchive_case(case_id)
    return result(await case_view(case, state.lookup))


async def move_case_to_project(case_id: CaseId, project: ProjectKey, state: State) -> Changed:
    """Move a case to another project; it gets a key there, and its old key still works.

    Use this tool when a case was filed in the wrong project.
    Example: {"case_id": "OPS-12", "project": "SEC"}
    """
    target = await state.lookup.project(project)
    case = await state.client.move_case_to_project(case_id, target.id)
    return result(await case_view(case, state.lookup))


def _change(name: str, title: str, handler: Callable[..., Awaitable[CallToolResult]]) -> ToolSpec:
    """A tool of this module: it sets one field of the case its ``case_id`` names."""
    return ToolSpec(name, title, "cases", "idempotent_write", handler, not_found=case_not_found)


TOOLS = [
    _change("update_case_title", "Retitle a case", update_case_title),
    _change("update_case_description", "Replace a case's description", update_case_description),
    _change("update_case_status", "Change a case's status", update_case_status),
    ToolSpec(
        "list_case_statuses",
        "List a case's statuses",
        "cases",
        "read",
        list_case_statuses,
        not_found=case_not_found,
        app_only=True,
    ),
    _change("update_case_priority", "Change a case's priority", update_case_priority),
    _change("update_case_due_date", "Set or clear a case's due date", update_case_due_date),
    _change("assign_case", "Assign a case", assign_case),
    _change("unassign_case", "Unassign a case", unassign_case),
    _change("archive_case", "Archive a case", archive_case),
    _change("unarchive_case", "Unarchive a case", unarchive_case),
    _change("move_case_to_project", "Move a case to another project", move_case_to_project),
]
