"""The `cases` toolset: find, read, create and change cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import CustomAttributeValue, Project
from case_mcp.server._errors import Creation
from case_mcp.server._state import State
from case_mcp.server.apps import CASE_VIEW, QUEUE_VIEW
from case_mcp.server.guardrails._spec import ToolSpec, named_by_arguments
from case_mcp.server.tools._custom_values import CustomValueInput, check_value
from case_mcp.server.tools._lookup import Lookup, user_handle
from case_mcp.server.tools._render import result
from case_mcp.server.tools._search_query import facet
from case_mcp.server.tools._views import (
    CaseDetails,
    CaseSearchResult,
    CaseView,
    case_summary,
    case_view,
    timeline_entry,
)

CaseId = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="The case key (e.g. SEC-12) or the case UUID.",
    ),
]
Priority = Literal["P1", "P2", "P3", "P4", "P5", "NOT_DEFINED"]
Assignee = Annotated[
    str,
    Field(
        min_length=1,
        max_length=200,
        description='A user\'s email, handle or UUID, or "Name <email>" as cases show people.',
    ),
]
ProjectKey = Annotated[
    str, Field(min_length=1, max_length=100, description="A project key (e.g. SEC) or UUID.")
]

# Datadog's built-in Standard case type has this id in every organisation.
STANDARD_TYPE_ID: Final = "00000000-0000-0000-0000-000000000001"

_A_CASE: Final = Creation(
    "the case",
    "search_cases (with words of its title and its project, newest first)",
    "create_case",
)


def case_not_found(arguments: Mapping[str, Any]) -> str:
    """The not-found hint of a tool that names a case by ``case_id``."""
    return f"Case {arguments['case_id']!r} was not found. search_cases finds cases and their keys."


async def get_case(
    case_id: CaseId,
    state: State,
    timeline: Annotated[
        int, Field(ge=0, le=100, description="Also return this many latest timeline entries.")
    ] = 0,
) -> Annotated[CallToolResult, CaseDetails]:
    """Get one case: status, priority, assignee, project, description, attributes.

    Use this tool when you have a case key or id and need its details; with timeline, its
    latest comments and changes too (get_case_timeline pages further).
    Example: {"case_id": "SEC-12"}
    """
    case = await state.client.get_case(case_id)
    view = await case_view(case, state.lookup)
    entries = []
    if timeline:
        cells = await state.client.list_case_timeline(case.id, page_size=timeline)
        entries = [timeline_entry(cell) for cell in cells if cell.attributes.deleted_at is None]
    return result(CaseDetails(**dict(view), timeline=entries))


async def search_cases(
    state: State,
    query: Annotated[
        str,
        Field(
            max_length=1000,
            description=(
                "Datadog search syntax; terms are ANDed. Facets: status:open|in_progress|closed, "
                "priority:p1..p5, project:SEC, assignee:EMAIL|none, type:security, key:SEC-12, "
                "any attribute (service:web-api), created_at:>now-7d. Free words and "
                '"quoted phrases" match title or description. -term negates, OR and ( ) combine. '
                "Archived cases only with archived:true. Empty: all cases."
            ),
        ),
    ] = "",
    status: Annotated[
        Literal["open", "in_progress", "closed"] | None,
        Field(description="Shortcut for the status group (status_group:...)."),
    ] = None,
    priority: Annotated[Priority | None, Field(description="Shortcut for priority:...")] = None,
    project: Annotated[
        str | None, Field(max_length=100, description="Shortcut: a project key or id.")
    ] = None,
    assignee: Annotated[
        str | None,
        Field(
            max_length=200,
            description="Shortcut: a person as cases show one, an email, handle or id, or 'none'.",
        ),
    ] = None,
    sort: Annotated[
        Literal["created_at", "priority", "status"],
        Field(description="Sort field: newest first, most urgent first, or by status."),
    ] = "created_at",
    ascending: Annotated[bool, Field(description="Reverse the sort order.")] = False,
    page: Annotated[int, Field(ge=1, le=10_000, description="Page number, from 1.")] = 1,
    page_size: Annotated[int, Field(ge=1, le=100, description="Cases per page, 1 to 100.")] = 25,
) -> Annotated[CallToolResult, CaseSearchResult]:
    """Search cases with Datadog's query syntax, plus status/priority/project/assignee shortcuts.

    Use this tool to find cases (and their keys) by status, priority, project, assignee,
    attributes or text. The answer says how many cases match and whether more pages exist.
    Example: {"query": "service:checkout-api -status:closed", "priority": "P1"}
    """
    terms = [query.strip()] if query.strip() else []
    if status:
        terms.append(facet("status_group", status))
    if priority:
        terms.append(facet("priority", priority.lower()))
    if project:
        named = await state.lookup.project(project)
        terms.append(facet("project", named.attributes.key or named.id))
    if assignee:
        # Unquoted, none is the search syntax's word for "unassigned"; quoted, a person.
        who = user_handle(assignee)
        terms.append("assignee:none" if who.lower() == "none" else facet("assignee", who))
    found = await state.client.search_cases(
        " ".join(terms) or None,
        page_size=page_size,
        page_number=page,
        sort_field=sort,
        sort_ascending=ascending,
    )
    project_keys = {p.id: p.attributes.key or p.id for p in await state.lookup.projects()}
    return result(
        CaseSearchResult(
            total=found.total if found.total is not None else len(found.cases),
            page=page,
            page_size=page_size,
            has_more=found.has_more,
            next_page=page + 1 if found.has_more else None,
            cases=[case_summary(case, project_keys) for case in found.cases],
        )
    )


async def create_case(
    title: Annotated[
        str, Field(min_length=1, max_length=1000, description="One line: what is wrong or needed.")
    ],
    state: State,
    project: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Project key (e.g. SEC) or UUID; may be left out if only one exists.",
        ),
    ] = None,
    case_type: Annotated[
        str | None,
        Field(
            max_length=100, description="Case type name (e.g. Security) or UUID; default Standard."
        ),
    ] = None,
    priority: Annotated[Priority, Field(description="P1 is the most urgent.")] = "NOT_DEFINED",
    description: Annotated[
        str | None, Field(max_length=20_000, description="Details, in Markdown.")
    ] = None,
    assignee: Annotated[
        str | None, Field(max_length=200, description="Assign to: email, handle or user UUID.")
    ] = None,
    custom_attributes: Annotated[
        dict[str, CustomValueInput] | None,
        Field(
            description="Values by key; list_custom_attributes shows the type's keys.",
        ),
    ] = None,
) -> Annotated[CallToolResult, CaseView]:
    """Create a case in a project; returns it with its new key.

    Use this tool to open a case for an incident, investigation or request; search_cases
    first to avoid a duplicate.
    Example: {"title": "Checkout 5xx above 2%", "project": "OPS", "priority": "P2"}
    """
    lookup = state.lookup
    project_id = (await _project_for_new_case(lookup, project)).id
    kind = await lookup.case_type(case_type or STANDARD_TYPE_ID)
    assignee_id = (await lookup.user(assignee)).id if assignee else None
    values: dict[str, CustomAttributeValue] = {}
    for key, value in (custom_attributes or {}).items():
        config = await lookup.custom_attribute(kind, key)
        values[config.attributes.key or key] = check_value(config, value).to_model()
    case = await state.client.create_case(
        title,
        type_id=kind.id,
        project_id=project_id,
        priority=priority,
        description=description,
        assignee_id=assignee_id,
        custom_attributes=values or None,
    )
    return result(await case_view(case, lookup))


async def _project_for_new_case(lookup: Lookup, project: str | None) -> Project:
    if project is not None and project.strip():
        return await lookup.project(project)
    projects = await lookup.projects()
    if len(projects) == 1:
        return projects[0]
    names = ", ".join(sorted(f"{p.attributes.key} ({p.attributes.name})" for p in projects))
    raise ToolError(
        f"Say which project the case goes in: {names}."
        if projects
        else "There is no project yet; create_project makes one."
    )


def _created_case(arguments: Mapping[str, Any], answer: Mapping[str, Any] | None) -> dict[str, Any]:
    """The new case's key (its id while it has none) and the project it was filed in."""
    target = named_by_arguments(arguments)
    if answer is not None:
        target["case"] = answer.get("key") or answer.get("id")
    return target


TOOLS = [
    ToolSpec(
        "search_cases",
        "Search cases",
        "cases",
        "read",
        search_cases,
        not_found="No cases matched.",
        view=QUEUE_VIEW,
    ),
    ToolSpec(
        "get_case",
        "Get a case",
        "cases",
        "read",
        get_case,
        not_found=case_not_found,
        view=CASE_VIEW,
    ),
    ToolSpec(
        "create_case",
        "Create a case",
        "cases",
        "write",
        create_case,
        audit_target=_created_case,
        not_found="The project, case type or assignee was not found.",
        created=_A_CASE,
    ),
]
