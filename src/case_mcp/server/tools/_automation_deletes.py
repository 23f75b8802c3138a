"""Deleting an automation rule, a notification rule or a maintenance window, once a person
confirms.

The three deletes share one shape: the person is shown what the object is (its name or
recipients, its project or query, what it does) and types the project key, or for a
maintenance window the first block of its id; the approval covers everything the object
holds (`facts`), so a rule changed meanwhile is not deleted on an old approval.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Annotated, Any, Final

from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import RulePart
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import LINE_LENGTH, identifier, quoted
from case_mcp.server.tools._automation_views import one_named
from case_mcp.server.tools._lookup import is_uuid
from case_mcp.server.tools._views import View, absent
from case_mcp.server.tools.cases import ProjectKey

Id = Annotated[str, Field(min_length=1, max_length=100, description="As the list tool shows it.")]


class ConfigurationLoss(View):
    """What deleting an automation rule, notification rule or maintenance window destroys."""

    id: str
    project: str | None = absent(description="The project key; none for a window.")
    name: str | None = absent(description="Its name, or a notification rule's recipients.")
    does: str = Field(description="What it does, in words.")


class ConfigurationDeletion(Deletion[ConfigurationLoss]):
    """What the delete did: deleted or not, why, and what is at stake."""


def _when(moment: datetime | None) -> str:
    return f"{moment.astimezone(UTC):%Y-%m-%d %H:%M} UTC" if moment is not None else "?"


def _part(part: RulePart | None) -> str:
    if part is None:
        return "?"
    values = ", ".join(f"{key}={value}" for key, value in sorted(part.data.items()))
    return f"{part.type} ({values})" if values else str(part.type)


def _loss(
    tool: str, noun: str, found: ConfigurationLoss, key: str, facts: Mapping[str, Any]
) -> Loss[ConfigurationLoss]:
    where = f" of project {identifier(found.project)}" if found.project else ""
    asked = "the project key" if found.project else "the first block of its id"
    return Loss(
        tool=tool,
        target=f"{noun.replace(' ', '_')}:{found.id}",
        key=key,
        subject=f"The {noun} {found.id}",
        question=f"Delete the {noun} {quoted(found.name or found.id)}{where} for good?\n"
        f"It {quoted(found.does, LINE_LENGTH)}.\n"
        f"This cannot be undone. To confirm, type {asked}: {identifier(key)}",
        preview=found,
        facts={"id": found.id, "project": found.project, **facts},
        audit_target={"project": found.project or "", noun.replace(" ", "_"): found.id},
    )


def rule_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Automation rule {arguments.get('rule_id')!r} of project {arguments.get('project')!r} "
        "was not found. list_automation_rules shows a project's rules."
    )


def notification_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Notification rule {arguments.get('rule_id')!r} of project "
        f"{arguments.get('project')!r} was not found. list_notification_rules shows them."
    )


def window_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Maintenance window {arguments.get('window_id')!r} was not found. "
        "list_maintenance_windows shows them."
    )


# Automation rules --------------------------------------------------------------------------


async def automation_rule_id(state: ServerState, project_id: str, project: str, given: str) -> str:
    """The whole id of the rule `given` names: a whole id as it is, a short one looked up.

    Raises:
        ToolError: No rule of the project starts with the short id.
    """
    if is_uuid(given):
        return given
    rules = await state.client.list_case_automation_rules(project_id)
    return one_named(rules, given, rule_gone({"rule_id": given, "project": project})).id


async def _read_rule(project: str, rule_id: str, state: State) -> Loss[ConfigurationLoss]:
    found = await state.lookup.project(project)
    rule_id = await automation_rule_id(state, found.id, project, rule_id)
    rule = await state.client.get_case_automation_rule(found.id, rule_id)
    key = found.attributes.key or found.id
    now = rule.attributes
    does = f"runs {_part(now.action)} on {_part(now.trigger)}; it is {now.state}"
    loss = ConfigurationLoss(id=rule.id, project=key, name=now.name, does=does)
    return _loss("delete_automation_rule", "automation rule", loss, key, now.model_dump())


async def _delete_rule(state: ServerState, loss: Loss[ConfigurationLoss]) -> str:
    project = await state.lookup.project(loss.key)
    await state.client.delete_case_automation_rule(project.id, loss.preview.id)
    return f"Deleted automation rule {loss.preview.id} of project {loss.key}."


_RULE: Final = ConfirmedDelete(
    _read_rule, _delete_rule, outcome=ConfigurationDeletion, not_found=rule_gone
)


async def delete_automation_rule(
    project: ProjectKey,
    rule_id: Id,
    ctx: ToolContext,
    loss: Annotated[Loss[ConfigurationLoss], Resolve(_RULE.read)],
    answer: Annotated[Answer, Resolve(_RULE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, ConfigurationDeletion]:
    """Delete an automation rule, once a person confirms.

    Use this tool only when the user asks to delete it.

    Example: {"project": "SEC", "rule_id": "0386a226"}
    """
    return await _RULE.settle(
        ctx, loss, answer, project=project, rule_id=rule_id, confirmation_token=confirmation_token
    )


# Notification rules ------------------------------------------------------------------------


async def _read_notification(project: str, rule_id: str, state: State) -> Loss[ConfigurationLoss]:
    found = await state.lookup.project(project)
    rules = await state.client.get_project_notification_rules(found.id)
    rule = one_named(rules, rule_id, notification_gone({"rule_id": rule_id, "project": project}))
    key = found.attributes.key or found.id
    now = rule.attributes
    told = "; ".join(_part(part) for part in now.recipients)
    on = ", ".join(_part(part) for part in now.triggers)
    does = f"tells {told} on {on} of cases matching {now.query or 'anything'}"
    loss = ConfigurationLoss(id=rule.id, project=key, name=told, does=does)
    return _loss("delete_notification_rule", "notification rule", loss, key, now.model_dump())


async def _delete_notification(state: ServerState, loss: Loss[ConfigurationLoss]) -> str:
    project = await state.lookup.project(loss.key)
    await state.client.delete_project_notification_rule(project.id, loss.preview.id)
    return f"Deleted notification rule {loss.preview.id} of project {loss.key}."


_NOTIFICATION: Final = ConfirmedDelete(
    _read_notification,
    _delete_notification,
    outcome=ConfigurationDeletion,
    not_found=notification_gone,
)


async def delete_notification_rule(
    project: ProjectKey,
    rule_id: Id,
    ctx: ToolContext,
    loss: Annotated[Loss[ConfigurationLoss], Resolve(_NOTIFICATION.read)],
    answer: Annotated[Answer, Resolve(_NOTIFICATION.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, ConfigurationDeletion]:
    """Delete a notification rule, once a person confirms.

    Use this tool only when the user asks to delete it.

    Example: {"project": "OPS", "rule_id": "90f5c998"}
    """
    return await _NOTIFICATION.settle(
        ctx, loss, answer, project=project, rule_id=rule_id, confirmation_token=confirmation_token
    )


# Maintenance windows -----------------------------------------------------------------------


async def _read_window(window_id: str, state: State) -> Loss[ConfigurationLoss]:
    windows = await state.client.list_maintenance_windows()
    window = one_named(windows, window_id, window_gone({"window_id": window_id}))
    now = window.attributes
    span = f"{_when(now.start_at)} to {_when(now.end_at)}"
    does = f"silences cases matching {now.query} from {span}"
    loss = ConfigurationLoss(id=window.id, name=now.name, does=does)
    facts = now.model_dump(mode="json")
    return _loss("delete_maintenance_window", "maintenance window", loss, window.id[:8], facts)


async def _delete_window(state: ServerState, loss: Loss[ConfigurationLoss]) -> str:
    await state.client.delete_maintenance_window(loss.preview.id)
    return f"Deleted maintenance window {loss.preview.id}."


_WINDOW: Final = ConfirmedDelete(
    _read_window, _delete_window, outcome=ConfigurationDeletion, not_found=window_gone
)


async def delete_maintenance_window(
    window_id: Id,
    ctx: ToolContext,
    loss: Annotated[Loss[ConfigurationLoss], Resolve(_WINDOW.read)],
    answer: Annotated[Answer, Resolve(_WINDOW.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, ConfigurationDeletion]:
    """Delete a maintenance window, once a person confirms.

    Use this tool only when the user asks to delete it.

    Example: {"window_id": "1626d5ac"}
    """
    return await _WINDOW.settle(
        ctx, loss, answer, window_id=window_id, confirmation_token=confirmation_token
    )
