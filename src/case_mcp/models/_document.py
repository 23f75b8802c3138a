"""JSON:API envelopes: ``data``, ``included`` and ``meta``, and Datadog's error bodies.

Case answers name users only by id in ``relationships`` and send the users' names and
emails once, in ``included``; `CaseDocument` and `CasesDocument` put each user back where
the case names it, so readers never join the two themselves.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from case_mcp.errors import ErrorDetail
from case_mcp.models._base import DatadogModel
from case_mcp.models.case import Case, CasePage, with_related_users
from case_mcp.models.case_type import CaseType, CustomAttributeConfig
from case_mcp.models.project import Project
from case_mcp.models.timeline import TimelineCell
from case_mcp.models.user import User, UserPage

__all__ = [
    "CaseDocument",
    "CaseTypeDocument",
    "CaseTypesDocument",
    "CasesDocument",
    "CasesMeta",
    "CasesPageMeta",
    "CustomAttributeConfigDocument",
    "CustomAttributeConfigsDocument",
    "Document",
    "ErrorDocument",
    "ErrorObject",
    "IncludedResource",
    "ProjectDocument",
    "ProjectsDocument",
    "TimelineDocument",
    "UserDocument",
    "UsersDocument",
    "UsersMeta",
    "UsersPageMeta",
]

_USER_TYPES = frozenset({"user", "users"})


class IncludedResource(DatadogModel):
    """A resource sent alongside the main data (for cases: the users they name)."""

    id: str
    type: str
    attributes: dict[str, Any] = Field(default_factory=dict)


class Document(DatadogModel):
    """A JSON:API document: the main ``data`` and the ``included`` resources it refers to.

    Each kind of document narrows ``data`` to its own type. They are plain subclasses, not
    parametrisations of a generic model: a parametrised model is one more class for pydantic
    to build, and every process that serves tools imports all of these at start-up.
    """

    data: Any
    included: list[IncludedResource] = Field(default_factory=list)


def _resolve_included_users(document: Any) -> Any:
    """Copy each user of ``included`` into the raw case resources that name it."""
    if not isinstance(document, dict):
        return document
    users = {
        item["id"]: {**item.get("attributes", {}), "id": item["id"]}
        for item in document.get("included") or ()
        if isinstance(item, dict)
        and item.get("type") in _USER_TYPES
        and isinstance(item.get("id"), str)
        and isinstance(item.get("attributes", {}), dict)
    }
    data = document.get("data")
    if isinstance(data, dict):
        return {**document, "data": with_related_users(data, users)}
    if isinstance(data, list):
        cases = [with_related_users(c, users) if isinstance(c, dict) else c for c in data]
        return {**document, "data": cases}
    return document


class CaseDocument(Document):
    """The answer of every operation on one case, with its users resolved."""

    data: Case

    @model_validator(mode="before")
    @classmethod
    def _resolve_users(cls, value: Any) -> Any:
        return _resolve_included_users(value)


class CasesPageMeta(DatadogModel):
    """Where a page of search results sits: its number, its length and the page count."""

    current: int | None = None
    size: int | None = None  # the number of cases on this page, not the size asked for
    total: int | None = None  # the number of pages


class CasesMeta(DatadogModel):
    """The ``meta`` of a search answer."""

    total_cases: int | None = None
    page: CasesPageMeta | None = None


class CasesDocument(Document):
    """The answer of ``GET /api/v2/cases``, with its users resolved."""

    data: list[Case]
    meta: CasesMeta | None = None

    @model_validator(mode="before")
    @classmethod
    def _resolve_users(cls, value: Any) -> Any:
        return _resolve_included_users(value)

    def to_page(self, page: int, page_size: int) -> CasePage:
        """The cases as a `CasePage`, falling back to what was asked where ``meta`` is silent.

        Args:
            page: The one-based page number that was asked for.
            page_size: The page size that was asked for.
        """
        meta = self.meta or CasesMeta()
        page_meta = meta.page or CasesPageMeta()
        return CasePage(
            cases=self.data,
            page=page_meta.current if page_meta.current is not None else page,
            page_size=page_size,
            page_count=page_meta.total,
            total=meta.total_cases,
        )


class ProjectDocument(Document):
    """The answer of an operation on one project."""

    data: Project


class ProjectsDocument(Document):
    """The answer of ``GET /api/v2/cases/projects``."""

    data: list[Project]


class TimelineDocument(Document):
    """A list of timeline cells: the timeline of a case, or the cell a comment created."""

    data: list[TimelineCell]


class CaseTypeDocument(Document):
    """The answer of an operation on one case type."""

    data: CaseType


class CaseTypesDocument(Document):
    """The answer of ``GET /api/v2/cases/types``."""

    data: list[CaseType]


class CustomAttributeConfigDocument(Document):
    """The answer of an operation on one custom attribute configuration."""

    data: CustomAttributeConfig


class CustomAttributeConfigsDocument(Document):
    """A list of custom attribute configurations."""

    data: list[CustomAttributeConfig]


class UserDocument(Document):
    """The answer of an operation on one user."""

    data: User


class UsersPageMeta(DatadogModel):
    """The counts of a users page."""

    total_count: int | None = None
    total_filtered_count: int | None = None


class UsersMeta(DatadogModel):
    """The ``meta`` of ``GET /api/v2/users``."""

    page: UsersPageMeta | None = None


class UsersDocument(Document):
    """The answer of ``GET /api/v2/users``."""

    data: list[User]
    meta: UsersMeta | None = None

    def to_page(self, page: int, page_size: int) -> UserPage:
        """The users as a `UserPage`.

        Args:
            page: The zero-based page number that was asked for.
            page_size: The page size that was asked for.
        """
        counts = (self.meta.page if self.meta is not None else None) or UsersPageMeta()
        return UserPage(
            users=self.data,
            page=page,
            page_size=page_size,
            total_count=counts.total_count,
            total_filtered_count=counts.total_filtered_count,
        )


class ErrorObject(DatadogModel):
    """A JSON:API error object, as most Case Management endpoints send them."""

    status: str | int | None = None
    title: str | None = None
    detail: str | None = None
    code: str | None = None
    meta: dict[str, Any] | None = None


class ErrorDocument(DatadogModel):
    """An error body, in either of Datadog's shapes.

    ``{"errors": ["Forbidden"]}`` (plain strings) or
    ``{"errors": [{"status": "404", "code": "resource_not_found", "title": "case not found"}]}``.
    """

    errors: list[str | ErrorObject]

    def details(self) -> tuple[ErrorDetail, ...]:
        """The errors as `ErrorDetail`s; a plain string becomes the title."""
        return tuple(
            ErrorDetail(title=error)
            if isinstance(error, str)
            else ErrorDetail(
                title=error.title or "",
                detail=error.detail or "",
                status="" if error.status is None else str(error.status),
                code=error.code or "",
                meta=dict(error.meta or {}),
            )
            for error in self.errors
        )
