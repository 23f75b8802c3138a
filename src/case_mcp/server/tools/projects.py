"""The `projects` toolset: the projects cases are filed in."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import BadRequestError
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import identifier, quoted
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._search_query import facet
from case_mcp.server.tools._views import ProjectList, ProjectView, View, project_view

# How many cases a project's delete can show for confirmation: 20 pages of 100.
_PAGE: Final = 100
_CASE_PAGES: Final = 20

ProjectKeyOrId = Annotated[
    str,
    Field(min_length=1, max_length=100, description="The project key (e.g. SEC) or UUID."),
]


def _gone(arguments: Mapping[str, Any]) -> str:
    return f"Project {arguments['project']!r} was not found. list_projects shows the projects."


async def list_projects(state: State) -> Annotated[CallToolResult, ProjectList]:
    """List every project: its key, name and id.

    Use this tool to learn which projects exist before creating or moving a case, or to
    turn a project name into its key.
    Example: {}
    """
    projects = await state.lookup.projects(fresh=True)
    return result(ProjectList(projects=[project_view(project) for project in projects]))


async def get_project(
    project: ProjectKeyOrId, state: State
) -> Annotated[CallToolResult, ProjectView]:
    """Get one project by key or id.

    Use this tool to check that a project exists, or to find its id or name from its key.
    Example: {"project": "SEC"}
    """
    # Read the project itself: a copied list may still hold one deleted elsewhere.
    found = await state.client.get_project((await state.lookup.project(project)).id)
    return result(project_view(found))


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
    state: State,
) -> Annotated[CallToolResult, ProjectView]:
    """Create a project that cases can be filed in.

    Use this tool when the user wants a new queue of cases with its own key; check
    list_projects first, a key cannot be reused.
    Example: {"key": "NET", "name": "Network Operations"}
    """
    project = await state.client.create_project(key.upper(), name.strip())
    state.lookup.projects_changed()
    return result(project_view(project))


class ProjectLoss(View):
    """What deleting a project destroys: the project and every case filed in it."""

    project: str = Field(description="The project key.")
    name: str | None = None
    id: str
    cases: int = Field(description="How many cases it holds, archived ones included; all are lost.")


class ProjectDeletion(Deletion[ProjectLoss]):
    """What delete_project did: deleted or not, why, and the project at stake."""


async def _read_project_loss(project: str, state: State) -> Loss[ProjectLoss]:
    # Fresh from Datadog, not the lookup's copy: the person approves what is there now.
    found = await state.client.get_project((await state.lookup.project(project)).id)
    key = found.attributes.key or found.id
    held = await _held_cases(state, key)
    name = found.attributes.name
    label = f"{identifier(key)}, named {quoted(name)}," if name else identifier(key)
    holds = f"It holds {_cases(len(held))}, archived ones included; they are deleted with it."
    return Loss(
        tool="delete_project",
        target=f"project:{found.id}",
        key=key,
        subject=f"The project {key}",
        question=f"Delete the project {label} for good? {holds} This cannot be undone.\n"
        f"To confirm, type the project key: {identifier(key)}",
        preview=ProjectLoss(project=key, name=name, id=found.id, cases=len(held)),
        # The cases by identity, not by count: one moved out and another moved in keep the
        # count, and the approval must not pass to a case the person was never shown.
        facts={"id": found.id, "key": key, "name": name, "cases": sorted(held)},
        audit_target={"project": key},
    )


async def _delete_project(state: ServerState, loss: Loss[ProjectLoss]) -> str:
    await state.client.delete_project(loss.preview.id)
    state.lookup.projects_changed()
    name = loss.preview.name
    label = f"{loss.key}, named {quoted(name)}" if name else loss.key
    return f"Deleted project {label}, which held {_cases(loss.preview.cases)}."


_DELETE: Final = ConfirmedDelete(
    _read_project_loss, _delete_project, outcome=ProjectDeletion, not_found=_gone
)


async def delete_project(
    project: ProjectKeyOrId,
    ctx: ToolContext,
    loss: Annotated[Loss[ProjectLoss], Resolve(_DELETE.read)],
    answer: Annotated[Answer, Resolve(_DELETE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, ProjectDeletion]:
    """Delete a project for good, with the cases filed in it, once a person confirms.

    Use this tool only when the user explicitly asks to delete a project; first move any
    case worth keeping elsewhere (move_case_to_project). This cannot be undone. The user is
    asked to type the project key; or the first call returns a preview and a
    confirmation_token, to repeat the call with once the user approves.
    Example: {"project": "TMP"}
    """
    return await _DELETE.settle(
        ctx, loss, answer, project=project, confirmation_token=confirmation_token
    )


def _cases(count: int) -> str:
    return f"{count} case{'' if count == 1 else 's'}"


async def _held_cases(state: ServerState, key: str) -> set[str]:
    """The ids of every case a project holds, archived ones included.

    Raises:
        ToolError: Datadog would not list them, or there are too many to list: what the
            delete destroys cannot be shown, so it cannot be approved.
    """
    query = f"{facet('project', key)} archived:any"
    held: set[str] = set()
    for number in range(1, _CASE_PAGES + 1):
        try:
            # Oldest first, so a case filed while the pages are read comes last.
            page = await state.client.search_cases(
                query,
                page_size=_PAGE,
                page_number=number,
                sort_field="created_at",
                sort_ascending=True,
            )
        except BadRequestError:
            raise ToolError(
                f"Datadog would not list the cases of project {key}, so what deleting it "
                "destroys cannot be shown for confirmation; it was not deleted."
            ) from None
        held.update(case.id for case in page.cases)
        if len(page.cases) < _PAGE:
            return held
    raise ToolError(
        f"Project {key} holds more than {_CASE_PAGES * _PAGE} cases, too many to show for "
        "confirmation; it was not deleted. Move or delete its cases first, or delete it in "
        "Datadog."
    )


TOOLS = [
    ToolSpec(
        "list_projects",
        "List projects",
        "projects",
        "read",
        list_projects,
        not_found="No projects were found.",
    ),
    ToolSpec("get_project", "Get a project", "projects", "read", get_project, not_found=_gone),
    ToolSpec(
        "create_project",
        "Create a project",
        "projects",
        "write",
        create_project,
        # Its `key` is the new project's key, not an attribute's.
        audit_target=lambda arguments, _answer: {"project": arguments.get("key")},
        not_found="Datadog could not find where to create the project.",
        created=Creation("the project", "list_projects", "create_project"),
        conflict=(
            "A project with this key already exists (409). list_projects shows the keys in "
            "use; choose another key."
        ),
    ),
    ToolSpec(
        "delete_project",
        "Delete a project",
        "projects",
        "destructive",
        delete_project,
        view=PREVIEW_VIEW,
    ),
]
