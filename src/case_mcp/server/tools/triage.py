"""The `triage` toolset: how many cases match, by group, and one change to many cases at once.

`count_cases` serves both of Datadog's counting operations: `aggregate_cases` (a total, and
the counts of one field or of combinations of fields) and `count_cases` (several fields'
counts apart). `bulk_update_cases` applies one change through Datadog's bulk operation, all
or nothing; above the operator's ``--bulk-confirm-over`` it needs a person's approval of
exactly the cases and the change shown, through the confirmed-delete flow.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from typing import Annotated, Any, Final, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import NotFoundError
from case_mcp.models import Case, CaseBulkAction
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import COUNTS_VIEW, PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import CHANGE_WORDS, Answer, ConfirmationToken, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import LINE_LENGTH, identifier, quoted
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import Moment, View, absent, person, status_of

MAX_BULK_CASES: Final = 100
_ASSIGNEE: Final = "assignee"
_FIELD: Final = re.compile(r"^[A-Za-z0-9_.@/-]{1,100}$")

Field_ = Annotated[
    str,
    Field(
        pattern=_FIELD.pattern,
        description="status, priority, project, assignee, type or an attribute name (service).",
    ),
]


class CaseCountResult(View):
    """How many cases match, and the counts of each group."""

    total: int = Field(description="Cases matching the query.")
    counts: dict[str, dict[str, int]] = Field(
        description="By field (fields joined by ',' when combined): cases per value, most "
        "first; assignees by email, none = unassigned."
    )


async def count_cases(
    state: State,
    query: Annotated[
        str, Field(max_length=1000, description="search_cases syntax; empty: every case.")
    ] = "",
    group_by: Annotated[
        list[Field_] | None, Field(max_length=3, description="Default: status.")
    ] = None,
    combined: Annotated[
        bool, Field(description="Count combinations of the group_by values, not each apart.")
    ] = False,
    limit: Annotated[int, Field(ge=1, le=100, description="Most values per field.")] = 20,
) -> Annotated[CallToolResult, CaseCountResult]:
    """Count cases matching a query, grouped by status, priority, project, assignee or attribute.

    Use this tool for "how many" questions (open P1s per project) instead of paging
    search_cases.
    Example: {"query": "-status:closed", "group_by": ["project", "priority"]}
    """
    fields = group_by or ["status"]
    client = state.client
    if combined or len(fields) == 1:
        aggregation = await client.aggregate_cases(query, fields, limit=limit)
        total = aggregation.attributes.total
        tables = {
            ",".join(fields): {
                group.group: int(group.value[0] if group.value else 0)
                for group in aggregation.attributes.groups
            }
        }
    else:
        counted = await client.count_cases(query, fields, limit=limit)
        # The count answer has no total; an aggregate by one field has it.
        total = (await client.aggregate_cases(query, fields[:1], limit=1)).attributes.total
        tables = {
            group.group: {value.value: value.count for value in group.group_values}
            for group in counted.attributes.groups
        }
    return result(
        CaseCountResult(total=int(total), counts=await _emails(state, fields, combined, tables))
    )


async def _emails(
    state: State, fields: list[str], combined: bool, tables: dict[str, dict[str, int]]
) -> dict[str, dict[str, int]]:
    """The tables with assignees' UUIDs written as their emails."""
    positions = [i for i, name in enumerate(fields) if name.lower() == _ASSIGNEE]
    if not positions:
        return tables
    page = await state.client.list_users(page_size=100)
    emails = {user.id: user.attributes.email or user.id for user in page.users}
    renamed: dict[str, dict[str, int]] = {}
    for name, counts in tables.items():
        spots = positions if combined else ([0] if name.lower() == _ASSIGNEE else [])
        renamed[name] = {}
        for value, count in counts.items():
            parts = value.split(",") if combined else [value]
            for spot in spots:
                if spot < len(parts):
                    parts[spot] = emails.get(parts[spot], parts[spot])
            renamed[name][",".join(parts)] = count
    return renamed


# Bulk changes --------------------------------------------------------------------------------

Change = Literal["priority", "status", "assign", "unassign", "archive", "unarchive", "move"]
_ACTIONS: Final[dict[Change, CaseBulkAction]] = {
    "priority": "priority",
    "status": "status",
    "assign": "assign",
    "unassign": "unassign",
    "archive": "archive",
    "unarchive": "unarchive",
    "move": "update_project",
}
_VALUES: Final[dict[Change, str]] = {
    "priority": "P1 to P5 or NOT_DEFINED",
    "status": "OPEN, IN_PROGRESS or CLOSED",
    "assign": "a user's email, handle or UUID",
    "move": "a project key, such as OPS",
}
_PRIORITIES: Final = ("P1", "P2", "P3", "P4", "P5", "NOT_DEFINED")
_STATUSES: Final = ("OPEN", "IN_PROGRESS", "CLOSED")


class BulkCase(View):
    """A case the change applies to, as it is now."""

    key: str
    title: str | None = absent()
    now: str | None = absent(description="The changed field's value now.")
    modified_at: Moment | None = absent()


class BulkPreview(View):
    """Exactly what the change does: the change, and each case it applies to."""

    change: str = Field(description="The change, e.g. 'priority to P1'.")
    cases: list[BulkCase]


class BulkOutcome(View):
    """What bulk_update_cases did: applied or not, why, and the change at stake."""

    applied: bool = Field(description="True only when every case was changed.")
    message: str = Field(description="What happened, in words, and what to do next.")
    preview: BulkPreview | None = absent(description="The cases and the change.")
    confirmation_token: str | None = absent(
        description="Set when a person must approve: after they approve the preview, repeat "
        "the call with the same arguments and this token.",
    )
    expires_at: Moment | None = absent(description="When confirmation_token expires.")


async def _payload(
    state: ServerState, change: Change, value: str | None
) -> tuple[dict[str, str], str]:
    """What the bulk operation is sent for the change, and the change in words."""
    wanted = _VALUES.get(change)
    if wanted is None:
        if value is not None:
            raise ToolError(f"A {change} change takes no value; leave value out.")
        return {}, change
    if value is None or not value.strip():
        raise ToolError(f"A {change} change needs value: {wanted}.")
    if change == "priority" or change == "status":
        chosen = value.strip().upper().replace(" ", "_")
        if chosen not in (_PRIORITIES if change == "priority" else _STATUSES):
            raise ToolError(f"{value!r} is not a {change}; give value: {wanted}.")
        return {change: chosen}, f"{change} to {chosen}"
    if change == "assign":
        user = await state.lookup.user(value)
        return {"assignee_id": user.id}, f"assign to {user.attributes.email or user.id}"
    project = await state.lookup.project(value)
    key = project.attributes.key or project.id
    return {"project_id": project.id}, f"move to project {key}"


def _now(change: Change, case: Case) -> str | None:
    if change == "priority":
        return case.attributes.priority
    if change == "status":
        return status_of(case)
    if change in ("assign", "unassign"):
        return person(case.assignee) or "unassigned"
    if change in ("archive", "unarchive"):
        return "archived" if case.attributes.archived_at else "not archived"
    return case.attributes.key


async def _status_offered(state: ServerState, case: Case, status: str, key: str) -> None:
    """Refuse, naming the case, a status its case type does not have under that value."""
    case_type = await state.lookup.case_type_of(case.attributes.type_id)
    config = case_type.attributes.statuses_config if case_type is not None else None
    if case_type is None or config is None:
        return
    groups = (config.open, config.in_progress, config.closed)
    offered = {
        re.sub(r"[^A-Z0-9]+", "_", option.name.upper()).strip("_")
        for group in groups
        if group is not None
        for option in group.status_options
    }
    if status not in offered:
        raise ToolError(
            f"Case {key} (type {quoted(case_type.attributes.name or case_type.id)}) has no "
            f"status {status}; change it apart with update_case_status. Nothing was changed."
        )


async def _read_bulk(
    change: Change, cases: list[str], state: State, value: str | None = None
) -> Loss[BulkPreview]:
    payload, words = await _payload(state, change, value)
    read: dict[str, Case] = {}
    for ref in cases:
        try:
            case = await state.client.get_case(ref)
        except NotFoundError:
            raise ToolError(
                f"Case {ref!r} was not found, so no case was changed. search_cases finds cases "
                "and their keys."
            ) from None
        key = case.attributes.key or case.id
        if change == "status":
            await _status_offered(state, case, payload["status"], key)
        read.setdefault(case.id, case)
    shown = [
        BulkCase(
            key=case.attributes.key or case.id,
            title=case.attributes.title,
            now=_now(change, case),
            modified_at=case.attributes.modified_at,
        )
        for case in read.values()
    ]
    count = len(shown)
    lines = "\n".join(
        f"{identifier(case.key)} {quoted(case.title or '', LINE_LENGTH)} (now {case.now})"
        for case in shown
    )
    facts = {
        "action": _ACTIONS[change],
        "payload": payload,
        "cases": [
            [case_id, case.attributes.key, case.attributes.title, str(case.attributes.modified_at)]
            for case_id, case in read.items()
        ],
    }
    # The token names the exact case set by a digest: a hundred UUIDs would not fit in one.
    digest = hashlib.sha256(json.dumps(sorted(read)).encode()).hexdigest()
    return Loss(
        tool="bulk_update_cases",
        target=f"bulk:{_ACTIONS[change]}:{json.dumps(payload, sort_keys=True)}:{digest[:32]}",
        key=str(count),
        subject=f"The change ({words}) of {count} cases",
        question=f"Apply this change to {count} cases: {words}?\n{lines}\n"
        f"To confirm, type the number of cases: {count}",
        preview=BulkPreview(change=words, cases=shown),
        facts=facts,
        audit_target={"change": change, "cases": "+".join(case.key for case in shown)},
        words=CHANGE_WORDS,
        approval_needed=count > state.options.bulk_confirm_over,
    )


async def _apply(state: ServerState, loss: Loss[BulkPreview]) -> str:
    ids = [case[0] for case in loss.facts["cases"]]
    await state.client.bulk_update_cases(ids, loss.facts["action"], loss.facts["payload"] or None)
    keys = ", ".join(case.key for case in loss.preview.cases)
    return f"Applied {loss.preview.change} to {len(ids)} cases: {keys}."


def _bulk_not_found(arguments: Mapping[str, Any]) -> str:
    return "A case named in cases was not found; no case was changed. search_cases finds keys."


_BULK: Final = ConfirmedDelete(_read_bulk, _apply, outcome=BulkOutcome, not_found=_bulk_not_found)


async def bulk_update_cases(
    change: Annotated[Change, Field(description="What to change; move = to another project.")],
    cases: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=100)]],
        Field(min_length=1, max_length=MAX_BULK_CASES, description="Case keys, e.g. SEC-12."),
    ],
    ctx: ToolContext,
    loss: Annotated[Loss[BulkPreview], Resolve(_BULK.read)],
    answer: Annotated[Answer, Resolve(_BULK.confirm)],
    value: Annotated[
        str | None,
        Field(
            max_length=200,
            description="priority: P1..P5; status: OPEN, IN_PROGRESS, CLOSED; assign: email; "
            "move: project key. None for unassign, archive, unarchive.",
        ),
    ] = None,
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, BulkOutcome]:
    """Apply one change to many cases at once, all or none; many cases need a person's approval.

    Use this tool to reprioritise, reassign, close, archive or move several cases; the answer
    lists each case changed. Past the operator's threshold the user is asked to confirm, or
    the answer holds a preview and a confirmation_token to repeat the call with once they
    approve.
    Example: {"change": "priority", "cases": ["OPS-28", "OPS-30"], "value": "P2"}
    """
    return await _BULK.settle(
        ctx,
        loss,
        answer,
        change=change,
        cases=cases,
        value=value,
        confirmation_token=confirmation_token,
    )


def _bulk_target(
    arguments: Mapping[str, Any], answer: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The change and the cases named (joined by '+', kept when short enough)."""
    named = arguments.get("cases")
    cases = "+".join(str(ref) for ref in named) if isinstance(named, list) else None
    return {"change": arguments.get("change"), "cases": cases}


TOOLS = [
    ToolSpec(
        "count_cases", "Count cases by group", "triage", "read", count_cases, view=COUNTS_VIEW
    ),
    ToolSpec(
        "bulk_update_cases",
        "Change many cases",
        "triage",
        "idempotent_write",
        bulk_update_cases,
        audit_target=_bulk_target,
        not_found=_bulk_not_found,
        view=PREVIEW_VIEW,
    ),
]
