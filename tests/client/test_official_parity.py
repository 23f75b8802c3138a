# datadog_api_client has no type annotations; calling it is the point of this module.
# mypy: disable-error-code="no-untyped-call"
"""Every operation sends the request Datadog's official Python client sends for the same call.

The official client is run in-process with its HTTP layer replaced by a recorder, so this
covers the operations that have no recorded traffic too (projects, timelines, users).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Iterator
from datetime import UTC, date, datetime
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
    automation_rule_action,
    automation_rule_action_data,
    automation_rule_action_type,
    automation_rule_create,
    automation_rule_create_attributes,
    automation_rule_create_request,
    automation_rule_trigger,
    automation_rule_trigger_data,
    automation_rule_trigger_type,
    automation_rule_update,
    automation_rule_update_request,
    case_aggregate_group_by,
    case_aggregate_request,
    case_aggregate_request_attributes,
    case_aggregate_request_data,
    case_aggregate_resource_type,
    case_assign,
    case_assign_attributes,
    case_assign_request,
    case_automation_rule_resource_type,
    case_automation_rule_state,
    case_bulk_action_type,
    case_bulk_resource_type,
    case_bulk_update_request,
    case_bulk_update_request_attributes,
    case_bulk_update_request_data,
    case_comment,
    case_comment_attributes,
    case_comment_request,
    case_create,
    case_create_attributes,
    case_create_relationships,
    case_create_request,
    case_empty,
    case_empty_request,
    case_insight,
    case_insight_type,
    case_insights_attributes,
    case_insights_data,
    case_insights_request,
    case_link_attributes,
    case_link_create,
    case_link_create_request,
    case_link_resource_type,
    case_notification_rule_attributes,
    case_notification_rule_create,
    case_notification_rule_create_attributes,
    case_notification_rule_create_request,
    case_notification_rule_recipient,
    case_notification_rule_recipient_data,
    case_notification_rule_resource_type,
    case_notification_rule_trigger,
    case_notification_rule_update,
    case_notification_rule_update_request,
    case_object_attributes,
    case_priority,
    case_resource_type,
    case_sortable_field,
    case_status,
    case_type_create,
    case_type_create_request,
    case_type_resource_attributes,
    case_type_resource_type,
    case_type_update,
    case_type_update_request,
    case_update_attributes,
    case_update_attributes_attributes,
    case_update_attributes_request,
    case_update_comment,
    case_update_comment_attributes,
    case_update_comment_request,
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
    case_update_resolved_reason,
    case_update_resolved_reason_attributes,
    case_update_resolved_reason_request,
    case_update_status,
    case_update_status_attributes,
    case_update_status_request,
    case_update_title,
    case_update_title_attributes,
    case_update_title_request,
    case_view_create,
    case_view_create_attributes,
    case_view_create_request,
    case_view_resource_type,
    case_view_update,
    case_view_update_attributes,
    case_view_update_request,
    custom_attribute_config_attributes_create,
    custom_attribute_config_create,
    custom_attribute_config_create_request,
    custom_attribute_config_resource_type,
    custom_attribute_config_update,
    custom_attribute_config_update_attributes,
    custom_attribute_config_update_request,
    custom_attribute_select_option,
    custom_attribute_type,
    custom_attribute_type_data,
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
    maintenance_window_create,
    maintenance_window_create_attributes,
    maintenance_window_create_request,
    maintenance_window_resource_type,
    maintenance_window_update,
    maintenance_window_update_attributes,
    maintenance_window_update_request,
    notebook_create_data,
    notebook_create_request,
    notebook_resource_type,
    nullable_user_relationship,
    nullable_user_relationship_data,
    project_create,
    project_create_attributes,
    project_create_request,
    project_notification_settings,
    project_relationship,
    project_relationship_data,
    project_resource_type,
    project_settings,
    project_update,
    project_update_attributes,
    project_update_request,
    relationship_to_incident_request,
    service_now_ticket_create_attributes,
    service_now_ticket_create_data,
    service_now_ticket_create_request,
    service_now_ticket_resource_type,
    user_resource_type,
)

from case_mcp.client import OPERATIONS as DECLARED
from case_mcp.client import CaseManagementClient
from case_mcp.models import CustomAttributeValue, Insight, RulePart
from fake_datadog import FakeDatadog

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
KEY = "DDFC-98808"
PROJECT = "d4bbe1af-f36e-42f1-87c1-493ca35c320e"
USER = "06fe1d45-8040-47eb-b161-837f416635e7"
CELL = "2df6429f-8148-440c-a959-e6503f42709b"
TYPE = "00000000-0000-0000-0000-000000000001"
ATTRIBUTE = "7ce13520-94b7-4391-bb64-c45776011f05"
RULE = "7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f"
NOTIFICATION_RULE = "8d2e3f4a-5b6c-4d7e-9f8a-0b1c2d3e4f5a"
WINDOW = "9e3f4a5b-6c7d-4e8f-8a9b-1c2d3e4f5a6b"
START = datetime(2026, 6, 1, 0, 0, tzinfo=UTC)
END = datetime(2026, 6, 1, 6, 0, tzinfo=UTC)
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
CASE_TYPE_TYPE = case_type_resource_type.CaseTypeResourceType.CASE_TYPE
ATTRIBUTE_TYPE = (
    custom_attribute_config_resource_type.CustomAttributeConfigResourceType.CUSTOM_ATTRIBUTE
)
VIEW = "3c1f0d52-7a5e-4b8e-9d2a-6f4e8b1c2a90"
VIEW_TYPE = case_view_resource_type.CaseViewResourceType.VIEW


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


def _official_rule() -> Any:
    """The official client's attributes of the automation rule `_OUR_RULE` describes."""
    return automation_rule_create_attributes.AutomationRuleCreateAttributes(
        name="Triage new cases",
        state=case_automation_rule_state.CaseAutomationRuleState.ENABLED,
        trigger=automation_rule_trigger.AutomationRuleTrigger(
            type=automation_rule_trigger_type.AutomationRuleTriggerType.STATUS_TRANSITIONED,
            data=automation_rule_trigger_data.AutomationRuleTriggerData(
                from_status_name="Open", to_status_name="In Progress"
            ),
        ),
        action=automation_rule_action.AutomationRuleAction(
            type=automation_rule_action_type.AutomationRuleActionType.EXECUTE_WORKFLOW,
            data=automation_rule_action_data.AutomationRuleActionData(handle="triage-workflow"),
        ),
    )


_OUR_RULE: dict[str, Any] = {
    "name": "Triage new cases",
    "state": "ENABLED",
    "trigger": RulePart(
        type="STATUS_TRANSITIONED",
        data={"from_status_name": "Open", "to_status_name": "In Progress"},
    ),
    "action": RulePart(type="EXECUTE_WORKFLOW", data={"handle": "triage-workflow"}),
}
_OUR_NOTIFICATION: dict[str, Any] = {
    "triggers": [RulePart(type="CASE_CREATED")],
    "recipients": [RulePart(type="EMAIL", data={"email": "oncall@example.com"})],
    "query": "priority:P1",
    "is_enabled": True,
}


def _official_notification() -> dict[str, Any]:
    """The official client's arguments for the notification rule `_OUR_NOTIFICATION` is."""
    return {
        "triggers": [
            case_notification_rule_trigger.CaseNotificationRuleTrigger(type="CASE_CREATED")
        ],
        "recipients": [
            case_notification_rule_recipient.CaseNotificationRuleRecipient(
                type="EMAIL",
                data=case_notification_rule_recipient_data.CaseNotificationRuleRecipientData(
                    email="oncall@example.com"
                ),
            )
        ],
        "query": "priority:P1",
        "is_enabled": True,
    }


RULE_TYPE = case_automation_rule_resource_type.CaseAutomationRuleResourceType.RULE
NOTIFICATION_TYPE = (
    case_notification_rule_resource_type.CaseNotificationRuleResourceType.NOTIFICATION_RULE
)
WINDOW_TYPE = maintenance_window_resource_type.MaintenanceWindowResourceType.MAINTENANCE_WINDOW
A_RULE = {"data": {"id": RULE, "type": "rule"}}
A_WINDOW = {"data": {"id": WINDOW, "type": "maintenance_window"}}


Ours = Callable[[CaseManagementClient], Awaitable[object]]
Theirs = Callable[[ApiClient], object]


def _ours_without_body(operation: str) -> Ours:
    """Our call of an operation that takes only the case id."""
    return lambda client: getattr(client, operation)(CASE)


def _theirs_with_empty_body(operation: str) -> Theirs:
    """The official call of an operation whose body is only ``{"data": {"type": "case"}}``."""
    empty = case_empty_request.CaseEmptyRequest(data=case_empty.CaseEmpty(type=CASE_TYPE))
    return lambda api: getattr(_cases(api), operation)(CASE, empty)


_INSIGHT = Insight(type="MONITOR", ref="/monitors/12345?q=total", resource_id="12345")


def _official_insights() -> Any:
    return case_insights_request.CaseInsightsRequest(
        data=case_insights_data.CaseInsightsData(
            attributes=case_insights_attributes.CaseInsightsAttributes(
                insights=[
                    case_insight.CaseInsight(
                        ref="/monitors/12345?q=total",
                        resource_id="12345",
                        type=case_insight_type.CaseInsightType.MONITOR,
                    )
                ]
            ),
            type=CASE_TYPE,
        )
    )


OPERATIONS: list[Any] = [
    pytest.param(
        lambda c: c.update_case_resolved_reason(CASE, "FALSE_POSITIVE"),
        lambda api: _cases(api).update_case_resolved_reason(
            CASE,
            case_update_resolved_reason_request.CaseUpdateResolvedReasonRequest(
                data=case_update_resolved_reason.CaseUpdateResolvedReason(
                    attributes=case_update_resolved_reason_attributes.CaseUpdateResolvedReasonAttributes(
                        security_resolved_reason="FALSE_POSITIVE"
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        {"data": {"id": CASE, "type": "case"}},
        id="update_case_resolved_reason",
    ),
    pytest.param(
        lambda c: c.update_case_comment(CASE, CELL, "Rolled back at 14:20."),
        lambda api: _cases(api).update_case_comment(
            CASE,
            CELL,
            case_update_comment_request.CaseUpdateCommentRequest(
                data=case_update_comment.CaseUpdateComment(
                    attributes=case_update_comment_attributes.CaseUpdateCommentAttributes(
                        comment="Rolled back at 14:20."
                    ),
                    type=CASE_TYPE,
                )
            ),
        ),
        None,
        id="update_case_comment",
    ),
    pytest.param(
        lambda c: c.list_case_watchers(CASE),
        lambda api: _cases(api).list_case_watchers(CASE),
        {"data": []},
        id="list_case_watchers",
    ),
    pytest.param(
        lambda c: c.watch_case(CASE, USER),
        lambda api: _cases(api).watch_case(CASE, USER),
        None,
        id="watch_case",
    ),
    pytest.param(
        lambda c: c.unwatch_case(CASE, USER),
        lambda api: _cases(api).unwatch_case(CASE, USER),
        None,
        id="unwatch_case",
    ),
    pytest.param(
        lambda c: c.add_case_insights(CASE, [_INSIGHT]),
        lambda api: _cases(api).add_case_insights(CASE, _official_insights()),
        {"data": {"id": CASE, "type": "case"}},
        id="add_case_insights",
    ),
    pytest.param(
        lambda c: c.remove_case_insights(CASE, [_INSIGHT]),
        lambda api: _cases(api).remove_case_insights(CASE, _official_insights()),
        {"data": {"id": CASE, "type": "case"}},
        id="remove_case_insights",
    ),
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
        lambda c: c.list_case_views(PROJECT),
        lambda api: _cases(api).list_case_views(project_id=PROJECT),
        {"data": []},
        id="list_case_views",
    ),
    pytest.param(
        lambda c: c.create_case_view("Open bugs", PROJECT, "status:open type:bug"),
        lambda api: _cases(api).create_case_view(
            case_view_create_request.CaseViewCreateRequest(
                data=case_view_create.CaseViewCreate(
                    attributes=case_view_create_attributes.CaseViewCreateAttributes(
                        name="Open bugs", project_id=PROJECT, query="status:open type:bug"
                    ),
                    type=VIEW_TYPE,
                )
            )
        ),
        {"data": {"id": VIEW, "type": "view"}},
        id="create_case_view",
    ),
    pytest.param(
        lambda c: c.create_case_view("Paged", PROJECT, "priority:p1", np_rule_id=USER),
        lambda api: _cases(api).create_case_view(
            case_view_create_request.CaseViewCreateRequest(
                data=case_view_create.CaseViewCreate(
                    attributes=case_view_create_attributes.CaseViewCreateAttributes(
                        name="Paged", project_id=PROJECT, query="priority:p1", np_rule_id=USER
                    ),
                    type=VIEW_TYPE,
                )
            )
        ),
        {"data": {"id": VIEW, "type": "view"}},
        id="create_case_view-with-rule",
    ),
    pytest.param(
        lambda c: c.get_case_view(VIEW),
        lambda api: _cases(api).get_case_view(VIEW),
        {"data": {"id": VIEW, "type": "view"}},
        id="get_case_view",
    ),
    pytest.param(
        lambda c: c.update_case_view(VIEW, name="P1 bugs", query="priority:p1"),
        lambda api: _cases(api).update_case_view(
            VIEW,
            case_view_update_request.CaseViewUpdateRequest(
                data=case_view_update.CaseViewUpdate(
                    attributes=case_view_update_attributes.CaseViewUpdateAttributes(
                        name="P1 bugs", query="priority:p1"
                    ),
                    type=VIEW_TYPE,
                )
            ),
        ),
        {"data": {"id": VIEW, "type": "view"}},
        id="update_case_view",
    ),
    pytest.param(
        lambda c: c.delete_case_view(VIEW),
        lambda api: _cases(api).delete_case_view(VIEW),
        None,
        id="delete_case_view",
    ),
    pytest.param(
        lambda c: c.update_project(
            PROJECT, name="Security", settings={"notification": {"enabled": False}}
        ),
        lambda api: _cases(api).update_project(
            PROJECT,
            project_update_request.ProjectUpdateRequest(
                data=project_update.ProjectUpdate(
                    attributes=project_update_attributes.ProjectUpdateAttributes(
                        name="Security",
                        settings=project_settings.ProjectSettings(
                            notification=project_notification_settings.ProjectNotificationSettings(
                                enabled=False
                            )
                        ),
                    ),
                    type=PROJECT_TYPE,
                )
            ),
        ),
        {"data": {"id": PROJECT, "type": "project"}},
        id="update_project",
    ),
    pytest.param(
        lambda c: c.update_project(PROJECT),
        lambda api: _cases(api).update_project(
            PROJECT,
            project_update_request.ProjectUpdateRequest(
                data=project_update.ProjectUpdate(type=PROJECT_TYPE)
            ),
        ),
        {"data": {"id": PROJECT, "type": "project"}},
        id="update_project-nothing",
    ),
    pytest.param(
        lambda c: c.list_user_case_project_favorites(),
        lambda api: _cases(api).list_user_case_project_favorites(),
        {"data": []},
        id="list_user_case_project_favorites",
    ),
    pytest.param(
        lambda c: c.favorite_case_project(PROJECT),
        lambda api: _cases(api).favorite_case_project(PROJECT),
        None,
        id="favorite_case_project",
    ),
    pytest.param(
        lambda c: c.unfavorite_case_project(PROJECT),
        lambda api: _cases(api).unfavorite_case_project(PROJECT),
        None,
        id="unfavorite_case_project",
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
        lambda c: c.aggregate_cases("status:open", ["priority", "project"], limit=14),
        lambda api: _cases(api).aggregate_cases(
            case_aggregate_request.CaseAggregateRequest(
                data=case_aggregate_request_data.CaseAggregateRequestData(
                    attributes=case_aggregate_request_attributes.CaseAggregateRequestAttributes(
                        group_by=case_aggregate_group_by.CaseAggregateGroupBy(
                            groups=["priority", "project"], limit=14
                        ),
                        query_filter="status:open",
                    ),
                    type=case_aggregate_resource_type.CaseAggregateResourceType.AGGREGATE,
                )
            )
        ),
        {"data": {"id": "a", "type": "aggregate", "attributes": {"total": 0, "groups": []}}},
        id="aggregate_cases",
    ),
    pytest.param(
        lambda c: c.count_cases("priority:p1", ["status", "project"], limit=5),
        lambda api: _cases(api).count_cases(
            query_filter="priority:p1", group_bys="status,project", limit=5
        ),
        {"data": {"id": "c", "type": "count", "attributes": {"groups": []}}},
        id="count_cases",
    ),
    pytest.param(
        lambda c: c.count_cases(),
        lambda api: _cases(api).count_cases(),
        {"data": {"id": "c", "type": "count", "attributes": {"groups": []}}},
        id="count_cases-defaults",
    ),
    pytest.param(
        lambda c: c.bulk_update_cases([CASE, "SEC-12"], "priority", {"priority": "P1"}),
        lambda api: _cases(api).bulk_update_cases(
            case_bulk_update_request.CaseBulkUpdateRequest(
                data=case_bulk_update_request_data.CaseBulkUpdateRequestData(
                    attributes=case_bulk_update_request_attributes.CaseBulkUpdateRequestAttributes(
                        case_ids=[CASE, "SEC-12"],
                        payload={"priority": "P1"},
                        type=case_bulk_action_type.CaseBulkActionType.PRIORITY,
                    ),
                    type=case_bulk_resource_type.CaseBulkResourceType.BULK,
                )
            )
        ),
        None,
        id="bulk_update_cases",
    ),
    pytest.param(
        lambda c: c.bulk_update_cases([CASE], "archive"),
        lambda api: _cases(api).bulk_update_cases(
            case_bulk_update_request.CaseBulkUpdateRequest(
                data=case_bulk_update_request_data.CaseBulkUpdateRequestData(
                    attributes=case_bulk_update_request_attributes.CaseBulkUpdateRequestAttributes(
                        case_ids=[CASE], type=case_bulk_action_type.CaseBulkActionType.ARCHIVE
                    ),
                    type=case_bulk_resource_type.CaseBulkResourceType.BULK,
                )
            )
        ),
        None,
        id="bulk_update_cases-without-payload",
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
        lambda c: c.create_case_type("Investigation", description="Done in cases", emoji="👑"),
        lambda api: CaseManagementTypeApi(api).create_case_type(
            case_type_create_request.CaseTypeCreateRequest(
                data=case_type_create.CaseTypeCreate(
                    attributes=case_type_resource_attributes.CaseTypeResourceAttributes(
                        name="Investigation", description="Done in cases", emoji="👑"
                    ),
                    type=CASE_TYPE_TYPE,
                )
            )
        ),
        {"data": {"id": TYPE, "type": "case_type"}},
        id="create_case_type",
    ),
    pytest.param(
        lambda c: c.update_case_type(TYPE, "Investigation", description="Renamed"),
        lambda api: CaseManagementTypeApi(api).update_case_type(
            TYPE,
            case_type_update_request.CaseTypeUpdateRequest(
                data=case_type_update.CaseTypeUpdate(
                    attributes=case_type_resource_attributes.CaseTypeResourceAttributes(
                        name="Investigation", description="Renamed"
                    ),
                    type=CASE_TYPE_TYPE,
                )
            ),
        ),
        {"data": {"id": TYPE, "type": "case_type"}},
        id="update_case_type",
    ),
    pytest.param(
        lambda c: c.delete_case_type(TYPE),
        lambda api: CaseManagementTypeApi(api).delete_case_type(TYPE),
        None,
        id="delete_case_type",
    ),
    pytest.param(
        lambda c: c.create_custom_attribute_config(
            TYPE, "region", "AWS Region", "NUMBER", is_multi=True
        ),
        lambda api: CaseManagementAttributeApi(api).create_custom_attribute_config(
            TYPE,
            custom_attribute_config_create_request.CustomAttributeConfigCreateRequest(
                data=custom_attribute_config_create.CustomAttributeConfigCreate(
                    attributes=custom_attribute_config_attributes_create.CustomAttributeConfigAttributesCreate(
                        display_name="AWS Region",
                        is_multi=True,
                        key="region",
                        type=custom_attribute_type.CustomAttributeType.NUMBER,
                    ),
                    type=ATTRIBUTE_TYPE,
                )
            ),
        ),
        {"data": {"id": ATTRIBUTE, "type": "custom_attribute"}},
        id="create_custom_attribute_config",
    ),
    pytest.param(
        lambda c: c.update_custom_attribute_config(
            TYPE,
            ATTRIBUTE,
            display_name="AWS Region",
            description="Updated description.",
            type="SELECT",
            options=["us-east-1"],
        ),
        lambda api: CaseManagementAttributeApi(api).update_custom_attribute_config(
            TYPE,
            ATTRIBUTE,
            custom_attribute_config_update_request.CustomAttributeConfigUpdateRequest(
                data=custom_attribute_config_update.CustomAttributeConfigUpdate(
                    attributes=custom_attribute_config_update_attributes.CustomAttributeConfigUpdateAttributes(
                        description="Updated description.",
                        display_name="AWS Region",
                        type=custom_attribute_type.CustomAttributeType.SELECT,
                        type_data=custom_attribute_type_data.CustomAttributeTypeData(
                            options=[
                                custom_attribute_select_option.CustomAttributeSelectOption(
                                    value="us-east-1"
                                )
                            ]
                        ),
                    ),
                    type=ATTRIBUTE_TYPE,
                )
            ),
        ),
        {"data": {"id": ATTRIBUTE, "type": "custom_attribute"}},
        id="update_custom_attribute_config",
    ),
    pytest.param(
        lambda c: c.delete_custom_attribute_config(TYPE, ATTRIBUTE),
        lambda api: CaseManagementAttributeApi(api).delete_custom_attribute_config(TYPE, ATTRIBUTE),
        None,
        id="delete_custom_attribute_config",
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
        lambda c: c.list_case_automation_rules(PROJECT),
        lambda api: _cases(api).list_case_automation_rules(PROJECT),
        {"data": []},
        id="list_case_automation_rules",
    ),
    pytest.param(
        lambda c: c.create_case_automation_rule(PROJECT, **_OUR_RULE),
        lambda api: _cases(api).create_case_automation_rule(
            PROJECT,
            automation_rule_create_request.AutomationRuleCreateRequest(
                data=automation_rule_create.AutomationRuleCreate(
                    attributes=_official_rule(), type=RULE_TYPE
                )
            ),
        ),
        A_RULE,
        id="create_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.get_case_automation_rule(PROJECT, RULE),
        lambda api: _cases(api).get_case_automation_rule(PROJECT, RULE),
        A_RULE,
        id="get_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.update_case_automation_rule(PROJECT, RULE, **_OUR_RULE),
        lambda api: _cases(api).update_case_automation_rule(
            PROJECT,
            RULE,
            automation_rule_update_request.AutomationRuleUpdateRequest(
                data=automation_rule_update.AutomationRuleUpdate(
                    attributes=_official_rule(), type=RULE_TYPE
                )
            ),
        ),
        A_RULE,
        id="update_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.delete_case_automation_rule(PROJECT, RULE),
        lambda api: _cases(api).delete_case_automation_rule(PROJECT, RULE),
        None,
        id="delete_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.enable_case_automation_rule(PROJECT, RULE),
        lambda api: _cases(api).enable_case_automation_rule(PROJECT, RULE),
        A_RULE,
        id="enable_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.disable_case_automation_rule(PROJECT, RULE),
        lambda api: _cases(api).disable_case_automation_rule(PROJECT, RULE),
        A_RULE,
        id="disable_case_automation_rule",
    ),
    pytest.param(
        lambda c: c.get_project_notification_rules(PROJECT),
        lambda api: _cases(api).get_project_notification_rules(PROJECT),
        {"data": []},
        id="get_project_notification_rules",
    ),
    pytest.param(
        lambda c: c.create_project_notification_rule(PROJECT, **_OUR_NOTIFICATION),
        lambda api: _cases(api).create_project_notification_rule(
            PROJECT,
            case_notification_rule_create_request.CaseNotificationRuleCreateRequest(
                data=case_notification_rule_create.CaseNotificationRuleCreate(
                    attributes=case_notification_rule_create_attributes.CaseNotificationRuleCreateAttributes(
                        **_official_notification()
                    ),
                    type=NOTIFICATION_TYPE,
                )
            ),
        ),
        {"data": {"id": NOTIFICATION_RULE, "type": "notification_rule"}},
        id="create_project_notification_rule",
    ),
    pytest.param(
        lambda c: c.update_project_notification_rule(
            PROJECT, NOTIFICATION_RULE, **_OUR_NOTIFICATION
        ),
        lambda api: _cases(api).update_project_notification_rule(
            PROJECT,
            NOTIFICATION_RULE,
            case_notification_rule_update_request.CaseNotificationRuleUpdateRequest(
                data=case_notification_rule_update.CaseNotificationRuleUpdate(
                    attributes=case_notification_rule_attributes.CaseNotificationRuleAttributes(
                        **_official_notification()
                    ),
                    type=NOTIFICATION_TYPE,
                )
            ),
        ),
        None,
        id="update_project_notification_rule",
    ),
    pytest.param(
        lambda c: c.delete_project_notification_rule(PROJECT, NOTIFICATION_RULE),
        lambda api: _cases(api).delete_project_notification_rule(PROJECT, NOTIFICATION_RULE),
        None,
        id="delete_project_notification_rule",
    ),
    pytest.param(
        lambda c: c.list_maintenance_windows(),
        lambda api: _cases(api).list_maintenance_windows(),
        {"data": []},
        id="list_maintenance_windows",
    ),
    pytest.param(
        lambda c: c.create_maintenance_window("Weekly maintenance", "project:SEC", START, END),
        lambda api: _cases(api).create_maintenance_window(
            maintenance_window_create_request.MaintenanceWindowCreateRequest(
                data=maintenance_window_create.MaintenanceWindowCreate(
                    attributes=maintenance_window_create_attributes.MaintenanceWindowCreateAttributes(
                        name="Weekly maintenance", query="project:SEC", start_at=START, end_at=END
                    ),
                    type=WINDOW_TYPE,
                )
            )
        ),
        A_WINDOW,
        id="create_maintenance_window",
    ),
    pytest.param(
        lambda c: c.update_maintenance_window(WINDOW, name="Longer maintenance", end_at=END),
        lambda api: _cases(api).update_maintenance_window(
            WINDOW,
            maintenance_window_update_request.MaintenanceWindowUpdateRequest(
                data=maintenance_window_update.MaintenanceWindowUpdate(
                    attributes=maintenance_window_update_attributes.MaintenanceWindowUpdateAttributes(
                        name="Longer maintenance", end_at=END
                    ),
                    type=WINDOW_TYPE,
                )
            ),
        ),
        A_WINDOW,
        id="update_maintenance_window",
    ),
    pytest.param(
        lambda c: c.delete_maintenance_window(WINDOW),
        lambda api: _cases(api).delete_maintenance_window(WINDOW),
        None,
        id="delete_maintenance_window",
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
