"""Triage: counting cases by group, and one change applied to many cases at once.

`CaseAggregate` and `CaseBulkUpdate` are the bodies Datadog's official client sends
(``CaseAggregateRequest``, ``CaseBulkUpdateRequest``); `CaseAggregateDocument` and
`CaseCountDocument` are the answers (``CaseAggregateResponse``, ``CaseCountResponse``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel
from case_mcp.models._document import Document
from case_mcp.models.requests import RequestBody

__all__ = [
    "CaseAggregate",
    "CaseAggregateDocument",
    "CaseAggregateGroup",
    "CaseAggregation",
    "CaseAggregationAttributes",
    "CaseBulkAction",
    "CaseBulkUpdate",
    "CaseCountDocument",
    "CaseCountGroup",
    "CaseCountGroupValue",
    "CaseCounts",
    "CaseCountsAttributes",
]

CaseBulkAction = Literal[
    "priority",
    "status",
    "assign",
    "unassign",
    "archive",
    "unarchive",
    "jira",
    "servicenow",
    "linear",
    "update_project",
]
"""The actions Datadog's bulk update documents (``CaseBulkActionType``)."""


class CaseAggregate(RequestBody):
    """``POST /api/v2/cases/aggregate``: count the cases a query matches, grouped."""

    query_filter: str
    groups: tuple[str, ...]
    limit: int

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        group_by = {"groups": list(self.groups), "limit": self.limit}
        attributes = {"group_by": group_by, "query_filter": self.query_filter}
        return {"data": {"attributes": attributes, "type": "aggregate"}}


class CaseBulkUpdate(RequestBody):
    """``POST /api/v2/cases/bulk``: one action, with its payload, on every case named."""

    case_ids: tuple[str, ...]
    type: str
    payload: Mapping[str, str] | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send; an action without a payload sends none."""
        attributes: dict[str, Any] = {"case_ids": list(self.case_ids), "type": self.type}
        if self.payload is not None:
            attributes["payload"] = dict(self.payload)
        return {"data": {"attributes": attributes, "type": "bulk"}}


class CaseAggregateGroup(DatadogModel):
    """One value of the grouped field (``OPEN``) and its count (a one-number list)."""

    group: str
    value: list[float] = Field(default_factory=list)


class CaseAggregationAttributes(DatadogModel):
    total: float = 0
    groups: list[CaseAggregateGroup] = Field(default_factory=list)


class CaseAggregation(DatadogModel):
    id: str | None = None
    type: str | None = None
    attributes: CaseAggregationAttributes = Field(default_factory=CaseAggregationAttributes)


class CaseAggregateDocument(Document):
    """The answer of ``POST /api/v2/cases/aggregate``."""

    data: CaseAggregation


class CaseCountGroupValue(DatadogModel):
    value: str
    count: int


class CaseCountGroup(DatadogModel):
    """The counts of one field named in ``group_bys``, by value."""

    group: str
    group_values: list[CaseCountGroupValue] = Field(default_factory=list)


class CaseCountsAttributes(DatadogModel):
    groups: list[CaseCountGroup] = Field(default_factory=list)


class CaseCounts(DatadogModel):
    id: str | None = None
    type: str | None = None
    attributes: CaseCountsAttributes = Field(default_factory=CaseCountsAttributes)


class CaseCountDocument(Document):
    """The answer of ``GET /api/v2/cases/count``."""

    data: CaseCounts
