# datadog_api_client has no type annotations; calling it is the point of this module.
# mypy: disable-error-code="no-untyped-call"
"""Every operation sends the request Datadog's official Python client sends for the same call.

The official client is run in-process with its HTTP layer replaced by a recorder, so this
covers the operations that have no recorded traffic too (projects, timelines, users).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import date
from typing import Any
from unittest import mock
from urllib.parse import parse_qsl, urlsplit

import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.rest import RESTClientObject
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model import (
    case_assign,
    case_assign_attributes,
    case_assign_request,
    case_comment,
    case_comment_attributes,
    case_comment_request,
    case_create,
    case_create_attributes,
    case_create_relationships,
    case_create_request,
    case_empty,
    case_empty_request,
    case_link_attributes,
    case_link_create,
    case_link_create_request,
    case_link_resource_type,
    case_object_attributes,
    case_priority,
    case_resource_type,
    case_sortable_field,
    case_status,
    case_update_attributes,
    case_update_attributes_attributes,
    case_update_attributes_request,
    case_update_custom_attribute,
    case_update_custom_attribute_request,
    case_update_description,
    case_update_description_attributes,
    case_update_description_request,
    case_update_due_date,
    case_update_due_date_attributes,
    case_update_due_date_request,
    case_update_priority,
    case_update_priority_attributes,
    case_update_priority_request,
    case_update_status,
    case_update_status_attributes,
    case_update_status_request,
    case_update_title,
    case_update_title_attributes,
    case_update_title_request,
    custom_attribute_type,
    custom_attribute_value,
    incident_relationship_data,
    incident_resource_type,
    jira_issue_create_attributes,
    jira_issue_create_data,
    jira_issue_create_request,
    jira_issue_link_attributes,
    jira_issue_link_data,
    jira_issue_link_request,
    jira_issue_resource_type,
    notebook_create_data,
    notebook_create_request,
    notebook_resource_type,
    nullable_user_relationship,
    nullable_user_relationship_data,
    project_create,
    project_create_attributes,
    project_create_request,
    project_relationship,
    project_relationship_data,
    project_resource_type,
    relationship_to_incident_request,
    service_now_ticket_create_attributes,
    service_now_ticket_create_data,
    service_now_ticket_create_request,
    service_now_ticket_resource_type,
    user_resource_type,
)

from case_mcp.client import OPERATIONS as DECLARED
from case_mcp.client import CaseManagementClient
from case_mcp.models import CustomAttributeValue
from fake_datadog import FakeDatadog

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
KEY = "DDFC-98808"
PROJECT = "d4bbe1af-f36e-42f1-87c1-493ca35c320e"
USER = "06fe1d45-8040-47eb-b161-837f416635e7"
CELL = "2df6429f-8148-440c-a959-e6503f42709b"
TYPE = "00000000-0000-0000-0000-000000000001"
LINK = "5d7b4c1e-2f3a-4b5c-8d9e-0a1b2c3d4e5f"
INCIDENT = "f694595c-edec-5255-bf49-6b3163d34d34"
LINK_ATTRIBUTES = {
    "parent_entity_type": "CASE",
    "parent_entity_id": CASE,
    "child_entity_type": "INCIDENT",
    "child_entity_id": INCIDENT,
    "relationship": "RELATES_TO",
}

CASE_TYPE = case_resource_type.CaseResourceType.CASE
PROJECT_TYPE = project_resource_type.ProjectResourceType.PROJECT


class _Sent(Exception):
    """Carries what the official client was about to send."""


def _record(
    _self: object,
    method: str,
    url: str,
    query_params: list[tuple[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
    body: Any = None,
    **_: Any,
) -> None:
    raise _Sent(method, url, query_params or [], body)


@pytest.fixture(scope="module")
def official() -> Iterator[ApiClient]:
    """Datadog's official client, whose HTTP layer records instead of sending."""
    configuration = Configuration(host="https://api.datadoghq.com")
    configuration.api_key["apiKeyAuth"] = "api"
    configuration.api_key["appKeyAuth"] = "app"
    with mock.patch.object(RESTClientObject, "request", _record), ApiClient(configuration) as api:
        yield api


def _what_official_sends(call: Callable[[], object]) -> tuple[str, str, list[tuple[str, str]], Any]:
    with pytest.raises(_Sent) as sent:
        call()
    method, url, query, body = sent.value.args
    return method, urlsplit(url).path, [(k, str(v)) for k, v in query], body


def _cases(api: ApiClient) -> CaseManagementApi:
    return CaseManagementApi(api)


def _project_relationship(project_id: str) -> Any:
    return project_relationship.ProjectRelationship(
        data=project_relationship_data.ProjectRelationshipData(id=project_id, type=PROJECT_TYPE)
    )


Ours = Callable[[CaseManagementClient], Awaitable[object]]
Theirs = Callable[[ApiClient], object]


def _ours_without_body(operation: str) -> Ours:
    """Our call of an operation that takes only the case id."""
    return lambda client: getattr(client, operation)(CASE)


def _theirs_with_empty_body(operation: str) -> Theirs:
    """The official call of an operation whose body is only ``{"data": {"type": "case"}}``."""
    empty = case_empty_request.CaseEmptyRequest(data=case_empty.CaseEmpty(type=CASE_TYPE))
    return lambda api: getattr(_cases(api), operation)(CASE, empty)


OPERATIONS: list[Any] = [
    pytest.param(
        lambda c: c.get_projects(),
        lambda api: _cases(api).get_projects(),
        {"data": []},
        id="get_projects",
    ),
    pytest.param(
        lambda c: c.get_project(PROJECT),
        lambda api: _cases(api).get_project(PROJECT),
        {"data": {"id": PROJECT, "type": "project"}},
        id="get_project",
    ),
    pytest.param(
        lambda c: c.create_project("SEC", "Security"),
        lambda api: _cases(api).create_project(
            project_create_request.ProjectCreateRequest(
                data=project_create.ProjectCreate(
                    attributes=project_create_attributes.ProjectCreateAttributes(
                        key="SEC", name="Security"
                    ),
                    type=PROJECT_TYPE,
                )
            )
        ),
        {"data": {"id": PROJECT, "type": "project"}},
        id="create_project",
    ),
    pytest.param(
        lambda c: c.delete_project(PROJECT),
        lambda api: _cases(api).delete_project(PROJECT),
        None,
        id="delete_project",
    ),
    pytest.param(
        lambda c: c.search_cases(
            "status:open priority:P1", page_size=50, sort_field="priority", sort_ascending=True
        ),
        lambda api: _cases(api).search_cases(
            page_size=50,
            page_number=1,
            filter="status:open priority:P1",
            sort_field=case_sortable_field.CaseSortableField.PRIORITY,
            sort_asc=True,
        ),
        {"data": []},
        id="search_cases",
    ),
    pytest.param(
        lambda c: c.search_cases(),
        lambda api: _cases(api).search_cases(page_size=10, page_number=1),
        {"data": []},
        id="search_cases-defaults",
    ),
    pytest.param(
        lambda c: c.create_case(
            "Disk full on db-1",
            type_id=TYPE,
            project_id=PROJECT,
            priority="P2",
            description="It is full.",
            assignee_id=USER,
            status_name="Open",
            custom_attributes={
                "region": CustomAttributeValue(type="TEXT", is_multi=True, value=["eu", "us"])
            },
        ),
        lambda api: _cases(api).create_case(
            case_create_request.CaseCreateRequest(
                data=case_create.CaseCreate(
                    attributes=case_create_attributes.CaseCreateAttributes(
                        title="Disk full on db-1",
                        type_id=TYPE,
                        priority=case_priority.CasePriority.P2,
                        description="It is full.",
                        status_name="Open",
                        custom_attributes={
                            "region": custom_attribute_value.CustomAttributeValue(
                                type=custom_attribute_type.CustomAttributeType.TEXT,
                                is_multi=True,
                                value=["eu", "us"],
                            )
                        },
                    ),
                    relationships=case_create_relationships.CaseCreateRelationships(
                        assignee=nullable_user_relationship.NullableUserRelationship(
                            data=nullable_user_relationship_data.NullableUserRelationshipData(
                                id=USER, type=user_resource_type.UserResourceType.USER
                            )
                        ),
                        project=_project_relationship(PROJECT),
                    ),
                    type=CASE_TYPE,
                )
            )
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="create_case",
    ),
    pytest.param(
        lambda c: c.get_case(KEY),
        lambda api: _cases(api).get_case(KEY),
        {"data": {"id": CASE, "type": "case"}},
        id="get_case-by-key",
    ),
    pytest.param(
        lambda c: c.update_case_title(CASE, "New title"),
        lambda api: _cases(api).update_case_title(
            CASE,
            case_update_title_request.CaseUpdateTitleRequest(
                data=case_update_title.CaseUpdateTitle(
                    attributes=case_update_title_attributes.CaseUpdateTitleAttributes(
                        title="New title"
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_case_title",
    ),
    pytest.param(
        lambda c: c.update_case_description(CASE, "More detail"),
        lambda api: _cases(api).update_case_description(
            CASE,
            case_update_description_request.CaseUpdateDescriptionRequest(
                data=case_update_description.CaseUpdateDescription(
                    attributes=case_update_description_attributes.CaseUpdateDescriptionAttributes(
                        description="More detail"
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_case_description",
    ),
    pytest.param(
        lambda c: c.update_status(CASE, status="CLOSED"),
        lambda api: _cases(api).update_status(
            CASE,
            case_update_status_request.CaseUpdateStatusRequest(
                data=case_update_status.CaseUpdateStatus(
                    attributes=case_update_status_attributes.CaseUpdateStatusAttributes(
                        status=case_status.CaseStatus.CLOSED
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_status",
    ),
    pytest.param(
        lambda c: c.update_status(CASE, status_name="Pending Approval"),
        lambda api: _cases(api).update_status(
            CASE,
            case_update_status_request.CaseUpdateStatusRequest(
                data=case_update_status.CaseUpdateStatus(
                    attributes=case_update_status_attributes.CaseUpdateStatusAttributes(
                        status_name="Pending Approval"
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_status-by-name",
    ),
    pytest.param(
        lambda c: c.update_case_due_date(CASE, date(2026, 12, 31)),
        lambda api: _cases(api).update_case_due_date(
            CASE,
            case_update_due_date_request.CaseUpdateDueDateRequest(
                data=case_update_due_date.CaseUpdateDueDate(
                    attributes=case_update_due_date_attributes.CaseUpdateDueDateAttributes(
                        due_date="2026-12-31"
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_case_due_date",
    ),
    pytest.param(
        lambda c: c.update_priority(CASE, "P1"),
        lambda api: _cases(api).update_priority(
            CASE,
            case_update_priority_request.CaseUpdatePriorityRequest(
                data=case_update_priority.CaseUpdatePriority(
                    attributes=case_update_priority_attributes.CaseUpdatePriorityAttributes(
                        priority=case_priority.CasePriority.P1
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_priority",
    ),
    pytest.param(
        lambda c: c.assign_case(CASE, USER),
        lambda api: _cases(api).assign_case(
            CASE,
            case_assign_request.CaseAssignRequest(
                data=case_assign.CaseAssign(
                    attributes=case_assign_attributes.CaseAssignAttributes(assignee_id=USER),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="assign_case",
    ),
    *[
        pytest.param(
            _ours_without_body(name),
            _theirs_with_empty_body(name),
            {"data": {"id": CASE, "type": "case"}},
            id=name,
        )
        for name in ("unassign_case", "archive_case", "unarchive_case")
    ],
    pytest.param(
        lambda c: c.update_attributes(CASE, {"service": ["web-api"], "env": ["prod", "eu"]}),
        lambda api: _cases(api).update_attributes(
            CASE,
            case_update_attributes_request.CaseUpdateAttributesRequest(
                data=case_update_attributes.CaseUpdateAttributes(
                    attributes=case_update_attributes_attributes.CaseUpdateAttributesAttributes(
                        attributes=case_object_attributes.CaseObjectAttributes(
                            service=["web-api"], env=["prod", "eu"]
                        )
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_attributes",
    ),
    pytest.param(
        lambda c: c.comment_case(CASE, "Looking into it."),
        lambda api: _cases(api).comment_case(
            CASE,
            case_comment_request.CaseCommentRequest(
                data=case_comment.CaseComment(
                    attributes=case_comment_attributes.CaseCommentAttributes(
                        comment="Looking into it."
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": [{"id": CELL, "type": "timeline_cell"}]},
        id="comment_case",
    ),
    pytest.param(
        lambda c: c.delete_case_comment(CASE, CELL),
        lambda api: _cases(api).delete_case_comment(CASE, CELL),
        None,
        id="delete_case_comment",
    ),
    pytest.param(
        lambda c: c.update_case_custom_attribute(CASE, "cost", 12.5, type="NUMBER", is_multi=False),
        lambda api: _cases(api).update_case_custom_attribute(
            CASE,
            "cost",
            case_update_custom_attribute_request.CaseUpdateCustomAttributeRequest(
                data=case_update_custom_attribute.CaseUpdateCustomAttribute(
                    attributes=custom_attribute_value.CustomAttributeValue(
                        type=custom_attribute_type.CustomAttributeType.NUMBER,
                        is_multi=False,
                        value=12.5,
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_case_custom_attribute",
    ),
    pytest.param(
        lambda c: c.delete_case_custom_attribute(CASE, "cost"),
        lambda api: _cases(api).delete_case_custom_attribute(CASE, "cost"),
        {"data": {"id": CASE, "type": "case"}},
        id="delete_case_custom_attribute",
    ),
    pytest.param(
        lambda c: c.move_case_to_project(CASE, PROJECT),
        lambda api: _cases(api).move_case_to_project(CASE, _project_relationship(PROJECT)),
        {"data": {"id": CASE, "type": "case"}},
        id="move_case_to_project",
    ),
    pytest.param(
        lambda c: c.list_case_timeline(CASE),
        lambda api: _cases(api).list_case_timeline(CASE),
        {"data": []},
        id="list_case_timeline-defaults",
    ),
    pytest.param(
        lambda c: c.list_case_timeline(CASE, page_size=20, page_number=0, sort_ascending=True),
        lambda api: _cases(api).list_case_timeline(
            CASE, page_size=20, page_number=0, sort_ascending=True
        ),
        {"data": []},
        id="list_case_timeline",
    ),
    pytest.param(
        lambda c: c.get_all_case_types(),
        lambda api: CaseManagementTypeApi(api).get_all_case_types(),
        {"data": []},
        id="get_all_case_types",
    ),
    pytest.param(
        lambda c: c.get_all_custom_attributes(),
        lambda api: CaseManagementAttributeApi(api).get_all_custom_attributes(),
        {"data": []},
        id="get_all_custom_attributes",
    ),
    pytest.param(
        lambda c: c.get_all_custom_attribute_configs_by_case_type(TYPE),
        lambda api: CaseManagementAttributeApi(api).get_all_custom_attribute_configs_by_case_type(
            TYPE
        ),
        {"data": []},
        id="get_all_custom_attribute_configs_by_case_type",
    ),
    pytest.param(
        lambda c: c.list_users("ana", page_size=25, page_number=2),
        lambda api: UsersApi(api).list_users(filter="ana", page_size=25, page_number=2),
        {"data": []},
        id="list_users",
    ),
    pytest.param(
        lambda c: c.list_users(),
        lambda api: UsersApi(api).list_users(page_size=10, page_number=0),
        {"data": []},
        id="list_users-defaults",
    ),
    pytest.param(
        lambda c: c.get_user(USER),
        lambda api: UsersApi(api).get_user(USER),
        {"data": {"id": USER, "type": "users"}},
        id="get_user",
    ),
    pytest.param(
        lambda c: c.list_case_links("CASE", CASE, "BLOCKS"),
        lambda api: _cases(api).list_case_links(
            entity_type="CASE", entity_id=CASE, relationship="BLOCKS"
        ),
        {"data": []},
        id="list_case_links",
    ),
    pytest.param(
        lambda c: c.create_case_link("CASE", CASE, "INCIDENT", INCIDENT, "RELATES_TO"),
        lambda api: _cases(api).create_case_link(
            case_link_create_request.CaseLinkCreateRequest(
                data=case_link_create.CaseLinkCreate(
                    attributes=case_link_attributes.CaseLinkAttributes(
                        parent_entity_type="CASE",
                        parent_entity_id=CASE,
                        child_entity_type="INCIDENT",
                        child_entity_id=INCIDENT,
                        relationship="RELATES_TO",
                    ),
                    type=case_link_resource_type.CaseLinkResourceType.LINK,
                )
            )
        ),
        {"data": {"id": LINK, "type": "link", "attributes": LINK_ATTRIBUTES}},
        id="create_case_link",
    ),
    pytest.param(
        lambda c: c.delete_case_link(LINK, CASE),
        lambda api: _cases(api).delete_case_link(LINK),
        None,
        id="delete_case_link",
    ),
    pytest.param(
        lambda c: c.link_incident(CASE, INCIDENT),
        lambda api: _cases(api).link_incident(
            CASE,
            relationship_to_incident_request.RelationshipToIncidentRequest(
                data=incident_relationship_data.IncidentRelationshipData(
                    id=INCIDENT, type=incident_resource_type.IncidentResourceType.INCIDENTS
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="link_incident",
    ),
    pytest.param(
        lambda c: c.create_case_jira_issue(CASE, "1234", "5678", "10001", {"labels": ["sec"]}),
        lambda api: _cases(api).create_case_jira_issue(
            CASE,
            jira_issue_create_request.JiraIssueCreateRequest(
                data=jira_issue_create_data.JiraIssueCreateData(
                    attributes=jira_issue_create_attributes.JiraIssueCreateAttributes(
                        fields={"labels": ["sec"]},
                        issue_type_id="10001",
                        jira_account_id="1234",
                        project_id="5678",
                    ),
                    type=jira_issue_resource_type.JiraIssueResourceType.ISSUES,
                )
            ),
        ),
        None,
        id="create_case_jira_issue",
    ),
    pytest.param(
        lambda c: c.link_jira_issue_to_case(CASE, "https://jira.example.com/browse/PROJ-123"),
        lambda api: _cases(api).link_jira_issue_to_case(
            CASE,
            jira_issue_link_request.JiraIssueLinkRequest(
                data=jira_issue_link_data.JiraIssueLinkData(
                    attributes=jira_issue_link_attributes.JiraIssueLinkAttributes(
                        jira_issue_url="https://jira.example.com/browse/PROJ-123"
                    ),
                    type=jira_issue_resource_type.JiraIssueResourceType.ISSUES,
                )
            ),
        ),
        None,
        id="link_jira_issue_to_case",
    ),
    pytest.param(
        lambda c: c.unlink_jira_issue(CASE),
        lambda api: _cases(api).unlink_jira_issue(CASE),
        None,
        id="unlink_jira_issue",
    ),
    pytest.param(
        lambda c: c.create_case_notebook(CASE),
        lambda api: _cases(api).create_case_notebook(
            CASE,
            notebook_create_request.NotebookCreateRequest(
                data=notebook_create_data.NotebookCreateData(
                    type=notebook_resource_type.NotebookResourceType.NOTEBOOK
                )
            ),
        ),
        None,
        id="create_case_notebook",
    ),
    pytest.param(
        lambda c: c.create_case_service_now_ticket(CASE, "my-instance", "IT Support"),
        lambda api: _cases(api).create_case_service_now_ticket(
            CASE,
            service_now_ticket_create_request.ServiceNowTicketCreateRequest(
                data=service_now_ticket_create_data.ServiceNowTicketCreateData(
                    attributes=service_now_ticket_create_attributes.ServiceNowTicketCreateAttributes(
                        assignment_group="IT Support", instance_name="my-instance"
                    ),
                    type=service_now_ticket_resource_type.ServiceNowTicketResourceType.TICKETS,
                )
            ),
        ),
        None,
        id="create_case_service_now_ticket",
    ),
]


@pytest.mark.anyio
@pytest.mark.parametrize(("ours", "theirs", "answer"), OPERATIONS)
async def test_each_operation_sends_what_the_official_client_sends(
    client: CaseManagementClient,
    datadog: FakeDatadog,
    official: ApiClient,
    ours: Ours,
    theirs: Theirs,
    answer: dict[str, Any] | None,
) -> None:
    """Method, path, query parameters (in order) and JSON body equal the official client's."""
    if answer is None:
        datadog.answer(204)
    else:
        datadog.answer(200, answer)

    await ours(client)

    request = datadog.request
    sent = (
        request.method,
        request.url.raw_path.decode().split("?")[0],
        parse_qsl(request.url.query.decode()),
        json.loads(request.content) if request.content else None,
    )
    assert sent == _what_official_sends(lambda: theirs(official))
    assert ("content-type" in request.headers) == (request.content != b"")


def test_every_public_operation_is_compared_with_the_official_client() -> None:
    """No declared operation escapes the parity table above, and no client method escapes
    the declarations."""
    tested = {param.id.split("-")[0] for param in OPERATIONS if param.id}
    public = {
        name
        for name in dir(CaseManagementClient)
        if not name.startswith("_") and callable(getattr(CaseManagementClient, name))
    } - {"aclose", "from_settings", "guarded"}

    assert sorted(set(DECLARED) - tested) == [], "operations without a parity row"
    assert tested == set(DECLARED) == public
