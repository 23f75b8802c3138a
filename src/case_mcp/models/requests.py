"""Request bodies, exactly as Datadog's official client sends them.

Each model is named after Datadog's request type and renders its JSON:API document with
`body()`: ``{"data": {"attributes": {...}, "type": "case"}}``. Unset optional fields are left
out rather than sent as null, as the official client does.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from datetime import date
from typing import Any

from pydantic import BaseModel, ConfigDict

from case_mcp.models.case import CustomAttributeData, CustomAttributeValue

__all__ = [
    "CaseAssign",
    "CaseComment",
    "CaseCreate",
    "CaseEmpty",
    "CaseUpdateAttributes",
    "CaseUpdateCustomAttribute",
    "CaseUpdateDescription",
    "CaseUpdateDueDate",
    "CaseUpdatePriority",
    "CaseUpdateStatus",
    "CaseUpdateTitle",
    "ProjectCreate",
    "ProjectRelationship",
    "RequestBody",
]


class RequestBody(BaseModel, ABC):
    """A request body the client sends; unlike answers, unknown fields are refused."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)

    @abstractmethod
    def body(self) -> dict[str, Any]:
        """The JSON document to send."""


def _case(attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"type": "case"}
    if attributes is not None:
        data["attributes"] = {k: v for k, v in attributes.items() if v is not None}
    return {"data": data}


def _to_one(resource_type: str, resource_id: str) -> dict[str, Any]:
    return {"data": {"id": resource_id, "type": resource_type}}


class CaseCreate(RequestBody):
    """``POST /api/v2/cases``: a new case in a project."""

    title: str
    type_id: str
    project_id: str
    priority: str = "NOT_DEFINED"
    description: str | None = None
    status_name: str | None = None
    assignee_id: str | None = None
    custom_attributes: dict[str, CustomAttributeValue] | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        custom = (
            {
                key: value.model_dump(exclude_none=True)
                for key, value in self.custom_attributes.items()
            }
            if self.custom_attributes is not None
            else None
        )
        document = _case(
            {
                "title": self.title,
                "type_id": self.type_id,
                "priority": self.priority,
                "description": self.description,
                "status_name": self.status_name,
                "custom_attributes": custom,
            }
        )
        relationships = {"project": _to_one("project", self.project_id)}
        if self.assignee_id is not None:
            relationships["assignee"] = _to_one("user", self.assignee_id)
        document["data"]["relationships"] = relationships
        return document


class CaseUpdateTitle(RequestBody):
    """``POST /api/v2/cases/{case_id}/title``."""

    title: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"title": self.title})


class CaseUpdateDescription(RequestBody):
    """``POST /api/v2/cases/{case_id}/description``."""

    description: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"description": self.description})


class CaseUpdateDueDate(RequestBody):
    """``POST /api/v2/cases/{case_id}/due_date``: a date, or None to clear it."""

    due_date: date | None

    def body(self) -> dict[str, Any]:
        """The JSON document to send; clearing sends ``"due_date": null``, as Datadog asks."""
        due_date = None if self.due_date is None else self.due_date.isoformat()
        return {"data": {"type": "case", "attributes": {"due_date": due_date}}}


class CaseUpdatePriority(RequestBody):
    """``POST /api/v2/cases/{case_id}/priority``."""

    priority: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"priority": self.priority})


class CaseUpdateStatus(RequestBody):
    """``POST /api/v2/cases/{case_id}/status``: by status (deprecated) or status name."""

    status: str | None = None
    status_name: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"status": self.status, "status_name": self.status_name})


class CaseAssign(RequestBody):
    """``POST /api/v2/cases/{case_id}/assign``."""

    assignee_id: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"assignee_id": self.assignee_id})


class CaseEmpty(RequestBody):
    """The body of ``unassign``, ``archive`` and ``unarchive``: only the resource type."""

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case()


class CaseUpdateAttributes(RequestBody):
    """``POST /api/v2/cases/{case_id}/attributes``: replaces all of a case's attributes."""

    attributes: dict[str, list[str]]

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"attributes": self.attributes})


class CaseComment(RequestBody):
    """``POST /api/v2/cases/{case_id}/comment``."""

    comment: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"comment": self.comment})


class CaseUpdateCustomAttribute(RequestBody):
    """``POST /api/v2/cases/{case_id}/custom_attributes/{key}``."""

    type: str
    is_multi: bool
    value: CustomAttributeData

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _case({"is_multi": self.is_multi, "type": self.type, "value": self.value})


class ProjectCreate(RequestBody):
    """``POST /api/v2/cases/projects``."""

    key: str
    name: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"attributes": {"key": self.key, "name": self.name}, "type": "project"}}


class ProjectRelationship(RequestBody):
    """``PATCH /api/v2/cases/{case_id}/relationships/project``: the case's new project."""

    project_id: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return _to_one("project", self.project_id)
