"""Request bodies of the link and integration operations, as Datadog's official client sends
them (see `requests` for the conventions)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from case_mcp.models.requests import RequestBody

__all__ = [
    "CaseLinkCreate",
    "JiraIssueCreate",
    "JiraIssueLink",
    "NotebookCreate",
    "RelationshipToIncident",
    "ServiceNowTicketCreate",
]


class CaseLinkCreate(RequestBody):
    """``POST /api/v2/cases/link``: a link from a parent entity to a child entity."""

    parent_entity_type: str
    parent_entity_id: str
    child_entity_type: str
    child_entity_id: str
    relationship: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"attributes": self.model_dump(), "type": "link"}}


class RelationshipToIncident(RequestBody):
    """``POST /api/v2/cases/{case_id}/relationships/incidents``: the incident to link."""

    incident_id: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"id": self.incident_id, "type": "incidents"}}


class JiraIssueCreate(RequestBody):
    """``POST /api/v2/cases/{case_id}/relationships/jira_issues``: a new Jira issue."""

    jira_account_id: str
    project_id: str
    issue_type_id: str
    fields: dict[str, Any] | None = Field(default=None)

    def body(self) -> dict[str, Any]:
        """The JSON document to send; ``fields`` only when given."""
        return {"data": {"attributes": self.model_dump(exclude_none=True), "type": "issues"}}


class JiraIssueLink(RequestBody):
    """``PATCH /api/v2/cases/{case_id}/relationships/jira_issues``: an existing issue's URL."""

    jira_issue_url: str

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"attributes": {"jira_issue_url": self.jira_issue_url}, "type": "issues"}}


class NotebookCreate(RequestBody):
    """``POST /api/v2/cases/{case_id}/relationships/notebook``: a new notebook."""

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"type": "notebook"}}


class ServiceNowTicketCreate(RequestBody):
    """``POST /api/v2/cases/{case_id}/relationships/servicenow_tickets``: a new ticket."""

    instance_name: str
    assignment_group: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send; ``assignment_group`` only when given."""
        return {"data": {"attributes": self.model_dump(exclude_none=True), "type": "tickets"}}
