"""The `admin` toolset's project tools: a project's settings and the caller's favourite projects.

A settings change is merged here into the project's current settings and sent whole, so
naming one setting never clears the others, whatever Datadog does with a partial object.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import Project
from case_mcp.server._state import ServerState, State
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import View, absent
from case_mcp.server.tools.projects import ProjectKeyOrId

# What Datadog answers for a project nobody configured: every case event notified, by email.
_DEFAULTS: Final[dict[str, Any]] = {
    "notification": {
        "enabled": True,
        "destinations": [1],
        **{
            f"notify_on_case_{event}": True
            for event in (
                "assignment",
                "unassignment",
                "closed",
                "priority_change",
                "comment",
                "comment_mention",
                "status_change",
            )
        },
    }
}


SETTING_GROUPS: Final = (
    "auto_close_inactive_cases",
    "auto_transition_assigned_cases",
    "integration_incident",
    "integration_jira",
    "integration_monitor",
    "integration_on_call",
    "integration_service_now",
    "notification",
)
"""The settings of a project Datadog's reference names, each an object of its own."""


class ProjectSettingsView(View):
    """A project's name, and its settings that differ from Datadog's defaults."""

    project: str = Field(description="The project key.")
    name: str | None = absent()
    settings: dict[str, Any] = Field(
        default_factory=dict,
        description="Only what differs from the defaults (notification: enabled, "
        "destinations [1] = email, every notify_on_case_* true; the rest unset).",
    )
    custom_case_types: list[str] | None = absent(description="Enabled custom case types.")


class FavoriteProjects(View):
    """The projects the calling user marked as favourites."""

    projects: list[str] = Field(description="Project keys.")


def _gone(arguments: Mapping[str, Any]) -> str:
    return f"Project {arguments['project']!r} was not found. list_projects shows the projects."


def _changed(settings: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, Any]:
    """The settings that differ from `defaults`, objects compared key by key."""
    changed: dict[str, Any] = {}
    for name, value in settings.items():
        default = defaults.get(name)
        if isinstance(value, Mapping) and isinstance(default, Mapping):
            inner = _changed(value, default)
            if inner:
                changed[name] = inner
        elif value != default:
            changed[name] = value
    return changed


def _merged(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    result = copy.deepcopy(dict(current))
    for name, value in change.items():
        if isinstance(value, Mapping) and isinstance(result.get(name), Mapping):
            result[name] = _merged(result[name], value)
        else:
            result[name] = copy.deepcopy(value)
    return result


async def _settings_view(state: ServerState, project: Project) -> ProjectSettingsView:
    attributes = project.attributes
    enabled = attributes.enabled_custom_case_types
    names = None
    if enabled is not None:
        named = {t.id: t.attributes.name or t.id for t in await state.lookup.case_types()}
        names = [named.get(type_id, type_id) for type_id in enabled]
    return ProjectSettingsView(
        project=attributes.key or project.id,
        name=attributes.name,
        settings=_changed(attributes.settings or {}, _DEFAULTS),
        custom_case_types=names,
    )


async def get_project_settings(
    project: ProjectKeyOrId, state: State
) -> Annotated[CallToolResult, ProjectSettingsView]:
    """Get a project's settings: notifications, auto-close, integrations.

    Use this tool before changing settings, to see their names and current values.
    Example: {"project": "SEC"}
    """
    found = await state.client.get_project((await state.lookup.project(project)).id)
    return result(await _settings_view(state, found))


async def update_project_settings(
    project: ProjectKeyOrId,
    state: State,
    name: Annotated[
        str | None, Field(min_length=1, max_length=200, description="A new display name.")
    ] = None,
    settings: Annotated[
        dict[str, Any] | None,
        Field(
            description="Only the settings to change, named as get_project_settings shows "
            'them, e.g. {"notification": {"notify_on_case_comment": false}}; merged into '
            "the current ones."
        ),
    ] = None,
) -> Annotated[CallToolResult, ProjectSettingsView]:
    """Rename a project or change its settings; returns all its settings.

    Use this tool when the user wants different notifications, auto-closing of inactive
    cases or integration settings on a project.
    Example: {"project": "ET", "settings": {"auto_close_inactive_cases": {"enabled": true}}}
    """
    if name is None and not settings:
        raise ToolError("Nothing to change: give name, settings or both.")
    unknown = sorted(set(settings or ()) - set(SETTING_GROUPS))
    if unknown:
        raise ToolError(
            f"settings has no {unknown[0]!r}; a project's settings are "
            f"{', '.join(SETTING_GROUPS)}, each an object (get_project_settings shows them). "
            "Nothing was changed."
        )
    found = await state.client.get_project((await state.lookup.project(project)).id)
    merged = _merged(found.attributes.settings or {}, settings) if settings else None
    updated = await state.client.update_project(
        found.id, name=name.strip() if name else None, settings=merged
    )
    if name:
        state.lookup.projects_changed()
    return result(await _settings_view(state, updated))


async def list_favorite_projects(state: State) -> Annotated[CallToolResult, FavoriteProjects]:
    """List the projects you marked as favourites.

    Use this tool to learn which projects the user works in most.
    Example: {}
    """
    favorites = await state.client.list_user_case_project_favorites()
    keys = {p.id: p.attributes.key or p.id for p in await state.lookup.projects()}
    return result(FavoriteProjects(projects=[keys.get(f.id, f.id) for f in favorites]))


async def set_project_favorite(
    project: ProjectKeyOrId,
    favorite: Annotated[bool, Field(description="true to mark it, false to unmark it.")],
    state: State,
) -> Annotated[CallToolResult, FavoriteProjects]:
    """Mark or unmark a project as one of your favourites; returns your favourites.

    Use this tool when the user wants a project kept at hand, or no longer.
    Example: {"project": "APP", "favorite": true}
    """
    found = await state.lookup.project(project)
    if favorite:
        await state.client.favorite_case_project(found.id)
    else:
        await state.client.unfavorite_case_project(found.id)
    return await list_favorite_projects(state)


TOOLS = [
    ToolSpec(
        "get_project_settings",
        "Get a project's settings",
        "admin",
        "read",
        get_project_settings,
        not_found=_gone,
    ),
    ToolSpec(
        "update_project_settings",
        "Change a project's settings",
        "admin",
        "idempotent_write",
        update_project_settings,
        not_found=_gone,
    ),
    ToolSpec(
        "list_favorite_projects",
        "List my favourite projects",
        "admin",
        "read",
        list_favorite_projects,
        not_found="No projects were found.",
    ),
    ToolSpec(
        "set_project_favorite",
        "Mark a favourite project",
        "admin",
        "idempotent_write",
        set_project_favorite,
        not_found=_gone,
    ),
]
