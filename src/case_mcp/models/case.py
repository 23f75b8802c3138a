"""Cases: the case resource, its attributes and relationships, and a page of search results."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any, Final, Literal

from pydantic import Field, model_validator

from case_mcp.models._base import DatadogModel
from case_mcp.models.link import JiraIssue, ServiceNowTicket
from case_mcp.models.timeline import Author
from case_mcp.models.user import UserRef

__all__ = [
    "Case",
    "CaseAttributes",
    "CasePage",
    "CasePriority",
    "CaseRelationships",
    "CaseStatus",
    "CaseStatusGroup",
    "CustomAttributeData",
    "CustomAttributeValue",
    "Insight",
    "InsightType",
    "Relationship",
    "RelationshipData",
    "ToManyRelationship",
]

CasePriority = Literal["NOT_DEFINED", "P1", "P2", "P3", "P4", "P5"]
"""The priorities Datadog accepts."""

CaseStatus = Literal["OPEN", "IN_PROGRESS", "CLOSED"]
"""The documented (deprecated) statuses; Datadog also sends others, such as ``RESOLVED``."""

CaseStatusGroup = Literal["SG_OPEN", "SG_IN_PROGRESS", "SG_CLOSED"]
"""The documented status groups, each gathering the status names of a case type."""

InsightType = Literal[
    "SECURITY_SIGNAL",
    "MONITOR",
    "EVENT_CORRELATION",
    "ERROR_TRACKING",
    "CLOUD_COST_RECOMMENDATION",
    "INCIDENT",
    "SENSITIVE_DATA_SCANNER_ISSUE",
    "EVENT",
    "WATCHDOG_STORY",
    "WIDGET",
    "SECURITY_FINDING",
    "INSIGHT_SCORECARD_CAMPAIGN",
    "RESOURCE_POLICY",
    "APM_RECOMMENDATION",
    "SCM_URL",
    "PROFILING_DOWNSIZING_EXPERIMENT",
]
"""The documented kinds of Datadog resource an insight links to."""

# int before float so that 1 stays 1 (not 1.0) on its way back to Datadog.
CustomAttributeData = str | int | float | list[str] | list[int | float]
"""What a custom attribute value holds: text, a number, or a list of either."""

USER_RELATIONSHIPS: Final = ("assignee", "created_by", "modified_by")


class CustomAttributeValue(DatadogModel):
    """The value of one custom attribute on a case.

    Attributes:
        type: ``URL``, ``TEXT``, ``NUMBER`` or ``SELECT`` as documented (see
            `case_mcp.models.CustomAttributeType`); other types parse too.
        is_multi: Whether the value is a list.
        value: The text, number, or list of either.
    """

    type: str | None = None
    is_multi: bool | None = None
    value: CustomAttributeData | None = None


class Insight(DatadogModel):
    """A Datadog resource linked to a case as evidence (a signal, a monitor, an issue...).

    Attributes:
        type: The kind of resource; see `InsightType` for the documented ones.
        ref: The resource's path in the Datadog app.
        resource_id: The resource's id.
    """

    type: str | None = None
    ref: str | None = None
    resource_id: str | None = None


class CaseAttributes(DatadogModel):
    """The attributes of a case, as Datadog sends them.

    Enumerated values are plain strings: Datadog sends values it does not document (case
    ``type`` ``ERROR_TRACKING_ISSUE``, ``status`` ``RESOLVED``). `CasePriority`,
    `CaseStatus` and `CaseStatusGroup` name the documented ones.

    Attributes:
        key: The human key, such as ``SEC-12``; case endpoints accept it instead of the id.
        status: The deprecated coarse status; prefer ``status_name`` and ``status_group``.
        status_name: The status as the case type names it (``Open``, ``Pending Approval``).
        attributes: Free-form tags, each a list of strings (``{"service": ["web"]}``).
        custom_attributes: Custom attribute values by key.
        due_date: The date the case should be resolved by, if one is set.
        security_resolved_reason: Why a security case was resolved (``FALSE_POSITIVE``...).
        jira_issue: The Jira issue the case is tracked by, once Datadog made or linked it.
        service_now_ticket: The ServiceNow ticket the case is tracked by.
    """

    key: str | None = None
    title: str | None = None
    description: str | None = None
    priority: str | None = None
    status: str | None = None
    status_name: str | None = None
    status_group: str | None = None
    type: str | None = None
    type_id: str | None = None
    attributes: dict[str, list[str]] = Field(default_factory=dict)
    custom_attributes: dict[str, CustomAttributeValue] = Field(default_factory=dict)
    insights: list[Insight] = Field(default_factory=list)
    comment_count: int | None = None
    creation_source: str | None = None
    created_by_author: Author | None = None
    internal_id: str | None = None
    public_id: str | None = None
    merge_status: str | None = None
    jira_issue: JiraIssue | None = None
    service_now_ticket: ServiceNowTicket | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    closed_at: datetime | None = None
    archived_at: datetime | None = None
    due_date: date | None = None
    security_resolved_reason: str | None = None


class RelationshipData(DatadogModel):
    """The identifier of a related resource (``{"id": ..., "type": "user"}``)."""

    id: str
    type: str


class Relationship(DatadogModel):
    """A to-one JSON:API relationship; ``data`` is None when it is unset."""

    data: RelationshipData | None = None


class ToManyRelationship(DatadogModel):
    """A to-many JSON:API relationship (a case's incidents)."""

    data: list[RelationshipData] = Field(default_factory=list)


class CaseRelationships(DatadogModel):
    """The resources a case points to.

    Attributes:
        incidents: The incidents linked to the case.
        notebook: Its investigation notebook; ``links.related`` (in ``model_extra``) is its
            address when Datadog gives it.
    """

    assignee: Relationship | None = None
    created_by: Relationship | None = None
    modified_by: Relationship | None = None
    project: Relationship | None = None
    incidents: ToManyRelationship | None = None
    notebook: Relationship | None = None


class Case(DatadogModel):
    """A case, with the users it names resolved.

    ``assignee``, ``created_by`` and ``modified_by`` are the users of the case's
    relationships, filled from the answer's ``included`` users when the case comes from a
    document (`CaseDocument`, `CasesDocument`), and holding only the id otherwise. They are
    None when the relationship is unset (an unassigned case has no assignee).
    """

    id: str
    type: str = "case"
    attributes: CaseAttributes = Field(default_factory=CaseAttributes)
    relationships: CaseRelationships = Field(default_factory=CaseRelationships)
    assignee: UserRef | None = None
    created_by: UserRef | None = None
    modified_by: UserRef | None = None

    @model_validator(mode="before")
    @classmethod
    def _refer_to_related_users(cls, value: Any) -> Any:
        return with_related_users(value, {}) if isinstance(value, dict) else value

    @property
    def key(self) -> str | None:
        """The case's human key, such as ``SEC-12``."""
        return self.attributes.key

    @property
    def project_id(self) -> str | None:
        """The id of the project the case belongs to."""
        project = self.relationships.project
        return project.data.id if project is not None and project.data is not None else None


class CasePage(DatadogModel):
    """One page of ``GET /api/v2/cases`` (search), with its users resolved.

    Attributes:
        cases: The cases on this page.
        page: The one-based number of this page.
        page_size: The page size that was asked for.
        page_count: How many pages the search has, when Datadog said.
        total: How many cases match the search (``meta.total_cases``), when Datadog said.
    """

    cases: list[Case]
    page: int
    page_size: int
    page_count: int | None = None
    total: int | None = None

    @property
    def has_more(self) -> bool:
        """Whether a later page holds more cases (False when Datadog gave no count)."""
        if self.page_count is not None:
            return self.page < self.page_count
        if self.total is not None:
            return self.page * self.page_size < self.total
        return False


def with_related_users(case: dict[str, Any], users: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Add the users a raw case resource relates to, as `UserRef` input, to a copy of it.

    Each user comes from `users` (the document's ``included`` users by id) or, failing
    that, is the bare id. Keys the case already has are left alone, so a dumped and
    re-validated case keeps what it had.
    """
    relationships = case.get("relationships")
    if not isinstance(relationships, dict):
        return case
    added: dict[str, Any] = {}
    for name in USER_RELATIONSHIPS:
        if name in case:
            continue
        relationship = relationships.get(name)
        data = relationship.get("data") if isinstance(relationship, dict) else None
        user_id = data.get("id") if isinstance(data, dict) else None
        if isinstance(user_id, str):
            added[name] = users.get(user_id, {"id": user_id})
    return {**case, **added} if added else case
