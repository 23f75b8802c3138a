"""Datadog's own Python API client works against the sandbox served over a real socket
(tests/official_client.py says why it is the judge)."""

from __future__ import annotations

from datetime import date

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_assign import CaseAssign
from datadog_api_client.v2.model.case_assign_attributes import CaseAssignAttributes
from datadog_api_client.v2.model.case_assign_request import CaseAssignRequest
from datadog_api_client.v2.model.case_comment import CaseComment
from datadog_api_client.v2.model.case_comment_attributes import CaseCommentAttributes
from datadog_api_client.v2.model.case_comment_request import CaseCommentRequest
from datadog_api_client.v2.model.case_empty import CaseEmpty
from datadog_api_client.v2.model.case_empty_request import CaseEmptyRequest
from datadog_api_client.v2.model.case_object_attributes import CaseObjectAttributes
from datadog_api_client.v2.model.case_priority import CasePriority
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_sortable_field import CaseSortableField
from datadog_api_client.v2.model.case_status import CaseStatus
from datadog_api_client.v2.model.case_update_attributes import CaseUpdateAttributes
from datadog_api_client.v2.model.case_update_attributes_attributes import (
    CaseUpdateAttributesAttributes,
)
from datadog_api_client.v2.model.case_update_attributes_request import CaseUpdateAttributesRequest
from datadog_api_client.v2.model.case_update_custom_attribute import CaseUpdateCustomAttribute
from datadog_api_client.v2.model.case_update_custom_attribute_request import (
    CaseUpdateCustomAttributeRequest,
)
from datadog_api_client.v2.model.case_update_description import CaseUpdateDescription
from datadog_api_client.v2.model.case_update_description_attributes import (
    CaseUpdateDescriptionAttributes,
)
from datadog_api_client.v2.model.case_update_description_request import (
    CaseUpdateDescriptionRequest,
)
from datadog_api_client.v2.model.case_update_due_date import CaseUpdateDueDate
from datadog_api_client.v2.model.case_update_due_date_attributes import (
    CaseUpdateDueDateAttributes,
)
from datadog_api_client.v2.model.case_update_due_date_request import CaseUpdateDueDateRequest
from datadog_api_client.v2.model.case_update_priority import CaseUpdatePriority
from datadog_api_client.v2.model.case_update_priority_attributes import (
    CaseUpdatePriorityAttributes,
)
from datadog_api_client.v2.model.case_update_priority_request import CaseUpdatePriorityRequest
from datadog_api_client.v2.model.case_update_status import CaseUpdateStatus
from datadog_api_client.v2.model.case_update_status_attributes import CaseUpdateStatusAttributes
from datadog_api_client.v2.model.case_update_status_request import CaseUpdateStatusRequest
from datadog_api_client.v2.model.case_update_title import CaseUpdateTitle
from datadog_api_client.v2.model.case_update_title_attributes import CaseUpdateTitleAttributes
from datadog_api_client.v2.model.case_update_title_request import CaseUpdateTitleRequest
from datadog_api_client.v2.model.custom_attribute_type import CustomAttributeType
from datadog_api_client.v2.model.custom_attribute_value import CustomAttributeValue
from datadog_api_client.v2.model.project_create import ProjectCreate
from datadog_api_client.v2.model.project_create_attributes import ProjectCreateAttributes
from datadog_api_client.v2.model.project_create_request import ProjectCreateRequest
from datadog_api_client.v2.model.project_relationship import ProjectRelationship
from datadog_api_client.v2.model.project_relationship_data import ProjectRelationshipData
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType

from official_client import STANDARD_TYPE_ID, new_case


def test_official_client_manages_projects(api_client: ApiClient) -> None:
    """Create, list, get and delete a project with Datadog's client."""
    cases = CaseManagementApi(api_client)
    created = cases.create_project(
        ProjectCreateRequest(
            data=ProjectCreate(
                attributes=ProjectCreateAttributes(key="OFFC", name="Official client"),
                type=ProjectResourceType.PROJECT,
            )
        )
    )
    project_id = created.data.id
    assert created.data.attributes.key == "OFFC"
    assert project_id in [project.id for project in cases.get_projects().data]
    assert cases.get_project(project_id).data.attributes.name == "Official client"
    cases.delete_project(project_id)
    with pytest.raises(NotFoundException):
        cases.get_project(project_id)


def test_official_client_walks_a_case_through_its_life(api_client: ApiClient) -> None:
    """Every case operation answers in a shape Datadog's client accepts, and changes stick."""
    cases = CaseManagementApi(api_client)
    users = UsersApi(api_client)
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Checkout latency above SLO")
    assignee = users.list_users(page_size=5).data[0]

    cases.update_case_title(
        case_id,
        CaseUpdateTitleRequest(
            data=CaseUpdateTitle(
                attributes=CaseUpdateTitleAttributes(title="Checkout p99 above SLO"),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cases.update_case_description(
        case_id,
        CaseUpdateDescriptionRequest(
            data=CaseUpdateDescription(
                attributes=CaseUpdateDescriptionAttributes(description="Since the 14:00 deploy."),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cases.update_priority(
        case_id,
        CaseUpdatePriorityRequest(
            data=CaseUpdatePriority(
                attributes=CaseUpdatePriorityAttributes(priority=CasePriority.P1),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cases.assign_case(
        case_id,
        CaseAssignRequest(
            data=CaseAssign(
                attributes=CaseAssignAttributes(assignee_id=assignee.id),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cases.update_attributes(
        case_id,
        CaseUpdateAttributesRequest(
            data=CaseUpdateAttributes(
                attributes=CaseUpdateAttributesAttributes(
                    attributes=CaseObjectAttributes(service=["checkout-api"], env=["prod"])
                ),
                type=CaseResourceType.CASE,
            )
        ),
    )
    comment = cases.comment_case(
        case_id,
        CaseCommentRequest(
            data=CaseComment(
                attributes=CaseCommentAttributes(comment="Rolled back; watching."),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cases.update_status(
        case_id,
        CaseUpdateStatusRequest(
            data=CaseUpdateStatus(
                attributes=CaseUpdateStatusAttributes(status=CaseStatus.CLOSED),
                type=CaseResourceType.CASE,
            )
        ),
    )
    archived = cases.archive_case(
        case_id, CaseEmptyRequest(data=CaseEmpty(type=CaseResourceType.CASE))
    )
    assert archived.data.attributes.archived_at is not None

    case = cases.unarchive_case(
        case_id, CaseEmptyRequest(data=CaseEmpty(type=CaseResourceType.CASE))
    ).data
    assert case.attributes.title == "Checkout p99 above SLO"
    assert case.attributes.description == "Since the 14:00 deploy."
    assert case.attributes.priority == CasePriority.P1
    assert case.attributes.status == CaseStatus.CLOSED
    assert case.attributes.closed_at is not None
    assert case.relationships.assignee.data.id == assignee.id
    assert case.attributes.attributes.to_dict() == {"service": ["checkout-api"], "env": ["prod"]}

    timeline = cases.list_case_timeline(case_id, page_size=50, sort_ascending=True).data
    assert comment.data[0].id in [cell.id for cell in timeline]
    cases.delete_case_comment(case_id, comment.data[0].id)
    cases.unassign_case(case_id, CaseEmptyRequest(data=CaseEmpty(type=CaseResourceType.CASE)))
    assert "assignee" not in cases.get_case(case_id).data.relationships.to_dict()


def test_official_client_sets_a_due_date(api_client: ApiClient) -> None:
    """Datadog's client sets a case's due date and reads it back, in a search as in the case."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Rotate the signing keys")

    updated = cases.update_case_due_date(
        case_id,
        CaseUpdateDueDateRequest(
            data=CaseUpdateDueDate(
                attributes=CaseUpdateDueDateAttributes(due_date="2026-12-31"),
                type=CaseResourceType.CASE,
            )
        ),
    )

    # The client's case model predates the field: it keeps it as an extra attribute, a date.
    assert updated.data.id == case_id
    assert updated.data.attributes["due_date"] == date(2026, 12, 31)
    assert cases.get_case(case_id).data.attributes["due_date"] == date(2026, 12, 31)
    found = cases.search_cases(filter=f"due_date:2026-12-31 key:{updated.data.attributes.key}")
    assert [case.id for case in found.data] == [case_id]
    with pytest.raises(ApiException) as refused:
        cases.update_case_due_date(
            case_id,
            CaseUpdateDueDateRequest(
                data=CaseUpdateDueDate(
                    attributes=CaseUpdateDueDateAttributes(due_date="31/12/2026"),
                    type=CaseResourceType.CASE,
                )
            ),
        )
    assert refused.value.status == 400


def test_official_client_moves_a_case_and_sets_custom_attributes(api_client: ApiClient) -> None:
    """Moving between projects and custom attribute values round-trip through Datadog's client."""
    cases = CaseManagementApi(api_client)
    attributes = CaseManagementAttributeApi(api_client)
    first, second = cases.get_projects().data[:2]
    case_id = new_case(cases, first.id, "Rotate leaked deploy token")

    moved = cases.move_case_to_project(
        case_id,
        ProjectRelationship(
            data=ProjectRelationshipData(id=second.id, type=ProjectResourceType.PROJECT)
        ),
    )
    assert moved.data.relationships.project.data.id == second.id
    assert moved.data.attributes.key.startswith(f"{second.attributes.key}-")

    text_config = next(
        config
        for config in attributes.get_all_custom_attribute_configs_by_case_type(
            STANDARD_TYPE_ID
        ).data
        if config.attributes.type == CustomAttributeType.TEXT
    )
    key, is_multi = text_config.attributes.key, text_config.attributes.is_multi
    value = ["api-gateway"] if is_multi else "api-gateway"
    updated = cases.update_case_custom_attribute(
        case_id,
        key,
        CaseUpdateCustomAttributeRequest(
            data=CaseUpdateCustomAttribute(
                attributes=CustomAttributeValue(
                    type=CustomAttributeType.TEXT, is_multi=is_multi, value=value
                ),
                type=CaseResourceType.CASE,
            )
        ),
    )
    assert updated.data.attributes.custom_attributes[key].value == value
    cleared = cases.delete_case_custom_attribute(case_id, key)
    assert key not in cleared.data.attributes.custom_attributes


def test_official_client_pages_through_a_search(api_client: ApiClient) -> None:
    """The client's own paginator walks every matching case exactly once."""
    cases = CaseManagementApi(api_client)
    first_page = cases.search_cases(
        page_size=5, filter="status:open", sort_field=CaseSortableField.PRIORITY
    )
    total = first_page.meta.total_cases
    walked = [
        case.id for case in cases.search_cases_with_pagination(page_size=5, filter="status:open")
    ]
    assert total > 5
    assert len(walked) == len(set(walked)) == total


def test_official_client_reads_types_attributes_and_users(api_client: ApiClient) -> None:
    """Case types, custom attribute configs and users parse with Datadog's models."""
    types = CaseManagementTypeApi(api_client).get_all_case_types().data
    assert STANDARD_TYPE_ID in [case_type.id for case_type in types]
    configs = CaseManagementAttributeApi(api_client).get_all_custom_attributes().data
    assert {config.attributes.type.value for config in configs} == {
        "TEXT",
        "URL",
        "NUMBER",
        "SELECT",
    }
    users = UsersApi(api_client)
    someone = users.list_users(page_size=2).data[0]
    assert users.get_user(someone.id).data.attributes.email == someone.attributes.email


def test_official_client_gets_datadogs_errors(api_client: ApiClient) -> None:
    """Unknown ids and invalid values raise the client's own exceptions with the right status."""
    cases = CaseManagementApi(api_client)
    with pytest.raises(NotFoundException):
        cases.get_case("DOESNOTEXIST-1")
    project_id = cases.get_projects().data[0].id
    case_id = new_case(cases, project_id, "Bad title update")
    with pytest.raises(ApiException) as raised:
        cases.update_case_title(
            case_id,
            CaseUpdateTitleRequest(
                data=CaseUpdateTitle(
                    attributes=CaseUpdateTitleAttributes(title=""), type=CaseResourceType.CASE
                )
            ),
        )
    assert raised.value.status == 400
