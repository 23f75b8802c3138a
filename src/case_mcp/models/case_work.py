"""The everyday work on a case beyond its fields: resolved reason, comment edits, watchers,
insights. Request bodies as Datadog's official client sends them, and the watchers answer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel
from case_mcp.models.case import Insight
from case_mcp.models.requests import RequestBody

__all__ = [
    "CaseInsights",
    "CaseUpdateComment",
    "CaseUpdateResolvedReason",
    "CaseWatcher",
    "CaseWatchersDocument",
    "ResolvedReason",
]

ResolvedReason = Literal["FALSE_POSITIVE", "TRUE_POSITIVE", "BENIGN_POSITIVE"]
"""The resolved reasons Datadog documents for a security case (its client types the field as
text and names these three); others are sent as given."""


class CaseUpdateResolvedReason(RequestBody):
    """``POST /api/v2/cases/{case_id}/resolved_reason``."""

    security_resolved_reason: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = {"security_resolved_reason": self.security_resolved_reason}
        return {"data": {"attributes": attributes, "type": "case"}}


class CaseUpdateComment(RequestBody):
    """``PUT /api/v2/cases/{case_id}/comment/{cell_id}``: the comment's new text."""

    comment: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"attributes": {"comment": self.comment}, "type": "case"}}


class CaseInsights(RequestBody):
    """``PUT`` (add) or ``DELETE`` (remove) ``/api/v2/cases/{case_id}/insights``.

    Datadog's request type is ``CaseInsightsRequest``: 1 to 100 insights, each with a type,
    the resource's app path (``ref``) and its id.
    """

    insights: Sequence[Insight] = Field(min_length=1, max_length=100)

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        insights = [
            {"ref": item.ref, "resource_id": item.resource_id, "type": item.type}
            for item in self.insights
        ]
        return {"data": {"attributes": {"insights": insights}, "type": "case"}}


class CaseWatcher(DatadogModel):
    """A user who watches a case (is notified of its changes).

    Attributes:
        id: The watcher's id.
        user_id: The watching user's UUID (``relationships.user.data.id``).
    """

    id: str
    type: str = "watcher"
    relationships: dict[str, Any] = Field(default_factory=dict)

    @property
    def user_id(self) -> str | None:
        """The watching user's UUID."""
        user = self.relationships.get("user")
        data = user.get("data") if isinstance(user, dict) else None
        user_id = data.get("id") if isinstance(data, dict) else None
        return user_id if isinstance(user_id, str) else None


class CaseWatchersDocument(DatadogModel):
    """The answer of ``GET /api/v2/cases/{case_id}/watchers``."""

    data: list[CaseWatcher] = Field(default_factory=list)
