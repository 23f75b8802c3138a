"""The preview view: every confirmed delete and bulk_update_cases name it; in a browser a person
sees what a delete or bulk change destroys or changes, and, when the operator chose
confirmation tokens, approves exactly that with a click that repeats the call with the token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.server.apps import APP_MIME_TYPE

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import ok, shows_apps
from view_host import Show, ShowWith

pytestmark = pytest.mark.anyio

PREVIEW_VIEW = "ui://case-mcp/preview.html"
TOKENS = ServerOptions(confirm_mode="token", toolsets=["all"])
HOSTILE = "<img src=x onerror=\"document.title='pwned'\">"


@pytest.fixture(params=("auto", "legacy"))
async def host(request: pytest.FixtureRequest, sandbox: Sandbox) -> AsyncIterator[Client]:
    """A client that renders MCP Apps, of one protocol era, on a server with every toolset."""
    server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["all"]))
    async with Client(server, mode=request.param, extensions=shows_apps()) as client:
        yield client


async def test_every_confirmed_delete_and_the_bulk_change_name_the_preview(host: Client) -> None:
    """The eleven deleting tools and bulk_update_cases, and only they, name the preview view,
    which is listed as an MCP App."""
    tools = (await host.list_tools()).tools
    named = {
        tool.name for tool in tools if (tool.meta or {}).get("ui") == {"resourceUri": PREVIEW_VIEW}
    }
    deleting = {
        tool.name for tool in tools if tool.annotations and tool.annotations.destructive_hint
    }
    assert len(deleting) == 11
    assert named == deleting | {"bulk_update_cases"}
    listed = {str(r.uri): r for r in (await host.list_resources()).resources}
    assert listed[PREVIEW_VIEW].mime_type == APP_MIME_TYPE


async def test_a_plain_client_is_answered_as_by_a_server_without_apps(sandbox: Sandbox) -> None:
    """A client without the extension gets a delete's refusal exactly as with apps off."""
    factory = sandbox_client_factory(sandbox)
    answers = []
    for options in (ServerOptions(toolsets=["all"]), ServerOptions(toolsets=["all"], no_apps=True)):
        async with Client(create_server(factory, options)) as plain:
            answers.append(await plain.call_tool("delete_project", {"project": "ET"}))
    with_apps, without = answers
    assert with_apps.content == without.content
    assert with_apps.structured_content == without.structured_content
    assert with_apps.structured_content is not None
    assert with_apps.structured_content["deleted"] is False


# In the browser --------------------------------------------------------------------------


async def _keep_answers(show: Show) -> None:
    """Has the host page keep every answer it is given, as a host keeps a conversation's."""
    await show.page.evaluate(
        """() => {
          const serve = window.serve;
          window.answers = [];
          window.serve = async (...request) => {
            const answer = await serve(...request);
            window.answers.push(answer);
            return answer;
          };
        }"""
    )


async def _show_again_the_first_answer(show: Show) -> None:
    """Sends the view the first answer again, as a host does when it shows a conversation anew."""
    await show.page.evaluate(
        """() => frame.contentWindow.postMessage({ jsonrpc: "2.0",
          method: "ui/notifications/tool-result", params: window.answers[0].result }, "*")"""
    )


async def _ops_cases(client: Client, count: int) -> list[dict[str, Any]]:
    found = await ok(client, "search_cases", {"query": "project:OPS", "page_size": count})
    cases: list[dict[str, Any]] = found["cases"]
    assert len(cases) == count
    return cases


async def test_a_large_bulk_change_shows_every_case_and_applies_once_approved(
    show_with: ShowWith,
) -> None:
    """Past --bulk-confirm-over, the preview lists every case with its priority now and after;
    "Approve and apply" repeats the call with its token, and the change is made."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    cases = await _ops_cases(show.client, TOKENS.bulk_confirm_over + 1)
    keys = [case["key"] for case in cases]
    arguments = {"change": "priority", "cases": keys, "value": "P1"}
    view = await show("bulk_update_cases", arguments)

    await expect(view.get_by_role("heading", level=1)).to_have_text(
        "Will be changed once you approve"
    )
    table = view.get_by_role("table", name=f"Change: priority to P1 ({len(cases)} cases)")
    await expect(table.get_by_role("rowheader")).to_have_text(keys)
    await expect(table.locator("tbody td:nth-child(2)")).to_have_text([c["title"] for c in cases])
    await expect(table.locator("tbody td.change")).to_have_text(
        [f"{c['priority']} \u2192 P1" for c in cases]
    )
    await expect(table.get_by_role("columnheader").last).to_have_text("Now \u2192 after")
    for case in cases:
        now = await ok(show.client, "get_case", {"case_id": case["key"]})
        assert now["priority"] == case["priority"]
    approve = view.get_by_role("button", name="Approve and apply")
    await expect(view.get_by_text(re.compile(r"^This approval expires at "))).to_be_visible()
    await approve.click()

    await expect(view.get_by_role("heading", level=1)).to_have_text("Changed")
    await expect(view.get_by_role("button")).to_have_count(0)
    await expect(view.get_by_role("columnheader").last).to_have_text("Before \u2192 after")
    ((tool, sent),) = show.calls
    assert tool == "bulk_update_cases"
    assert {
        name: value for name, value in sent.items() if name != "confirmation_token"
    } == arguments
    assert sent["confirmation_token"]
    for key in keys:
        assert (await ok(show.client, "get_case", {"case_id": key}))["priority"] == "P1"


async def test_an_approval_already_used_is_refused_in_words(show_with: ShowWith) -> None:
    """Shown again (a host reloading the conversation), the spent approval is refused: the
    view says the change was not made again, and why."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    await _keep_answers(show)
    cases = await _ops_cases(show.client, TOKENS.bulk_confirm_over + 1)
    arguments = {"change": "archive", "cases": [c["key"] for c in cases]}
    view = await show("bulk_update_cases", arguments)
    await expect(view.locator("tbody td.change").first).to_have_text("not archived \u2192 archived")
    await view.get_by_role("button", name="Approve and apply").click()
    await expect(view.get_by_role("heading", level=1)).to_have_text("Changed")

    await _show_again_the_first_answer(show)
    await view.get_by_role("button", name="Approve and apply").click()
    await expect(view.get_by_role("heading", level=1)).to_have_text("Not changed")
    await expect(view.locator(".message")).to_contain_text(
        "the confirmation_token was already used; each token works once"
    )
    assert len(show.calls) == 2
    assert show.calls[0] == show.calls[1]


async def test_a_project_preview_shows_the_cases_lost_and_approving_deletes_it(
    show_with: ShowWith,
) -> None:
    """A project's preview names it and counts its cases, all lost; "Approve and delete"
    deletes it."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    held = (await ok(show.client, "search_cases", {"query": "project:ET archived:any"}))["total"]
    view = await show("delete_project", {"project": "ET"})
    await expect(view.get_by_role("heading", level=1)).to_have_text(
        "Will be deleted once you approve"
    )
    # The person reads what approving means, not the model's instructions about the token.
    await expect(view.locator(".message")).to_have_text(re.compile("^Nothing is deleted until"))
    await expect(view.locator(".message")).not_to_contain_text("confirmation_token")
    await expect(view.locator("dd")).to_have_text(["ET", "Error Tracking", f"{held} cases"])
    await expect(view.get_by_text(f"Its {held} cases go with it, for good.")).to_be_visible()

    await view.get_by_role("button", name="Approve and delete").click()
    await expect(view.get_by_role("heading", level=1)).to_have_text("Deleted")
    await expect(view.locator(".message")).not_to_be_empty()
    projects = await ok(show.client, "list_projects", {})
    assert "ET" not in {project["key"] for project in projects["projects"]}


async def test_a_target_changed_since_the_preview_is_not_deleted(show_with: ShowWith) -> None:
    """The approval covers the project as shown: a case filed in it meanwhile makes the click
    a refusal, said in words, and the project stays."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    view = await show("delete_project", {"project": "ET"})
    await ok(show.client, "create_case", {"title": "Filed meanwhile", "project": "ET"})
    await view.get_by_role("button", name="Approve and delete").click()
    await expect(view.get_by_role("heading", level=1)).to_have_text("Not deleted")
    await expect(view.locator(".message")).to_contain_text("it changed since")
    projects = await ok(show.client, "list_projects", {})
    assert "ET" in {project["key"] for project in projects["projects"]}


async def test_a_hostile_comment_shows_as_its_text(show_with: ShowWith) -> None:
    """A comment holding markup is shown as the characters it is (its first line, as the
    model's preview has it), with its author and date; nothing of it runs or becomes an
    element."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    text = f"{HOSTILE}\nsecond line"
    posted = await ok(show.client, "add_case_comment", {"case_id": "SEC-1", "comment": text})
    view = await show("delete_case_comment", {"case_id": "SEC-1", "comment_id": posted["id"]})
    await expect(view.get_by_label("Comment text")).to_have_text(HOSTILE)
    await expect(view.locator("dt")).to_have_text(["Case", "Author", "Posted"])
    await expect(view.locator("img")).to_have_count(0)
    assert await show.page.title() == "Test host"


async def test_without_a_token_there_is_nothing_to_approve(show: Show) -> None:
    """Where deletes are confirmed through the host's own prompt (elicitation), a client that
    cannot ask gets a refusal: the view says it was not deleted and offers no button."""
    from playwright.async_api import expect

    view = await show("delete_project", {"project": "ET"})
    await expect(view.get_by_role("heading", level=1)).to_have_text("Not deleted")
    await expect(view.locator(".message")).to_contain_text("The project ET was not deleted")
    await expect(view.get_by_role("button")).to_have_count(0)


async def test_another_delete_shows_its_preview_as_named_fields(show_with: ShowWith) -> None:
    """A view's delete lists what it destroys, field by field."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    made = await ok(
        show.client,
        "create_case_view",
        {"name": "Hot P1s", "project": "SEC", "query": "priority:P1"},
    )
    view = await show("delete_case_view", {"view_id": made["id"]})
    await expect(view.locator("dt")).to_have_text(["Id", "Name", "Project", "Query"])
    await expect(view.locator("dd")).to_have_text([made["id"], "Hot P1s", "SEC", "priority:P1"])
    await expect(view.get_by_role("button", name="Approve and delete")).to_be_visible()


async def test_a_delete_of_something_missing_is_an_alert(show_with: ShowWith) -> None:
    """A project that does not exist is the tool's own message, as an alert."""
    from playwright.async_api import expect

    show = await show_with(TOKENS)
    view = await show("delete_project", {"project": "NOPE"})
    await expect(view.get_by_role("alert")).to_contain_text("NOPE")
