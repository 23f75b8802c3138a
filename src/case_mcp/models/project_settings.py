"""A project's settings and the user's favourite projects."""

from __future__ import annotations

from typing import Any

from case_mcp.models._base import DatadogModel
from case_mcp.models._document import Document
from case_mcp.models.requests import RequestBody

__all__ = ["ProjectFavorite", "ProjectFavoritesDocument", "ProjectUpdate"]


class ProjectUpdate(RequestBody):
    """``PATCH /api/v2/cases/projects/{project_id}``: only the fields given change.

    ``settings`` and ``columns_config`` are Datadog's objects as its reference writes them
    (``{"notification": {"enabled": true}}``).
    """

    name: str | None = None
    settings: dict[str, Any] | None = None
    columns_config: dict[str, Any] | None = None
    enabled_custom_case_types: list[str] | None = None
    team_uuid: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send; without any field, no ``attributes`` at all."""
        attributes = {
            key: value
            for key, value in (
                ("columns_config", self.columns_config),
                ("enabled_custom_case_types", self.enabled_custom_case_types),
                ("name", self.name),
                ("settings", self.settings),
                ("team_uuid", self.team_uuid),
            )
            if value is not None
        }
        data: dict[str, Any] = {"type": "project"}
        if attributes:
            data = {"attributes": attributes, **data}
        return {"data": data}


class ProjectFavorite(DatadogModel):
    """A project the calling user marked as a favourite; its id is the project's."""

    id: str
    type: str = "project_favorite"


class ProjectFavoritesDocument(Document):
    """The answer of ``GET /api/v2/cases/projects/favorites``."""

    data: list[ProjectFavorite]
