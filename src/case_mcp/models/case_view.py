"""Saved case views: a named search query kept in a project, and the bodies that change one."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from case_mcp.models._base import DatadogModel
from case_mcp.models._document import Document
from case_mcp.models.requests import RequestBody

__all__ = [
    "CaseView",
    "CaseViewAttributes",
    "CaseViewCreate",
    "CaseViewDocument",
    "CaseViewUpdate",
    "CaseViewsDocument",
]


class CaseViewAttributes(DatadogModel):
    """The attributes of a case view.

    Attributes:
        name: Its display name.
        query: The case search it keeps, in the search bar's syntax.
        np_rule_id: The notification rule linked to it, if any.
        created_at: When it was saved.
        modified_at: When it last changed, once it has.
    """

    name: str | None = None
    query: str | None = None
    np_rule_id: str | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None


class CaseView(DatadogModel):
    """A saved case view of one project."""

    id: str
    type: str = "view"
    attributes: CaseViewAttributes = Field(default_factory=CaseViewAttributes)
    relationships: dict[str, Any] | None = None

    @property
    def project_id(self) -> str | None:
        """The id of the project the view belongs to, when Datadog said."""
        return _related_id(self.relationships, "project")

    @property
    def created_by_id(self) -> str | None:
        """The id of the user who saved it, when Datadog said."""
        return _related_id(self.relationships, "created_by")


def _related_id(relationships: dict[str, Any] | None, name: str) -> str | None:
    link = (relationships or {}).get(name)
    data = link.get("data") if isinstance(link, dict) else None
    found = data.get("id") if isinstance(data, dict) else None
    return found if isinstance(found, str) else None


class CaseViewDocument(Document):
    """The answer of an operation on one case view."""

    data: CaseView


class CaseViewsDocument(Document):
    """The answer of ``GET /api/v2/cases/views``."""

    data: list[CaseView]


class CaseViewCreate(RequestBody):
    """``POST /api/v2/cases/views``: a new view in a project."""

    name: str
    project_id: str
    query: str
    np_rule_id: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes: dict[str, Any] = {"name": self.name}
        if self.np_rule_id is not None:
            attributes["np_rule_id"] = self.np_rule_id
        attributes |= {"project_id": self.project_id, "query": self.query}
        return {"data": {"attributes": attributes, "type": "view"}}


class CaseViewUpdate(RequestBody):
    """``PUT /api/v2/cases/views/{view_id}``: only the fields given change."""

    name: str | None = None
    query: str | None = None
    np_rule_id: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = {
            key: value
            for key, value in (
                ("name", self.name),
                ("np_rule_id", self.np_rule_id),
                ("query", self.query),
            )
            if value is not None
        }
        return {"data": {"attributes": attributes, "type": "view"}}
