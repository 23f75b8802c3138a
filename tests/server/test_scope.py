"""Project scope (--projects): cases of other projects behave exactly as if they did not exist."""

from __future__ import annotations

import inspect
import json
from collections.abc import Callable
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import PromptReference, ResourceTemplateReference

from case_mcp.client import OPERATIONS, CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from guarded import ERAS, Era, connected, error_text, ok, state_of
from inventory import examples

pytestmark = pytest.mark.anyio

SCOPE = ServerOptions(projects=["SEC"], confirm_mode="token")
INSIDE = "SEC-3"  # a Security case with comments and a cvss_score
OUTSIDE = "OPS-1"  # an OPS case with comments and an aws_region
UNKNOWN = "SEC-999"  # no such case at all
COMMENTS = {
    INSIDE: "84210936-5c63-570a-9a32-12cd34a78053",
    OUTSIDE: "368085cb-4b4c-5407-b82d-528cfe4af96b",
    UNKNOWN: "368085cb-4b4c-5407-b82d-528cfe4af96b",
}
ATTRIBUTES: dict[str, tuple[str, Any]] = {
    INSIDE: ("cvss_score", 9.1),
    OUTSIDE: ("aws_region", "eu-west-1"),
    UNKNOWN: ("aws_region", "eu-west-1"),
}


def _custom(case: str) -> dict[str, Any]:
    key, value = ATTRIBUTES[case]
    return {"key": key, "value": value}


LINKED = "SEC-9"  # linked to INSIDE in the demo organisation


# The tools whose other arguments name something of the case itself (a comment, a custom
# attribute it holds), for a case key; every other case tool's are those of its example.
OF_THE_CASE: dict[str, Callable[[str], dict[str, Any]]] = {
    "update_case_custom_attribute": _custom,
    "delete_case_custom_attribute": lambda case: {"key": ATTRIBUTES[case][0]},
    "delete_case_comment": lambda case: {"comment_id": COMMENTS[case]},
    "delete_case_link": lambda case: {"linked": LINKED},
}

# Every tool that takes a case: its example names one.
CASE_TOOLS = {name: example for name, example in examples().items() if "case_id" in example}


def arguments(tool: str, case: str) -> dict[str, Any]:
    of_the_case = OF_THE_CASE[tool](case) if tool in OF_THE_CASE else {}
    return {**CASE_TOOLS[tool], **of_the_case, "case_id": case}


async def test_the_matrix_covers_every_tool_that_takes_a_case(sandbox: Sandbox) -> None:
    """Every tool with a case_id parameter, those only views call included, is in the scope
    matrix (its example names a case), and so is every tool whose arguments need something
    of the case."""
    async with connected(sandbox, apps=True) as host:
        tools = (await host.list_tools()).tools

    assert set(CASE_TOOLS) == {
        tool.name for tool in tools if "case_id" in tool.input_schema["properties"]
    }
    assert set(OF_THE_CASE) <= set(CASE_TOOLS)


def test_every_operation_of_the_client_declares_its_project_scope() -> None:
    """Each public operation is declared, with its scope, so none reaches Datadog unscoped."""
    operations = {
        name
        for name, member in inspect.getmembers(CaseManagementClient)
        if not name.startswith("_") and inspect.iscoroutinefunction(member)
    }
    undeclared = [name for name in sorted(operations - {"aclose"}) if name not in OPERATIONS]
    unscoped = [name for name, operation in OPERATIONS.items() if not operation.scope.declared]

    assert undeclared == []
    assert unscoped == []


# Every case tool, on a case outside the scope ------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
async def test_a_case_outside_the_scope_is_not_found_in_the_words_of_a_missing_one(
    sandbox: Sandbox, era: Era
) -> None:
    """Each case tool answers a case of another project as it answers a key that does not exist."""
    before = state_of(sandbox)
    # A host, so that the tools only views call are in the matrix too.
    async with connected(sandbox, SCOPE, era=era, apps=True) as client:
        for tool in sorted(CASE_TOOLS):
            outside = error_text(await client.call_tool(tool, arguments(tool, OUTSIDE)))
            unknown = error_text(await client.call_tool(tool, arguments(tool, UNKNOWN)))

            assert outside.replace(OUTSIDE, "<case>") == unknown.replace(UNKNOWN, "<case>"), tool
            assert "not found" in outside, tool
            assert state_of(sandbox) == before, tool


async def test_a_case_inside_the_scope_is_served(sandbox: Sandbox) -> None:
    """The same calls on a case of a scoped project get past the scope."""
    async with connected(sandbox, SCOPE, apps=True) as client:
        for tool in sorted(CASE_TOOLS):
            answer = await client.call_tool(tool, arguments(tool, INSIDE))

            assert not answer.is_error, (tool, answer.content)


async def test_a_case_is_checked_before_it_is_changed_even_by_its_uuid(sandbox: Sandbox) -> None:
    """A case addressed by its UUID instead of its key is refused just the same."""
    uuid = sandbox.store.get_case(OUTSIDE)["id"]
    before = state_of(sandbox)
    async with connected(sandbox, SCOPE) as client:
        answer = await client.call_tool("update_case_priority", {"case_id": uuid, "priority": "P1"})

    assert "was not found" in error_text(answer)
    assert state_of(sandbox) == before


async def test_a_case_moved_into_the_scope_says_only_that_it_came_from_outside(
    sandbox: Sandbox,
) -> None:
    """Its timeline names no outside project: not its id, key, name, nor the case's old key."""
    ops = next(p for p in sandbox.store.get_projects() if p["key"] == "OPS")
    sec = next(p for p in sandbox.store.get_projects() if p["key"] == "SEC")
    moved = sandbox.store.move_case_to_project(OUTSIDE, sec["id"], actor_id=sandbox.ACTOR_ID)["key"]
    async with connected(sandbox, SCOPE) as client:
        timeline = await ok(client, "get_case_timeline", {"case_id": moved, "page_size": 100})
        resource = await client.read_resource(f"case://{moved}/timeline")

    (change,) = [entry for entry in timeline["entries"] if entry["type"] == "PROJECT_CHANGE"]
    assert change["change"] == {
        "field": "project",
        "from": "a project outside this server's scope",
        "to": {"id": sec["id"], "key": "SEC", "name": sec["name"], "case_key": moved},
    }
    (created,) = [entry for entry in timeline["entries"] if entry["type"] == "CASE_CREATED"]
    assert "key" not in created["change"]["to"]
    for text in (json.dumps(timeline), str(resource.contents)):
        for secret in (ops["id"], ops["name"], OUTSIDE, '"OPS"'):
            assert secret not in text


# Search ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
async def test_search_finds_only_the_cases_of_the_scoped_projects(
    sandbox: Sandbox, era: Era
) -> None:
    """An unfiltered search counts and lists only the scoped projects' cases."""
    _, expected = sandbox.store.search_cases(query="project:SEC", page_size=1)
    async with connected(sandbox, ServerOptions(projects=["SEC", "APP"]), era=era) as client:
        found = await ok(client, "search_cases", {"page_size": 100})
        everything = await ok(client, "search_cases", {"query": "archived:any", "page_size": 100})

    _, app = sandbox.store.search_cases(query="project:APP", page_size=1)
    assert found["total"] == expected + app
    assert {case["project"] for case in found["cases"]} == {"SEC", "APP"}
    assert {case["project"] for case in everything["cases"]} == {"SEC", "APP"}


@pytest.mark.parametrize(
    "query",
    [
        "project:OPS",
        "key:OPS-1",
        "-project:SEC",
        "project:OPS OR project:SEC",
        '"a\\" ) OR (project:OPS"',
        "kafka-ingest",
    ],
)
async def test_search_never_reaches_outside_the_scope_whatever_the_query(
    sandbox: Sandbox, query: str
) -> None:
    """Queries that name other projects, negate the scope or quote tricks find no outside case."""
    async with connected(sandbox, SCOPE) as client:
        found = await ok(client, "search_cases", {"query": query, "page_size": 100})

    assert {case["project"] for case in found["cases"]} <= {"SEC"}
    assert not any(case["key"].startswith("OPS-") for case in found["cases"])


@pytest.mark.parametrize("query", ["x) OR (project:OPS", "(status:open", 'title:"open'])
async def test_a_query_that_could_escape_the_scope_group_is_refused(
    sandbox: Sandbox, query: str
) -> None:
    """Unbalanced parentheses or quotes are refused instead of being sent."""
    async with connected(sandbox, SCOPE) as client:
        answer = await client.call_tool("search_cases", {"query": query})

    assert error_text(answer).endswith(
        "The search query's parentheses or quotes are unbalanced; close each ( and \". "
        "Fix that argument and retry."
    )


async def test_the_project_shortcut_treats_an_outside_project_as_unknown(sandbox: Sandbox) -> None:
    """search_cases project=OPS fails exactly as project=NOPE does."""
    async with connected(sandbox, SCOPE) as client:
        outside = error_text(await client.call_tool("search_cases", {"project": "OPS"}))
        unknown = error_text(await client.call_tool("search_cases", {"project": "NOPE"}))

    assert outside.replace("OPS", "<p>") == unknown.replace("NOPE", "<p>")
    assert "the projects are: SEC." in outside


# Projects ---------------------------------------------------------------------------------------


async def test_only_the_scoped_projects_are_listed(sandbox: Sandbox) -> None:
    """list_projects shows the scoped projects and no other."""
    async with connected(sandbox, ServerOptions(projects=["SEC", "ET"])) as client:
        listed = await ok(client, "list_projects", {})

    assert sorted(project["key"] for project in listed["projects"]) == ["ET", "SEC"]


@pytest.mark.parametrize("era", ERAS)
async def test_an_outside_project_is_unknown_to_get_project(sandbox: Sandbox, era: Era) -> None:
    """get_project on a project outside the scope answers as for one that does not exist."""
    ops_id = next(p["id"] for p in sandbox.store.get_projects() if p["key"] == "OPS")
    async with connected(sandbox, SCOPE, era=era) as client:
        by_key = error_text(await client.call_tool("get_project", {"project": "OPS"}))
        by_id = error_text(await client.call_tool("get_project", {"project": ops_id}))
        unknown = error_text(await client.call_tool("get_project", {"project": "NOPE"}))

    assert by_key.replace("OPS", "<p>") == unknown.replace("NOPE", "<p>")
    assert by_id.replace(ops_id, "<p>") == unknown.replace("NOPE", "<p>")


async def test_a_case_cannot_be_created_in_an_outside_project(sandbox: Sandbox) -> None:
    """create_case into a project outside the scope creates nothing and calls it unknown."""
    before = state_of(sandbox)
    async with connected(sandbox, SCOPE) as client:
        outside = error_text(
            await client.call_tool("create_case", {"title": "Probe", "project": "OPS"})
        )
        unknown = error_text(
            await client.call_tool("create_case", {"title": "Probe", "project": "NOPE"})
        )

    assert outside.replace("OPS", "<p>") == unknown.replace("NOPE", "<p>")
    assert state_of(sandbox) == before


async def test_a_case_is_created_in_a_scoped_project(sandbox: Sandbox) -> None:
    """create_case into a scoped project works, and with one project in scope it is the default."""
    async with connected(sandbox, SCOPE) as client:
        case = await ok(client, "create_case", {"title": "Scoped probe"})

    assert case["key"].startswith("SEC-")
    assert sandbox.store.get_case(case["key"])["title"] == "Scoped probe"


async def test_a_scoped_case_cannot_be_moved_out_of_the_scope(sandbox: Sandbox) -> None:
    """move_case_to_project to an outside project is refused as an unknown project."""
    before = state_of(sandbox)
    async with connected(sandbox, SCOPE) as client:
        answer = await client.call_tool(
            "move_case_to_project", {"case_id": INSIDE, "project": "OPS"}
        )

    assert "Project 'OPS' was not found" in error_text(answer)
    assert state_of(sandbox) == before


async def test_a_project_outside_the_scope_cannot_be_created(sandbox: Sandbox) -> None:
    """create_project with a key outside the scope is refused before anything is sent."""
    before = state_of(sandbox)
    async with connected(sandbox, SCOPE) as client:
        answer = await client.call_tool("create_project", {"key": "NET", "name": "Network"})

    assert error_text(answer).endswith(
        "This server only works with the projects SEC; it cannot create a project with the key "
        "'NET'. Fix that argument and retry."
    )
    assert state_of(sandbox) == before


async def test_a_scoped_project_created_while_serving_is_usable_at_once(sandbox: Sandbox) -> None:
    """A project created under a scoped key joins the scope: it is listed and takes cases."""
    async with connected(sandbox, ServerOptions(projects=["SEC", "NET"])) as client:
        await ok(client, "create_project", {"key": "NET", "name": "Network"})
        listed = await ok(client, "list_projects", {})
        case = await ok(client, "create_case", {"title": "First", "project": "NET"})
        read = await ok(client, "get_case", {"case_id": case["key"]})

    assert sorted(project["key"] for project in listed["projects"]) == ["NET", "SEC"]
    assert read["key"].startswith("NET-")


@pytest.mark.parametrize("era", ERAS)
async def test_an_outside_project_cannot_be_deleted(sandbox: Sandbox, era: Era) -> None:
    """delete_project on a project outside the scope deletes nothing and calls it unknown."""
    before = state_of(sandbox)
    async with connected(sandbox, SCOPE, era=era) as client:
        outside = error_text(await client.call_tool("delete_project", {"project": "OPS"}))
        unknown = error_text(await client.call_tool("delete_project", {"project": "NOPE"}))

    assert outside.replace("OPS", "<p>") == unknown.replace("NOPE", "<p>")
    assert state_of(sandbox) == before


# Resources and completions ----------------------------------------------------------------------


@pytest.mark.parametrize("era", ERAS)
async def test_the_case_resources_treat_an_outside_case_as_missing(
    sandbox: Sandbox, era: Era
) -> None:
    """Reading an outside case's resources fails with the not-found error of a missing case."""
    async with connected(sandbox, SCOPE, era=era) as client:
        for uri in ("case://{}", "case://{}/timeline", "case://{}/timeline?page=2"):
            errors = []
            for case in (OUTSIDE, UNKNOWN):
                with pytest.raises(MCPError) as raised:
                    await client.read_resource(uri.format(case))
                error = raised.value.error
                errors.append((error.code, error.message.replace(case, "<c>")))
            inside = await client.read_resource(uri.format(INSIDE))

            assert errors[0] == errors[1], uri
            assert inside.contents, uri


async def test_completions_offer_only_scoped_case_and_project_keys(sandbox: Sandbox) -> None:
    """case_id and project completions come from the scoped projects only."""
    template = ResourceTemplateReference(type="ref/resource", uri="case://{case_id}")
    queue = PromptReference(type="ref/prompt", name="triage_queue")
    async with connected(sandbox, SCOPE) as client:
        cases = (
            await client.complete(template, argument={"name": "case_id", "value": ""})
        ).completion
        ops = (
            await client.complete(template, argument={"name": "case_id", "value": "OPS"})
        ).completion
        projects = (
            await client.complete(queue, argument={"name": "project", "value": ""})
        ).completion

    assert cases.values
    assert all(key.startswith("SEC-") for key in cases.values)
    assert ops.values == []
    assert projects.values == ["SEC"]


# Configuration ----------------------------------------------------------------------------------


def test_a_scope_key_that_is_no_project_key_stops_the_server() -> None:
    """A key that could not be written into a search query is refused at start-up."""
    with pytest.raises(ConfigurationError, match="is not a project key"):
        create_server(
            lambda: pytest.fail("the server must not start"),
            ServerOptions(projects=["SEC", "OPS) OR (project:X"]),
        )


async def test_without_a_scope_every_project_is_served(mcp: Client) -> None:
    """No --projects: the plain client serves every project."""
    listed = await ok(mcp, "list_projects", {})

    assert sorted(project["key"] for project in listed["projects"]) == ["APP", "ET", "OPS", "SEC"]
