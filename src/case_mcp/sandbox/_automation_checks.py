"""What automation rules, notification rules and maintenance windows accept: checks that need
no state, each returning the attributes as stored or raising a `BadRequest` that names the
field and what it takes.

The values are the official client's: its enums for automation rules (trigger, action,
state) and the types its documentation lists for notification rules, whose model types
them as free strings. A search query must be one `_search` reads, as Datadog's search bar
would; it is checked by the store, which knows the time that relative dates mean.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from ._catalog import timestamp
from ._errors import BadRequest

__all__ = [
    "ACTION_TYPES",
    "NOTIFICATION_RECIPIENTS",
    "NOTIFICATION_TRIGGERS",
    "RULE_STATES",
    "TRIGGER_TYPES",
    "check_automation_rule",
    "check_maintenance_window",
    "check_notification_rule",
]

TRIGGER_TYPES: Final = (
    "CASE_CREATED",
    "STATUS_TRANSITIONED",
    "ATTRIBUTE_VALUE_CHANGED",
    "EVENT_CORRELATION_SIGNAL_CORRELATED",
    "CASE_REVIEW_APPROVED",
    "COMMENT_ADDED",
)
ACTION_TYPES: Final = ("EXECUTE_WORKFLOW", "ASSIGN_AGENT")
RULE_STATES: Final = ("ENABLED", "DISABLED")
CHANGE_TYPES: Final = ("VALUE_ADDED", "VALUE_DELETED", "ANY_CHANGES")
NOTIFICATION_TRIGGERS: Final = (
    "CASE_CREATED",
    "STATUS_TRANSITIONED",
    "ATTRIBUTE_VALUE_CHANGED",
    "EVENT_CORRELATION_SIGNAL_CORRELATED",
)
NOTIFICATION_RECIPIENTS: Final = (
    "SLACK_CHANNEL",
    "EMAIL",
    "HTTP",
    "PAGERDUTY_SERVICE",
    "MS_TEAMS_CHANNEL",
)

# The data each part may carry (the official client's models), and what a type requires.
_TRIGGER_DATA: Final = (
    "approval_type",
    "change_type",
    "field",
    "from_status_name",
    "to_status_name",
)
_ACTION_DATA: Final = ("agent_type", "assigned_agent_id", "handle")
_ACTION_NEEDS: Final = {
    "EXECUTE_WORKFLOW": ("handle",),
    "ASSIGN_AGENT": ("agent_type", "assigned_agent_id"),
}
_TRIGGER_NEEDS: Final = {
    "STATUS_TRANSITIONED": ("from_status_name", "to_status_name"),
    "ATTRIBUTE_VALUE_CHANGED": ("field", "change_type"),
}
_NOTIFICATION_TRIGGER_DATA: Final = (
    "change_type",
    "field",
    "from_status",
    "from_status_name",
    "to_status",
    "to_status_name",
)
_RECIPIENT_DATA: Final = (
    "channel",
    "channel_id",
    "channel_name",
    "connector_name",
    "email",
    "name",
    "service_name",
    "team_id",
    "team_name",
    "tenant_id",
    "tenant_name",
    "workspace",
    "workspace_id",
)


def check_automation_rule(attributes: Mapping[str, Any], *, state: str) -> dict[str, Any]:
    """An automation rule's attributes (a create, or an update, which sends them all again).

    Args:
        attributes: The request's attributes.
        state: The state when the request gives none: ENABLED for a new rule, the rule's own
            for an update.
    """
    name = _text(attributes, "name")
    trigger = _part(attributes.get("trigger"), "trigger", TRIGGER_TYPES, _TRIGGER_DATA)
    action = _part(attributes.get("action"), "action", ACTION_TYPES, _ACTION_DATA, data=True)
    for part, needs, field in (
        (trigger, _TRIGGER_NEEDS, "trigger"),
        (action, _ACTION_NEEDS, "action"),
    ):
        data = part.get("data", {})
        missing = [key for key in needs.get(part["type"], ()) if not data.get(key)]
        if missing:
            raise BadRequest(f"a {part['type']} {field} needs {' and '.join(missing)} in its data")
    change = trigger.get("data", {}).get("change_type")
    if trigger["type"] == "ATTRIBUTE_VALUE_CHANGED" and change not in CHANGE_TYPES:
        raise BadRequest(f"trigger change_type must be one of {', '.join(CHANGE_TYPES)}")
    chosen = attributes.get("state", state)
    if chosen not in RULE_STATES:
        raise BadRequest(f"state must be one of {', '.join(RULE_STATES)}")
    return {"name": name, "state": chosen, "trigger": trigger, "action": action}


def check_notification_rule(
    attributes: Mapping[str, Any], *, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A notification rule's attributes: a new one's, or `current` with what an update gives.

    A new rule needs at least one trigger and one recipient; its query defaults to all of
    the project's cases, and it is enabled unless it says otherwise.
    """
    merged: dict[str, Any] = {"is_enabled": True, "query": "", **(current or {})}
    for field, types, allowed in (
        ("triggers", NOTIFICATION_TRIGGERS, _NOTIFICATION_TRIGGER_DATA),
        ("recipients", NOTIFICATION_RECIPIENTS, _RECIPIENT_DATA),
    ):
        if field not in attributes and field in merged:
            continue
        parts = attributes.get(field)
        if not isinstance(parts, list) or not parts:
            raise BadRequest(
                f'{field} must be a list of at least one {{"type": ..., "data": {{}}}}'
            )
        merged[field] = [_part(part, field[:-1], types, allowed) for part in parts]
    if "query" in attributes:
        merged["query"] = _text(attributes, "query", blank=True)
    if "is_enabled" in attributes:
        if not isinstance(attributes["is_enabled"], bool):
            raise BadRequest("is_enabled must be true or false")
        merged["is_enabled"] = attributes["is_enabled"]
    email = [r["data"]["email"] for r in merged["recipients"] if r["data"].get("email")]
    for address in email:
        local, _, domain = address.partition("@")
        if not local or "." not in domain:
            raise BadRequest(f"recipient email {address!r} is not an address like a@example.com")
    return merged


def check_maintenance_window(
    attributes: Mapping[str, Any], *, current: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """A maintenance window's attributes: a new one's (all four), or `current` with what an
    update gives. It must end after it starts."""
    merged = dict(current or {})
    for field in ("name", "query"):
        if field in attributes or current is None:
            merged[field] = _text(attributes, field)
    for field in ("start_at", "end_at"):
        if field in attributes or current is None:
            merged[field] = _moment(attributes.get(field), field)
    if merged["end_at"] <= merged["start_at"]:
        raise BadRequest("end_at must be after start_at")
    return merged


def _text(attributes: Mapping[str, Any], field: str, *, blank: bool = False) -> str:
    value = attributes.get(field)
    if not isinstance(value, str) or (not blank and not value.strip()):
        raise BadRequest(f'missing required attribute "{field}": a non-empty string')
    return value


def _part(
    part: Any,
    field: str,
    types: tuple[str, ...],
    allowed: tuple[str, ...],
    *,
    data: bool = False,
) -> dict[str, Any]:
    """A trigger, action or recipient: a known type, and data of known string fields."""
    if not isinstance(part, dict):
        raise BadRequest(f'missing required attribute "{field}": {{"type": ..., "data": {{}}}}')
    kind = part.get("type")
    if kind not in types:
        raise BadRequest(f"{field} type must be one of {', '.join(types)}")
    values = part.get("data", {} if not data else None)
    if not isinstance(values, dict):
        raise BadRequest(f'{field} needs a "data" object')
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise BadRequest(f"{field} data takes {', '.join(allowed)}; not {unknown[0]}")
    if not all(isinstance(value, str) for value in values.values()):
        raise BadRequest(f"{field} data values must be strings")
    return {"type": kind, "data": values}


def _moment(value: Any, field: str) -> str:
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise BadRequest(f'{field} must be an ISO-8601 time such as "2026-06-01T06:00:00Z"')
    return timestamp(moment if moment.tzinfo else moment.replace(tzinfo=UTC))
