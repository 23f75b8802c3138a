"""Projects: the containers that cases live in, each with its own key (``SEC`` in ``SEC-12``)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from case_mcp.models._base import DatadogModel

__all__ = ["Project", "ProjectAttributes"]


class ProjectAttributes(DatadogModel):
    """The attributes of a project.

    Attributes:
        key: The prefix of its cases' keys, such as ``SEC``.
        name: The display name.
        restricted: Whether only the project's members can see its cases.
        enabled_custom_case_types: The ids of the custom case types the project uses.
        settings: Notification and integration settings, as Datadog sends them.
        columns_config: The board columns configuration, as Datadog sends it.
    """

    key: str | None = None
    name: str | None = None
    restricted: bool | None = None
    enabled_custom_case_types: list[str] | None = None
    settings: dict[str, Any] | None = None
    columns_config: dict[str, Any] | None = None


class Project(DatadogModel):
    """A Case Management project."""

    id: str
    type: str = "project"
    attributes: ProjectAttributes = Field(default_factory=ProjectAttributes)
    relationships: dict[str, Any] | None = None

    @property
    def key(self) -> str | None:
        """The project's key, such as ``SEC``."""
        return self.attributes.key

    @property
    def name(self) -> str | None:
        """The project's display name."""
        return self.attributes.name
