"""A project's settings, checked against the shape Datadog's official client gives them, and
each user's favourite projects.

`PROJECT_SETTINGS` is that shape, setting by setting (the official client's
``ProjectSettings`` and the models under it, as of 2.62.0): each name with its JSON type, an
object of named settings, a list of one shape, or an object of any keys. An update names only
what changes: it is merged into the project's settings (objects by key; a list or a value
replaces what was there), so ``{"notification": {"enabled": false}}`` keeps the rest. A name
the shape does not know, a value of the wrong type, and the few documented values (the
notification destinations, case priorities, search queries, case type ids) are 400s that say
what is accepted. `ProjectSettingsStore` is part of the `Store`; no HTTP here.
"""

from __future__ import annotations

import copy
import json
import uuid
from collections.abc import Mapping
from typing import Any, Final

from . import _rules
from ._case_types import CaseTypes
from ._case_views import check_query
from ._errors import BadRequest

__all__ = [
    "ANY_KEYS",
    "COLUMNS_CONFIG",
    "DEFAULT_PROJECT_SETTINGS",
    "PROJECT_SETTINGS",
    "TEXT_MAP",
    "ProjectSettingsStore",
]

TEXT_MAP: Final = "an object of text values"
"""An object of any keys whose values are text (a mapping of values)."""
ANY_KEYS: Final = "an object"
"""An object of any keys and values."""

Shape = type | str | dict[str, Any] | list[Any]

_SYNC: Final = {"sync_type": str}
_SYNC_MAPPED: Final = {"mapping": TEXT_MAP, "name_mapping": TEXT_MAP, "sync_type": str}
_NOTIFY: Final = (
    "assignment",
    "closed",
    "comment",
    "comment_mention",
    "priority_change",
    "status_change",
    "unassignment",
)

PROJECT_SETTINGS: Final[dict[str, Any]] = {
    "auto_close_inactive_cases": {"enabled": bool, "max_inactive_time_in_secs": int},
    "auto_transition_assigned_cases": {"auto_transition_assigned_cases_on_self_assigned": bool},
    "integration_incident": {
        "auto_escalation_query": str,
        "default_incident_commander": str,
        "enabled": bool,
        "field_mappings": [{"case_field": str, "incident_user_defined_field_id": str}],
        "incident_type": str,
        "severity_config": {"priority_mapping": TEXT_MAP},
    },
    "integration_jira": {
        "auto_creation": {"enabled": bool},
        "enabled": bool,
        "metadata": {"account_id": str, "issue_type_id": str, "project_id": str},
        "sync": {
            "enabled": bool,
            "properties": {
                "assignee": _SYNC,
                "comments": _SYNC,
                "custom_fields": ANY_KEYS,
                "description": _SYNC,
                "due_date": {"jira_field_id": str, "sync_type": str},
                "priority": _SYNC_MAPPED,
                "status": _SYNC_MAPPED,
                "title": _SYNC,
            },
        },
    },
    "integration_monitor": {
        "auto_resolve_enabled": bool,
        "case_type_id": str,
        "enabled": bool,
        "handle": str,
    },
    "integration_on_call": {
        "auto_assign_on_call": bool,
        "enabled": bool,
        "escalation_queries": [
            {
                "enabled": bool,
                "id": str,
                "query": str,
                "target": {"dynamic_team_paging": bool, "team_id": str, "user_id": str},
            }
        ],
    },
    "integration_service_now": {
        "assignment_group": str,
        "auto_creation": {"enabled": bool},
        "enabled": bool,
        "instance_name": str,
        "sync_config": {
            "enabled": bool,
            "properties": {
                "comments": _SYNC,
                "priority": {
                    "impact_mapping": TEXT_MAP,
                    "sync_type": str,
                    "urgency_mapping": TEXT_MAP,
                },
                "status": _SYNC_MAPPED,
            },
        },
    },
    "notification": {
        "destinations": [int],
        "enabled": bool,
        **{f"notify_on_case_{event}": bool for event in _NOTIFY},
    },
}

COLUMNS_CONFIG: Final[dict[str, Any]] = {
    "columns": [
        {"sort": {"ascending": bool, "priority": int}, "sort_field": str, "type": str},
    ]
}

DEFAULT_PROJECT_SETTINGS: Final[dict[str, Any]] = {
    # What Datadog answers for a project nobody has configured, in the recordings' order.
    "notification": {
        "enabled": True,
        "destinations": [1],
        "notify_on_case_assignment": True,
        "notify_on_case_unassignment": True,
        "notify_on_case_closed": True,
        "notify_on_case_priority_change": True,
        "notify_on_case_comment": True,
        "notify_on_case_comment_mention": True,
        "notify_on_case_status_change": True,
    }
}

_DESTINATIONS: Final = {1: "email", 2: "slack", 3: "in-app"}
_TYPE_WORDS: Final = {bool: "true or false", int: "a whole number", str: "text"}


def check_shape(value: Any, shape: Shape, path: str) -> None:
    """Raise a 400 naming `path` unless `value` has `shape` (nulls stand for "not given")."""
    if value is None:
        return
    if isinstance(shape, dict):
        if not isinstance(value, dict):
            raise BadRequest(f"{path} must be an object with some of: {', '.join(shape)}")
        for name, item in value.items():
            if name not in shape:
                raise BadRequest(
                    f"{path} has no setting {json.dumps(name)}; its settings are {', '.join(shape)}"
                )
            check_shape(item, shape[name], f"{path}.{name}")
    elif isinstance(shape, list):
        if not isinstance(value, list):
            raise BadRequest(f"{path} must be a list")
        for index, item in enumerate(value):
            check_shape(item, shape[0], f"{path}[{index}]")
    elif shape in (TEXT_MAP, ANY_KEYS):
        if not isinstance(value, dict) or (
            shape == TEXT_MAP and not all(isinstance(v, str) for v in value.values())
        ):
            raise BadRequest(f"{path} must be {shape}")
    elif isinstance(shape, type) and (
        not isinstance(value, shape) or (shape is int and isinstance(value, bool))
    ):
        raise BadRequest(f"{path} must be {_TYPE_WORDS[shape]}")


def merged(current: Mapping[str, Any], change: Mapping[str, Any]) -> dict[str, Any]:
    """`current` with `change` written over it: objects by key, anything else replaced."""
    result = copy.deepcopy(dict(current))
    for name, value in change.items():
        if value is None:
            continue
        if isinstance(value, dict) and isinstance(result.get(name), dict):
            result[name] = merged(result[name], value)
        else:
            result[name] = copy.deepcopy(value)
    return result


def _get(settings: Mapping[str, Any], *names: str) -> Any:
    value: Any = settings
    for name in names:
        value = value.get(name) if isinstance(value, dict) else None
    return value


class ProjectSettingsStore(CaseTypes):
    """The store's project updates and favourite projects."""

    def update_project(
        self,
        project_id: str,
        *,
        actor_id: str,
        name: str | None = None,
        settings: dict[str, Any] | None = None,
        columns_config: dict[str, Any] | None = None,
        enabled_custom_case_types: Any = None,
        team_uuid: str | None = None,
    ) -> dict[str, Any]:
        """Change what is given of a project's name and settings; nothing given changes nothing.

        Raises:
            BadRequest: A blank name, or a setting the shape or its values refuse.
            NotFound: No such project, or (as a 400) no such case type.
        """
        if name is not None:
            _rules.nonblank(name, "name")
        check_shape(settings, PROJECT_SETTINGS, "settings")
        check_shape(columns_config, COLUMNS_CONFIG, "columns_config")
        check_shape(enabled_custom_case_types, [str], "enabled_custom_case_types")
        if team_uuid is not None:
            _uuid(team_uuid, "team_uuid", "a team id")
        changes: dict[str, Any] = {}
        with self.transaction():
            project = self.get_project(project_id)
            if name is not None:
                changes["name"] = name
            if settings:
                current = project["settings"] or DEFAULT_PROJECT_SETTINGS
                new = merged(current, settings)
                self._check_values(new)
                changes["settings"] = json.dumps(new)
            if columns_config is not None:
                changes["columns_config"] = json.dumps(columns_config)
            if enabled_custom_case_types is not None:
                for type_id in enabled_custom_case_types:
                    self._check_case_type(type_id, "enabled_custom_case_types")
                changes["enabled_custom_case_types"] = json.dumps(enabled_custom_case_types)
            if team_uuid is not None:
                changes["team_uuid"] = team_uuid.lower()
            if changes:
                columns = ", ".join(f"{column} = ?" for column in changes)
                self.conn.execute(
                    f"UPDATE projects SET {columns} WHERE id = ?", [*changes.values(), project_id]
                )
        return self.get_project(project_id)

    def _check_values(self, settings: dict[str, Any]) -> None:
        for index, destination in enumerate(_get(settings, "notification", "destinations") or ()):
            if destination not in _DESTINATIONS:
                choices = ", ".join(f"{code} ({what})" for code, what in _DESTINATIONS.items())
                raise BadRequest(
                    f"settings.notification.destinations[{index}] must be one of {choices}; "
                    f"got {destination}"
                )
        seconds = _get(settings, "auto_close_inactive_cases", "max_inactive_time_in_secs")
        if seconds is not None and seconds < 1:
            raise BadRequest(
                "settings.auto_close_inactive_cases.max_inactive_time_in_secs must be at least 1"
            )
        mapping = _get(settings, "integration_incident", "severity_config", "priority_mapping")
        for severity, priority in (mapping or {}).items():
            if priority not in _rules.PRIORITIES:
                raise BadRequest(
                    "settings.integration_incident.severity_config.priority_mapping"
                    f"[{json.dumps(severity)}] must be one of {', '.join(_rules.PRIORITIES)}"
                )
        query = _get(settings, "integration_incident", "auto_escalation_query")
        if query is not None:
            check_query(query, "settings.integration_incident.auto_escalation_query")
        escalations = _get(settings, "integration_on_call", "escalation_queries") or ()
        for index, escalation in enumerate(escalations):
            if escalation.get("query") is not None:
                check_query(
                    escalation["query"], f"settings.integration_on_call.escalation_queries[{index}]"
                )
        type_id = _get(settings, "integration_monitor", "case_type_id")
        if type_id is not None:
            self._check_case_type(type_id, "settings.integration_monitor.case_type_id")

    def _check_case_type(self, type_id: str, field: str) -> None:
        if not any(
            kind["id"] == type_id and kind["deleted_at"] is None
            for kind in self.get_all_case_types()
        ):
            raise BadRequest(f"{field}: {json.dumps(type_id)} is not the id of a case type")

    # Favourites: each user's own ------------------------------------------------------------

    def list_user_case_project_favorites(self, actor_id: str) -> list[str]:
        """The ids of the projects `actor_id` marked as favourites, in the order marked."""
        rows = self.conn.execute(
            "SELECT project_id FROM project_favorites WHERE user_id = ? ORDER BY created_at, rowid",
            (actor_id,),
        ).fetchall()
        return [row["project_id"] for row in rows]

    def favorite_case_project(self, project_id: str, *, actor_id: str) -> None:
        """Mark a project as one of `actor_id`'s favourites; marking it again changes nothing.

        Raises:
            NotFound: No such project.
        """
        with self.transaction():
            self.get_project(project_id)
            self.conn.execute(
                "INSERT OR IGNORE INTO project_favorites (user_id, project_id, created_at)"
                " VALUES (?,?,?)",
                (actor_id, project_id, self.now()),
            )

    def unfavorite_case_project(self, project_id: str, *, actor_id: str) -> None:
        """Remove a project from `actor_id`'s favourites; one that is not stays not one.

        Raises:
            NotFound: No such project.
        """
        with self.transaction():
            self.get_project(project_id)
            self.conn.execute(
                "DELETE FROM project_favorites WHERE user_id = ? AND project_id = ?",
                (actor_id, project_id),
            )


def _uuid(value: str, field: str, what: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise BadRequest(f"{field} {value!r} is not {what} (a UUID)") from None
