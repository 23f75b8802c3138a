"""The handlers of a project's automation: automation rules, notification rules, maintenance
windows.

As in `_catalog_handlers`, a handler is named by the Datadog operation id it serves, reads the
request, applies the store method of the same name and writes the answer with `_wire`. Ids in
the path are UUIDs (anything else is Datadog's 400 Invalid Parameter).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import answer, no_content
from ._store import Store

__all__ = ["AutomationHandlers"]


async def _attributes(request: Request, resource_type: str) -> dict[str, Any]:
    return _parse.mapping(_parse.resource(await request.body(), resource_type))


def _project(request: Request) -> str:
    return _parse.uuid_param(request.path_params["project_id"], "ProjectID")


def _rule(request: Request) -> str:
    return _parse.uuid_param(request.path_params["rule_id"], "RuleID")


def _notification_rule(request: Request) -> str:
    return _parse.uuid_param(request.path_params["notification_rule_id"], "NotificationRuleID")


def _window(request: Request) -> str:
    return _parse.uuid_param(request.path_params["maintenance_window_id"], "MaintenanceWindowID")


def _rule_answer(rule: dict[str, Any], *, status: int = 200) -> Response:
    return answer({"data": _wire.automation_rule_document(rule)}, status=status)


def _window_answer(window: dict[str, Any], *, status: int = 200) -> Response:
    return answer({"data": _wire.maintenance_window_document(window)}, status=status)


class AutomationHandlers:
    """The automation handlers, bound (through `Handlers`) to a store and the acting user."""

    store: Store
    actor_id: str

    # Automation rules ----------------------------------------------------------------------

    async def list_case_automation_rules(self, request: Request) -> Response:
        rules = self.store.list_case_automation_rules(_project(request))
        return answer({"data": [_wire.automation_rule_document(rule) for rule in rules]})

    async def create_case_automation_rule(self, request: Request) -> Response:
        project_id = _project(request)
        attributes = await _attributes(request, "rule")
        rule = self.store.create_case_automation_rule(
            project_id, attributes, actor_id=self.actor_id
        )
        return _rule_answer(rule, status=201)

    async def get_case_automation_rule(self, request: Request) -> Response:
        return _rule_answer(self.store.get_case_automation_rule(_project(request), _rule(request)))

    async def update_case_automation_rule(self, request: Request) -> Response:
        project_id, rule_id = _project(request), _rule(request)
        attributes = await _attributes(request, "rule")
        rule = self.store.update_case_automation_rule(
            project_id, rule_id, attributes, actor_id=self.actor_id
        )
        return _rule_answer(rule)

    async def delete_case_automation_rule(self, request: Request) -> Response:
        self.store.delete_case_automation_rule(_project(request), _rule(request))
        return no_content()

    async def enable_case_automation_rule(self, request: Request) -> Response:
        rule = self.store.enable_case_automation_rule(
            _project(request), _rule(request), actor_id=self.actor_id
        )
        return _rule_answer(rule)

    async def disable_case_automation_rule(self, request: Request) -> Response:
        rule = self.store.disable_case_automation_rule(
            _project(request), _rule(request), actor_id=self.actor_id
        )
        return _rule_answer(rule)

    # Notification rules --------------------------------------------------------------------

    async def get_project_notification_rules(self, request: Request) -> Response:
        rules = self.store.get_project_notification_rules(_project(request))
        return answer({"data": [_wire.notification_rule_document(rule) for rule in rules]})

    async def create_project_notification_rule(self, request: Request) -> Response:
        project_id = _project(request)
        attributes = await _attributes(request, "notification_rule")
        rule = self.store.create_project_notification_rule(
            project_id, attributes, actor_id=self.actor_id
        )
        return answer({"data": _wire.notification_rule_document(rule)}, status=201)

    async def update_project_notification_rule(self, request: Request) -> Response:
        project_id, rule_id = _project(request), _notification_rule(request)
        attributes = await _attributes(request, "notification_rule")
        self.store.update_project_notification_rule(
            project_id, rule_id, attributes, actor_id=self.actor_id
        )
        return no_content()

    async def delete_project_notification_rule(self, request: Request) -> Response:
        self.store.delete_project_notification_rule(_project(request), _notification_rule(request))
        return no_content()

    # Maintenance windows -------------------------------------------------------------------

    async def list_maintenance_windows(self, request: Request) -> Response:
        windows = self.store.list_maintenance_windows()
        return answer({"data": [_wire.maintenance_window_document(w) for w in windows]})

    async def create_maintenance_window(self, request: Request) -> Response:
        attributes = await _attributes(request, "maintenance_window")
        window = self.store.create_maintenance_window(attributes, actor_id=self.actor_id)
        return _window_answer(window, status=201)

    async def update_maintenance_window(self, request: Request) -> Response:
        window_id = _window(request)
        attributes = await _attributes(request, "maintenance_window")
        window = self.store.update_maintenance_window(window_id, attributes, actor_id=self.actor_id)
        return _window_answer(window)

    async def delete_maintenance_window(self, request: Request) -> Response:
        self.store.delete_maintenance_window(_window(request))
        return no_content()
