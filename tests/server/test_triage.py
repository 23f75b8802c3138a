"""The triage toolset through an MCP client: counts by group, and bulk changes within the
operator's threshold (the confirmation above it is tests/server/test_bulk_confirmation.py)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest
from mcp import Client

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from guarded import connected, error_text, ok, state_of, text_of

pytestmark = pytest.mark.anyio


def kinds(sandbox: Sandbox, key: str) -> list[str]:
    return [cell["type"] for cell in sandbox.store.list_case_timeline(key, page_size=100)]


# Counting ------------------------------------------------------------------------------------


async def test_open_p1s_per_project_agree_with_search(mcp: Client) -> None:
    """The count per project of a query is what search_cases finds for each project."""
    query = "-status_group:closed priority:(p1 OR p2)"

    counted = await ok(mcp, "count_cases", {"query": query, "group_by": ["project"]})

    found = {}
    for project in ("APP", "OPS", "SEC", "ET"):
        page = await ok(mcp, "search_cases", {"query": query, "project": project})
        if page["total"]:
            found[project] = page["total"]
    assert counted == {"total": sum(found.values()), "counts": {"project": found}}


async def test_several_fields_are_counted_apart_with_assignees_by_email(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Without combined, each field gets its own counts (both count operations serve it); an
    assignee is shown by email, and none counts the unassigned."""
    counted = await ok(
        mcp, "count_cases", {"query": "project:OPS", "group_by": ["status", "assignee"]}
    )

    ops = sandbox.store.search_cases(query="project:OPS", page_size=100)[0]
    assert counted["total"] == len(ops)
    assert sum(counted["counts"]["status"].values()) == len(ops)
    assignees = counted["counts"]["assignee"]
    assert assignees["none"] == sum(1 for case in ops if case["assignee_id"] is None)
    assert all(value == "none" or "@" in value for value in assignees)


async def test_combined_fields_count_each_combination(mcp: Client) -> None:
    """combined counts each pair of values, most first, under the fields joined by ','."""
    counted = await ok(
        mcp,
        "count_cases",
        {"query": "project:SEC", "group_by": ["status", "priority"], "combined": True},
    )

    table = counted["counts"]["status,priority"]
    assert sum(table.values()) == counted["total"] == 13
    assert list(table.values()) == sorted(table.values(), reverse=True)
    assert all(len(combination.split(",")) == 2 for combination in table)


async def test_a_count_answer_costs_under_40_percent_of_datadogs_json(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The text a model reads is under 40% of Datadog's count document for the same data."""
    answer = await mcp.call_tool(
        "count_cases", {"group_by": ["status", "priority", "project"], "limit": 100}
    )
    async with httpx2.AsyncClient(
        transport=sandbox.transport(),
        base_url="http://sandbox",
        headers={"DD-API-KEY": "k", "DD-APPLICATION-KEY": "k"},
    ) as http:
        raw = await http.get(
            "/api/v2/cases/count", params={"group_bys": "status,priority,project", "limit": 100}
        )

    assert len(text_of(answer)) / len(raw.text) < 0.40


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"group_by": ["service name"]}, "group_by"),
        ({"query": "priority:p9"}, "the search query is not valid"),
        ({"group_by": ["a", "b", "c", "d"]}, "group_by"),
    ],
)
async def test_a_bad_count_is_refused_saying_what_to_send(
    mcp: Client, arguments: dict[str, object], says: str
) -> None:
    """A field that is no name, a query the search cannot read, too many fields: refused."""
    answer = await mcp.call_tool("count_cases", arguments)

    assert says in error_text(answer)


async def test_counts_stay_inside_the_projects_of_the_server(sandbox: Sandbox) -> None:
    """With --projects SEC, only SEC's cases are counted."""
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        counted = await ok(client, "count_cases", {"group_by": ["project"]})

    assert counted == {"total": 13, "counts": {"project": {"SEC": 13}}}


# Bulk changes within the threshold -----------------------------------------------------------


async def test_a_bulk_change_within_the_threshold_applies_at_once_with_each_timeline_entry(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Two cases are changed without asking; the answer lists them with the change, and each
    case has its own timeline entry."""
    answer = await ok(
        mcp,
        "bulk_update_cases",
        {"change": "priority", "cases": ["OPS-28", "OPS-30"], "value": "p2"},
    )

    assert answer["applied"] is True
    assert answer["message"] == "Applied priority to P2 to 2 cases: OPS-28, OPS-30."
    assert [(case["key"], case["now"]) for case in answer["preview"]["cases"]] == [
        ("OPS-28", "P3"),
        ("OPS-30", "P3"),
    ]
    for key in ("OPS-28", "OPS-30"):
        assert sandbox.store.get_case(key)["priority"] == "P2"
        assert kinds(sandbox, key)[0] == "PRIORITY_CHANGE"


async def test_a_bulk_assignment_and_move_resolve_emails_and_project_keys(
    mcp: Client, sandbox: Sandbox
) -> None:
    """assign takes an email and move a project key; both reach every case."""
    user = sandbox.store.get_user(sandbox.store.get_case("OPS-26")["assignee_id"])

    await ok(
        mcp,
        "bulk_update_cases",
        {"change": "assign", "cases": ["APP-8", "OPS-21"], "value": user["email"]},
    )
    moved = await ok(
        mcp, "bulk_update_cases", {"change": "move", "cases": ["APP-8", "OPS-21"], "value": "SEC"}
    )

    assert moved["preview"]["change"] == "move to project SEC"
    for key in ("SEC-14", "SEC-15"):
        assert sandbox.store.get_case(key)["assignee_id"] == user["id"]


@pytest.mark.parametrize(
    ("arguments", "says"),
    [
        ({"change": "priority", "cases": ["OPS-28"], "value": "urgent"}, "P1 to P5"),
        ({"change": "priority", "cases": ["OPS-28"]}, "needs value"),
        ({"change": "archive", "cases": ["OPS-28"], "value": "yes"}, "takes no value"),
        ({"change": "close", "cases": ["OPS-28"]}, "change"),
        ({"change": "archive", "cases": []}, "cases"),
    ],
)
async def test_a_bad_bulk_change_is_refused_saying_what_to_send(
    mcp: Client, sandbox: Sandbox, arguments: dict[str, object], says: str
) -> None:
    """A wrong value, a missing or extra one, an unknown change, no cases: refused, no change."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("bulk_update_cases", arguments)

    assert says in error_text(answer)
    assert state_of(sandbox) == before


async def test_one_case_that_cannot_take_the_change_changes_no_case(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A Change Request has no IN_PROGRESS status: the refusal names it and no case changed."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "bulk_update_cases",
        {"change": "status", "cases": ["OPS-21", "OPS-29", "OPS-30"], "value": "IN_PROGRESS"},
    )

    assert "Case OPS-29 " in error_text(answer)
    assert "Nothing was changed" in error_text(answer)
    assert state_of(sandbox) == before


async def test_an_unknown_case_changes_no_case(mcp: Client, sandbox: Sandbox) -> None:
    """A key that names no case is refused by name, and the others are left as they were."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "bulk_update_cases", {"change": "archive", "cases": ["OPS-21", "OPS-999"]}
    )

    assert "Case 'OPS-999' was not found, so no case was changed" in error_text(answer)
    assert state_of(sandbox) == before


async def test_one_case_outside_the_projects_refuses_the_whole_batch(sandbox: Sandbox) -> None:
    """With --projects SEC, an OPS case among SEC cases is not found and nothing changes."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        answer = await client.call_tool(
            "bulk_update_cases", {"change": "archive", "cases": ["SEC-11", "OPS-21", "SEC-12"]}
        )

    assert "Case 'OPS-21' was not found" in error_text(answer)
    assert state_of(sandbox) == before


async def test_read_only_mode_refuses_bulk_changes_but_counts(sandbox: Sandbox) -> None:
    """In read-only mode counting works and a bulk change is refused, changing nothing."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        counted = await ok(client, "count_cases", {})
        answer = await client.call_tool(
            "bulk_update_cases", {"change": "archive", "cases": ["OPS-21"]}
        )

    assert counted["total"] > 0
    assert error_text(answer).startswith("This server is read-only")
    assert state_of(sandbox) == before


async def test_a_bulk_change_within_the_threshold_is_audited(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The audit log records the change and the cases named, as one write."""
    log = tmp_path / "audit.jsonl"
    async with connected(sandbox, ServerOptions(audit_log=log)) as client:
        await ok(client, "bulk_update_cases", {"change": "unassign", "cases": ["OPS-30"]})

    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["tool"], record["target"], record["outcome"]) == (
        "bulk_update_cases",
        {"change": "unassign", "cases": "OPS-30"},
        "ok",
    )
