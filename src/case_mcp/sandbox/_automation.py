"""The rules of a project's automation: automation rules, notification rules, maintenance
windows, one store method per Datadog operation.

Each is a stored configuration (`_configurations`), checked by `_automation_checks` before it
is stored. The sandbox keeps them and answers for them as Datadog does, but runs no workflow,
assigns no agent, sends no notification and silences nothing: no case changes because of them.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from . import _search
from ._automation_checks import (
    check_automation_rule,
    check_maintenance_window,
    check_notification_rule,
)
from ._configurations import Configurations, Kind

__all__ = ["AUTOMATION_RULE", "MAINTENANCE_WINDOW", "NOTIFICATION_RULE", "AutomationStore"]

AUTOMATION_RULE: Final = Kind("rule", "rule", in_project=True)
NOTIFICATION_RULE: Final = Kind("notification_rule", "notification rule", in_project=True)
MAINTENANCE_WINDOW: Final = Kind("maintenance_window", "maintenance window", in_project=False)

Attributes = Mapping[str, Any]


class AutomationStore(Configurations):
    """The operations on automation rules, notification rules and maintenance windows."""

    # Automation rules ----------------------------------------------------------------------

    def list_case_automation_rules(self, project_id: str) -> list[dict[str, Any]]:
        """A project's automation rules, oldest first.

        Raises:
            NotFound: No such project.
        """
        return self.configurations(AUTOMATION_RULE, project_id)

    def create_case_automation_rule(
        self, project_id: str, attributes: Attributes, *, actor_id: str, rule_id: str | None = None
    ) -> dict[str, Any]:
        """Add an automation rule to a project; enabled unless it says otherwise.

        Raises:
            BadRequest: See `check_automation_rule`.
            NotFound: No such project.
        """
        checked = check_automation_rule(attributes, state="ENABLED")
        return self.add_configuration(
            AUTOMATION_RULE, checked, actor_id=actor_id, project_id=project_id, config_id=rule_id
        )

    def get_case_automation_rule(self, project_id: str, rule_id: str) -> dict[str, Any]:
        """One automation rule.

        Raises:
            NotFound: No such project, or no such rule in it.
        """
        return self.configuration(AUTOMATION_RULE, rule_id, project_id)

    def update_case_automation_rule(
        self, project_id: str, rule_id: str, attributes: Attributes, *, actor_id: str
    ) -> dict[str, Any]:
        """Replace an automation rule; without a state it keeps its own.

        Raises:
            BadRequest: See `check_automation_rule`.
            NotFound: No such project, or no such rule in it.
        """
        with self.transaction():
            rule = self.configuration(AUTOMATION_RULE, rule_id, project_id)
            checked = check_automation_rule(attributes, state=rule["attributes"]["state"])
            return self.replace_configuration(
                AUTOMATION_RULE, rule_id, checked, actor_id=actor_id, project_id=project_id
            )

    def delete_case_automation_rule(self, project_id: str, rule_id: str) -> None:
        """Delete an automation rule.

        Raises:
            NotFound: No such project, or no such rule in it.
        """
        self.remove_configuration(AUTOMATION_RULE, rule_id, project_id)

    def enable_case_automation_rule(
        self, project_id: str, rule_id: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Switch an automation rule on (already on: nothing changes).

        Raises:
            NotFound: No such project, or no such rule in it.
        """
        return self._switch_rule(project_id, rule_id, "ENABLED", actor_id)

    def disable_case_automation_rule(
        self, project_id: str, rule_id: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Switch an automation rule off; it keeps its configuration.

        Raises:
            NotFound: No such project, or no such rule in it.
        """
        return self._switch_rule(project_id, rule_id, "DISABLED", actor_id)

    def _switch_rule(
        self, project_id: str, rule_id: str, state: str, actor_id: str
    ) -> dict[str, Any]:
        with self.transaction():
            rule = self.configuration(AUTOMATION_RULE, rule_id, project_id)
            if rule["attributes"]["state"] == state:
                return rule
            return self.replace_configuration(
                AUTOMATION_RULE,
                rule_id,
                {**rule["attributes"], "state": state},
                actor_id=actor_id,
                project_id=project_id,
            )

    # Notification rules --------------------------------------------------------------------

    def get_project_notification_rules(self, project_id: str) -> list[dict[str, Any]]:
        """A project's notification rules, oldest first.

        Raises:
            NotFound: No such project.
        """
        return self.configurations(NOTIFICATION_RULE, project_id)

    def create_project_notification_rule(
        self,
        project_id: str,
        attributes: Attributes,
        *,
        actor_id: str,
        notification_rule_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a notification rule to a project.

        Raises:
            BadRequest: See `check_notification_rule`, or a query search cannot read.
            NotFound: No such project.
        """
        checked = self._with_readable_query(check_notification_rule(attributes))
        return self.add_configuration(
            NOTIFICATION_RULE,
            checked,
            actor_id=actor_id,
            project_id=project_id,
            config_id=notification_rule_id,
        )

    def update_project_notification_rule(
        self, project_id: str, notification_rule_id: str, attributes: Attributes, *, actor_id: str
    ) -> None:
        """Change what an update gives of a notification rule; the rest stays.

        Raises:
            BadRequest: See `check_notification_rule`, or a query search cannot read.
            NotFound: No such project, or no such rule in it.
        """
        with self.transaction():
            rule = self.configuration(NOTIFICATION_RULE, notification_rule_id, project_id)
            checked = check_notification_rule(attributes, current=rule["attributes"])
            self.replace_configuration(
                NOTIFICATION_RULE,
                notification_rule_id,
                self._with_readable_query(checked),
                actor_id=actor_id,
                project_id=project_id,
            )

    def delete_project_notification_rule(self, project_id: str, notification_rule_id: str) -> None:
        """Delete a notification rule.

        Raises:
            NotFound: No such project, or no such rule in it.
        """
        self.remove_configuration(NOTIFICATION_RULE, notification_rule_id, project_id)

    # Maintenance windows -------------------------------------------------------------------

    def list_maintenance_windows(self) -> list[dict[str, Any]]:
        """Every maintenance window, oldest first."""
        return self.configurations(MAINTENANCE_WINDOW)

    def create_maintenance_window(
        self, attributes: Attributes, *, actor_id: str, window_id: str | None = None
    ) -> dict[str, Any]:
        """Add a maintenance window.

        Raises:
            BadRequest: See `check_maintenance_window`, or a query search cannot read.
        """
        checked = self._with_readable_query(check_maintenance_window(attributes))
        return self.add_configuration(
            MAINTENANCE_WINDOW, checked, actor_id=actor_id, config_id=window_id
        )

    def update_maintenance_window(
        self, maintenance_window_id: str, attributes: Attributes, *, actor_id: str
    ) -> dict[str, Any]:
        """Change what an update gives of a maintenance window; the rest stays.

        Raises:
            BadRequest: See `check_maintenance_window`, or a query search cannot read.
            NotFound: No such maintenance window.
        """
        with self.transaction():
            window = self.configuration(MAINTENANCE_WINDOW, maintenance_window_id)
            checked = check_maintenance_window(attributes, current=window["attributes"])
            return self.replace_configuration(
                MAINTENANCE_WINDOW,
                maintenance_window_id,
                self._with_readable_query(checked),
                actor_id=actor_id,
            )

    def delete_maintenance_window(self, maintenance_window_id: str) -> None:
        """Delete a maintenance window.

        Raises:
            NotFound: No such maintenance window.
        """
        self.remove_configuration(MAINTENANCE_WINDOW, maintenance_window_id)

    def _with_readable_query(self, attributes: dict[str, Any]) -> dict[str, Any]:
        """`attributes`, once its query is one the search bar reads (else a 400 saying why)."""
        _search.compile_query(attributes["query"], now=self.clock())
        return attributes
