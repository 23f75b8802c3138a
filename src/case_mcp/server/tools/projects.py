"""The `projects` toolset: the projects cases are filed in."""

from __future__ import annotations

from typing import Annotated

from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import BadRequestError
from case_mcp.models import Project
from case_mcp.server._errors import reported
from case_mcp.server._render import result
from case_mcp.server._spec import ToolSpec
from case_mcp.server._state import ServerState, ToolContext, state_of
from case_mcp.server._views import Outcome, ProjectList, ProjectView, project_view

ProjectKeyOrId = Annotated[
    str,
    Field(min_length=1, max_length=100, description="The project key (e.g. SEC) or UUID."),
]


def _gone(project: str) -> str:
    return f"Project {project!r} was not found. list_projects shows the projects."


async def list_projects(ctx: ToolContext) -> Annotated[CallToolResult, ProjectList]:
    """List every project: its key, name and id.

    Use this tool to learn which projects exist before creating or moving a case, or to
    turn a project name into its key.
    Example: {}
    """
    with reported("No projects were found."):
        projects = await state_of(ctx).lookup.projects()
    return result(ProjectList(projects=[project_view(project) for project in projects]))


async def get_project(
    project: ProjectKeyOrId, ctx: ToolContext
) -> Annotated[CallToolResult, ProjectView]:
    """Get one project by key or id.

    Use this tool to check that a project exists, or to find its id or name from its key.
    Example: {"project": "SEC"}
    """
    with reported(_gone(project)):
        return result(project_view(await state_of(ctx).lookup.project(project)))


async def create_project(
    key: Annotated[
        str,
        Field(
            pattern=r"^[A-Za-z][A-Za-z0-9]{0,9}$",
            description="1-10 letters or digits, starting with a letter; upper-cased. "
            "Case keys take it as prefix (SEC -> SEC-1).",
        ),
    ],
    name: Annotated[str, Field(min_length=1, max_length=200, description="Display name.")],
    ctx: ToolContext,
) -> Annotated[CallToolResult, ProjectView]:
    """Create a project that cases can be filed in.

    Use this tool when the user wants a new queue of cases with its own key; check
    list_projects first, a key cannot be reused.
    Example: {"key": "NET", "name": "Network Operations"}
    """
    state = state_of(ctx)
    with reported("Datadog could not find where to create the project."):
        project = await state.client.create_project(key.upper(), name.strip())
    state.lookup.projects_changed()
    return result(project_view(project))


async def delete_project(
    project: ProjectKeyOrId, ctx: ToolContext
) -> Annotated[CallToolResult, Outcome]:
    """Delete a project for good; the cases still filed in it are lost with it.

    Use this tool only when the user explicitly asks to delete a project; first move any
    case worth keeping elsewhere (move_case_to_project). This cannot be undone.
    Example: {"project": "TMP"}
    """
    state = state_of(ctx)
    with reported(_gone(project)):
        target = await state.lookup.project(project)
        held = await _case_count(state, target)
        await state.client.delete_project(target.id)
    state.lookup.projects_changed()
    label = f"{target.attributes.key} ({target.attributes.name})"
    if held is None:
        return result(Outcome(message=f"Deleted project {label} and the cases it held."))
    return result(
        Outcome(
            message=f"Deleted project {label}, which held {held} case{'' if held == 1 else 's'}."
        )
    )


async def _case_count(state: ServerState, project: Project) -> int | None:
    """How many cases, archived ones included, a project holds; None if Datadog won't say."""
    query = f"project:{project.attributes.key or project.id} archived:any"
    try:
        page = await state.client.search_cases(query, page_size=1)
    except BadRequestError:
        # The count only informs the outcome message; an org whose search rejects the
        # query can still delete the project.
        return None
    return page.total


TOOLS = [
    ToolSpec("list_projects", "List projects", "projects", "read", list_projects),
    ToolSpec("get_project", "Get a project", "projects", "read", get_project),
    ToolSpec("create_project", "Create a project", "projects", "write", create_project),
    ToolSpec("delete_project", "Delete a project", "projects", "destructive", delete_project),
]
