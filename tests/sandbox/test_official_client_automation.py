"""Datadog's own Python client keeps automation rules, notification rules and maintenance windows
in the sandbox, and reads every answer into its models (tests/official_client.py says why it is
the judge)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.automation_rule_action import AutomationRuleAction
from datadog_api_client.v2.model.automation_rule_action_data import AutomationRuleActionData
from datadog_api_client.v2.model.automation_rule_action_type import AutomationRuleActionType
from datadog_api_client.v2.model.automation_rule_create import AutomationRuleCreate
from datadog_api_client.v2.model.automation_rule_create_attributes import (
    AutomationRuleCreateAttributes,
)
from datadog_api_client.v2.model.automation_rule_create_request import (
    AutomationRuleCreateRequest,
)
from datadog_api_client.v2.model.automation_rule_trigger import AutomationRuleTrigger
from datadog_api_client.v2.model.automation_rule_trigger_data import AutomationRuleTriggerData
from datadog_api_client.v2.model.automation_rule_trigger_type import AutomationRuleTriggerType
from datadog_api_client.v2.model.automation_rule_update import AutomationRuleUpdate
from datadog_api_client.v2.model.automation_rule_update_request import (
    AutomationRuleUpdateRequest,
)
from datadog_api_client.v2.model.case_automation_rule_resource_type import (
    CaseAutomationRuleResourceType,
)
from datadog_api_client.v2.model.case_automation_rule_state import CaseAutomationRuleState
from datadog_api_client.v2.model.case_notification_rule_attributes import (
    CaseNotificationRuleAttributes,
)
from datadog_api_client.v2.model.case_notification_rule_create import CaseNotificationRuleCreate
from datadog_api_client.v2.model.case_notification_rule_create_attributes import (
    CaseNotificationRuleCreateAttributes,
)
from datadog_api_client.v2.model.case_notification_rule_create_request import (
    CaseNotificationRuleCreateRequest,
)
from datadog_api_client.v2.model.case_notification_rule_recipient import (
    CaseNotificationRuleRecipient,
)
from datadog_api_client.v2.model.case_notification_rule_recipient_data import (
    CaseNotificationRuleRecipientData,
)
from datadog_api_client.v2.model.case_notification_rule_resource_type import (
    CaseNotificationRuleResourceType,
)
from datadog_api_client.v2.model.case_notification_rule_trigger import (
    CaseNotificationRuleTrigger,
)
from datadog_api_client.v2.model.case_notification_rule_update import CaseNotificationRuleUpdate
from datadog_api_client.v2.model.case_notification_rule_update_request import (
    CaseNotificationRuleUpdateRequest,
)
from datadog_api_client.v2.model.maintenance_window_create import MaintenanceWindowCreate
from datadog_api_client.v2.model.maintenance_window_create_attributes import (
    MaintenanceWindowCreateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_create_request import (
    MaintenanceWindowCreateRequest,
)
from datadog_api_client.v2.model.maintenance_window_resource_type import (
    MaintenanceWindowResourceType,
)
from datadog_api_client.v2.model.maintenance_window_update import MaintenanceWindowUpdate
from datadog_api_client.v2.model.maintenance_window_update_attributes import (
    MaintenanceWindowUpdateAttributes,
)
from datadog_api_client.v2.model.maintenance_window_update_request import (
    MaintenanceWindowUpdateRequest,
)

UNKNOWN = "5a1e7c55-0000-4000-8000-0000000000ff"
RULE = CaseAutomationRuleResourceType.RULE
NOTIFICATION_RULE = CaseNotificationRuleResourceType.NOTIFICATION_RULE
WINDOW = MaintenanceWindowResourceType.MAINTENANCE_WINDOW


def _project(cases: CaseManagementApi, key: str) -> str:
    project_id: str = next(p.id for p in cases.get_projects().data if p.attributes.key == key)
    return project_id


def _rule(name: str, state: CaseAutomationRuleState) -> AutomationRuleCreateAttributes:
    return AutomationRuleCreateAttributes(
        name=name,
        state=state,
        trigger=AutomationRuleTrigger(
            type=AutomationRuleTriggerType.STATUS_TRANSITIONED,
            data=AutomationRuleTriggerData(from_status_name="Open", to_status_name="Closed"),
        ),
        action=AutomationRuleAction(
            type=AutomationRuleActionType.EXECUTE_WORKFLOW,
            data=AutomationRuleActionData(handle="close-out"),
        ),
    )


def test_official_client_keeps_a_projects_automation_rules(api_client: ApiClient) -> None:
    """Create, list, get, replace, disable, enable and delete a rule with Datadog's client."""
    cases = CaseManagementApi(api_client)
    project = _project(cases, "APP")

    created = cases.create_case_automation_rule(
        project,
        AutomationRuleCreateRequest(
            data=AutomationRuleCreate(
                attributes=_rule("Close-out", CaseAutomationRuleState.ENABLED), type=RULE
            )
        ),
    ).data
    rule_id = created.id
    listed = cases.list_case_automation_rules(project).data
    fetched = cases.get_case_automation_rule(project, rule_id).data
    replaced = cases.update_case_automation_rule(
        project,
        rule_id,
        AutomationRuleUpdateRequest(
            data=AutomationRuleUpdate(
                attributes=_rule("Close-out report", CaseAutomationRuleState.ENABLED), type=RULE
            )
        ),
    ).data
    disabled = cases.disable_case_automation_rule(project, rule_id).data
    enabled = cases.enable_case_automation_rule(project, rule_id).data
    cases.delete_case_automation_rule(project, rule_id)

    assert created.attributes.trigger.data.to_status_name == "Closed"
    assert created.attributes.action.data.handle == "close-out"
    assert created.relationships.created_by.data.id
    assert [rule.id for rule in listed] == [rule_id]
    assert fetched.attributes.name == "Close-out"
    assert replaced.attributes.name == "Close-out report"
    assert (disabled.attributes.state, enabled.attributes.state) == (
        CaseAutomationRuleState.DISABLED,
        CaseAutomationRuleState.ENABLED,
    )
    assert cases.list_case_automation_rules(project).data == []
    with pytest.raises(NotFoundException):
        cases.get_case_automation_rule(project, rule_id)


def test_official_client_keeps_a_projects_notification_rules(api_client: ApiClient) -> None:
    """Create, list, update and delete a notification rule with Datadog's client."""
    cases = CaseManagementApi(api_client)
    project = _project(cases, "APP")
    email = CaseNotificationRuleRecipient(
        type="EMAIL", data=CaseNotificationRuleRecipientData(email="web@demo-org.example")
    )

    created = cases.create_project_notification_rule(
        project,
        CaseNotificationRuleCreateRequest(
            data=CaseNotificationRuleCreate(
                attributes=CaseNotificationRuleCreateAttributes(
                    triggers=[CaseNotificationRuleTrigger(type="CASE_CREATED")],
                    recipients=[email],
                    query="priority:P1",
                ),
                type=NOTIFICATION_RULE,
            )
        ),
    ).data
    cases.update_project_notification_rule(
        project,
        created.id,
        CaseNotificationRuleUpdateRequest(
            data=CaseNotificationRuleUpdate(
                attributes=CaseNotificationRuleAttributes(is_enabled=False),
                type=NOTIFICATION_RULE,
            )
        ),
    )
    updated = cases.get_project_notification_rules(project).data
    cases.delete_project_notification_rule(project, created.id)

    assert created.attributes.is_enabled is True
    assert created.attributes.recipients[0].data.email == "web@demo-org.example"
    assert [(rule.id, rule.attributes.is_enabled) for rule in updated] == [(created.id, False)]
    assert updated[0].attributes.query == "priority:P1"
    assert cases.get_project_notification_rules(project).data == []


def test_official_client_keeps_maintenance_windows(api_client: ApiClient) -> None:
    """Create, list, update and delete a maintenance window with Datadog's client."""
    cases = CaseManagementApi(api_client)
    start = datetime(2026, 12, 20, 1, 0, tzinfo=UTC)

    created = cases.create_maintenance_window(
        MaintenanceWindowCreateRequest(
            data=MaintenanceWindowCreate(
                attributes=MaintenanceWindowCreateAttributes(
                    name="CDN cutover",
                    query="project:APP",
                    start_at=start,
                    end_at=datetime(2026, 12, 20, 3, 0, tzinfo=UTC),
                ),
                type=WINDOW,
            )
        )
    ).data
    updated = cases.update_maintenance_window(
        created.id,
        MaintenanceWindowUpdateRequest(
            data=MaintenanceWindowUpdate(
                attributes=MaintenanceWindowUpdateAttributes(
                    end_at=datetime(2026, 12, 20, 4, 0, tzinfo=UTC)
                ),
                type=WINDOW,
            )
        ),
    ).data
    listed = [window.id for window in cases.list_maintenance_windows().data]
    cases.delete_maintenance_window(created.id)

    assert created.attributes.start_at == start
    assert created.attributes.created_by
    assert (updated.attributes.name, updated.attributes.end_at.hour) == ("CDN cutover", 4)
    assert created.id in listed
    assert created.id not in [window.id for window in cases.list_maintenance_windows().data]


def test_official_client_reads_the_seeded_automation(api_client: ApiClient) -> None:
    """The demo organisation's rules and windows are answers Datadog's client accepts."""
    cases = CaseManagementApi(api_client)
    security = _project(cases, "SEC")

    rules = cases.list_case_automation_rules(security).data
    notifications = cases.get_project_notification_rules(security).data
    windows = cases.list_maintenance_windows().data

    assert [rule.attributes.name for rule in rules][:2] == [
        "Enrich new security cases",
        "Write the close-out report",
    ]
    assert notifications[0].attributes.recipients[0].type == "SLACK_CHANNEL"
    assert "Orders database migration" in [window.attributes.name for window in windows]


def test_official_client_gets_404_for_what_does_not_exist(api_client: ApiClient) -> None:
    """An unknown project, rule or window is Datadog's 404, which the client raises."""
    cases = CaseManagementApi(api_client)
    project = _project(cases, "SEC")
    calls: list[Callable[[], object]] = [
        lambda: cases.list_case_automation_rules(UNKNOWN),
        lambda: cases.get_case_automation_rule(project, UNKNOWN),
        lambda: cases.enable_case_automation_rule(project, UNKNOWN),
        lambda: cases.disable_case_automation_rule(project, UNKNOWN),
        lambda: cases.delete_case_automation_rule(project, UNKNOWN),
        lambda: cases.get_project_notification_rules(UNKNOWN),
        lambda: cases.delete_project_notification_rule(project, UNKNOWN),
        lambda: cases.delete_maintenance_window(UNKNOWN),
    ]
    for call in calls:
        with pytest.raises(NotFoundException):
            call()


def test_official_client_gets_400_for_a_rule_it_does_not_define(api_client: ApiClient) -> None:
    """A trigger outside the client's enum, as clients before 2.58 wrote it, is a 400."""
    cases = CaseManagementApi(api_client)
    project = _project(cases, "SEC")
    body = AutomationRuleCreateRequest(
        data=AutomationRuleCreate(
            attributes=_rule("Close-out", CaseAutomationRuleState.ENABLED), type=RULE
        )
    )
    body.data.attributes.trigger.type = AutomationRuleTriggerType("case_created")

    with pytest.raises(ApiException) as refused:
        cases.create_case_automation_rule(project, body)

    assert refused.value.status == 400
    assert "CASE_CREATED" in str(refused.value.body)
