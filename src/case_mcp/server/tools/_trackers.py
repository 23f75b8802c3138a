"""How a case's incidents, Jira issue, ServiceNow ticket and notebook read in its view: an
address a person can open, or where Datadog is in making it."""

from __future__ import annotations

from typing import Final

from case_mcp.models import Case, JiraIssue, JiraIssueResult, ServiceNowTicket, ToManyRelationship

__all__ = ["incident_ids", "notebook", "tracker"]


def incident_ids(case: Case) -> list[str]:
    """The ids of the incidents linked to a case."""
    return [item.id for item in (case.relationships.incidents or _NO_INCIDENTS).data]


_NO_INCIDENTS: Final = ToManyRelationship()
_TRACKER_STATUS: Final = {"IN_PROGRESS": "being created", "FAILED": "creation failed"}


def tracker(ticket: JiraIssue | ServiceNowTicket | None) -> str | None:
    """A Jira issue or ServiceNow ticket as its address, or how its creation goes."""
    if ticket is None:
        return None
    result = ticket.result
    url = (
        result.issue_url or result.issue_key
        if isinstance(result, JiraIssueResult)
        else result.sys_target_link
        if result is not None
        else None
    )
    return url or _TRACKER_STATUS.get(ticket.status or "", ticket.status)


def notebook(case: Case) -> str | None:
    """A case's investigation notebook: its address, or its id when Datadog gave none."""
    relationship = case.relationships.notebook
    if relationship is None or relationship.data is None:
        return None
    links = (relationship.model_extra or {}).get("links")
    related = links.get("related") if isinstance(links, dict) else None
    return related if isinstance(related, str) else f"notebook {relationship.data.id}"
