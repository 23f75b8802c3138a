"""The route table: each Datadog operation the sandbox serves, by method, path and operation id.

An operation's id names everything that serves it, as in Datadog's reference and official
client: the row here, the handler (`_case_handlers.Handlers.<id>`, which reads the request and
writes the answer) and the store method (`_store.Store.<id>`, which holds the rule). Searching
for ``assign_case`` finds all three, and its tests. To serve another operation, add its row
below, a handler and a store method of that name; `api_routes` does the rest.

Path parameters are Datadog's own names. A path no row matches is Datadog's 404 ``{"errors":
["Not found"]}``; a known path with another method is its 405 ``{"errors": ["Method not
allowed"]}`` (see `_answer.http_exception`).
"""

from __future__ import annotations

from typing import Final, Literal, NamedTuple

from starlette.routing import BaseRoute, Route

from ._case_handlers import Handlers
from ._store import Store

__all__ = ["OPERATIONS", "Operation", "api_routes"]


class Operation(NamedTuple):
    """One Datadog operation the sandbox serves."""

    method: Literal["GET", "POST", "PUT", "PATCH", "DELETE"]
    path: str  # the path template, as in Datadog's reference: /api/v2/cases/{case_id}
    operation_id: str  # Datadog's operation id: names the handler and the store method


_CASES: Final = "/api/v2/cases"
_CASE: Final = "/api/v2/cases/{case_id}"
_TYPES: Final = "/api/v2/cases/types"
_RULES: Final = "/api/v2/cases/projects/{project_id}/rules"
_RULE: Final = f"{_RULES}/{{rule_id}}"
_NOTIFICATION_RULES: Final = "/api/v2/cases/projects/{project_id}/notification_rules"
_NOTIFICATION_RULE: Final = f"{_NOTIFICATION_RULES}/{{notification_rule_id}}"
_WINDOW: Final = "/api/v2/maintenance_windows/{maintenance_window_id}"

# In the order of Datadog's reference: by path, then method.
OPERATIONS: Final = (
    Operation("GET", _CASES, "search_cases"),
    Operation("POST", _CASES, "create_case"),
    Operation("POST", f"{_CASES}/aggregate", "aggregate_cases"),
    Operation("POST", f"{_CASES}/bulk", "bulk_update_cases"),
    Operation("GET", f"{_CASES}/count", "count_cases"),
    Operation("GET", f"{_CASES}/link", "list_case_links"),
    Operation("POST", f"{_CASES}/link", "create_case_link"),
    Operation("DELETE", f"{_CASES}/link/{{link_id}}", "delete_case_link"),
    Operation("GET", f"{_CASES}/projects", "get_projects"),
    Operation("POST", f"{_CASES}/projects", "create_project"),
    Operation("GET", f"{_CASES}/projects/favorites", "list_user_case_project_favorites"),
    Operation("DELETE", f"{_CASES}/projects/{{project_id}}", "delete_project"),
    Operation("GET", f"{_CASES}/projects/{{project_id}}", "get_project"),
    Operation("PATCH", f"{_CASES}/projects/{{project_id}}", "update_project"),
    Operation("DELETE", f"{_CASES}/projects/{{project_id}}/favorites", "unfavorite_case_project"),
    Operation("POST", f"{_CASES}/projects/{{project_id}}/favorites", "favorite_case_project"),
    Operation("GET", f"{_CASES}/views", "list_case_views"),
    Operation("POST", f"{_CASES}/views", "create_case_view"),
    Operation("DELETE", f"{_CASES}/views/{{view_id}}", "delete_case_view"),
    Operation("GET", f"{_CASES}/views/{{view_id}}", "get_case_view"),
    Operation("PUT", f"{_CASES}/views/{{view_id}}", "update_case_view"),
    Operation("GET", _NOTIFICATION_RULES, "get_project_notification_rules"),
    Operation("POST", _NOTIFICATION_RULES, "create_project_notification_rule"),
    Operation("DELETE", _NOTIFICATION_RULE, "delete_project_notification_rule"),
    Operation("PUT", _NOTIFICATION_RULE, "update_project_notification_rule"),
    Operation("GET", _RULES, "list_case_automation_rules"),
    Operation("POST", _RULES, "create_case_automation_rule"),
    Operation("DELETE", _RULE, "delete_case_automation_rule"),
    Operation("GET", _RULE, "get_case_automation_rule"),
    Operation("PUT", _RULE, "update_case_automation_rule"),
    Operation("POST", f"{_RULE}/disable", "disable_case_automation_rule"),
    Operation("POST", f"{_RULE}/enable", "enable_case_automation_rule"),
    Operation("GET", _TYPES, "get_all_case_types"),
    Operation("POST", _TYPES, "create_case_type"),
    Operation("GET", f"{_TYPES}/custom_attributes", "get_all_custom_attributes"),
    Operation("DELETE", f"{_TYPES}/{{case_type_id}}", "delete_case_type"),
    Operation("PUT", f"{_TYPES}/{{case_type_id}}", "update_case_type"),
    Operation(
        "GET",
        f"{_TYPES}/{{case_type_id}}/custom_attributes",
        "get_all_custom_attribute_configs_by_case_type",
    ),
    Operation(
        "POST", f"{_TYPES}/{{case_type_id}}/custom_attributes", "create_custom_attribute_config"
    ),
    Operation(
        "DELETE",
        f"{_TYPES}/{{case_type_id}}/custom_attributes/{{custom_attribute_id}}",
        "delete_custom_attribute_config",
    ),
    Operation(
        "PUT",
        f"{_TYPES}/{{case_type_id}}/custom_attributes/{{custom_attribute_id}}",
        "update_custom_attribute_config",
    ),
    Operation("GET", _CASE, "get_case"),
    Operation("POST", f"{_CASE}/archive", "archive_case"),
    Operation("POST", f"{_CASE}/assign", "assign_case"),
    Operation("POST", f"{_CASE}/attributes", "update_attributes"),
    Operation("POST", f"{_CASE}/comment", "comment_case"),
    Operation("DELETE", f"{_CASE}/comment/{{cell_id}}", "delete_case_comment"),
    Operation("PUT", f"{_CASE}/comment/{{cell_id}}", "update_case_comment"),
    Operation(
        "DELETE",
        f"{_CASE}/custom_attributes/{{custom_attribute_key}}",
        "delete_case_custom_attribute",
    ),
    Operation(
        "POST",
        f"{_CASE}/custom_attributes/{{custom_attribute_key}}",
        "update_case_custom_attribute",
    ),
    Operation("POST", f"{_CASE}/description", "update_case_description"),
    Operation("POST", f"{_CASE}/due_date", "update_case_due_date"),
    Operation("DELETE", f"{_CASE}/insights", "remove_case_insights"),
    Operation("PUT", f"{_CASE}/insights", "add_case_insights"),
    Operation("POST", f"{_CASE}/priority", "update_priority"),
    Operation("POST", f"{_CASE}/relationships/incidents", "link_incident"),
    Operation("DELETE", f"{_CASE}/relationships/jira_issues", "unlink_jira_issue"),
    Operation("PATCH", f"{_CASE}/relationships/jira_issues", "link_jira_issue_to_case"),
    Operation("POST", f"{_CASE}/relationships/jira_issues", "create_case_jira_issue"),
    Operation("POST", f"{_CASE}/relationships/notebook", "create_case_notebook"),
    Operation("PATCH", f"{_CASE}/relationships/project", "move_case_to_project"),
    Operation("POST", f"{_CASE}/resolved_reason", "update_case_resolved_reason"),
    Operation(
        "POST", f"{_CASE}/relationships/servicenow_tickets", "create_case_service_now_ticket"
    ),
    Operation("POST", f"{_CASE}/status", "update_status"),
    Operation("GET", f"{_CASE}/timelines", "list_case_timeline"),
    Operation("POST", f"{_CASE}/title", "update_case_title"),
    Operation("POST", f"{_CASE}/unarchive", "unarchive_case"),
    Operation("POST", f"{_CASE}/unassign", "unassign_case"),
    Operation("GET", f"{_CASE}/watchers", "list_case_watchers"),
    Operation("DELETE", f"{_CASE}/watchers/{{user_uuid}}", "unwatch_case"),
    Operation("POST", f"{_CASE}/watchers/{{user_uuid}}", "watch_case"),
    Operation("GET", "/api/v2/maintenance_windows", "list_maintenance_windows"),
    Operation("POST", "/api/v2/maintenance_windows", "create_maintenance_window"),
    Operation("DELETE", _WINDOW, "delete_maintenance_window"),
    Operation("PUT", _WINDOW, "update_maintenance_window"),
    Operation("GET", "/api/v2/users", "list_users"),
    Operation("POST", "/api/v2/users", "create_user"),
    Operation("DELETE", "/api/v2/users/{user_id}", "disable_user"),
    Operation("GET", "/api/v2/users/{user_id}", "get_user"),
)


def api_routes(store: Store, actor_id: str) -> list[BaseRoute]:
    """The Datadog API's routes over a store, acting as the user `actor_id`.

    Args:
        store: The sandbox's state.
        actor_id: The id of the user that requests act as.
    """
    handlers = Handlers(store, actor_id)
    # Starlette takes the first route that matches. Sorted by path, a fixed segment comes
    # before a parameter ("projects" < "{case_id}"), so the table's order does not matter.
    return [
        Route(
            op.path, getattr(handlers, op.operation_id), methods=[op.method], name=op.operation_id
        )
        for op in sorted(OPERATIONS, key=lambda op: op.path)
    ]
