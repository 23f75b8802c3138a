"""The counts view: count_cases names a bar chart view, served as an MCP App; in a browser a
person sees a bar per group with the numbers Datadog counted, and regroups the same query."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.server.apps import APP_MIME_TYPE

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import ok, shows_apps
from view_host import Show

pytestmark = pytest.mark.anyio

COUNTS_VIEW = "ui://case-mcp/counts.html"
QUERY = "-status:closed"


@pytest.fixture(params=("auto", "legacy"))
async def host(request: pytest.FixtureRequest, sandbox: Sandbox) -> AsyncIterator[Client]:
    """A client that renders MCP Apps, of one protocol era, on a server with every toolset."""
    server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["all"]))
    async with Client(server, mode=request.param, extensions=shows_apps()) as client:
        yield client


async def test_count_cases_names_the_counts_view_a_listed_app_resource(host: Client) -> None:
    """count_cases' _meta.ui names the counts view, which is listed as an MCP App."""
    tools = {tool.name: tool for tool in (await host.list_tools()).tools}
    assert (tools["count_cases"].meta or {}).get("ui") == {"resourceUri": COUNTS_VIEW}
    listed = {str(r.uri): r for r in (await host.list_resources()).resources}
    assert listed[COUNTS_VIEW].mime_type == APP_MIME_TYPE


async def test_a_plain_client_counts_as_from_a_server_without_apps(sandbox: Sandbox) -> None:
    """A client without the extension gets count_cases' answer exactly as with apps off."""
    factory = sandbox_client_factory(sandbox)
    arguments = {"query": QUERY, "group_by": ["priority"]}
    answers = []
    for options in (ServerOptions(toolsets=["all"]), ServerOptions(toolsets=["all"], no_apps=True)):
        async with Client(create_server(factory, options)) as plain:
            answers.append(await plain.call_tool("count_cases", arguments))
    with_apps, without = answers
    assert with_apps.content == without.content
    assert with_apps.structured_content == without.structured_content


# In the browser --------------------------------------------------------------------------


def _bars(view: Any, field: str) -> Any:
    return view.get_by_role("list", name=f"Cases by {field}").get_by_role("listitem")


async def test_a_bar_per_status_shows_the_counts_search_cases_finds(show: Show) -> None:
    """Each status has a bar whose number is count_cases' own and what search_cases finds,
    Open, In progress and Closed first; the total heads the page."""
    from playwright.async_api import expect

    counted = await ok(show.client, "count_cases", {})
    statuses = counted["counts"]["status"]
    view = await show("count_cases", {})
    await expect(view.get_by_role("heading", level=1)).to_have_text(f"{counted['total']} cases")
    bars = _bars(view, "status")
    await expect(bars).to_have_count(len(statuses))
    await expect(bars.nth(0)).to_have_text(f"Open {statuses['OPEN']}")
    await expect(bars.nth(1)).to_have_text(f"In progress {statuses['IN_PROGRESS']}")
    await expect(bars.nth(2)).to_have_text(f"Closed {statuses['CLOSED']}")
    for status in ("open", "in_progress", "closed"):
        found = await ok(show.client, "search_cases", {"query": f"status:{status}", "page_size": 1})
        assert found["total"] == statuses[status.upper()]


async def test_the_longest_bar_is_the_largest_count(show: Show) -> None:
    """Bars are scaled to the largest value: Closed, the most, fills its track; Open, less,
    in proportion."""
    counted = (await ok(show.client, "count_cases", {}))["counts"]["status"]
    view = await show("count_cases", {})
    widths = [
        await _bars(view, "status").nth(i).locator(".bar").evaluate("(bar) => bar.offsetWidth")
        for i in (0, 2)
    ]
    track = await _bars(view, "status").nth(2).locator(".track").evaluate("(t) => t.offsetWidth")
    open_width, closed_width = widths
    assert counted["CLOSED"] == max(counted.values())
    assert closed_width == track
    assert abs(open_width / closed_width - counted["OPEN"] / counted["CLOSED"]) < 0.02


async def test_grouping_by_priority_counts_the_same_query_again(show: Show) -> None:
    """Choosing priority in "Group by" calls count_cases with the shown query and draws a bar
    per priority, P1 to P5 then Not defined, in the priorities' colours."""
    from playwright.async_api import expect

    counted = (await ok(show.client, "count_cases", {"query": QUERY, "group_by": ["priority"]}))[
        "counts"
    ]["priority"]
    view = await show("count_cases", {"query": QUERY})
    await expect(view.locator(".key")).to_have_text(f"Matching {QUERY}")
    await view.get_by_label("Group by").select_option("priority")
    bars = _bars(view, "priority")
    order = ["P1", "P2", "P3", "P4", "P5", "NOT_DEFINED"]
    shown = [p for p in order if p in counted]
    await expect(bars).to_have_text(
        [f"{'Not defined' if p == 'NOT_DEFINED' else p} {counted[p]}" for p in shown]
    )
    assert show.calls == [("count_cases", {"query": QUERY, "group_by": ["priority"]})]
    await expect(view.get_by_role("heading", level=1)).to_have_text(
        f"{sum(counted.values())} cases"
    )
    await expect(bars.nth(0).locator(".bar")).to_have_css("background-color", "rgb(207, 34, 46)")
    await expect(view.get_by_label("Group by")).to_be_focused()


async def test_several_fields_draw_a_chart_each(show: Show) -> None:
    """group_by of project and assignee shows one chart per field, unassigned cases named so."""
    from playwright.async_api import expect

    arguments = {"group_by": ["project", "assignee"]}
    counted = (await ok(show.client, "count_cases", arguments))["counts"]
    view = await show("count_cases", arguments)
    await expect(view.get_by_role("heading", level=2)).to_have_text(["By project", "By assignee"])
    await expect(_bars(view, "project")).to_have_text(
        [f"{key} {count}" for key, count in counted["project"].items()]
    )
    await expect(_bars(view, "assignee").filter(has_text="Unassigned")).to_have_text(
        f"Unassigned {counted['assignee']['none']}"
    )
    await expect(view.get_by_label("Group by")).to_have_value("")


async def test_a_count_the_server_refuses_is_shown_in_words(show: Show) -> None:
    """A query count_cases rejects shows its message as an alert, and regrouping is offered."""
    from playwright.async_api import expect

    view = await show("count_cases", {"query": "status:(open"})
    await expect(view.get_by_role("alert")).not_to_be_empty()
    await expect(view.get_by_label("Group by")).to_be_visible()
