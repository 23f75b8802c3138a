"""Read-only mode, toolsets, allow and deny lists: what is listed, and what a call is told."""

from __future__ import annotations

from typing import Any

import pytest

from case_mcp.cli import main
from case_mcp.config import ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server import Toolset, create_server, offered_tools
from case_mcp.server.tools import all_tools
from guarded import ERAS, Era, connected, error_text, state_of, with_every_toolset
from inventory import example_of, examples, names_of

pytestmark = pytest.mark.anyio

READ_TOOLS = names_of("read")
DELETES = names_of("destructive")
EVERY_TOOL = {spec.name for spec in all_tools()}

# The deletes' examples name a project and a comment the demo organisation lacks; these name
# real ones, so a refusal is the only thing between the call and a change.
ON_DEMO_OBJECTS: dict[str, dict[str, Any]] = {
    "delete_case_comment": {
        "case_id": "SEC-3",
        "comment_id": "84210936-5c63-570a-9a32-12cd34a78053",
        "confirmation_token": "v1.forged",
    },
    "delete_project": {"project": "APP"},
}

# A well-formed call of every tool that changes something, on real demo objects: its example.
WRITES: dict[str, dict[str, Any]] = {
    **examples({"write", "idempotent_write", "destructive"}),
    **ON_DEMO_OBJECTS,
}
# How each reason a tool is withheld begins, in what a call of it is told.
REFUSALS = (
    "This server is read-only",
    "Deleting is turned off on this server",
    "The tool {tool} is not enabled on this server",
)


def in_toolsets(*toolsets: Toolset) -> set[str]:
    """The names of the tools in `toolsets`."""
    return {spec.name for spec in all_tools() if spec.toolset in toolsets}


async def listed(sandbox: Sandbox, options: ServerOptions) -> set[str]:
    """What a host lists: with the tools only views call (a plain client lacks those)."""
    async with connected(sandbox, options, apps=True) as client:
        return {tool.name for tool in (await client.list_tools()).tools}


def test_the_write_probes_cover_every_tool_that_is_not_a_read() -> None:
    """Every tool that changes something has a probe call, so the matrices miss none."""
    assert set(WRITES) == EVERY_TOOL - READ_TOOLS


# What is listed --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        (ServerOptions(), EVERY_TOOL),
        (ServerOptions(read_only=True), READ_TOOLS),
        (ServerOptions(no_destructive=True), EVERY_TOOL - DELETES),
        (
            ServerOptions(toolsets=["comments"]),
            in_toolsets("comments"),
        ),
        (
            ServerOptions(toolsets=["lookup", "projects"], read_only=True),
            READ_TOOLS & in_toolsets("lookup", "projects"),
        ),
        (ServerOptions(tools=["get_case", "create_case"]), {"get_case", "create_case"}),
        (
            ServerOptions(tools=["get_case", "create_case"], exclude_tools=["create_case"]),
            {"get_case"},
        ),
        (
            ServerOptions(exclude_tools=["delete_project", "search_cases"]),
            EVERY_TOOL - {"delete_project", "search_cases"},
        ),
        (ServerOptions(read_only=True, tools=["create_case", "get_case"]), {"get_case"}),
        (ServerOptions(toolsets=["cases"], tools=["get_case", "find_users"]), {"get_case"}),
    ],
    ids=[
        "default",
        "read-only",
        "no-destructive",
        "toolset",
        "toolsets-read-only",
        "allow",
        "deny-wins-over-allow",
        "deny",
        "read-only-wins-over-allow",
        "toolset-and-allow",
    ],
)
async def test_the_operators_options_decide_which_tools_are_listed(
    sandbox: Sandbox, options: ServerOptions, expected: set[str]
) -> None:
    """tools/list shows exactly the tools the options leave, whatever combination is set."""
    assert await listed(sandbox, options) == expected


# What a call to a withheld tool is told ------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
async def test_read_only_mode_refuses_every_write_and_changes_nothing(
    sandbox: Sandbox, era: Era
) -> None:
    """Each write called in read-only mode is refused in words that say so; nothing changes."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True), era=era) as client:
        for tool, arguments in sorted(WRITES.items()):
            answer = await client.call_tool(tool, arguments)

            assert error_text(answer).startswith(
                f"This server is read-only (the operator started it with --read-only): {tool} "
                "changes data and is refused. Nothing was changed."
            ), tool
            assert state_of(sandbox) == before, tool


@pytest.mark.parametrize("era", ERAS)
async def test_read_only_mode_still_answers_reads(sandbox: Sandbox, era: Era) -> None:
    """Read-only mode leaves the reading tools working."""
    async with connected(sandbox, ServerOptions(read_only=True), era=era) as client:
        answer = await client.call_tool("get_case", {"case_id": "OPS-1"})

    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "OPS-1"


async def test_read_only_wins_over_everything_for_a_delete(sandbox: Sandbox) -> None:
    """Read-only mode is the reason given even when the deletes are also banned and allowed."""
    options = ServerOptions(read_only=True, no_destructive=True, tools=sorted(DELETES))
    async with connected(sandbox, options) as client:
        for tool in sorted(DELETES):
            answer = await client.call_tool(tool, WRITES[tool])

            assert "This server is read-only" in error_text(answer), tool


@pytest.mark.parametrize("era", ERAS)
async def test_no_destructive_refuses_each_delete_and_deletes_nothing(
    sandbox: Sandbox, era: Era
) -> None:
    """With --no-destructive a delete is refused as turned off, and nothing is deleted."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(no_destructive=True), era=era) as client:
        for tool in sorted(DELETES):
            answer = await client.call_tool(tool, {**WRITES[tool], "confirm": True, "force": True})

            assert error_text(answer) == (
                f"Deleting is turned off on this server (--no-destructive): {tool} is refused. "
                "Nothing was deleted."
            )
    assert state_of(sandbox) == before


@pytest.mark.parametrize(
    ("options", "tool", "arguments", "why"),
    [
        (
            ServerOptions(toolsets=["lookup"]),
            "get_case",
            {"case_id": "OPS-1"},
            "its --toolsets choice (the cases toolset is off)",
        ),
        (
            ServerOptions(tools=["get_case"]),
            "create_case",
            WRITES["create_case"],
            "its --tools allow list",
        ),
        (
            ServerOptions(
                tools=["get_case", "add_case_comment"], exclude_tools=["add_case_comment"]
            ),
            "add_case_comment",
            WRITES["add_case_comment"],
            "its --exclude-tools list",
        ),
    ],
    ids=["toolset-off", "not-allowed", "denied"],
)
async def test_a_tool_left_out_by_the_lists_is_refused_with_the_setting_that_left_it_out(
    sandbox: Sandbox, options: ServerOptions, tool: str, arguments: dict[str, Any], why: str
) -> None:
    """A call to a tool the lists leave out names the list, and changes nothing."""
    before = state_of(sandbox)
    async with connected(sandbox, options) as client:
        answer = await client.call_tool(tool, arguments)

    text = error_text(answer)
    assert text.startswith(
        f"The tool {tool} is not enabled on this server: the operator left it out by {why}."
    )
    assert text.endswith("tools/list shows the tools that are enabled.")
    assert state_of(sandbox) == before


async def test_a_name_that_is_no_tool_at_all_is_still_an_unknown_tool(sandbox: Sandbox) -> None:
    """Only the inventory's tools get a reason; any other name is unknown, and the model is
    told the tools this server offers."""
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        answer = await client.call_tool("drop_database", {})

    assert error_text(answer) == (
        "Unknown tool 'drop_database'. The tools on this server: search_cases, get_case, "
        "list_case_watchers, get_case_timeline, list_projects, get_project, list_case_types, "
        "list_custom_attributes, find_users, count_cases, list_case_links, list_case_views, "
        "get_case_view, list_cases_in_view, list_automation_rules, list_notification_rules, "
        "list_maintenance_windows, get_project_settings, list_favorite_projects."
    )


# One source of truth ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "options",
    [
        ServerOptions(read_only=True),
        ServerOptions(no_destructive=True, toolsets=["cases", "projects"]),
        ServerOptions(tools=["get_case", "delete_project"], exclude_tools=["delete_project"]),
    ],
)
async def test_a_tool_is_listed_exactly_when_no_reason_withholds_it(
    sandbox: Sandbox, options: ServerOptions
) -> None:
    """The listing and the refusals come from the same rule, so they cannot disagree: a tool
    is listed exactly when a call of it is not refused with a reason."""
    offered = await listed(sandbox, options)
    async with connected(sandbox, options, apps=True) as client:
        refused: set[str] = set()
        for spec in all_tools():
            answer = await client.call_tool(spec.name, WRITES.get(spec.name, example_of(spec)))
            reasons = tuple(refusal.format(tool=spec.name) for refusal in REFUSALS)
            if answer.is_error and error_text(answer).startswith(reasons):
                refused.add(spec.name)

    # connected() turns every toolset on when the options name none.
    assert offered == {spec.name for spec in offered_tools(with_every_toolset(options))}
    assert refused
    assert offered == EVERY_TOOL - refused


# Unknown names stop the server at start-up -----------------------------------------------------


@pytest.mark.parametrize(
    ("options", "flag"),
    [
        ({"tools": ["get_case", "get_cases"]}, "--tools"),
        ({"exclude_tools": ["delete_everything"]}, "--exclude-tools"),
        ({"toolsets": ["cases", "everything"]}, "--toolsets"),
    ],
)
def test_an_unknown_name_stops_the_server_with_the_valid_names(
    options: dict[str, Any], flag: str
) -> None:
    """A misspelt tool or toolset never starts a server that silently offers something else."""
    with pytest.raises(ConfigurationError, match=flag) as raised:
        create_server(lambda: pytest.fail("the server must not start"), ServerOptions(**options))

    assert "get_case" in str(raised.value) or "lookup" in str(raised.value)


def test_serve_with_an_unknown_tool_exits_with_one_line_listing_the_tools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`case-mcp serve --tools` with a typo exits with status 2 before serving anything."""
    status = main(["serve", "--sandbox", "--read-only", "--tools", "get_case,serch_cases"])

    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("case-mcp: Unknown tool 'serch_cases' in CASE_MCP_TOOLS / --tools.")
    assert "search_cases" in err
