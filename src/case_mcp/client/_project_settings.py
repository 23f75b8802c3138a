"""A project's settings, and the calling user's favourite projects."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.models import (
    Project,
    ProjectDocument,
    ProjectFavorite,
    ProjectFavoritesDocument,
    ProjectUpdate,
)


class ProjectSettingsOperations(Operations):
    """The operations on a project's settings and on favourite projects."""

    @operation(
        "PATCH",
        "/api/v2/cases/projects/{project_id}",
        effect="sets",
        scope=Scope(project="project_id", answer="project"),
        request=ProjectUpdate,
        response=ProjectDocument,
    )
    async def update_project(
        self,
        project_id: str,
        *,
        name: str | None = None,
        settings: Mapping[str, Any] | None = None,
        columns_config: Mapping[str, Any] | None = None,
        enabled_custom_case_types: list[str] | None = None,
        team_uuid: str | None = None,
    ) -> Project:
        """Change a project's name or settings; what is not given stays.

        Args:
            project_id: The project's UUID.
            name: Its new display name.
            settings: Datadog's settings object (notification, auto_close_inactive_cases,
                integration_jira...), as its reference writes it.
            columns_config: The board's columns, as Datadog's reference writes them.
            enabled_custom_case_types: The ids of the custom case types the project uses.
            team_uuid: The team to associate with the project.

        Raises:
            BadRequestError: A setting of the wrong type or outside its values.
            NotFoundError: No such project.
        """
        body = ProjectUpdate(
            name=name,
            settings=dict(settings) if settings is not None else None,
            columns_config=dict(columns_config) if columns_config is not None else None,
            enabled_custom_case_types=enabled_custom_case_types,
            team_uuid=team_uuid,
        )
        document: ProjectDocument = await self._call(body)
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/projects/favorites",
        effect="read",
        scope=Scope(answer="favorites"),
        response=ProjectFavoritesDocument,
    )
    async def list_user_case_project_favorites(self) -> list[ProjectFavorite]:
        """The projects the calling user marked as favourites."""
        document: ProjectFavoritesDocument = await self._call()
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/projects/{project_id}/favorites",
        effect="sets",
        scope=Scope(project="project_id"),
    )
    async def favorite_case_project(self, project_id: str) -> None:
        """Mark a project as one of the calling user's favourites (again changes nothing).

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        await self._call()

    @operation(
        "DELETE",
        "/api/v2/cases/projects/{project_id}/favorites",
        effect="sets",
        scope=Scope(project="project_id"),
    )
    async def unfavorite_case_project(self, project_id: str) -> None:
        """Remove a project from the calling user's favourites (a project that is not one
        stays not one).

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        await self._call()
