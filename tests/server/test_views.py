"""Saved case views, project settings and favourite projects through the MCP tools: what
each does, what it refuses and in which words, scope, read-only mode, and what answers cost."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2
import pytest
from datadog_api_client.v2.model.project_settings import ProjectSettings
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.tools.project_settings import SETTING_GROUPS
from guarded import connected, error_text, ok, state_of, text_of

pytestmark = pytest.mark.anyio

# The demo organisation's saved views (sandbox/demo_org.json, in order).
SEC_P1S = "7f7a9efe-8503-5861-a385-7401edd6c867"
SEC_UNASSIGNED = "627b3a18-057c-5a1e-a90a-146951ac0787"
OPS_IN_FLIGHT = "3afb7ab5-9a1c-550f-8ee2-0ca6b2f0b829"
UNKNOWN = "67d80aa3-36ff-44b9-a694-c501a7591737"


def views_named(sandbox: Sandbox, name: str) -> list[dict[str, Any]]:
    rows = sandbox.store.conn.execute("SELECT * FROM case_views WHERE name = ?", (name,))
    return [dict(row) for row in rows]


# Views ----------------------------------------------------------------------------------------


async def test_a_projects_views_are_listed_by_name_and_query(mcp: Client) -> None:
    """list_case_views shows each view's id, name and query, under the project's key."""
    listed = await ok(mcp, "list_case_views", {"project": "sec"})

    assert listed == {
        "project": "SEC",
        "views": [
            {
                "id": SEC_P1S,
                "name": "Open P1 and P2 security cases",
                "query": "-status_group:closed priority:(p1 OR p2)",
            },
            {
                "id": SEC_UNASSIGNED,
                "name": "Unassigned security cases",
                "query": "assignee:none -status_group:closed",
            },
        ],
    }


async def test_opening_a_view_searches_its_query_within_its_project(mcp: Client) -> None:
    """list_cases_in_view answers what search_cases answers for the view's query in its
    project, and says what it searched."""
    opened = await ok(mcp, "list_cases_in_view", {"view_id": OPS_IN_FLIGHT})
    searched = await ok(
        mcp,
        "search_cases",
        {"query": 'env:prod -status_group:closed -type:"change request"', "project": "OPS"},
    )

    assert opened["view"] == "Production incidents in flight"
    assert (
        opened["search"] == 'project:"OPS" (env:prod -status_group:closed -type:"change request")'
    )
    assert opened["cases"] == searched["cases"]
    assert opened["total"] == searched["total"] == 4


async def test_a_saved_view_is_kept_and_shown_with_its_project(
    mcp: Client, sandbox: Sandbox
) -> None:
    """create_case_view saves the search in the project; get_case_view reads it back."""
    made = await ok(
        mcp,
        "create_case_view",
        {"project": "OPS", "name": " Unassigned P1s ", "query": "priority:p1 assignee:none"},
    )
    read = await ok(mcp, "get_case_view", {"view_id": made["id"]})

    assert made == read
    assert {k: made[k] for k in ("name", "project", "query")} == {
        "name": "Unassigned P1s",
        "project": "OPS",
        "query": "priority:p1 assignee:none",
    }
    (row,) = views_named(sandbox, "Unassigned P1s")
    assert row["created_by"] == Sandbox.ACTOR_ID


@pytest.mark.parametrize("query", ["priority:p9", "(status:open", 'title:"unclosed'])
async def test_a_query_the_search_cannot_read_is_refused_saying_where(
    mcp: Client, sandbox: Sandbox, query: str
) -> None:
    """A view never keeps a query search_cases would refuse: the error says where it fails
    and where the syntax is described; nothing is saved or changed."""
    before = state_of(sandbox)

    created = await mcp.call_tool(
        "create_case_view", {"project": "OPS", "name": "N", "query": query}
    )
    updated = await mcp.call_tool("update_case_view", {"view_id": SEC_P1S, "query": query})

    for answer in (created, updated):
        assert "the search query is not valid at character " in error_text(answer)
        assert "search_cases describes the syntax" in error_text(answer)
    assert state_of(sandbox) == before


async def test_an_update_changes_what_it_names_and_asks_for_something(mcp: Client) -> None:
    """A new name keeps the query; a call naming nothing is refused in words."""
    renamed = await ok(mcp, "update_case_view", {"view_id": SEC_UNASSIGNED, "name": "Nobody's"})
    nothing = await mcp.call_tool("update_case_view", {"view_id": SEC_UNASSIGNED})

    assert (renamed["name"], renamed["query"]) == ("Nobody's", "assignee:none -status_group:closed")
    assert "modified_at" in renamed
    assert error_text(nothing).endswith("Nothing to change: give name, query or both.")


async def test_an_unknown_view_is_not_found_and_the_model_told_where_to_look(
    mcp: Client,
) -> None:
    """Every view tool names the id it did not find and the tool that lists views."""
    for tool, arguments in [
        ("get_case_view", {"view_id": UNKNOWN}),
        ("list_cases_in_view", {"view_id": UNKNOWN}),
        ("update_case_view", {"view_id": UNKNOWN, "name": "x"}),
        ("delete_case_view", {"view_id": UNKNOWN}),
    ]:
        answer = await mcp.call_tool(tool, arguments)
        assert f"View '{UNKNOWN}' was not found. list_case_views lists" in error_text(answer), tool


async def test_deleting_a_view_shows_its_name_project_and_query_and_keeps_the_cases(
    token_mcp: Client, sandbox: Sandbox
) -> None:
    """The preview a person approves names the view, its project and its query; only the
    view goes."""
    cases_before = sandbox.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0]

    first = await ok(token_mcp, "delete_case_view", {"view_id": SEC_P1S})
    done = await ok(
        token_mcp,
        "delete_case_view",
        {"view_id": SEC_P1S, "confirmation_token": first["confirmation_token"]},
    )

    assert first["preview"] == {
        "id": SEC_P1S,
        "name": "Open P1 and P2 security cases",
        "project": "SEC",
        "query": "-status_group:closed priority:(p1 OR p2)",
    }
    assert done["deleted"] is True
    assert views_named(sandbox, "Open P1 and P2 security cases") == []
    assert sandbox.store.conn.execute("SELECT count(*) FROM cases").fetchone()[0] == cases_before


async def test_the_person_is_asked_about_the_view_by_name_project_and_query(
    sandbox: Sandbox,
) -> None:
    """The confirmation question quotes the view's name and query and asks for the key."""
    questions: list[str] = []

    async def person(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        questions.append(params.message)
        return ElicitResult(action="decline")

    server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["views"]))
    async with Client(server, elicitation_callback=person) as client:
        kept = await ok(client, "delete_case_view", {"view_id": SEC_UNASSIGNED})

    assert kept["deleted"] is False
    assert questions[0].startswith(
        'Delete the case view "Unassigned security cases" of project SEC for good?\n'
        'Its search: "assignee:none -status_group:closed"\n'
        "Its cases are not touched. This cannot be undone.\n"
        "To confirm, type the project key: SEC"
    )


async def test_views_outside_the_projects_are_not_found_and_not_changed(
    sandbox: Sandbox,
) -> None:
    """With --projects SEC, an OPS view cannot be read, opened, changed or deleted, and no
    view can be saved in OPS."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(projects=["SEC"], confirm_mode="token")) as client:
        answers = [
            await client.call_tool("get_case_view", {"view_id": OPS_IN_FLIGHT}),
            await client.call_tool("list_cases_in_view", {"view_id": OPS_IN_FLIGHT}),
            await client.call_tool("update_case_view", {"view_id": OPS_IN_FLIGHT, "name": "x"}),
            await client.call_tool("delete_case_view", {"view_id": OPS_IN_FLIGHT}),
        ]
        listed = await client.call_tool("list_case_views", {"project": "OPS"})
        created = await client.call_tool(
            "create_case_view", {"project": "OPS", "name": "x", "query": "status:open"}
        )
        inside = await ok(client, "list_case_views", {"project": "SEC"})

    for answer in answers:
        assert f"View '{OPS_IN_FLIGHT}' was not found" in error_text(answer)
    assert "Project 'OPS' was not found" in error_text(listed)
    assert "Project 'OPS' was not found" in error_text(created)
    assert len(inside["views"]) == 2
    assert state_of(sandbox) == before


async def test_read_only_mode_refuses_every_change_to_views_settings_and_favourites(
    sandbox: Sandbox,
) -> None:
    """In read-only mode the writes are refused in words that say so; the reads still work."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        writes: list[tuple[str, dict[str, Any]]] = [
            ("create_case_view", {"project": "OPS", "name": "x", "query": "status:open"}),
            ("update_case_view", {"view_id": SEC_P1S, "name": "x"}),
            ("delete_case_view", {"view_id": SEC_P1S}),
            ("update_project_settings", {"project": "SEC", "name": "x"}),
            ("set_project_favorite", {"project": "APP", "favorite": True}),
        ]
        refused = [await client.call_tool(tool, arguments) for tool, arguments in writes]
        read = await ok(client, "list_cases_in_view", {"view_id": SEC_P1S})

    for answer in refused:
        assert error_text(answer).startswith("This server is read-only")
    assert read["view"] == "Open P1 and P2 security cases"
    assert state_of(sandbox) == before


async def test_saving_a_view_is_audited_with_its_project_and_new_id(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    """The audit record names the project and the view made, not the query."""
    log = tmp_path / "audit.jsonl"
    async with connected(sandbox, ServerOptions(audit_log=log)) as client:
        made = await ok(
            client, "create_case_view", {"project": "OPS", "name": "Mine", "query": "team:sre"}
        )

    (record,) = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert (record["tool"], record["target"], record["outcome"]) == (
        "create_case_view",
        {"view": made["id"], "project": "OPS"},
        "ok",
    )
    assert "team:sre" not in log.read_text(encoding="utf-8")


# Project settings -----------------------------------------------------------------------------


async def test_a_project_never_configured_shows_no_settings_beyond_the_defaults(
    mcp: Client,
) -> None:
    """get_project_settings shows only what differs from Datadog's defaults."""
    assert await ok(mcp, "get_project_settings", {"project": "SEC"}) == {
        "project": "SEC",
        "name": "Security Investigations",
    }


async def test_a_settings_change_is_merged_and_the_rest_kept(mcp: Client, sandbox: Sandbox) -> None:
    """Naming one setting changes it alone: the project keeps every other, as stored."""
    first = await ok(
        mcp,
        "update_project_settings",
        {"project": "SEC", "settings": {"notification": {"notify_on_case_comment": False}}},
    )
    second = await ok(
        mcp,
        "update_project_settings",
        {
            "project": "SEC",
            "name": "Security",
            "settings": {"auto_close_inactive_cases": {"enabled": True}},
        },
    )

    assert first["settings"] == {"notification": {"notify_on_case_comment": False}}
    assert second == {
        "project": "SEC",
        "name": "Security",
        "settings": {
            "notification": {"notify_on_case_comment": False},
            "auto_close_inactive_cases": {"enabled": True},
        },
    }
    stored = sandbox.store.get_projects()[0]["settings"]
    assert stored["notification"]["notify_on_case_closed"] is True
    assert (await ok(mcp, "list_projects", {}))["projects"][0]["name"] == "Security"


class Recording(httpx2.AsyncBaseTransport):
    """The sandbox's transport, keeping the JSON body of every PATCH sent through it."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.inner = sandbox.transport()
        self.patches: list[Any] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.method == "PATCH":
            self.patches.append(json.loads(await request.aread()))
        return await self.inner.handle_async_request(request)


async def test_the_whole_merged_settings_object_is_sent_so_nothing_is_cleared(
    sandbox: Sandbox,
) -> None:
    """Datadog is sent the project's settings with the change merged in, not the change
    alone, so a Datadog that replaced the object would still keep every other setting."""
    wire = Recording(sandbox)
    server = create_server(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid", api_key="k", app_key="k", transport=wire
        ),
        ServerOptions(toolsets=["admin"]),
    )
    async with Client(server) as client:
        await ok(
            client,
            "update_project_settings",
            {"project": "OPS", "settings": {"notification": {"destinations": [1, 3]}}},
        )

    (sent,) = wire.patches
    assert sent["data"]["attributes"]["settings"]["notification"] == {
        "enabled": True,
        "destinations": [1, 3],
        "notify_on_case_assignment": True,
        "notify_on_case_unassignment": True,
        "notify_on_case_closed": True,
        "notify_on_case_priority_change": True,
        "notify_on_case_comment": True,
        "notify_on_case_comment_mention": True,
        "notify_on_case_status_change": True,
    }


async def test_a_setting_name_datadog_does_not_have_is_refused_naming_those_it_has(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A misspelt setting is refused before anything is sent, listing the settings; a call
    naming nothing is refused too."""
    before = state_of(sandbox)

    misspelt = await mcp.call_tool(
        "update_project_settings", {"project": "SEC", "settings": {"notifications": {}}}
    )
    nothing = await mcp.call_tool("update_project_settings", {"project": "SEC"})

    assert "settings has no 'notifications'; a project's settings are " in error_text(misspelt)
    assert "notification, each an object" in error_text(misspelt)
    assert "Nothing to change: give name, settings or both." in error_text(nothing)
    assert state_of(sandbox) == before


async def test_a_projects_custom_case_types_are_shown_by_name(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The enabled custom case types are named, not given as ids."""
    ops = next(p["id"] for p in sandbox.store.get_projects() if p["key"] == "OPS")
    postmortem = next(t["id"] for t in sandbox.store.get_all_case_types() if not t["internal"])
    sandbox.store.update_project(
        ops, enabled_custom_case_types=[postmortem], actor_id=Sandbox.ACTOR_ID
    )

    shown = await ok(mcp, "get_project_settings", {"project": "OPS"})

    assert shown["custom_case_types"] == ["Postmortem"]


def test_the_setting_names_are_the_official_clients() -> None:
    """The settings the tool accepts are those of Datadog's ProjectSettings model."""
    assert set(SETTING_GROUPS) == set(ProjectSettings.attribute_map)


async def test_a_project_outside_the_projects_has_no_settings_to_read_or_change(
    sandbox: Sandbox,
) -> None:
    """With --projects SEC, OPS's settings are not found, and are not changed."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        read = await client.call_tool("get_project_settings", {"project": "OPS"})
        changed = await client.call_tool(
            "update_project_settings", {"project": "OPS", "name": "Ops"}
        )
        favoured = await client.call_tool(
            "set_project_favorite", {"project": "OPS", "favorite": False}
        )
        favourites = await ok(client, "list_favorite_projects", {})

    for answer in (read, changed, favoured):
        assert "Project 'OPS' was not found" in error_text(answer)
    assert favourites == {"projects": ["SEC"]}
    assert state_of(sandbox) == before


# Favourites -----------------------------------------------------------------------------------


async def test_favourites_are_marked_and_unmarked_harmlessly_twice(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Marking twice lists the project once; unmarking twice leaves it unmarked."""
    listed = await ok(mcp, "list_favorite_projects", {})
    marked = await ok(mcp, "set_project_favorite", {"project": "APP", "favorite": True})
    again = await ok(mcp, "set_project_favorite", {"project": "app", "favorite": True})
    unmarked = await ok(mcp, "set_project_favorite", {"project": "SEC", "favorite": False})
    still = await ok(mcp, "set_project_favorite", {"project": "SEC", "favorite": False})

    assert listed == {"projects": ["SEC", "OPS"]}
    assert marked == again == {"projects": ["SEC", "OPS", "APP"]}
    assert unmarked == still == {"projects": ["OPS", "APP"]}
    assert len(sandbox.store.list_user_case_project_favorites(Sandbox.ACTOR_ID)) == 2


async def test_a_favourite_needs_a_project_that_exists(mcp: Client) -> None:
    """An unknown project is refused with the projects there are."""
    answer = await mcp.call_tool("set_project_favorite", {"project": "NOPE", "favorite": True})

    assert "Project 'NOPE' was not found" in error_text(answer)
    assert "SEC" in error_text(answer)


# What answers cost ------------------------------------------------------------------------------


async def test_a_view_of_unassigned_cases_costs_at_most_40_percent_of_datadogs_json(
    mcp: Client, sandbox: Sandbox
) -> None:
    """list_cases_in_view for SEC's unassigned view, beside the example view that
    test_budgets measures, costs at most 40% of Datadog's search answer for the same cases."""
    async with httpx2.AsyncClient(
        transport=sandbox.transport(),
        base_url="http://sandbox",
        headers={"DD-API-KEY": "k", "DD-APPLICATION-KEY": "k"},
    ) as http:
        raw = await http.get(
            "/api/v2/cases", params={"filter": 'project:"SEC" (assignee:none -status_group:closed)'}
        )

    answer = await mcp.call_tool("list_cases_in_view", {"view_id": SEC_UNASSIGNED, "page_size": 10})

    assert len(text_of(answer)) / len(raw.text) <= 0.40
