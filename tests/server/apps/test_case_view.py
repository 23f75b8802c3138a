"""The case view in a real browser: a person sees the case get_case read, its timeline in order,
case text as text whatever it holds, in the host's theme."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from view_host import Show

pytestmark = pytest.mark.anyio

HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


async def _case(client: Client, key: str, timeline: int = 0) -> dict[str, Any]:
    answer = await client.call_tool("get_case", {"case_id": key, "timeline": timeline})
    assert not answer.is_error
    case: dict[str, Any] | None = answer.structured_content
    assert case is not None
    return case


async def test_a_person_sees_the_case_title_status_and_priority(show: Show) -> None:
    """The view shows the key, the title as the heading, and status and priority chips."""
    from playwright.async_api import expect

    case = await _case(show.client, "SEC-1")
    view = await show("get_case", {"case_id": "SEC-1"})
    await expect(view.locator(".key")).to_have_text("SEC-1")
    await expect(view.get_by_role("heading", level=1)).to_have_text(case["title"])
    await expect(view.locator(".chip").first).to_have_text(case["status"])
    await expect(view.locator(".chip[data-priority]")).to_have_text(case["priority"])


async def test_the_timeline_shows_the_latest_entries_newest_first(show: Show) -> None:
    """Each entry of the answer's timeline is a list item, in the answer's order."""
    from playwright.async_api import expect

    await show.client.call_tool(
        "add_case_comment", {"case_id": "SEC-1", "comment": "First look: the WAF blocked it."}
    )
    await show.client.call_tool(
        "add_case_comment", {"case_id": "SEC-1", "comment": "Second look: rotate the key."}
    )
    timeline = (await _case(show.client, "SEC-1", timeline=5))["timeline"]
    view = await show("get_case", {"case_id": "SEC-1", "timeline": 5})
    entries = view.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    await expect(entries).to_have_count(len(timeline))
    await expect(entries.nth(0)).to_contain_text("Second look: rotate the key.")
    await expect(entries.nth(1)).to_contain_text("First look: the WAF blocked it.")


async def test_a_change_reads_as_the_field_from_one_value_to_the_other(show: Show) -> None:
    """A priority change in the timeline reads "priority: P3 → P1", not as raw fields."""
    from playwright.async_api import expect

    before = (await _case(show.client, "SEC-3"))["priority"]
    await show.client.call_tool("update_case_priority", {"case_id": "SEC-3", "priority": "P1"})
    view = await show("get_case", {"case_id": "SEC-3", "timeline": 1})
    entry = view.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    await expect(entry.locator(".text")).to_have_text(f"priority: {before} → P1")


async def test_a_hostile_title_shows_as_the_characters_it_is(show: Show) -> None:
    """Case text is never markup: a title holding an <img onerror> is shown as written, and
    nothing of it runs or becomes an element."""
    from playwright.async_api import expect

    changed = await show.client.call_tool(
        "update_case_title", {"case_id": "SEC-1", "title": HOSTILE}
    )
    assert not changed.is_error
    view = await show("get_case", {"case_id": "SEC-1"})
    await expect(view.get_by_role("heading", level=1)).to_have_text(HOSTILE)
    await expect(view.locator("img")).to_have_count(0)
    assert await show.page.title() == "Test host"


async def test_an_error_answer_is_shown_in_words(show: Show) -> None:
    """A case that does not exist shows the tool's own message, as an alert."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": "SEC-9999"})
    await expect(view.get_by_role("alert")).to_contain_text("SEC-9999")


async def test_the_view_follows_the_hosts_theme(show: Show) -> None:
    """The host's dark theme darkens the page; a change of theme while shown is followed."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": "SEC-1"})
    dark, light = "rgb(13, 17, 23)", "rgb(255, 255, 255)"
    body = view.locator("body")
    await expect(body).to_have_css("background-color", light)
    await show.change_theme("dark")
    await expect(body).to_have_css("background-color", dark)
    await show.change_theme("light")
    await expect(body).to_have_css("background-color", light)


async def test_the_host_sizes_the_frame_to_the_case(show: Show) -> None:
    """The view reports its height, so the host shows it whole rather than in a small box."""
    view = await show("get_case", {"case_id": "SEC-1", "timeline": 10})
    height = await view.locator("html").evaluate("(node) => node.getBoundingClientRect().height")
    frame = await show.page.locator("iframe#view").bounding_box()
    assert frame is not None
    assert height > 200
    assert frame["height"] >= height
