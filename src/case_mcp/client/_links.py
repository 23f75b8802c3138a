"""The operations that link a case to other things: cases and incidents, a Jira issue, a
ServiceNow ticket, an investigation notebook.

Datadog answers the Jira and ServiceNow creates with 202 Accepted and makes the issue or
ticket in the background; the case shows it (``jira_issue``, ``service_now_ticket``) once made.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from case_mcp.client._link_recovery import (
    find_case_link,
    find_jira_issue,
    find_notebook,
    find_service_now_ticket,
)
from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.models import (
    Case,
    CaseDocument,
    CaseLink,
    CaseLinkCreate,
    CaseLinkDocument,
    CaseLinksDocument,
    JiraIssueCreate,
    JiraIssueLink,
    NotebookCreate,
    RelationshipToIncident,
    ServiceNowTicketCreate,
)

_CASE_ONLY = Scope(case="case_id")
_LINK_ENDS = (("parent_entity_type", "parent_entity_id"), ("child_entity_type", "child_entity_id"))


class LinkOperations(Operations):
    """The operations of Datadog's Case Management API that link a case to other things."""

    @operation(
        "GET",
        "/api/v2/cases/link",
        effect="read",
        scope=Scope(entities=(("entity_type", "entity_id"),), answer="links"),
        response=CaseLinksDocument,
    )
    async def list_case_links(
        self, entity_type: str, entity_id: str, relationship: str | None = None
    ) -> list[CaseLink]:
        """The links of an entity, whether it is their parent or their child.

        Args:
            entity_type: ``CASE``, ``INCIDENT``, ``PAGE`` or ``AGENT_CONVERSATION``.
            entity_id: The entity's UUID (a case's key works too).
            relationship: Only links of this relationship (``BLOCKS``...).

        Raises:
            BadRequestError: A type or relationship Datadog does not know.
            NotFoundError: No such entity.
        """
        params = {"entity_type": entity_type, "entity_id": entity_id}
        if relationship is not None:
            params["relationship"] = relationship
        document: CaseLinksDocument = await self._call(params=params)
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/link",
        effect="creates",
        scope=Scope(entities=_LINK_ENDS),
        request=CaseLinkCreate,
        response=CaseLinkDocument,
        finder=find_case_link,
    )
    async def create_case_link(
        self,
        parent_entity_type: str,
        parent_entity_id: str,
        child_entity_type: str,
        child_entity_id: str,
        relationship: str,
    ) -> CaseLink:
        """Link two entities, at least one a case: the parent relates to the child.

        Args:
            parent_entity_type: ``CASE``, ``INCIDENT``, ``PAGE`` or ``AGENT_CONVERSATION``.
            parent_entity_id: The parent's UUID.
            child_entity_type: The child's type.
            child_entity_id: The child's UUID.
            relationship: ``RELATES_TO``, ``CAUSES``, ``BLOCKS``, ``DUPLICATES``,
                ``PARENT_OF``, ``SUCCESSOR_OF`` or ``ESCALATES_TO``.

        Raises:
            BadRequestError: A type or relationship Datadog does not know, or no case at either end.
            NotFoundError: Either end does not exist.
            ConflictError: The same link exists.
        """
        body = CaseLinkCreate(
            parent_entity_type=parent_entity_type,
            parent_entity_id=parent_entity_id,
            child_entity_type=child_entity_type,
            child_entity_id=child_entity_id,
            relationship=relationship,
        )
        document: CaseLinkDocument = await self._call(body)
        return document.data

    @operation(
        "DELETE",
        "/api/v2/cases/link/{link_id}",
        effect="deletes",
        scope=Scope(case="case_id", link="link_id"),
    )
    async def delete_case_link(self, link_id: str, case_id: str) -> None:
        """Remove a link; neither end lists it any more.

        Args:
            link_id: The link's UUID.
            case_id: A case the link joins (UUID or key). Not sent: a project scope checks
                the link through it.

        Raises:
            BadRequestError: The link id is not a UUID.
            NotFoundError: No such link.
        """
        await self._call()

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/relationships/incidents",
        effect="sets",
        scope=Scope(case="case_id", answer="case"),
        request=RelationshipToIncident,
        response=CaseDocument,
    )
    async def link_incident(self, case_id: str, incident_id: str) -> Case:
        """Link an incident to a case; the case's ``incidents`` relationship lists it.

        Args:
            case_id: The case's UUID or key.
            incident_id: The incident's UUID.

        Raises:
            NotFoundError: No such case or incident.
        """
        document: CaseDocument = await self._call(RelationshipToIncident(incident_id=incident_id))
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/relationships/jira_issues",
        effect="creates",
        scope=_CASE_ONLY,
        request=JiraIssueCreate,
        finder=find_jira_issue,
    )
    async def create_case_jira_issue(
        self,
        case_id: str,
        jira_account_id: str,
        project_id: str,
        issue_type_id: str,
        fields: Mapping[str, Any] | None = None,
    ) -> None:
        """Have Datadog create a Jira issue for a case (202 Accepted); the case shows it once made.

        Args:
            case_id: The case's UUID or key.
            jira_account_id: The Jira account of Datadog's Jira integration.
            project_id: The Jira project's id.
            issue_type_id: The Jira issue type's id.
            fields: More Jira fields to set, by Jira's field names.

        Raises:
            NotFoundError: No such case.
            ConflictError: The case has a Jira issue already.
        """
        body = JiraIssueCreate(
            jira_account_id=jira_account_id,
            project_id=project_id,
            issue_type_id=issue_type_id,
            fields=dict(fields) if fields is not None else None,
        )
        await self._call(body)

    @operation(
        "PATCH",
        "/api/v2/cases/{case_id}/relationships/jira_issues",
        effect="sets",
        scope=_CASE_ONLY,
        request=JiraIssueLink,
    )
    async def link_jira_issue_to_case(self, case_id: str, jira_issue_url: str) -> None:
        """Link an existing Jira issue to a case by its URL, in place of its current one.

        Args:
            case_id: The case's UUID or key.
            jira_issue_url: The issue's address, ``https://<site>/browse/<KEY-123>``.

        Raises:
            BadRequestError: The URL is not a Jira issue's.
            NotFoundError: No such case.
            ConflictError: The issue is linked to a case already (this one too).
        """
        await self._call(JiraIssueLink(jira_issue_url=jira_issue_url))

    @operation(
        "DELETE",
        "/api/v2/cases/{case_id}/relationships/jira_issues",
        effect="deletes",
        scope=_CASE_ONLY,
    )
    async def unlink_jira_issue(self, case_id: str) -> None:
        """Remove a case's Jira issue from it (the issue stays in Jira).

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
        """
        await self._call()

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/relationships/notebook",
        effect="creates",
        scope=_CASE_ONLY,
        request=NotebookCreate,
        finder=find_notebook,
    )
    async def create_case_notebook(self, case_id: str) -> None:
        """Open an investigation notebook for a case; the case's ``notebook`` relationship
        names it.

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
            ConflictError: The case has a notebook already.
        """
        await self._call(NotebookCreate())

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/relationships/servicenow_tickets",
        effect="creates",
        scope=_CASE_ONLY,
        request=ServiceNowTicketCreate,
        finder=find_service_now_ticket,
    )
    async def create_case_service_now_ticket(
        self, case_id: str, instance_name: str, assignment_group: str | None = None
    ) -> None:
        """Have Datadog create a ServiceNow ticket for a case (202 Accepted); the case shows it
        once made.

        Args:
            case_id: The case's UUID or key.
            instance_name: The ServiceNow instance (``acme`` for acme.service-now.com).
            assignment_group: The ServiceNow group to assign the ticket to.

        Raises:
            BadRequestError: Datadog refused the instance.
            NotFoundError: No such case.
            ConflictError: The case has a ServiceNow ticket already.
        """
        body = ServiceNowTicketCreate(
            instance_name=instance_name, assignment_group=assignment_group
        )
        await self._call(body)
