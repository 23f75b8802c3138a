"""Resolved reasons, comment edits, watchers, insights and get_case's timeline, through the MCP
tools: what each does, what it refuses and how, and how scope and read-only mode hold."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from mcp import Client

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from guarded import connected, error_text, ok, state_of, text_of

pytestmark = pytest.mark.anyio

MAYA = "maya.chen@demo-org.example"
DANIEL = "daniel.okafor@demo-org.example"
COMMENT = "84210936-5c63-570a-9a32-12cd34a78053"  # on SEC-3
SIGNAL = "SECURITY_SIGNAL AQAAAZ5a5b88a6daa45a46a769374719"  # on SEC-13
KEYS = {"DD-API-KEY": "raw", "DD-APPLICATION-KEY": "raw"}


async def raw_json(sandbox: Sandbox, *paths: str) -> int:
    """The characters of Datadog's own answers at `paths`."""
    async with httpx2.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox", headers=KEYS
    ) as http:
        return sum([len((await http.get(path)).text) for path in paths])


async def test_a_resolved_reason_is_shown_on_the_case_and_found_by_search(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The reason set is on the answered case, on get_case, and search_cases finds it."""
    changed = await ok(
        mcp, "update_case_resolved_reason", {"case_id": "SEC-13", "reason": "BENIGN_POSITIVE"}
    )

    found = await ok(mcp, "search_cases", {"query": "resolved_reason:benign_positive"})
    assert changed["resolved_reason"] == "BENIGN_POSITIVE"
    assert (await ok(mcp, "get_case", {"case_id": "SEC-13"}))[
        "resolved_reason"
    ] == "BENIGN_POSITIVE"
    assert [row["key"] for row in found["cases"]] == ["SEC-13"]
    assert sandbox.store.get_case("SEC-13")["security_resolved_reason"] == "BENIGN_POSITIVE"


async def test_a_reason_outside_the_documented_ones_is_refused_naming_them(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A reason Datadog does not document is refused with the three it takes; nothing changes."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "update_case_resolved_reason", {"case_id": "SEC-13", "reason": "FIXED"}
    )

    assert "'FALSE_POSITIVE', 'TRUE_POSITIVE' or 'BENIGN_POSITIVE'" in error_text(answer)
    assert state_of(sandbox) == before


async def test_an_edited_comment_keeps_its_id_and_the_timeline_shows_it_edited(
    mcp: Client,
) -> None:
    """update_case_comment replaces the text; the timeline lists the same id, edited."""
    edited = await ok(
        mcp,
        "update_case_comment",
        {"case_id": "SEC-3", "comment_id": COMMENT, "comment": "Rotated; old keys revoked."},
    )

    timeline = await ok(mcp, "get_case_timeline", {"case_id": "SEC-3", "page_size": 100})
    (entry,) = [entry for entry in timeline["entries"] if entry.get("id") == COMMENT]
    assert edited == {"id": COMMENT, "case": "SEC-3", "message": "Rotated; old keys revoked."}
    assert entry["message"] == "Rotated; old keys revoked."
    assert entry["edited_at"] > entry["created_at"]


async def test_an_entry_that_is_not_a_comment_is_not_edited_and_the_model_is_told(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Editing a status change is refused in words saying only comments can be edited."""
    created = sandbox.store.list_case_timeline("SEC-3", ascending=True, page_size=1)[0]["id"]
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "update_case_comment", {"case_id": "SEC-3", "comment_id": created, "comment": "x"}
    )

    text = error_text(answer)
    assert "not a comment" in text
    assert "get_case_timeline" in text
    assert state_of(sandbox) == before


async def test_a_blank_comment_is_refused_saying_what_to_send(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A text of spaces only is refused before anything is sent."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "update_case_comment", {"case_id": "SEC-3", "comment_id": COMMENT, "comment": "   "}
    )

    assert "Write the new text" in error_text(answer)
    assert state_of(sandbox) == before


async def test_watchers_are_shown_as_people_and_watching_is_undone(mcp: Client) -> None:
    """watch_case adds a person, by email, to the watchers as cases show people; unwatch_case
    undoes it."""
    before = await ok(mcp, "list_case_watchers", {"case_id": "SEC-12"})
    watched = await ok(mcp, "watch_case", {"case_id": "SEC-12", "user": MAYA})
    again = await ok(mcp, "watch_case", {"case_id": "SEC-12", "user": MAYA})
    unwatched = await ok(mcp, "unwatch_case", {"case_id": "SEC-12", "user": MAYA})

    assert before == {"case": "SEC-12", "watchers": [DANIEL]}
    assert watched == again == {"case": "SEC-12", "watchers": [DANIEL, MAYA]}
    assert unwatched == before


async def test_watching_needs_a_user_of_the_organisation(mcp: Client, sandbox: Sandbox) -> None:
    """An unknown person is refused saying how to find one; nobody is added."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("watch_case", {"case_id": "SEC-12", "user": "nobody@nowhere"})

    assert "find_users" in error_text(answer)
    assert state_of(sandbox) == before


async def test_insights_are_attached_and_detached_as_get_case_shows_them(mcp: Client) -> None:
    """attach_case_insights adds "TYPE id path" insights; detach_case_insights takes them as the
    case lists them."""
    attached = await ok(
        mcp,
        "attach_case_insights",
        {"case_id": "SEC-13", "insights": ["INCIDENT 431 /incidents/431"]},
    )
    detached = await ok(
        mcp, "detach_case_insights", {"case_id": "SEC-13", "insights": [SIGNAL, "INCIDENT 431"]}
    )

    assert attached["insights"] == [SIGNAL, "INCIDENT 431"]
    assert "insights" not in detached


@pytest.mark.parametrize(
    ("insight", "hint"),
    [("DASHBOARD 7 /dashboard/7", "SECURITY_SIGNAL, MONITOR"), ("MONITOR 12345", "app_path")],
)
async def test_an_insight_written_wrong_is_refused_saying_how_to_write_it(
    mcp: Client, sandbox: Sandbox, insight: str, hint: str
) -> None:
    """An unknown type names the types; a missing app path shows the shape; nothing changes."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "attach_case_insights", {"case_id": "SEC-13", "insights": [insight]}
    )

    assert hint in error_text(answer)
    assert state_of(sandbox) == before


async def test_get_case_includes_the_latest_timeline_entries_when_asked(mcp: Client) -> None:
    """timeline=N adds the N newest entries, as get_case_timeline lists them; 0 adds none."""
    plain = await ok(mcp, "get_case", {"case_id": "SEC-3"})
    with_timeline = await ok(mcp, "get_case", {"case_id": "SEC-3", "timeline": 3})

    page = await ok(mcp, "get_case_timeline", {"case_id": "SEC-3", "page_size": 3})
    assert "timeline" not in plain
    assert with_timeline == {**plain, "timeline": page["entries"]}


async def test_get_case_with_its_timeline_answers_in_at_most_40_percent_of_datadogs_json(
    mcp: Client, sandbox: Sandbox
) -> None:
    """get_case with its timeline costs a model at most 40% of the JSON Datadog answers for
    the case and its timeline (list_case_watchers is measured by test_budgets)."""
    case = await mcp.call_tool("get_case", {"case_id": "SEC-3", "timeline": 10})

    case_raw = await raw_json(
        sandbox, "/api/v2/cases/SEC-3", "/api/v2/cases/SEC-3/timelines?page[size]=10"
    )
    assert len(text_of(case)) <= 0.4 * case_raw


async def test_a_case_outside_the_projects_is_not_found_by_any_of_these_tools(
    sandbox: Sandbox,
) -> None:
    """With --projects OPS, SEC cases are not found: no reason, edit, watcher or insight."""
    before = state_of(sandbox)
    calls: dict[str, dict[str, Any]] = {
        "update_case_resolved_reason": {"case_id": "SEC-3", "reason": "TRUE_POSITIVE"},
        "update_case_comment": {"case_id": "SEC-3", "comment_id": COMMENT, "comment": "x"},
        "list_case_watchers": {"case_id": "SEC-12"},
        "watch_case": {"case_id": "SEC-12", "user": MAYA},
        "unwatch_case": {"case_id": "SEC-12", "user": DANIEL},
        "attach_case_insights": {"case_id": "SEC-13", "insights": ["INCIDENT 1 /incidents/1"]},
        "detach_case_insights": {"case_id": "SEC-13", "insights": [SIGNAL]},
        "get_case": {"case_id": "SEC-3", "timeline": 5},
    }
    async with connected(sandbox, ServerOptions(projects=["OPS"])) as client:
        answers = {
            tool: await client.call_tool(tool, arguments) for tool, arguments in calls.items()
        }

    for tool, answer in answers.items():
        assert "was not found" in error_text(answer), tool
    assert state_of(sandbox) == before


async def test_read_only_mode_refuses_every_change_and_still_lists_watchers(
    sandbox: Sandbox,
) -> None:
    """In read-only mode the writes are refused in words that say so; the read still works."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        refused = [
            await client.call_tool(tool, arguments)
            for tool, arguments in (
                ("update_case_resolved_reason", {"case_id": "SEC-3", "reason": "TRUE_POSITIVE"}),
                (
                    "update_case_comment",
                    {"case_id": "SEC-3", "comment_id": COMMENT, "comment": "x"},
                ),
                ("watch_case", {"case_id": "SEC-12", "user": MAYA}),
                ("unwatch_case", {"case_id": "SEC-12", "user": DANIEL}),
                ("attach_case_insights", {"case_id": "SEC-13", "insights": ["INCIDENT 1 /i/1"]}),
                ("detach_case_insights", {"case_id": "SEC-13", "insights": [SIGNAL]}),
            )
        ]
        listed = await ok(client, "list_case_watchers", {"case_id": "SEC-12"})

    assert all(error_text(answer).startswith("This server is read-only") for answer in refused)
    assert listed["watchers"] == [DANIEL]
    assert state_of(sandbox) == before


async def test_the_default_toolsets_offer_the_everyday_tools_and_not_insights() -> None:
    """Without --toolsets, the resolved reason, comment edit and watcher tools are offered;
    the insight tools wait for --toolsets integrations."""
    default = {tool.name for tool in await create_server(CaseManagementClient).list_tools()}
    chosen = ServerOptions(toolsets=["integrations"])
    integrations = {
        tool.name for tool in await create_server(CaseManagementClient, chosen).list_tools()
    }

    everyday = {
        "update_case_resolved_reason",
        "update_case_comment",
        "list_case_watchers",
        "watch_case",
        "unwatch_case",
    }
    assert everyday <= default
    assert not {"attach_case_insights", "detach_case_insights"} & default
    assert {"attach_case_insights", "detach_case_insights"} <= integrations


async def test_a_watch_is_audited_with_its_case(sandbox: Sandbox, tmp_path: Path) -> None:
    """The audit log records watching as a write to its case."""
    log = tmp_path / "audit.jsonl"
    async with connected(sandbox, ServerOptions(audit_log=log)) as client:
        await ok(client, "watch_case", {"case_id": "SEC-12", "user": MAYA})

    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["tool"], record["target"], record["outcome"]) == (
        "watch_case",
        {"case": "SEC-12"},
        "ok",
    )
