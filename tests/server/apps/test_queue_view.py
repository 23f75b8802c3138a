"""The queue view: search_cases and list_cases_in_view name it; in a real browser a person sees
the cases of the answer as a table, sorts it (the server sorting the whole result), groups it,
pages through it, and opens a case in the case view and comes back to the queue as it was."""

from __future__ import annotations

import re
from typing import Any

import pytest
from mcp import Client
from mcp.server.apps import APP_MIME_TYPE

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import shows_apps
from view_host import Show, ShowWith

pytestmark = pytest.mark.anyio

QUEUE_VIEW = "ui://case-mcp/queue.html"
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"
RANKS = {"P1": 1, "P2": 2, "P3": 3, "P4": 4, "P5": 5}


async def _answer(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, answer.content
    data: dict[str, Any] | None = answer.structured_content
    assert data is not None
    return data


async def _keys(client: Client, tool: str, arguments: dict[str, Any]) -> list[str]:
    return [case["key"] for case in (await _answer(client, tool, arguments))["cases"]]


# The protocol: which tools name the view, and what is served.


def _host(sandbox: Sandbox) -> Client:
    server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["all"]))
    return Client(server, extensions=shows_apps())


async def test_both_list_tools_name_the_queue_view_which_is_a_listed_app(sandbox: Sandbox) -> None:
    """search_cases and list_cases_in_view carry only the queue view's address in _meta.ui,
    and the view is a listed MCP App resource."""
    async with _host(sandbox) as host:
        tools = {tool.name: tool for tool in (await host.list_tools()).tools}
        listed = {str(r.uri): r for r in (await host.list_resources()).resources}
    for name in ("search_cases", "list_cases_in_view"):
        assert tools[name].meta == {"ui": {"resourceUri": QUEUE_VIEW}}, name
    assert listed[QUEUE_VIEW].mime_type == APP_MIME_TYPE


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [
        ("search_cases", {"project": "SEC", "sort": "priority", "page_size": 5}),
        ("list_cases_in_view", {"view_id": "627b3a18-057c-5a1e-a90a-146951ac0787"}),
    ],
)
async def test_a_plain_client_gets_the_same_answers_as_with_apps_off(
    sandbox: Sandbox, tool: str, arguments: dict[str, Any]
) -> None:
    """Binding the view changes no answer: text and structured content are as with --no-apps."""
    factory = sandbox_client_factory(sandbox)
    answers = []
    for options in (ServerOptions(toolsets=["all"]), ServerOptions(toolsets=["all"], no_apps=True)):
        async with Client(create_server(factory, options)) as plain:
            answers.append(await plain.call_tool(tool, arguments))
    with_apps, without = answers
    assert not with_apps.is_error
    assert with_apps.content == without.content
    assert with_apps.structured_content == without.structured_content


# In the browser, as a person sees it.


def _at_a_glance(person: str | None) -> str:
    """An assignee as the queue shows one: the name of "Name <email>", an email's name part."""
    if not person:
        return "unassigned"
    named = re.fullmatch(r"(.+?)\s*<[^>]*>", person)
    return named[1] if named else person.split("@")[0]


def _rows(view: Any) -> Any:
    return view.get_by_role("table", name="Cases").locator("tbody tr:not(.group)")


async def _see_keys(view: Any, keys: list[str]) -> None:
    from playwright.async_api import expect

    await expect(_rows(view).locator("th button")).to_have_text(keys)


async def test_the_rows_are_the_cases_the_search_found_in_its_order(show: Show) -> None:
    """Each case of the answer is a row, in the answer's order, with its title, status,
    priority chip and assignee, and the count says how many of all are shown."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 5}
    answer = await _answer(show.client, "search_cases", arguments)
    view = await show("search_cases", arguments)
    await _see_keys(view, [case["key"] for case in answer["cases"]])
    rows, cases = _rows(view), answer["cases"]
    await expect(rows.locator("td:nth-child(2)")).to_have_text([c["title"] for c in cases])
    await expect(rows.locator("td:nth-child(3)")).to_have_text([c["status"] for c in cases])
    priorities = [c["priority"] if c["priority"] in RANKS else "none" for c in cases]
    await expect(rows.locator("td:nth-child(4)")).to_have_text(priorities)
    assignees = [_at_a_glance(c.get("assignee")) for c in cases]
    await expect(rows.locator("td:nth-child(5)")).to_have_text(assignees)
    assert "unassigned" in assignees
    assert set(priorities) - {"none"}
    await expect(rows.locator(".chip[data-priority]")).to_have_text(
        [p for p in priorities if p != "none"]
    )
    await expect(view.get_by_role("status")).to_contain_text(
        f"Showing 1\u20135 of {answer['total']} cases."
    )
    await expect(view.get_by_role("button", name="Next page")).to_be_visible()
    await expect(view.get_by_role("button", name="Previous page")).to_be_hidden()


async def test_sorting_by_urgency_asks_the_server_and_puts_p1_first(show: Show) -> None:
    """Choosing 'Most urgent first' calls search_cases again with its own sort arguments
    from page 1, and shows the server's order: P1 cases first."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 5, "page": 2}
    view = await show("search_cases", arguments)
    await view.get_by_label("Sort by").focus()
    await view.get_by_label("Sort by").select_option(label="Most urgent first")
    asked = {**arguments, "sort": "priority", "ascending": False, "page": 1}
    expected = await _keys(show.client, "search_cases", asked)
    await _see_keys(view, expected)
    assert show.calls == [("search_cases", asked)]
    await expect(_rows(view).first.locator(".chip[data-priority]")).to_have_text("P1")
    await expect(view.get_by_label("Sort by")).to_be_focused()


async def test_an_order_of_the_calls_own_is_offered_as_asked(show: Show) -> None:
    """A call sorted in an order the menu does not name (oldest first) shows 'As asked'
    selected, not a sort that is not the one shown."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 3, "ascending": True}
    view = await show("search_cases", arguments)
    await _see_keys(view, await _keys(show.client, "search_cases", arguments))
    sort = view.get_by_label("Sort by")
    await expect(sort).to_have_value("asked")
    await expect(sort.locator("option:checked")).to_have_text("As asked")


async def test_grouping_by_status_shows_a_heading_per_status_with_its_count(show: Show) -> None:
    """Group by status: a heading row per status saying how many of the page's cases it
    holds, with those cases under it; no call to the server."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 100}
    cases = (await _answer(show.client, "search_cases", arguments))["cases"]
    view = await show("search_cases", arguments)
    await view.get_by_label("Group by").select_option(label="Status")
    counts: dict[str, int] = {}
    for case in cases:
        counts[case["status"]] = counts.get(case["status"], 0) + 1
    headings = view.get_by_role("rowheader").filter(has_text=re.compile(r"\(\d+\)$"))
    await expect(headings).to_have_text([f"{s} ({n})" for s, n in counts.items()])
    for status, count in counts.items():
        group = view.locator("tbody").filter(has=view.get_by_text(f"{status} ({count})"))
        await expect(group.locator(".chip:not([data-priority])")).to_have_text([status] * count)
    assert show.calls == []


async def test_priority_groups_read_most_urgent_first_whatever_the_sort(show: Show) -> None:
    """Grouped by priority, newest first: the groups go P1 to P5, cases without one last."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 100}
    cases = (await _answer(show.client, "search_cases", arguments))["cases"]
    view = await show("search_cases", arguments)
    await view.get_by_label("Group by").select_option(label="Priority")
    labels = {c["priority"] if c["priority"] in RANKS else "No priority" for c in cases}
    in_order = sorted(labels, key=lambda label: RANKS.get(label, 6))
    assert in_order[0] == "P1"
    assert in_order[-1] == "No priority"
    headings = view.get_by_role("rowheader").filter(has_text=re.compile(r"\(\d+\)$"))
    await expect(headings).to_have_text([re.compile(rf"^{label} \(") for label in in_order])


async def test_pages_turn_with_the_tools_paging_arguments(show: Show) -> None:
    """Next page asks for page 2 with the same arguments and shows it; Previous page returns."""
    from playwright.async_api import expect

    arguments = {"project": "SEC", "page_size": 4}
    second = await _keys(show.client, "search_cases", {**arguments, "page": 2})
    first = await _keys(show.client, "search_cases", arguments)
    view = await show("search_cases", arguments)
    await view.get_by_role("button", name="Next page").click()
    await _see_keys(view, second)
    await expect(view.get_by_role("status")).to_contain_text("Showing 5\u20138 of")
    await view.get_by_role("button", name="Previous page").click()
    await _see_keys(view, first)
    await expect(view.get_by_role("button", name="Next page")).to_be_focused()
    assert show.calls == [
        ("search_cases", {**arguments, "page": 2}),
        ("search_cases", {**arguments, "page": 1}),
    ]


async def test_opening_a_case_shows_it_and_back_restores_the_queue(show: Show) -> None:
    """A row's key opens the case (get_case with its timeline) in the case view; 'Back to the
    queue' shows the queue as it was, sorted and grouped, the case's key focused."""
    from playwright.async_api import expect

    await show.client.call_tool("add_case_comment", {"case_id": "SEC-2", "comment": "Seen."})
    case = await _answer(show.client, "get_case", {"case_id": "SEC-2", "timeline": 10})
    view = await show("search_cases", {"project": "SEC", "page_size": 100})
    await view.get_by_label("Sort by").select_option(label="Most urgent first")
    await view.get_by_label("Group by").select_option(label="Priority")
    await expect(view.get_by_role("rowheader", name="P1 (", exact=False)).to_be_visible()
    await view.get_by_role("button", name="SEC-2", exact=True).click()

    await expect(view.get_by_role("heading", level=1)).to_have_text(case["title"])
    entries = view.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    await expect(entries).to_have_count(len(case["timeline"]))
    await expect(entries.first).to_contain_text("Seen.")
    await expect(view.get_by_role("table")).to_have_count(0)
    assert ("get_case", {"case_id": "SEC-2", "timeline": 10}) in show.calls

    await view.get_by_role("button", name="Back to the queue").click()
    await expect(view.get_by_role("button", name="SEC-2", exact=True)).to_be_focused()
    await expect(view.get_by_label("Sort by")).to_have_value("urgent")
    await expect(view.get_by_label("Group by")).to_have_value("priority")
    await expect(view.get_by_role("button", name="Back to the queue")).to_be_hidden()


async def test_a_case_closed_where_it_was_opened_shows_closed_back_in_the_queue(
    show: Show,
) -> None:
    """The opened case has the case view's actions: closing it there reaches the sandbox,
    and back in the queue its row says Closed."""
    from playwright.async_api import expect

    found = await _answer(show.client, "search_cases", {"project": "SEC", "status": "open"})
    key = found["cases"][0]["key"]
    view = await show("search_cases", {"query": f"key:{key}"})
    await expect(_rows(view).locator("td:nth-child(3)")).not_to_have_text(["Closed"])
    await view.get_by_role("button", name=key, exact=True).click()
    await view.get_by_role("button", name="Close case").click()
    await expect(view.get_by_role("status")).to_contain_text("Closed")
    case = await _answer(show.client, "get_case", {"case_id": key})
    assert case["status"] == "Closed"

    await view.get_by_role("button", name="Back to the queue").click()
    await expect(_rows(view).locator("td:nth-child(3)")).to_have_text(["Closed"])
    await expect(view.get_by_role("button", name=key, exact=True)).to_be_focused()


async def test_a_case_opens_from_the_keyboard(show: Show) -> None:
    """The key is a real button: focused and activated with Enter, it opens the case."""
    from playwright.async_api import expect

    view = await show("search_cases", {"query": "key:SEC-1"})
    await view.get_by_role("button", name="SEC-1", exact=True).focus()
    await show.page.keyboard.press("Enter")
    await expect(view.get_by_role("button", name="Back to the queue")).to_be_focused()
    await expect(view.locator(".key")).to_have_text(["SEC-1"])


async def test_a_hostile_title_shows_as_the_characters_it_is(show: Show) -> None:
    """A title holding an <img onerror> is shown as written in the row, and nothing of it
    runs or becomes an element."""
    from playwright.async_api import expect

    changed = await show.client.call_tool(
        "update_case_title", {"case_id": "SEC-1", "title": HOSTILE}
    )
    assert not changed.is_error
    view = await show("search_cases", {"query": "key:SEC-1"})
    await expect(_rows(view).get_by_role("cell").first).to_have_text(HOSTILE)
    await expect(view.locator("img")).to_have_count(0)
    assert await show.page.title() == "Test host"


async def test_an_empty_result_says_so(show: Show) -> None:
    """No match: the view says in words that nothing matched, and shows no table."""
    from playwright.async_api import expect

    view = await show("search_cases", {"query": "no-such-words-anywhere"})
    await expect(view.get_by_role("status")).to_have_text("No cases match this search.")
    await expect(view.get_by_role("table")).to_have_count(0)


async def test_an_error_answer_is_shown_in_words(show: Show) -> None:
    """A search of a project that does not exist shows the tool's own message, as an alert."""
    from playwright.async_api import expect

    view = await show("search_cases", {"project": "NOPE"})
    await expect(view.get_by_role("alert")).to_contain_text("project")
    await expect(view.get_by_role("table")).to_have_count(0)


async def test_a_saved_view_shows_its_cases_and_sorts_them_in_the_view(show: Show) -> None:
    """list_cases_in_view's answer: the view's name, its cases; a sort reorders them without
    calling the tool, which has no sort of its own."""
    from playwright.async_api import expect

    made = await _answer(
        show.client,
        "create_case_view",
        {"project": "SEC", "name": "Not closed", "query": "-status_group:closed"},
    )
    arguments = {"view_id": made["id"]}
    cases = (await _answer(show.client, "list_cases_in_view", arguments))["cases"]
    view = await show("list_cases_in_view", arguments)
    await expect(view.get_by_role("heading", level=1)).to_have_text("View: Not closed")
    await _see_keys(view, [case["key"] for case in cases])
    await view.get_by_label("Sort by").select_option(label="Most urgent first")
    # The answer is newest first, and a stable sort keeps that order within a priority.
    urgent = sorted(cases, key=lambda case: RANKS.get(case["priority"], 6))
    assert urgent != cases
    await _see_keys(view, [case["key"] for case in urgent])
    assert show.calls == []


async def test_a_saved_views_page_says_it_is_sorted_within_itself(show: Show) -> None:
    """When a view's cases fill more than one page, a sort says it orders this page only, and
    Next page asks list_cases_in_view for the next one."""
    from playwright.async_api import expect

    made = await _answer(
        show.client,
        "create_case_view",
        {"project": "SEC", "name": "Not closed", "query": "-status_group:closed"},
    )
    arguments = {"view_id": made["id"], "page_size": 2}
    view = await show("list_cases_in_view", arguments)
    await view.get_by_label("Sort by").select_option(label="Most urgent first")
    await expect(view.get_by_role("status")).to_contain_text("Sorted within this page.")
    await view.get_by_role("button", name="Next page").click()
    second = await _keys(show.client, "list_cases_in_view", {**arguments, "page": 2})
    await expect(_rows(view).locator("th button")).to_have_count(len(second))
    assert show.calls == [("list_cases_in_view", {**arguments, "page": 2})]


async def test_the_queue_follows_the_dark_theme(show_with: ShowWith) -> None:
    """In the host's dark theme the page and its buttons are dark."""
    from playwright.async_api import expect

    show = await show_with(theme="dark")
    view = await show("search_cases", {"project": "SEC", "page_size": 3})
    await expect(view.locator("body")).to_have_css("background-color", "rgb(13, 17, 23)")
    await expect(view.get_by_role("button", name="Next page")).to_have_css(
        "background-color", "rgb(21, 27, 35)"
    )
