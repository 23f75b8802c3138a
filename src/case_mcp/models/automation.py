"""A project's automation: automation rules, notification rules, and maintenance windows.

All three are stored configurations that Datadog keeps and acts on, not parts of a case: an
automation rule runs a workflow or assigns an AI agent when a case event happens in its
project, a notification rule tells recipients about the project's case events, and a
maintenance window silences both for the cases its query matches while it lasts.

Triggers, actions and recipients have one shape, a type and the data that type takes
(`RulePart`). The request bodies render ``{"data": {"attributes": ..., "type": ...}}`` as
Datadog's official client does, leaving out what is not set.
"""

from __future__ import annotations

from abc import abstractmethod
from datetime import datetime
from typing import Any, ClassVar, Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel
from case_mcp.models._document import Document
from case_mcp.models.requests import RequestBody

__all__ = [
    "AutomationRule",
    "AutomationRuleActionType",
    "AutomationRuleAttributes",
    "AutomationRuleCreate",
    "AutomationRuleDocument",
    "AutomationRuleState",
    "AutomationRuleTriggerType",
    "AutomationRuleUpdate",
    "AutomationRulesDocument",
    "CaseNotificationRule",
    "CaseNotificationRuleAttributes",
    "CaseNotificationRuleCreate",
    "CaseNotificationRuleDocument",
    "CaseNotificationRuleUpdate",
    "CaseNotificationRulesDocument",
    "MaintenanceWindow",
    "MaintenanceWindowAttributes",
    "MaintenanceWindowCreate",
    "MaintenanceWindowDocument",
    "MaintenanceWindowUpdate",
    "MaintenanceWindowsDocument",
    "RulePart",
]

AutomationRuleTriggerType = Literal[
    "CASE_CREATED",
    "STATUS_TRANSITIONED",
    "ATTRIBUTE_VALUE_CHANGED",
    "EVENT_CORRELATION_SIGNAL_CORRELATED",
    "CASE_REVIEW_APPROVED",
    "COMMENT_ADDED",
]
"""The case events an automation rule can trigger on."""

AutomationRuleActionType = Literal["EXECUTE_WORKFLOW", "ASSIGN_AGENT"]
"""What an automation rule does: run a Datadog workflow, or assign an AI agent to the case."""

AutomationRuleState = Literal["ENABLED", "DISABLED"]
"""Whether an automation rule acts."""


class RulePart(DatadogModel):
    """A trigger, an action or a recipient: its type and the data that type takes.

    Attributes:
        type: ``CASE_CREATED``, ``EXECUTE_WORKFLOW``, ``EMAIL``...
        data: The type's settings: ``{"handle": "triage-workflow"}`` for a workflow,
            ``{"email": "oncall@example.com"}`` for an email recipient.
    """

    type: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)


# Answers ----------------------------------------------------------------------------------


class AutomationRuleAttributes(DatadogModel):
    """What an automation rule does, when, and whether it is on."""

    name: str | None = None
    state: str | None = None
    trigger: RulePart | None = None
    action: RulePart | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None


class AutomationRule(DatadogModel):
    """An automation rule of a project."""

    id: str
    type: str = "rule"
    attributes: AutomationRuleAttributes = Field(default_factory=AutomationRuleAttributes)
    relationships: dict[str, Any] | None = None


class CaseNotificationRuleAttributes(DatadogModel):
    """Who a notification rule tells, about which events of which cases."""

    is_enabled: bool | None = None
    query: str | None = None
    triggers: list[RulePart] = Field(default_factory=list)
    recipients: list[RulePart] = Field(default_factory=list)


class CaseNotificationRule(DatadogModel):
    """A notification rule of a project."""

    id: str
    type: str = "notification_rule"
    attributes: CaseNotificationRuleAttributes = Field(
        default_factory=CaseNotificationRuleAttributes
    )


class MaintenanceWindowAttributes(DatadogModel):
    """When a maintenance window silences notifications and rules, and for which cases."""

    name: str | None = None
    query: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None
    created_by: str | None = None
    updated_by: str | None = None


class MaintenanceWindow(DatadogModel):
    """A maintenance window of the organisation."""

    id: str
    type: str = "maintenance_window"
    attributes: MaintenanceWindowAttributes = Field(default_factory=MaintenanceWindowAttributes)


class AutomationRuleDocument(Document):
    data: AutomationRule


class AutomationRulesDocument(Document):
    data: list[AutomationRule] = Field(default_factory=list)


class CaseNotificationRuleDocument(Document):
    data: CaseNotificationRule


class CaseNotificationRulesDocument(Document):
    data: list[CaseNotificationRule] = Field(default_factory=list)


class MaintenanceWindowDocument(Document):
    data: MaintenanceWindow


class MaintenanceWindowsDocument(Document):
    data: list[MaintenanceWindow] = Field(default_factory=list)


# Request bodies ---------------------------------------------------------------------------


def _part(part: RulePart, *, empty_data: bool = False) -> dict[str, Any]:
    """A trigger, action or recipient as sent: its data left out when empty, unless the
    official client requires it (an action's)."""
    sent = part.model_dump(exclude_none=True)
    if not part.data and not empty_data:
        sent.pop("data", None)
    return sent


def _moment(moment: datetime) -> str:
    # As the official client writes a datetime: ISO-8601, and a naive one as UTC milliseconds.
    if moment.tzinfo is not None:
        return moment.isoformat()
    return moment.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


class _Resource(RequestBody):
    """A body of one resource: ``{"data": {"attributes": {...}, "type": resource_type}}``."""

    resource_type: ClassVar[str]

    @abstractmethod
    def attributes(self) -> dict[str, Any]:
        """The attributes sent."""

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        return {"data": {"attributes": self.attributes(), "type": self.resource_type}}


class _AutomationRuleBody(_Resource):
    resource_type = "rule"

    name: str
    trigger: RulePart
    action: RulePart
    state: str | None = None

    def attributes(self) -> dict[str, Any]:
        """Name, trigger, action and, when set, state."""
        attributes: dict[str, Any] = {
            "name": self.name,
            "trigger": _part(self.trigger),
            "action": _part(self.action, empty_data=True),
        }
        if self.state is not None:
            attributes["state"] = self.state
        return attributes


class AutomationRuleCreate(_AutomationRuleBody):
    """``POST /api/v2/cases/projects/{project_id}/rules``."""


class AutomationRuleUpdate(_AutomationRuleBody):
    """``PUT /api/v2/cases/projects/{project_id}/rules/{rule_id}``: the whole rule again."""


class _NotificationRuleBody(_Resource):
    resource_type = "notification_rule"

    triggers: list[RulePart]
    recipients: list[RulePart]
    query: str | None = None
    is_enabled: bool | None = None

    def attributes(self) -> dict[str, Any]:
        """Triggers and recipients with their data, and query and is_enabled when set."""
        attributes: dict[str, Any] = {
            "triggers": [_part(part) for part in self.triggers],
            "recipients": [_part(part) for part in self.recipients],
        }
        if self.query is not None:
            attributes["query"] = self.query
        if self.is_enabled is not None:
            attributes["is_enabled"] = self.is_enabled
        return attributes


class CaseNotificationRuleCreate(_NotificationRuleBody):
    """``POST /api/v2/cases/projects/{project_id}/notification_rules``."""


class CaseNotificationRuleUpdate(_NotificationRuleBody):
    """``PUT .../notification_rules/{notification_rule_id}``: the whole rule again."""


class MaintenanceWindowCreate(_Resource):
    """``POST /api/v2/maintenance_windows``."""

    resource_type = "maintenance_window"

    name: str
    query: str
    start_at: datetime
    end_at: datetime

    def attributes(self) -> dict[str, Any]:
        """All four attributes; the moments as the official client writes them."""
        return {
            "name": self.name,
            "query": self.query,
            "start_at": _moment(self.start_at),
            "end_at": _moment(self.end_at),
        }


class MaintenanceWindowUpdate(_Resource):
    """``PUT /api/v2/maintenance_windows/{maintenance_window_id}``: only what changes."""

    resource_type = "maintenance_window"

    name: str | None = None
    query: str | None = None
    start_at: datetime | None = None
    end_at: datetime | None = None

    def attributes(self) -> dict[str, Any]:
        """The attributes that are set; the moments as the official client writes them."""
        attributes: dict[str, Any] = {}
        for name in ("name", "query"):
            if (value := getattr(self, name)) is not None:
                attributes[name] = value
        for name in ("start_at", "end_at"):
            if (moment := getattr(self, name)) is not None:
                attributes[name] = _moment(moment)
        return attributes
