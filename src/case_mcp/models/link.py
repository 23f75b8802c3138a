"""Links and trackers: a link between a case and another entity, a case's Jira issue and
ServiceNow ticket, and the documents that carry links."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel

__all__ = [
    "CaseLink",
    "CaseLinkAttributes",
    "CaseLinkDocument",
    "CaseLinksDocument",
    "EntityType",
    "JiraIssue",
    "JiraIssueResult",
    "LinkRelationship",
    "ServiceNowTicket",
    "ServiceNowTicketResult",
    "ThirdPartyTicketStatus",
]

LinkRelationship = Literal[
    "RELATES_TO", "CAUSES", "BLOCKS", "DUPLICATES", "PARENT_OF", "SUCCESSOR_OF", "ESCALATES_TO"
]
"""The documented relationships of a link: its parent relates to, causes, blocks,
duplicates, is the parent of, succeeds or escalates to its child."""

EntityType = Literal["CASE", "INCIDENT", "PAGE", "AGENT_CONVERSATION"]
"""The documented kinds of entity a link joins; one end at least is a case."""

ThirdPartyTicketStatus = Literal["IN_PROGRESS", "COMPLETED", "FAILED"]
"""Where Datadog is in creating a Jira issue or a ServiceNow ticket for a case."""


class CaseLinkAttributes(DatadogModel):
    """The two ends of a link and how the first relates to the second.

    Values are plain strings: see `EntityType` and `LinkRelationship` for the documented ones.
    """

    parent_entity_type: str
    parent_entity_id: str
    child_entity_type: str
    child_entity_id: str
    relationship: str


class CaseLink(DatadogModel):
    """A directional link between two entities, at least one of them a case."""

    id: str
    type: str = "link"
    attributes: CaseLinkAttributes


class CaseLinkDocument(DatadogModel):
    """The answer of ``POST /api/v2/cases/link``."""

    data: CaseLink


class CaseLinksDocument(DatadogModel):
    """The answer of ``GET /api/v2/cases/link``."""

    data: list[CaseLink] = Field(default_factory=list)


class JiraIssueResult(DatadogModel):
    """The Jira issue a case is tracked by."""

    issue_id: str | None = None
    issue_key: str | None = None
    issue_url: str | None = None
    project_key: str | None = None


class JiraIssue(DatadogModel):
    """A case's Jira issue: ``status`` (see `ThirdPartyTicketStatus`), and once made, the issue."""

    status: str | None = None
    result: JiraIssueResult | None = None


class ServiceNowTicketResult(DatadogModel):
    """The ServiceNow record a case is tracked by."""

    sys_target_link: str | None = None


class ServiceNowTicket(DatadogModel):
    """A case's ServiceNow ticket: ``status``, and once made, its link."""

    status: str | None = None
    result: ServiceNowTicketResult | None = None
