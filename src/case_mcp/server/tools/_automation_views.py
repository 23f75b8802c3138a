"""What the automation tools show and take: rules as flat views, windows as rows, an
automation rule's trigger and action as one flat object each, and a notification rule's
triggers and recipients as short strings (`_short_parts`).

A trigger or an action is, in Datadog's documents, ``{"type": ..., "data": {...}}``; the
tools show and take it as one object, ``{"type": "EXECUTE_WORKFLOW", "handle": "..."}``,
so a model reads one level and can give back what it read. A maintenance window's moments
are shown in UTC to the minute (to the second or finer only when they have it),
``2026-11-18 22:00Z``, a form the tools take back.

Rules and windows are shown by the first block of their id (`short_id`), which every tool
that changes one takes (`one_named`): the whole UUID is a quarter of a listed rule and tells
a model nothing more.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Final, Protocol, TypeVar

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, PlainSerializer, WithJsonSchema

from case_mcp.models import AutomationRule, CaseNotificationRule, MaintenanceWindow, RulePart
from case_mcp.server.tools._short_parts import RECIPIENT_FORMS, TRIGGER_FORMS, ShortPart, shown
from case_mcp.server.tools._views import View, absent

PartInput = dict[str, str]

SHORT_ID: Final = 8
"""Characters of an id the lists show: its first block."""

ShortId = Annotated[str, Field(description="The first block of its id; the tools take it.")]


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


Identified = TypeVar("Identified", bound=_Identified)

Part = Annotated[dict[str, Any], Field(description='{"type": ..., and the data of that type}')]


class AutomationRuleView(View):
    """An automation rule of a project."""

    id: ShortId
    name: str | None = absent()
    enabled: bool | None = absent(description="false: off (it keeps its setup); absent: on.")
    trigger: Part | None = absent()
    action: Part | None = absent()


class AutomationRuleList(View):
    """A project's automation rules."""

    project: str = Field(description="The project key.")
    rules: list[AutomationRuleView]


class NotificationRuleView(View):
    """A notification rule of a project: on which events, whom it tells."""

    id: ShortId
    enabled: bool | None = absent(description="false: off; absent: on.")
    query: str | None = absent(description="Only cases this search matches; absent: all.")
    on: list[ShortPart] = Field(description="Its triggers, as the tools take triggers.")
    to: list[ShortPart] = Field(description="Its recipients, as the tools take recipients.")


class NotificationRuleList(View):
    """The project's notification rules."""

    rules: list[NotificationRuleView]


def _minute(moment: datetime) -> str:
    utc = moment.astimezone(UTC) if moment.tzinfo else moment
    exact = "minutes" if utc.second == 0 and utc.microsecond == 0 else "auto"
    return utc.replace(tzinfo=None).isoformat(sep=" ", timespec=exact) + "Z"


MINUTE_SCHEMA: Final = {"type": "string", "description": "UTC: 2026-11-18 22:00Z (seconds if set)"}
"""Not JSON Schema's date-time, which wants seconds and a T; the tools take this form back."""

Minute = Annotated[
    datetime,
    PlainSerializer(_minute, return_type=str, when_used="json"),
    WithJsonSchema(MINUTE_SCHEMA),
]
"""A window's moment as the tools show and take it (seconds only when it has them)."""


class MaintenanceWindowView(View):
    """A maintenance window: while it lasts, the cases its query matches notify no one and
    trigger no automation rule."""

    id: ShortId
    name: str | None = absent()
    query: str | None = absent()
    start_at: Minute | None = absent()
    end_at: Minute | None = absent()


WindowRow = tuple[
    ShortId,
    Annotated[str | None, Field(description="Its name.")],
    Annotated[str | None, Field(description="Its case search.")],
    Annotated[Minute | None, Field(description="start_at")],
    Annotated[Minute | None, Field(description="end_at")],
]


class MaintenanceWindowList(View):
    """The organisation's maintenance windows."""

    windows: list[WindowRow] = Field(
        description="One row a window: [id, name, query, start_at, end_at]."
    )


def short_id(full: str) -> str:
    """The first block of a Datadog id, as the lists show it."""
    return full[:SHORT_ID]


def one_named(objects: Iterable[Identified], given: str, gone: str) -> Identified:
    """The one of `objects` whose id is `given`, or starts with it (a short id).

    Raises:
        ToolError: None is, or several are; `gone` says where the ids are listed.
    """
    wanted = given.strip().lower()
    candidates = list(objects)
    whole = [each for each in candidates if each.id.lower() == wanted]
    if whole:
        return whole[0]
    started = [each for each in candidates if each.id.lower().startswith(wanted)]
    if len(wanted) < SHORT_ID or not started:
        raise ToolError(gone)
    if len(started) > 1:
        raise ToolError(f"{given!r} starts {len(started)} ids; give the whole id.")
    return started[0]


def flat(part: RulePart | None) -> dict[str, Any] | None:
    """A trigger, action or recipient as tools show it: its type beside its data."""
    if part is None:
        return None
    return {"type": part.type, **part.data}


def part_of(given: Mapping[str, str], what: str, types: Iterable[str]) -> RulePart:
    """A trigger, action or recipient as a tool takes it: a known type beside its data.

    Raises:
        ToolError: No type, or one Datadog does not know; the message lists them.
    """
    known = tuple(types)
    data = dict(given)
    kind = data.pop("type", None)
    if kind not in known:
        raise ToolError(
            f'Each {what} needs a "type", one of {", ".join(known)} (got {kind!r}), beside '
            'its data, as in {"type": "' + known[0] + '"}.'
        )
    return RulePart(type=kind, data=data)


def automation_rule_view(rule: AutomationRule) -> AutomationRuleView:
    attributes = rule.attributes
    return AutomationRuleView(
        id=short_id(rule.id),
        name=attributes.name,
        enabled=False if attributes.state == "DISABLED" else None,
        trigger=flat(attributes.trigger),
        action=flat(attributes.action),
    )


def notification_rule_view(rule: CaseNotificationRule) -> NotificationRuleView:
    attributes = rule.attributes
    return NotificationRuleView(
        id=short_id(rule.id),
        enabled=False if attributes.is_enabled is False else None,
        query=attributes.query,
        on=[shown(part, TRIGGER_FORMS) for part in attributes.triggers],
        to=[shown(part, RECIPIENT_FORMS) for part in attributes.recipients],
    )


def maintenance_window_view(window: MaintenanceWindow) -> MaintenanceWindowView:
    attributes = window.attributes
    return MaintenanceWindowView(
        id=short_id(window.id),
        name=attributes.name,
        query=attributes.query,
        start_at=attributes.start_at,
        end_at=attributes.end_at,
    )


def maintenance_window_row(window: MaintenanceWindow) -> WindowRow:
    attributes = window.attributes
    return (
        short_id(window.id),
        attributes.name,
        attributes.query,
        attributes.start_at,
        attributes.end_at,
    )
