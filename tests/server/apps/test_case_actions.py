"""App-only tools at the protocol level: offered and answered only to clients that show MCP
Apps, in both protocol eras; gone with --no-apps; and list_case_statuses, the first of them,
which the case view's status control asks for a case type's own statuses."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from guarded import ERAS, Era, connected, error_text, ok

pytestmark = pytest.mark.anyio

APP_ONLY = "list_case_statuses"


async def _listed(client: Client) -> dict[str, Any]:
    return {tool.name: tool for tool in (await client.list_tools()).tools}


@pytest.mark.parametrize("era", ERAS)
async def test_a_host_is_offered_the_app_only_tool_marked_for_views_alone(
    sandbox: Sandbox, era: Era
) -> None:
    """A client that shows views lists list_case_statuses with visibility ["app"] and no view."""
    async with connected(sandbox, era=era, apps=True) as host:
        tool = (await _listed(host))[APP_ONLY]
        answer = await host.call_tool(APP_ONLY, {"case_id": "SEC-1"})

    assert tool.meta == {"ui": {"visibility": ["app"]}}
    assert not answer.is_error, answer.content


@pytest.mark.parametrize("era", ERAS)
async def test_a_client_that_shows_no_views_is_neither_offered_nor_answered_the_tool(
    sandbox: Sandbox, era: Era
) -> None:
    """A plain client does not list the app-only tool, and a call of it is refused in words
    that say why and what to do, while every other tool is listed as to a host."""
    async with connected(sandbox, era=era) as plain:
        listed = await _listed(plain)
        answer = await plain.call_tool(APP_ONLY, {"case_id": "SEC-1"})
    async with connected(sandbox, era=era, apps=True) as host:
        hosted = await _listed(host)

    assert APP_ONLY not in listed
    assert set(hosted) - set(listed) == {APP_ONLY}
    assert error_text(answer) == (
        f"The tool {APP_ONLY} serves the views that hosts showing MCP Apps display beside an "
        "answer, and this client did not say it shows them, so it is not offered here. "
        "Nothing was done; tools/list shows the tools this client can call."
    )


@pytest.mark.parametrize("era", ERAS)
async def test_an_unknown_tool_names_only_the_tools_a_model_may_call(
    sandbox: Sandbox, era: Era
) -> None:
    """The list of tools in an unknown tool's refusal leaves the app-only ones out."""
    async with connected(sandbox, era=era) as plain:
        text = error_text(await plain.call_tool("get_cases", {}))

    assert "get_case" in text
    assert APP_ONLY not in text


@pytest.mark.parametrize("era", ERAS)
async def test_with_apps_off_even_a_host_is_not_offered_the_tool_and_is_told_why(
    sandbox: Sandbox, era: Era
) -> None:
    """--no-apps withholds app-only tools from every client, and a call says it was --no-apps."""
    async with connected(sandbox, ServerOptions(no_apps=True), era=era, apps=True) as host:
        listed = await _listed(host)
        answer = await host.call_tool(APP_ONLY, {"case_id": "SEC-1"})

    assert APP_ONLY not in listed
    assert "get_case" in listed
    assert "--no-apps" in error_text(answer)


async def test_read_only_mode_still_offers_the_app_only_read(sandbox: Sandbox) -> None:
    """list_case_statuses only reads, so a read-only server offers it to a host."""
    async with connected(sandbox, ServerOptions(read_only=True), apps=True) as host:
        assert APP_ONLY in await _listed(host)


async def test_a_case_of_a_type_with_its_own_statuses_gets_them_by_group(
    sandbox: Sandbox,
) -> None:
    """A Change Request offers its own statuses, in its order, with the case's status now."""
    async with connected(sandbox, apps=True) as host:
        statuses = await ok(host, APP_ONLY, {"case_id": "OPS-27"})

    assert statuses == {
        "case": "OPS-27",
        "status": "Approved",
        "type": "Change Request",
        "statuses": {
            "open": ["Open"],
            "in_progress": ["Pending Approval", "Approved", "Implementing"],
            "closed": ["Completed", "Cancelled", "Declined"],
        },
    }


async def test_each_status_it_lists_is_one_update_case_status_takes(sandbox: Sandbox) -> None:
    """What the status control offers works: every listed name moves the case to it."""
    async with connected(sandbox, apps=True) as host:
        statuses = await ok(host, APP_ONLY, {"case_id": "OPS-27"})
        for names in statuses["statuses"].values():
            for name in names:
                case = await ok(
                    host, "update_case_status", {"case_id": "OPS-27", "status_name": name}
                )
                assert case["status"] == name


async def test_an_unknown_case_is_not_found_with_the_tool_that_finds_keys(
    sandbox: Sandbox,
) -> None:
    """A case that does not exist is named, with search_cases to find real keys."""
    async with connected(sandbox, apps=True) as host:
        text = error_text(await host.call_tool(APP_ONLY, {"case_id": "OPS-9999"}))

    assert "'OPS-9999' was not found" in text
    assert "search_cases" in text


async def test_a_case_outside_the_project_scope_is_not_found(sandbox: Sandbox) -> None:
    """With --projects SEC, an OPS case's statuses are as unknown as a case that is not there."""
    async with connected(sandbox, ServerOptions(projects=["SEC"]), apps=True) as host:
        text = error_text(await host.call_tool(APP_ONLY, {"case_id": "OPS-27"}))

    assert "'OPS-27' was not found" in text
