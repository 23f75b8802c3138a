# datadog_api_client has no type annotations; calling it is the point of this module.
# mypy: disable-error-code="no-untyped-call"
"""Datadog's official client links cases, incidents, Jira issues, ServiceNow tickets and
notebooks on the sandbox, reads every answer into its models and gets Datadog's errors."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case3rd_party_ticket_status import Case3rdPartyTicketStatus
from datadog_api_client.v2.model.case_link_attributes import CaseLinkAttributes
from datadog_api_client.v2.model.case_link_create import CaseLinkCreate
from datadog_api_client.v2.model.case_link_create_request import CaseLinkCreateRequest
from datadog_api_client.v2.model.case_link_resource_type import CaseLinkResourceType
from datadog_api_client.v2.model.incident_relationship_data import IncidentRelationshipData
from datadog_api_client.v2.model.incident_resource_type import IncidentResourceType
from datadog_api_client.v2.model.jira_issue_create_attributes import JiraIssueCreateAttributes
from datadog_api_client.v2.model.jira_issue_create_data import JiraIssueCreateData
from datadog_api_client.v2.model.jira_issue_create_request import JiraIssueCreateRequest
from datadog_api_client.v2.model.jira_issue_link_attributes import JiraIssueLinkAttributes
from datadog_api_client.v2.model.jira_issue_link_data import JiraIssueLinkData
from datadog_api_client.v2.model.jira_issue_link_request import JiraIssueLinkRequest
from datadog_api_client.v2.model.jira_issue_resource_type import JiraIssueResourceType
from datadog_api_client.v2.model.notebook_create_data import NotebookCreateData
from datadog_api_client.v2.model.notebook_create_request import NotebookCreateRequest
from datadog_api_client.v2.model.notebook_resource_type import NotebookResourceType
from datadog_api_client.v2.model.relationship_to_incident_request import (
    RelationshipToIncidentRequest,
)
from datadog_api_client.v2.model.service_now_ticket_create_attributes import (
    ServiceNowTicketCreateAttributes,
)
from datadog_api_client.v2.model.service_now_ticket_create_data import ServiceNowTicketCreateData
from datadog_api_client.v2.model.service_now_ticket_create_request import (
    ServiceNowTicketCreateRequest,
)
from datadog_api_client.v2.model.service_now_ticket_resource_type import (
    ServiceNowTicketResourceType,
)

from case_mcp.sandbox._demo_org import object_id
from official_client import new_case

UNKNOWN = "00000000-0000-0000-0000-00000000dead"
# Checkout conversion down 18%: declared, linked to no case yet.
STABLE_INCIDENT = object_id("incident:46")


def link_request(parent: str, child: str, relationship: str, child_type: str = "CASE") -> Any:
    return CaseLinkCreateRequest(
        data=CaseLinkCreate(
            attributes=CaseLinkAttributes(
                parent_entity_type="CASE",
                parent_entity_id=parent,
                child_entity_type=child_type,
                child_entity_id=child,
                relationship=relationship,
            ),
            type=CaseLinkResourceType.LINK,
        )
    )


def jira_issue_request() -> Any:
    return JiraIssueCreateRequest(
        data=JiraIssueCreateData(
            attributes=JiraIssueCreateAttributes(
                fields={}, issue_type_id="10001", jira_account_id="1234", project_id="5678"
            ),
            type=JiraIssueResourceType.ISSUES,
        )
    )


def jira_link_request(url: str) -> Any:
    return JiraIssueLinkRequest(
        data=JiraIssueLinkData(
            attributes=JiraIssueLinkAttributes(jira_issue_url=url),
            type=JiraIssueResourceType.ISSUES,
        )
    )


def ticket_request(instance: str) -> Any:
    return ServiceNowTicketCreateRequest(
        data=ServiceNowTicketCreateData(
            attributes=ServiceNowTicketCreateAttributes(
                assignment_group="IT Support", instance_name=instance
            ),
            type=ServiceNowTicketResourceType.TICKETS,
        )
    )


def notebook_request() -> Any:
    return NotebookCreateRequest(data=NotebookCreateData(type=NotebookResourceType.NOTEBOOK))


def incident_request(incident_id: str) -> Any:
    return RelationshipToIncidentRequest(
        data=IncidentRelationshipData(id=incident_id, type=IncidentResourceType.INCIDENTS)
    )


def status_of(api_client: ApiClient, call: Callable[[], object]) -> int:
    """The HTTP status of a call that answers no body (the client returns None for those)."""
    api_client.configuration.return_http_data_only = False
    try:
        answer = call()
    finally:
        api_client.configuration.return_http_data_only = True
    assert isinstance(answer, tuple)
    return int(answer[1])


def two_cases(cases: CaseManagementApi, title: str) -> tuple[str, str]:
    project_id = cases.get_projects().data[0].id
    return new_case(cases, project_id, f"{title}: one"), new_case(cases, project_id, title)


def test_official_client_links_two_cases_and_both_ends_list_it(api_client: ApiClient) -> None:
    """A link made with Datadog's client is listed by both cases, by relationship too, and
    gone from both once deleted."""
    cases = CaseManagementApi(api_client)
    blocker, blocked = two_cases(cases, "Rotate the signing keys")

    link = cases.create_case_link(link_request(blocker, blocked, "BLOCKS")).data

    assert (link.attributes.parent_entity_id, link.attributes.child_entity_id) == (
        blocker,
        blocked,
    )
    for end in (blocker, blocked):
        listed = cases.list_case_links(entity_type="CASE", entity_id=end).data
        assert [item.id for item in listed] == [link.id]
    by_relationship = cases.list_case_links(
        entity_type="CASE", entity_id=blocked, relationship="DUPLICATES"
    )
    assert by_relationship.data == []

    cases.delete_case_link(link.id)

    assert cases.list_case_links(entity_type="CASE", entity_id=blocker).data == []
    assert cases.list_case_links(entity_type="CASE", entity_id=blocked).data == []


def test_official_client_gets_datadogs_errors_for_links(api_client: ApiClient) -> None:
    """A relationship outside the enum is a 400, an unknown end or link a 404, the same link
    twice a 409, a link id that is no UUID a 400."""
    cases = CaseManagementApi(api_client)
    one, other = two_cases(cases, "Link errors")

    statuses = []
    for call in (
        lambda: cases.create_case_link(link_request(one, other, "FOLLOWS")),
        lambda: cases.create_case_link(link_request(one, UNKNOWN, "BLOCKS")),
        lambda: cases.list_case_links(entity_type="CASE", entity_id=UNKNOWN),
        lambda: cases.list_case_links(entity_type="TICKET", entity_id=one),
        lambda: cases.delete_case_link(UNKNOWN),
        lambda: cases.delete_case_link("not-a-uuid"),
    ):
        with pytest.raises(ApiException) as refused:
            call()
        statuses.append(refused.value.status)
    cases.create_case_link(link_request(one, other, "RELATES_TO"))
    with pytest.raises(ApiException) as twice:
        cases.create_case_link(link_request(one, other, "RELATES_TO"))

    assert statuses == [400, 404, 404, 400, 404, 400]
    assert twice.value.status == 409


def test_official_client_links_an_incident_and_the_case_lists_it(api_client: ApiClient) -> None:
    """Linking an incident answers 201 with the case, whose incidents relationship and links
    name it; an unknown incident is a 404."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Checkout conversion follow-up")

    linked = cases.link_incident(case_id, incident_request(STABLE_INCIDENT))

    assert linked.data.id == case_id
    incidents = linked.data.relationships["incidents"]["data"]
    assert [item["id"] for item in incidents] == [STABLE_INCIDENT]
    links = cases.list_case_links(entity_type="INCIDENT", entity_id=STABLE_INCIDENT).data
    assert case_id in {link.attributes.parent_entity_id for link in links}
    with pytest.raises(NotFoundException):
        cases.link_incident(case_id, incident_request(UNKNOWN))
    with pytest.raises(NotFoundException):
        cases.link_incident(UNKNOWN, incident_request(STABLE_INCIDENT))


def test_official_client_creates_links_and_unlinks_a_jira_issue(api_client: ApiClient) -> None:
    """Creating a Jira issue answers 202 and the case then shows it on the demo's Jira site;
    unlinking removes it; linking by URL checks the URL, answers 204 and replaces the case's
    issue; an issue linked to another case is a 409."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Track the fix in Jira")

    status = status_of(
        api_client, lambda: cases.create_case_jira_issue(case_id, jira_issue_request())
    )
    issue = cases.get_case(case_id).data.attributes.jira_issue

    assert status == 202
    assert issue.status == Case3rdPartyTicketStatus.COMPLETED
    assert (
        issue.result.issue_url == f"https://demo-org.atlassian.net/browse/{issue.result.issue_key}"
    )
    with pytest.raises(ApiException) as twice:
        cases.create_case_jira_issue(case_id, jira_issue_request())
    assert twice.value.status == 409

    cases.unlink_jira_issue(case_id)
    assert "jira_issue" not in cases.get_case(case_id).data.attributes.to_dict()
    assert status_of(api_client, lambda: cases.unlink_jira_issue(case_id)) == 204
    with pytest.raises(NotFoundException):
        cases.unlink_jira_issue(UNKNOWN)

    url = "https://jira.example.com/browse/PROJ-123"
    status = status_of(
        api_client, lambda: cases.link_jira_issue_to_case(case_id, jira_link_request(url))
    )
    assert status == 204
    assert cases.get_case(case_id).data.attributes.jira_issue.result.issue_key == "PROJ-123"
    cases.link_jira_issue_to_case(case_id, jira_link_request(url.replace("123", "124")))
    assert cases.get_case(case_id).data.attributes.jira_issue.result.issue_key == "PROJ-124"
    other_case = new_case(cases, project_id, "Same issue elsewhere")
    with pytest.raises(ApiException) as taken:
        cases.link_jira_issue_to_case(other_case, jira_link_request(url.replace("123", "124")))
    assert taken.value.status == 409
    with pytest.raises(ApiException) as bad:
        cases.link_jira_issue_to_case(case_id, jira_link_request("https://jira.example.com/x"))
    assert bad.value.status == 400
    with pytest.raises(NotFoundException):
        cases.create_case_jira_issue(UNKNOWN, jira_issue_request())


def test_official_client_creates_a_servicenow_ticket_and_a_notebook(api_client: ApiClient) -> None:
    """A ServiceNow ticket answers 202 and then shows on the case; a notebook answers 204 and
    then shows as the case's notebook; a bad instance name is a 400, an unknown case a 404."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Track the change in ServiceNow")

    ticket_status = status_of(
        api_client,
        lambda: cases.create_case_service_now_ticket(case_id, ticket_request("my-instance")),
    )
    notebook_status = status_of(
        api_client, lambda: cases.create_case_notebook(case_id, notebook_request())
    )
    case = cases.get_case(case_id).data

    assert (ticket_status, notebook_status) == (202, 204)
    link = case.attributes.service_now_ticket.result.sys_target_link
    assert link.startswith("https://my-instance.service-now.com/")
    assert case.relationships["notebook"]["data"]["type"] == "notebook"
    with pytest.raises(ApiException) as bad:
        cases.create_case_service_now_ticket(case_id, ticket_request("my instance!"))
    assert bad.value.status == 400
    for call in (
        lambda: cases.create_case_service_now_ticket(UNKNOWN, ticket_request("my-instance")),
        lambda: cases.create_case_notebook(UNKNOWN, notebook_request()),
    ):
        with pytest.raises(NotFoundException):
            call()
