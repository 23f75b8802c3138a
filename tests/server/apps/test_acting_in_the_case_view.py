"""Acting from the case view in a real browser: a person's click calls the same tool a model
would, through the host, so every guardrail holds; the view says the outcome in words and
shows the case as the server now holds it; older timeline entries come a page at a time."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from mcp import Client

from case_mcp.config import ServerOptions
from guarded import connected, ok, state_of
from view_host import Show, ShowWith

pytestmark = pytest.mark.anyio

OPEN_CASE = "SEC-12"  # a Security case, Open, assigned, in the demo organisation
MAYA = "maya.chen@demo-org.example"


async def _case(client: Client, key: str, timeline: int = 0) -> dict[str, Any]:
    return await ok(client, "get_case", {"case_id": key, "timeline": timeline})


async def test_closing_a_case_in_the_view_closes_it_on_the_server(show: Show) -> None:
    """Close case calls update_case_status as a model would, says so, and shows it closed."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": OPEN_CASE, "timeline": 3})
    await view.get_by_role("button", name="Close case").click()

    await expect(view.get_by_role("status")).to_have_text("Status is now Closed.")
    await expect(view.locator(".chip").first).to_have_text("Closed")
    await expect(view.get_by_role("button", name="Reopen case")).to_be_visible()
    assert (await _case(show.client, OPEN_CASE))["status"] == "Closed"
    acted = [call for call in show.calls if call[0] != "list_case_statuses"]
    assert acted == [
        ("update_case_status", {"case_id": OPEN_CASE, "status": "CLOSED"}),
        ("get_case", {"case_id": OPEN_CASE, "timeline": 3}),
    ]


async def test_the_controls_wait_while_a_call_runs(show: Show) -> None:
    """From the click until the answer, the controls are disabled, so a second click cannot
    send a second change; afterwards they are usable again."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": OPEN_CASE})
    close = view.get_by_role("button", name="Close case")
    await expect(close).to_be_visible()
    # The click's handler runs at once, up to its call to the host: check right after it.
    waiting = await close.evaluate(
        "(node) => { node.click(); return node.closest('fieldset').disabled; }"
    )
    assert waiting is True

    await expect(view.get_by_role("status")).to_have_text("Status is now Closed.")
    await expect(view.get_by_role("button", name="Reopen case")).to_be_enabled()
    await expect(view.get_by_label("Comment")).to_be_editable()


async def test_a_read_only_server_refuses_the_click_in_words_and_nothing_changes(
    show_with: ShowWith,
) -> None:
    """On a read-only server Close case is refused in the server's words, shown as an alert,
    and the case stays as it was."""
    from playwright.async_api import expect

    show = await show_with(ServerOptions(read_only=True))
    view = await show("get_case", {"case_id": OPEN_CASE})
    before = state_of(show.sandbox)
    await view.get_by_role("button", name="Close case").click()

    await expect(view.get_by_role("alert")).to_contain_text(
        "This server is read-only (the operator started it with --read-only): "
        "update_case_status changes data and is refused. Nothing was changed."
    )
    await expect(view.locator(".chip").first).to_have_text("Open")
    assert state_of(show.sandbox) == before


async def test_a_case_moved_out_of_the_project_scope_cannot_be_changed_from_the_view(
    show_with: ShowWith,
) -> None:
    """With --projects SEC, a case moved to OPS while shown is not found when a person acts on
    it: the view says so, and the case is not changed."""
    from playwright.async_api import expect

    show = await show_with(ServerOptions(projects=["SEC"]))
    view = await show("get_case", {"case_id": OPEN_CASE})
    async with connected(show.sandbox) as model:
        moved = await ok(model, "move_case_to_project", {"case_id": OPEN_CASE, "project": "OPS"})
        await view.get_by_role("button", name="Close case").click()

        await expect(view.get_by_role("alert")).to_contain_text(f"'{OPEN_CASE}' was not found")
        assert (await _case(model, moved["key"]))["status"] == "Open"


async def test_a_comment_typed_in_the_view_appears_at_the_top_of_the_timeline(
    show: Show,
) -> None:
    """Add comment posts the text as written; the timeline, read again, starts with it."""
    from playwright.async_api import expect

    text = "Checked the DMARC reports: <b>all</b> from one ASN."
    view = await show("get_case", {"case_id": OPEN_CASE, "timeline": 3})
    await view.get_by_label("Comment").fill(text)
    await view.get_by_role("button", name="Add comment").click()

    await expect(view.get_by_role("status")).to_have_text("Comment added.")
    entries = view.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    await expect(entries).to_have_count(3)
    await expect(entries.first).to_contain_text(text)
    await expect(view.get_by_label("Comment")).to_have_value("")
    latest = (await _case(show.client, OPEN_CASE, timeline=1))["timeline"][0]
    assert latest["message"] == text


async def test_a_refused_comment_keeps_what_the_person_wrote(show_with: ShowWith) -> None:
    """When a comment is refused, the view says why and the text stays in the box to retry."""
    from playwright.async_api import expect

    show = await show_with(ServerOptions(read_only=True))
    view = await show("get_case", {"case_id": OPEN_CASE})
    await view.get_by_label("Comment").fill("Blocked the sender at the gateway.")
    await view.get_by_role("button", name="Add comment").click()

    await expect(view.get_by_role("alert")).to_contain_text("add_case_comment")
    await expect(view.get_by_label("Comment")).to_have_value("Blocked the sender at the gateway.")


async def test_a_person_assigns_the_case_then_unassigns_it(show: Show) -> None:
    """Assign takes an email and shows the new assignee; Unassign leaves the case unassigned."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": OPEN_CASE})
    await view.get_by_label("Assign to").fill(MAYA)
    await view.get_by_role("button", name="Assign", exact=True).click()

    await expect(view.get_by_role("status")).to_contain_text("Assigned to")
    await expect(view.locator("dd").first).to_contain_text(MAYA)
    assert MAYA in (await _case(show.client, OPEN_CASE))["assignee"]

    await view.get_by_role("button", name="Unassign").click()
    await expect(view.get_by_role("status")).to_have_text("The case is unassigned.")
    await expect(view.locator("dd").first).to_have_text("unassigned")
    assert "assignee" not in await _case(show.client, OPEN_CASE)


async def test_a_person_sets_the_priority(show: Show) -> None:
    """Choosing P1 and Set priority changes the case's priority, and its chip says P1."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": OPEN_CASE})
    await view.get_by_label("Priority").select_option("P1")
    await view.get_by_role("button", name="Set priority").click()

    await expect(view.get_by_role("status")).to_have_text("Priority is now P1.")
    await expect(view.locator(".chip[data-priority]")).to_have_text("P1")
    assert (await _case(show.client, OPEN_CASE))["priority"] == "P1"


async def test_a_case_type_with_its_own_statuses_offers_them(show: Show) -> None:
    """A Change Request's status control lists its own statuses, from list_case_statuses,
    and moves the case to the one chosen."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": "OPS-27"})
    status = view.get_by_label("Status name")
    await expect(status.locator("option")).to_have_text(
        [
            "Open",
            "Pending Approval",
            "Approved",
            "Implementing",
            "Completed",
            "Cancelled",
            "Declined",
        ]
    )
    await expect(status).to_have_value("Approved")
    await status.select_option("Implementing")
    await view.get_by_role("button", name="Set status").click()

    await expect(view.get_by_role("status")).to_have_text("Status is now Implementing.")
    assert (await _case(show.client, "OPS-27"))["status"] == "Implementing"
    assert show.calls[0] == ("list_case_statuses", {"case_id": "OPS-27"})


async def test_older_entries_come_a_page_at_a_time_in_order_until_there_are_none(
    show: Show,
) -> None:
    """Older entries appends each next page under the latest, so the list is the whole
    timeline newest first, each entry once; then the button goes and the view says so."""
    from playwright.async_api import expect

    whole = await ok(show.client, "get_case_timeline", {"case_id": "SEC-1", "page_size": 100})
    expected = [_headline(entry) for entry in whole["entries"]]
    assert len(expected) > 4
    view = await show("get_case", {"case_id": "SEC-1", "timeline": 2})
    entries = view.get_by_role("list", name="Timeline, newest first").get_by_role("listitem")
    await expect(entries).to_have_count(2)

    older = view.get_by_role("button", name="Older entries")
    for shown in range(2, len(expected) + 1, 2):
        await older.click()
        await expect(entries).to_have_count(min(shown + 2, len(expected)))
        if shown + 2 > len(expected):
            break
    await expect(view.get_by_text("No older entries.")).to_be_visible()
    await expect(older).to_have_count(0)
    await expect(entries.locator(".what")).to_have_text(expected)
    paged = [arguments for tool, arguments in show.calls if tool == "get_case_timeline"]
    assert paged == [
        {"case_id": "SEC-1", "page": page, "page_size": 2} for page in range(2, len(paged) + 2)
    ]


def _headline(entry: dict[str, Any]) -> str:
    """An entry's first line in the view: what happened, and by whom."""
    what = entry["type"].replace("_", " ").lower()
    return f"{what} by {entry['author']}" if entry.get("author") else what


async def test_the_keyboard_reaches_the_controls_and_presses_them(show: Show) -> None:
    """Tab reaches Close case and Enter presses it; focus comes back to the status control,
    where Space reopens the case."""
    from playwright.async_api import expect

    view = await show("get_case", {"case_id": OPEN_CASE})
    close = view.get_by_role("button", name="Close case")
    await expect(close).to_be_visible()
    await view.locator("body").focus()
    for _ in range(10):
        await show.page.keyboard.press("Tab")
        if await close.evaluate("(node) => node === document.activeElement"):
            break
    await expect(close).to_be_focused()
    await show.page.keyboard.press("Enter")

    reopen = view.get_by_role("button", name="Reopen case")
    await expect(reopen).to_be_focused()
    await show.page.keyboard.press(" ")
    await expect(view.get_by_role("status")).to_have_text("Status is now Open.")
    assert (await _case(show.client, OPEN_CASE))["status"] == "Open"


async def test_the_audit_log_records_a_persons_click_as_it_records_a_models_call(
    show_with: ShowWith, tmp_path: Path
) -> None:
    """A close from the view and the same close by a model are the same audit record."""
    from playwright.async_api import expect

    log = tmp_path / "audit.jsonl"
    show = await show_with(ServerOptions(audit_log=log))
    view = await show("get_case", {"case_id": OPEN_CASE})
    await view.get_by_role("button", name="Close case").click()
    await expect(view.get_by_role("status")).to_have_text("Status is now Closed.")
    await ok(show.client, "update_case_status", {"case_id": OPEN_CASE, "status": "OPEN"})
    await ok(show.client, "update_case_status", {"case_id": OPEN_CASE, "status": "CLOSED"})

    clicked, _, called = [json.loads(line) for line in log.read_text().splitlines()]
    assert clicked["tool"] == "update_case_status"
    assert clicked["outcome"] == "ok"
    assert {**clicked, "time": None} == {**called, "time": None}
