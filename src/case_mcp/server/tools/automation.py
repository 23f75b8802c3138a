"""The `automation` toolset: a project's automation rules and notification rules, and the
organisation's maintenance windows.

Projects are named by key; rules and windows by the short id their list shows (the first
block of the id; a whole id is taken too), and a list shows each whole (so no tool gets one
rule). One tool, `set_automation_rule_enabled`, serves both of Datadog's enable and disable
operations.
Updates read the current rule and send it whole with the change, so what a call leaves out
stays. Each delete goes through the confirmed-delete flow; the person types the project key
(for a rule) or the first block of the window's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Final, get_args

from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import CallToolResult
from pydantic import Field, WithJsonSchema

from case_mcp.models import (
    AutomationRuleActionType,
    AutomationRuleTriggerType,
    CaseNotificationRule,
    MaintenanceWindow,
)
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._automation_deletes import (
    Id,
    automation_rule_id,
    delete_automation_rule,
    delete_maintenance_window,
    delete_notification_rule,
    notification_gone,
    rule_gone,
    window_gone,
)
from case_mcp.server.tools._automation_views import (
    AutomationRuleList,
    AutomationRuleView,
    MaintenanceWindowList,
    MaintenanceWindowView,
    NotificationRuleList,
    NotificationRuleView,
    PartInput,
    automation_rule_view,
    maintenance_window_row,
    maintenance_window_view,
    notification_rule_view,
    one_named,
    part_of,
)
from case_mcp.server.tools._lookup import is_uuid
from case_mcp.server.tools._render import result
from case_mcp.server.tools._short_parts import RECIPIENT_FORMS, TRIGGER_FORMS, taken
from case_mcp.server.tools.cases import ProjectKey

TRIGGERS: Final = get_args(AutomationRuleTriggerType)
ACTIONS: Final = get_args(AutomationRuleActionType)

Name = Annotated[str, Field(min_length=1, max_length=200, description="Its name.")]
Trigger = Annotated[
    PartInput,
    Field(
        description="type: " + "|".join(TRIGGERS) + "; STATUS_TRANSITIONED +from_status_name"
        ",to_status_name; ATTRIBUTE_VALUE_CHANGED +field,change_type (VALUE_ADDED|"
        "VALUE_DELETED|ANY_CHANGES)"
    ),
]
Action = Annotated[
    PartInput,
    Field(description="type: EXECUTE_WORKFLOW +handle|ASSIGN_AGENT +agent_type,assigned_agent_id"),
]
# A notification rule's parts: a short form as the list shows it, or an object.
ShortPartInput = str | dict[str, str]
Triggers = Annotated[
    list[ShortPartInput],
    Field(min_length=1, max_length=10, description=" | ".join(TRIGGER_FORMS.values())),
]
Recipients = Annotated[
    list[ShortPartInput],
    Field(min_length=1, max_length=20, description=" | ".join(RECIPIENT_FORMS.values())),
]
# An update takes what its create takes (its description says so), or keeps what it had.
Changed = Field(description="Omit to keep.")
Query = Annotated[str, Field(max_length=1000, description="A case search; empty: all.")]
Search = Annotated[str, Field(min_length=1, max_length=1000, description="A case search.")]
On = Annotated[bool, Field(description="False: paused.")]
Moment = Annotated[
    datetime,
    WithJsonSchema({"type": "string", "description": "ISO-8601 with zone: 2026-12-20 01:00Z"}),
]


def _audited(kind: str) -> Any:
    """The audit target of a tool on one `kind` of object: its project and its id."""

    def target(arguments: Mapping[str, Any], answer: Mapping[str, Any] | None) -> dict[str, Any]:
        named = arguments.get(f"{kind}_id") or (answer or {}).get("id")
        return {"project": arguments.get("project"), kind: named}

    return target


# Automation rules --------------------------------------------------------------------------


async def list_automation_rules(
    project: ProjectKey, state: State
) -> Annotated[CallToolResult, AutomationRuleList]:
    """List a project's automation rules.

    Use this tool to see what runs on which case event.
    Example: {"project": "SEC"}
    """
    found = await state.lookup.project(project)
    rules = await state.client.list_case_automation_rules(found.id)
    views = [automation_rule_view(rule) for rule in rules]
    return result(AutomationRuleList(project=found.attributes.key or found.id, rules=views))


async def create_automation_rule(
    project: ProjectKey,
    name: Name,
    trigger: Trigger,
    action: Action,
    state: State,
    enabled: On = True,
) -> Annotated[CallToolResult, AutomationRuleView]:
    """Create an automation rule.

    Use this tool to run a workflow or assign an AI agent on a case event.

    Example: {"project": "OPS", "name": "Triage", "trigger": {"type": "CASE_CREATED"}, "action": {"type": "EXECUTE_WORKFLOW", "handle": "triage"}}
    """  # noqa: E501 (an example call is one line)
    found = await state.lookup.project(project)
    rule = await state.client.create_case_automation_rule(
        found.id,
        name,
        part_of(trigger, "trigger", TRIGGERS),
        part_of(action, "action", ACTIONS),
        "ENABLED" if enabled else "DISABLED",
    )
    return result(automation_rule_view(rule))


async def update_automation_rule(
    project: ProjectKey,
    rule_id: Id,
    state: State,
    name: Annotated[str | None, Field(min_length=1, max_length=200), Changed] = None,
    trigger: Annotated[PartInput | None, Changed] = None,
    action: Annotated[PartInput | None, Changed] = None,
) -> Annotated[CallToolResult, AutomationRuleView]:
    """Change an automation rule.

    Use this tool to rename it or change its trigger or action.

    Example: {"project": "SEC", "rule_id": "c2629960", "name": "Enrich"}
    """
    found = await state.lookup.project(project)
    rule_id = await automation_rule_id(state, found.id, project, rule_id)
    rule = await state.client.get_case_automation_rule(found.id, rule_id)
    now = rule.attributes
    if now.trigger is None or now.action is None:
        raise ToolError(f"Datadog sent rule {rule_id!r} without its trigger or action.")
    updated = await state.client.update_case_automation_rule(
        found.id,
        rule.id,
        name if name is not None else now.name or "",
        part_of(trigger, "trigger", TRIGGERS) if trigger is not None else now.trigger,
        part_of(action, "action", ACTIONS) if action is not None else now.action,
        "DISABLED" if now.state == "DISABLED" else "ENABLED",
    )
    return result(automation_rule_view(updated))


async def set_automation_rule_enabled(
    project: ProjectKey, rule_id: Id, enabled: On, state: State
) -> Annotated[CallToolResult, AutomationRuleView]:
    """Turn an automation rule on or off.

    Use this tool to pause a rule without losing it.

    Example: {"project": "SEC", "rule_id": "0386a226", "enabled": true}
    """
    found = await state.lookup.project(project)
    rule_id = await automation_rule_id(state, found.id, project, rule_id)
    switch = (
        state.client.enable_case_automation_rule
        if enabled
        else state.client.disable_case_automation_rule
    )
    return result(automation_rule_view(await switch(found.id, rule_id)))


# Notification rules ------------------------------------------------------------------------


async def list_notification_rules(
    project: ProjectKey, state: State
) -> Annotated[CallToolResult, NotificationRuleList]:
    """List a project's notification rules.

    Use this tool to see who is told of which case events.

    Example: {"project": "SEC"}
    """
    found = await state.lookup.project(project)
    rules = await state.client.get_project_notification_rules(found.id)
    views = [notification_rule_view(rule) for rule in rules]
    return result(NotificationRuleList(rules=views))


async def create_notification_rule(
    project: ProjectKey,
    triggers: Triggers,
    recipients: Recipients,
    state: State,
    query: Query = "",
    enabled: On = True,
) -> Annotated[CallToolResult, NotificationRuleView]:
    """Create a notification rule.

    Use this tool to tell people or channels of case events.

    Example: {"project": "OPS", "triggers": ["CASE_CREATED"], "recipients": ["email sre@demo-org.example"]}
    """  # noqa: E501 (an example call is one line)
    found = await state.lookup.project(project)
    rule = await state.client.create_project_notification_rule(
        found.id,
        [taken(part, "trigger", TRIGGER_FORMS) for part in triggers],
        [taken(part, "recipient", RECIPIENT_FORMS) for part in recipients],
        query,
        enabled,
    )
    return result(notification_rule_view(rule))


async def update_notification_rule(
    project: ProjectKey,
    rule_id: Id,
    state: State,
    triggers: Annotated[list[ShortPartInput] | None, Changed] = None,
    recipients: Annotated[list[ShortPartInput] | None, Changed] = None,
    query: Annotated[str | None, Field(max_length=1000), Changed] = None,
    enabled: Annotated[bool | None, Changed] = None,
) -> Annotated[CallToolResult, NotificationRuleView]:
    """Change a notification rule.

    Use this tool to change or pause a rule.

    Example: {"project": "OPS", "rule_id": "90f5c998", "enabled": false}
    """
    found = await state.lookup.project(project)
    rule = await _notification_rule(state, found.id, project, rule_id)
    now = rule.attributes
    await state.client.update_project_notification_rule(
        found.id,
        rule.id,
        [taken(part, "trigger", TRIGGER_FORMS) for part in triggers]
        if triggers is not None
        else now.triggers,
        [taken(part, "recipient", RECIPIENT_FORMS) for part in recipients]
        if recipients is not None
        else now.recipients,
        query if query is not None else now.query,
        enabled if enabled is not None else now.is_enabled,
    )
    return result(
        notification_rule_view(await _notification_rule(state, found.id, project, rule.id))
    )


async def _notification_rule(
    state: ServerState, project_id: str, project: str, rule_id: str
) -> CaseNotificationRule:
    """One notification rule (Datadog reads them only as a project's list)."""
    rules = await state.client.get_project_notification_rules(project_id)
    return one_named(rules, rule_id, notification_gone({"rule_id": rule_id, "project": project}))


# Maintenance windows -----------------------------------------------------------------------


async def list_maintenance_windows(
    state: State,
) -> Annotated[CallToolResult, MaintenanceWindowList]:
    """List maintenance windows.

    Use this tool to see when which cases are silenced.

    Example: {}
    """
    windows = await state.client.list_maintenance_windows()
    return result(MaintenanceWindowList(windows=[maintenance_window_row(w) for w in windows]))


async def create_maintenance_window(
    name: Name, query: Search, start_at: Moment, end_at: Moment, state: State
) -> Annotated[CallToolResult, MaintenanceWindowView]:
    """Create a maintenance window.

    Use this tool before planned work: cases matching query notify no one and trigger no
    rule from start_at to end_at.
    Example: {"name": "Deploy", "query": "project:OPS", "start_at": "2026-12-20 01:00Z", "end_at": "2026-12-20 03:00Z"}
    """  # noqa: E501 (an example call is one line)
    _check_span(start_at, end_at)
    window = await state.client.create_maintenance_window(name, query, start_at, end_at)
    return result(maintenance_window_view(window))


async def update_maintenance_window(
    window_id: Id,
    state: State,
    name: Annotated[str | None, Field(min_length=1, max_length=200), Changed] = None,
    query: Annotated[str | None, Field(max_length=1000), Changed] = None,
    start_at: Annotated[Moment | None, Changed] = None,
    end_at: Annotated[Moment | None, Changed] = None,
) -> Annotated[CallToolResult, MaintenanceWindowView]:
    """Change a maintenance window.

    Use this tool to move or rename a window.

    Example: {"window_id": "70ce75df", "end_at": "2026-12-12 08:00Z"}
    """
    if (start_at is None) != (end_at is None) or not is_uuid(window_id):
        # A short id is looked up; a span moved at one end is checked here, so the model is
        # told which end to move rather than a bare 400.
        current = await _window(state, window_id)
        window_id, now = current.id, current.attributes
        _check_span(start_at or now.start_at, end_at or now.end_at)
    _check_span(start_at, end_at)
    window = await state.client.update_maintenance_window(window_id, name, query, start_at, end_at)
    return result(maintenance_window_view(window))


async def _window(state: ServerState, window_id: str) -> MaintenanceWindow:
    """One maintenance window (Datadog reads them only as the organisation's list)."""
    windows = await state.client.list_maintenance_windows()
    return one_named(windows, window_id, window_gone({"window_id": window_id}))


def _check_span(start_at: datetime | None, end_at: datetime | None) -> None:
    if start_at is not None and end_at is not None and end_at <= start_at:
        raise ToolError(
            f"end_at ({end_at.isoformat()}) must be after start_at ({start_at.isoformat()}); "
            "nothing was changed."
        )


def _tool(name: str, title: str, kind: Any, handler: Any, gone: Any, **more: Any) -> ToolSpec:
    return ToolSpec(name, title, "automation", kind, handler, not_found=gone, **more)


_RULE_AUDIT: Final = _audited("rule")
_WINDOW_AUDIT: Final = _audited("window")

TOOLS = [
    _tool(
        "list_automation_rules", "List automation rules", "read", list_automation_rules, rule_gone
    ),
    _tool(
        "create_automation_rule",
        "Create an automation rule",
        "write",
        create_automation_rule,
        rule_gone,
        audit_target=_RULE_AUDIT,
        created=Creation("the automation rule", "list_automation_rules", "create_automation_rule"),
    ),
    _tool(
        "update_automation_rule",
        "Change an automation rule",
        "idempotent_write",
        update_automation_rule,
        rule_gone,
        audit_target=_RULE_AUDIT,
    ),
    _tool(
        "set_automation_rule_enabled",
        "Switch an automation rule on or off",
        "idempotent_write",
        set_automation_rule_enabled,
        rule_gone,
        audit_target=_RULE_AUDIT,
    ),
    _tool(
        "delete_automation_rule",
        "Delete an automation rule",
        "destructive",
        delete_automation_rule,
        rule_gone,
        view=PREVIEW_VIEW,
    ),
    _tool(
        "list_notification_rules",
        "List notification rules",
        "read",
        list_notification_rules,
        notification_gone,
    ),
    _tool(
        "create_notification_rule",
        "Create a notification rule",
        "write",
        create_notification_rule,
        notification_gone,
        audit_target=_RULE_AUDIT,
        created=Creation(
            "the notification rule", "list_notification_rules", "create_notification_rule"
        ),
    ),
    _tool(
        "update_notification_rule",
        "Change a notification rule",
        "idempotent_write",
        update_notification_rule,
        notification_gone,
        audit_target=_RULE_AUDIT,
    ),
    _tool(
        "delete_notification_rule",
        "Delete a notification rule",
        "destructive",
        delete_notification_rule,
        notification_gone,
        view=PREVIEW_VIEW,
    ),
    _tool(
        "list_maintenance_windows",
        "List maintenance windows",
        "read",
        list_maintenance_windows,
        "No maintenance windows were found.",
    ),
    _tool(
        "create_maintenance_window",
        "Create a maintenance window",
        "write",
        create_maintenance_window,
        "Datadog could not find where to create the maintenance window.",
        audit_target=_WINDOW_AUDIT,
        created=Creation(
            "the maintenance window", "list_maintenance_windows", "create_maintenance_window"
        ),
    ),
    _tool(
        "update_maintenance_window",
        "Change a maintenance window",
        "idempotent_write",
        update_maintenance_window,
        window_gone,
        audit_target=_WINDOW_AUDIT,
    ),
    _tool(
        "delete_maintenance_window",
        "Delete a maintenance window",
        "destructive",
        delete_maintenance_window,
        window_gone,
        view=PREVIEW_VIEW,
    ),
]
