"""A case's due date through the MCP tools: set, shown, searched, cleared, refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from mcp import Client

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from guarded import connected, error_text, ok, state_of

pytestmark = pytest.mark.anyio


async def test_a_due_date_set_is_shown_by_the_case_and_its_search_row(
    mcp: Client, sandbox: Sandbox
) -> None:
    """update_case_due_date answers the case with its due date; get_case and search show it."""
    changed = await ok(mcp, "update_case_due_date", {"case_id": "OPS-1", "due_date": "2026-12-31"})

    read = await ok(mcp, "get_case", {"case_id": "OPS-1"})
    found = await ok(mcp, "search_cases", {"query": "key:OPS-1"})
    assert changed["due_date"] == read["due_date"] == "2026-12-31"
    assert [row["due_date"] for row in found["cases"]] == ["2026-12-31"]
    assert sandbox.store.get_case("OPS-1")["due_date"] == "2026-12-31"


async def test_null_clears_a_due_date(mcp: Client, sandbox: Sandbox) -> None:
    """A null due date removes it: the case and its search row no longer show one."""
    await ok(mcp, "update_case_due_date", {"case_id": "OPS-1", "due_date": "2026-12-31"})

    cleared = await ok(mcp, "update_case_due_date", {"case_id": "OPS-1", "due_date": None})

    found = await ok(mcp, "search_cases", {"query": "key:OPS-1"})
    assert "due_date" not in cleared
    assert "due_date" not in found["cases"][0]
    assert sandbox.store.get_case("OPS-1")["due_date"] is None


@pytest.mark.parametrize("due_date", ["31/12/2026", "2026-02-30", "next friday", 20261231])
async def test_a_date_that_is_not_yyyy_mm_dd_is_refused_saying_what_it_takes(
    mcp: Client, sandbox: Sandbox, due_date: object
) -> None:
    """Anything but a calendar date written YYYY-MM-DD is refused, naming the format; no change."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("update_case_due_date", {"case_id": "OPS-1", "due_date": due_date})

    text = error_text(answer)
    assert "due_date" in text
    assert "YYYY-MM-DD" in text
    assert state_of(sandbox) == before


async def test_a_case_outside_the_projects_is_not_found_and_keeps_its_due_date(
    sandbox: Sandbox,
) -> None:
    """With --projects SEC, an OPS case's due date cannot be set: it is not found, and unchanged."""
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        outside = await client.call_tool(
            "update_case_due_date", {"case_id": "OPS-1", "due_date": "2026-12-31"}
        )
        inside = await ok(client, "update_case_due_date", {"case_id": "SEC-3", "due_date": None})

    assert "Case 'OPS-1' was not found" in error_text(outside)
    assert sandbox.store.get_case("OPS-1")["due_date"] is None
    assert inside["key"] == "SEC-3"


async def test_read_only_mode_refuses_to_set_a_due_date(sandbox: Sandbox) -> None:
    """In read-only mode the tool is refused in words that say so, and nothing changes."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        answer = await client.call_tool(
            "update_case_due_date", {"case_id": "OPS-1", "due_date": "2026-12-31"}
        )

    assert error_text(answer).startswith("This server is read-only")
    assert state_of(sandbox) == before


async def test_a_due_date_change_is_audited_with_its_case(sandbox: Sandbox, tmp_path: Path) -> None:
    """The audit log records the change as a write to its case, without the date itself."""
    log = tmp_path / "audit.jsonl"
    async with connected(sandbox, ServerOptions(audit_log=log)) as client:
        await ok(client, "update_case_due_date", {"case_id": "SEC-3", "due_date": "2026-12-31"})

    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["tool"], record["target"], record["outcome"]) == (
        "update_case_due_date",
        {"case": "SEC-3"},
        "ok",
    )
    assert "2026-12-31" not in log.read_text(encoding="utf-8")
