"""A project's automation: automation rules, notification rules, and maintenance windows.

The three are stored configurations with the same life: listed, created, replaced, deleted
(and an automation rule switched on or off). Rules belong to a project, named by its UUID;
maintenance windows belong to the organisation and pick their cases by a search query.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Final

from case_mcp.client._operation import ORGANISATION, Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.client._recovery import find_listed
from case_mcp.models import (
    AutomationRule,
    AutomationRuleCreate,
    AutomationRuleDocument,
    AutomationRulesDocument,
    AutomationRuleState,
    AutomationRuleUpdate,
    CaseNotificationRule,
    CaseNotificationRuleCreate,
    CaseNotificationRuleDocument,
    CaseNotificationRulesDocument,
    CaseNotificationRuleUpdate,
    MaintenanceWindow,
    MaintenanceWindowCreate,
    MaintenanceWindowDocument,
    MaintenanceWindowsDocument,
    MaintenanceWindowUpdate,
    RulePart,
)

_RULES: Final = "/api/v2/cases/projects/{project_id}/rules"
_RULE: Final = f"{_RULES}/{{rule_id}}"
_NOTIFICATION_RULES: Final = "/api/v2/cases/projects/{project_id}/notification_rules"
_NOTIFICATION_RULE: Final = f"{_NOTIFICATION_RULES}/{{notification_rule_id}}"
_WINDOWS: Final = "/api/v2/maintenance_windows"
_WINDOW: Final = f"{_WINDOWS}/{{maintenance_window_id}}"
_IN_PROJECT: Final = Scope(project="project_id")


class AutomationOperations(Operations):
    """Automation rules and notification rules of a project; maintenance windows."""

    # Automation rules ----------------------------------------------------------------------

    @operation("GET", _RULES, effect="read", scope=_IN_PROJECT, response=AutomationRulesDocument)
    async def list_case_automation_rules(self, project_id: str) -> list[AutomationRule]:
        """A project's automation rules.

        Raises:
            NotFoundError: No such project.
        """
        document: AutomationRulesDocument = await self._call()
        return document.data

    @operation(
        "POST",
        _RULES,
        effect="creates",
        scope=_IN_PROJECT,
        request=AutomationRuleCreate,
        response=AutomationRuleDocument,
        finder=find_listed(_RULES, "name", "trigger", "action"),
    )
    async def create_case_automation_rule(
        self,
        project_id: str,
        name: str,
        trigger: RulePart,
        action: RulePart,
        state: AutomationRuleState | None = None,
    ) -> AutomationRule:
        """Add an automation rule to a project.

        Args:
            project_id: The project's UUID.
            name: The rule's name.
            trigger: The case event it acts on (``CASE_CREATED``...) and that event's data.
            action: ``EXECUTE_WORKFLOW`` with ``{"handle": ...}``, or ``ASSIGN_AGENT`` with
                ``{"agent_type": ..., "assigned_agent_id": ...}``.
            state: ``ENABLED`` or ``DISABLED``; Datadog's default when None.

        Raises:
            BadRequestError: A trigger, action or state Datadog does not know, or missing data.
            NotFoundError: No such project.
        """
        body = AutomationRuleCreate(name=name, trigger=trigger, action=action, state=state)
        document: AutomationRuleDocument = await self._call(body)
        return document.data

    @operation("GET", _RULE, effect="read", scope=_IN_PROJECT, response=AutomationRuleDocument)
    async def get_case_automation_rule(self, project_id: str, rule_id: str) -> AutomationRule:
        """One automation rule of a project.

        Raises:
            NotFoundError: No such project, or no such rule in it.
        """
        document: AutomationRuleDocument = await self._call()
        return document.data

    @operation(
        "PUT",
        _RULE,
        effect="sets",
        scope=_IN_PROJECT,
        request=AutomationRuleUpdate,
        response=AutomationRuleDocument,
    )
    async def update_case_automation_rule(
        self,
        project_id: str,
        rule_id: str,
        name: str,
        trigger: RulePart,
        action: RulePart,
        state: AutomationRuleState | None = None,
    ) -> AutomationRule:
        """Replace an automation rule: its name, trigger, action and (when given) state.

        Raises:
            BadRequestError: As for `create_case_automation_rule`.
            NotFoundError: No such project, or no such rule in it.
        """
        body = AutomationRuleUpdate(name=name, trigger=trigger, action=action, state=state)
        document: AutomationRuleDocument = await self._call(body)
        return document.data

    @operation("DELETE", _RULE, effect="deletes", scope=_IN_PROJECT)
    async def delete_case_automation_rule(self, project_id: str, rule_id: str) -> None:
        """Delete an automation rule.

        Raises:
            NotFoundError: No such project, or no such rule in it.
        """
        await self._call()

    @operation(
        "POST",
        f"{_RULE}/enable",
        effect="sets",
        scope=_IN_PROJECT,
        response=AutomationRuleDocument,
    )
    async def enable_case_automation_rule(self, project_id: str, rule_id: str) -> AutomationRule:
        """Switch an automation rule on.

        Raises:
            NotFoundError: No such project, or no such rule in it.
        """
        document: AutomationRuleDocument = await self._call()
        return document.data

    @operation(
        "POST",
        f"{_RULE}/disable",
        effect="sets",
        scope=_IN_PROJECT,
        response=AutomationRuleDocument,
    )
    async def disable_case_automation_rule(self, project_id: str, rule_id: str) -> AutomationRule:
        """Switch an automation rule off; it keeps its configuration.

        Raises:
            NotFoundError: No such project, or no such rule in it.
        """
        document: AutomationRuleDocument = await self._call()
        return document.data

    # Notification rules --------------------------------------------------------------------

    @operation(
        "GET",
        _NOTIFICATION_RULES,
        effect="read",
        scope=_IN_PROJECT,
        response=CaseNotificationRulesDocument,
    )
    async def get_project_notification_rules(self, project_id: str) -> list[CaseNotificationRule]:
        """A project's notification rules.

        Raises:
            NotFoundError: No such project.
        """
        document: CaseNotificationRulesDocument = await self._call()
        return document.data

    @operation(
        "POST",
        _NOTIFICATION_RULES,
        effect="creates",
        scope=_IN_PROJECT,
        request=CaseNotificationRuleCreate,
        response=CaseNotificationRuleDocument,
        finder=find_listed(_NOTIFICATION_RULES, "triggers", "recipients", "query"),
    )
    async def create_project_notification_rule(
        self,
        project_id: str,
        triggers: Sequence[RulePart],
        recipients: Sequence[RulePart],
        query: str | None = None,
        is_enabled: bool | None = None,
    ) -> CaseNotificationRule:
        """Add a notification rule to a project.

        Args:
            project_id: The project's UUID.
            triggers: The case events that notify (``CASE_CREATED``, ``STATUS_TRANSITIONED``...).
            recipients: Who is told (``EMAIL`` with ``{"email": ...}``, ``SLACK_CHANNEL``...).
            query: Only cases this search matches; all of the project's when None.
            is_enabled: Whether it notifies; Datadog's default when None.

        Raises:
            BadRequestError: A trigger or recipient Datadog does not know, or none given.
            NotFoundError: No such project.
        """
        body = CaseNotificationRuleCreate(
            triggers=list(triggers), recipients=list(recipients), query=query, is_enabled=is_enabled
        )
        document: CaseNotificationRuleDocument = await self._call(body)
        return document.data

    @operation(
        "PUT",
        _NOTIFICATION_RULE,
        effect="sets",
        scope=_IN_PROJECT,
        request=CaseNotificationRuleUpdate,
    )
    async def update_project_notification_rule(
        self,
        project_id: str,
        notification_rule_id: str,
        triggers: Sequence[RulePart],
        recipients: Sequence[RulePart],
        query: str | None = None,
        is_enabled: bool | None = None,
    ) -> None:
        """Replace a notification rule; Datadog answers 204 with no body.

        Raises:
            BadRequestError: As for `create_project_notification_rule`.
            NotFoundError: No such project, or no such rule in it.
        """
        body = CaseNotificationRuleUpdate(
            triggers=list(triggers), recipients=list(recipients), query=query, is_enabled=is_enabled
        )
        await self._call(body)

    @operation("DELETE", _NOTIFICATION_RULE, effect="deletes", scope=_IN_PROJECT)
    async def delete_project_notification_rule(
        self, project_id: str, notification_rule_id: str
    ) -> None:
        """Delete a notification rule.

        Raises:
            NotFoundError: No such project, or no such rule in it.
        """
        await self._call()

    # Maintenance windows -------------------------------------------------------------------

    @operation(
        "GET", _WINDOWS, effect="read", scope=ORGANISATION, response=MaintenanceWindowsDocument
    )
    async def list_maintenance_windows(self) -> list[MaintenanceWindow]:
        """Every maintenance window of the organisation."""
        document: MaintenanceWindowsDocument = await self._call()
        return document.data

    @operation(
        "POST",
        _WINDOWS,
        effect="creates",
        scope=ORGANISATION,
        request=MaintenanceWindowCreate,
        response=MaintenanceWindowDocument,
        finder=find_listed(_WINDOWS, "name", "query", "start_at", "end_at"),
    )
    async def create_maintenance_window(
        self, name: str, query: str, start_at: datetime, end_at: datetime
    ) -> MaintenanceWindow:
        """Add a maintenance window: while it lasts, the cases `query` matches notify no one
        and trigger no automation rule.

        Args:
            name: Its name, such as ``Database migration - Dec 15``.
            query: A case search, such as ``project:OPS service:checkout``.
            start_at: When it begins.
            end_at: When it ends.

        Raises:
            BadRequestError: An empty name or query, or an end not after the start.
        """
        body = MaintenanceWindowCreate(name=name, query=query, start_at=start_at, end_at=end_at)
        document: MaintenanceWindowDocument = await self._call(body)
        return document.data

    @operation(
        "PUT",
        _WINDOW,
        effect="sets",
        scope=ORGANISATION,
        request=MaintenanceWindowUpdate,
        response=MaintenanceWindowDocument,
    )
    async def update_maintenance_window(
        self,
        maintenance_window_id: str,
        name: str | None = None,
        query: str | None = None,
        start_at: datetime | None = None,
        end_at: datetime | None = None,
    ) -> MaintenanceWindow:
        """Change what is given of a maintenance window; the rest stays.

        Raises:
            BadRequestError: As for `create_maintenance_window`.
            NotFoundError: No such maintenance window.
        """
        body = MaintenanceWindowUpdate(name=name, query=query, start_at=start_at, end_at=end_at)
        document: MaintenanceWindowDocument = await self._call(body)
        return document.data

    @operation("DELETE", _WINDOW, effect="deletes", scope=ORGANISATION)
    async def delete_maintenance_window(self, maintenance_window_id: str) -> None:
        """Delete a maintenance window.

        Raises:
            NotFoundError: No such maintenance window.
        """
        await self._call()
