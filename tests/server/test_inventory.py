"""The whole tool inventory, as a client lists it: names, kinds, annotations, schemas, text."""

from __future__ import annotations

import re
from typing import Any

import anyio
import jsonschema  # type: ignore[import-untyped]  # no stubs; only validate() is used
import pytest
from mcp import Client
from mcp.types import Tool

from case_mcp.client import CaseManagementClient, Effect, Operation
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import (
    DEFAULT_TOOLSETS,
    EFFECT_OF_KIND,
    TOOLSETS,
    Toolset,
    ToolSpec,
    create_server,
)
from case_mcp.server.tools import all_tools
from guarded import shows_apps, with_every_toolset
from inventory import READ_VERBS, example_of, kind_named, kind_read_from, names_of


@pytest.fixture(scope="module")
def tools() -> dict[str, Tool]:
    """The tools as an in-memory host lists them, the tools only views call included
    (listing never calls Datadog)."""

    async def listing() -> list[Tool]:
        every_toolset = ServerOptions(toolsets=["all"])
        server = create_server(CaseManagementClient, every_toolset)
        async with Client(server, extensions=shows_apps()) as client:
            return (await client.list_tools()).tools

    return {tool.name: tool for tool in anyio.run(listing)}


def test_the_server_offers_exactly_its_specs_tools(tools: dict[str, Tool]) -> None:
    """tools/list holds the specs' names and nothing else; no spec registers a name twice."""
    specs = [spec.name for spec in all_tools()]

    assert sorted(tools) == sorted(specs)
    assert len(specs) == len(set(specs))


def test_each_tool_has_the_kind_its_spec_gives_it(tools: dict[str, Tool]) -> None:
    """The annotations a client receives say read, write, idempotent write or destructive,
    as the tool's spec declares."""
    assert {name: kind_read_from(tool.annotations) for name, tool in tools.items()} == {
        spec.name: spec.kind for spec in all_tools()
    }


@pytest.mark.parametrize("spec", all_tools(), ids=lambda spec: spec.name)
def test_each_tools_kind_is_the_one_its_name_promises(spec: ToolSpec) -> None:
    """get/list/search/find read, delete destroys, create/add makes a new thing, and every
    other verb sets state that is safe to set again."""
    assert spec.kind == kind_named(spec.name), spec.name


class Effects:
    """A client guard that notes what each operation called does to state."""

    def __init__(self) -> None:
        self.seen: set[Effect] = set()

    async def before(self, operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
        self.seen.add(operation.effect)
        return arguments

    async def after(self, operation: Operation, result: Any) -> Any:
        return result


async def _target_of(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The example's arguments, with what a delete's example names made first."""
    if tool == "delete_project":
        await client.call_tool("create_project", {"key": arguments["project"], "name": "Temp"})
    if tool == "delete_case_comment":
        made = await client.call_tool(
            "add_case_comment", {"case_id": arguments["case_id"], "comment": "To delete"}
        )
        assert made.structured_content is not None
        return {**arguments, "comment_id": made.structured_content["id"]}
    return arguments


@pytest.mark.anyio
@pytest.mark.parametrize("spec", all_tools(), ids=lambda spec: spec.name)
async def test_each_tools_kind_agrees_with_the_operations_it_calls(spec: ToolSpec) -> None:
    """Run with its own example, a tool changes state only as its kind says the client's
    declarations do: a read tool only reads, a write creates, a destructive one deletes."""
    effects = Effects()
    example = example_of(spec)
    with Sandbox(rate_limit=None) as sandbox:

        def guarded() -> CaseManagementClient:
            client = CaseManagementClient(
                base_url="http://sandbox.invalid",
                api_key="test-api-key",
                app_key="test-app-key",
                transport=sandbox.transport(),
            )
            return client.guarded(effects)

        server = create_server(guarded, with_every_toolset(ServerOptions(confirm_mode="token")))
        async with Client(server, extensions=shows_apps()) as client:
            arguments = await _target_of(client, spec.name, example)
            effects.seen.clear()
            answer = await client.call_tool(spec.name, arguments)
            token = (answer.structured_content or {}).get("confirmation_token")
            if token is not None:
                answer = await client.call_tool(
                    spec.name, {**arguments, "confirmation_token": token}
                )

    assert not answer.is_error, answer.content
    expected = EFFECT_OF_KIND[spec.kind]
    assert effects.seen - {"read"} == ({expected} if expected is not None else set())


def test_each_tool_sits_in_its_toolset() -> None:
    """A server built with one toolset lists exactly the tools whose spec names that toolset."""

    async def listed(toolset: Toolset) -> set[str]:
        server = create_server(CaseManagementClient, ServerOptions(toolsets=frozenset({toolset})))
        return {tool.name for tool in await server.list_tools()}

    for toolset in TOOLSETS:
        assert anyio.run(listed, toolset) == {
            spec.name for spec in all_tools() if spec.toolset == toolset
        }, toolset


def test_the_toolsets_cover_every_job() -> None:
    """Every toolset an operator can choose holds at least one tool."""
    assert set(TOOLSETS) == {
        "cases",
        "comments",
        "projects",
        "lookup",
        "triage",
        "integrations",
        "views",
        "automation",
        "admin",
    }
    assert {spec.toolset for spec in all_tools()} == set(TOOLSETS)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("toolsets", "offered"),
    [
        (None, DEFAULT_TOOLSETS),
        (["all"], frozenset(TOOLSETS)),
        (["all", "lookup"], TOOLSETS),
        (["default", "triage"], DEFAULT_TOOLSETS | {"triage"}),
        (["triage"], {"triage"}),
    ],
    ids=["none-named", "all", "all-with-another", "default-and-another", "only-the-one-named"],
)
async def test_naming_no_toolsets_offers_the_defaults_and_all_offers_every_one(
    toolsets: list[str] | None, offered: frozenset[str]
) -> None:
    """Without --toolsets the default toolsets are offered; `all` turns every toolset on,
    `default` stands for the defaults, and naming toolsets otherwise offers only those."""
    server = create_server(CaseManagementClient, ServerOptions(toolsets=toolsets))

    names = {tool.name for tool in await server.list_tools()}

    assert names == {spec.name for spec in all_tools() if spec.toolset in offered}


def test_the_default_toolsets_are_the_everyday_work_on_cases() -> None:
    """The opt-in toolsets are the rest: the defaults are cases, comments, projects, lookup."""
    defaults = set(DEFAULT_TOOLSETS)
    assert defaults == {"cases", "comments", "projects", "lookup"}
    assert defaults <= set(TOOLSETS)


@pytest.mark.anyio
async def test_choosing_toolsets_offers_only_their_tools() -> None:
    """A server built with only the lookup toolset lists only the lookup tools."""
    server = create_server(CaseManagementClient, ServerOptions(toolsets=frozenset({"lookup"})))

    names = {tool.name for tool in await server.list_tools()}

    assert names == {spec.name for spec in all_tools() if spec.toolset == "lookup"}


def test_every_tool_has_a_title_and_all_four_annotations(tools: dict[str, Tool]) -> None:
    """No tool leaves a client to guess: title and the four hints are always stated."""
    for tool in tools.values():
        annotations = tool.annotations
        assert tool.title, tool.name
        assert annotations is not None, tool.name
        hints = (
            annotations.read_only_hint,
            annotations.destructive_hint,
            annotations.idempotent_hint,
            annotations.open_world_hint,
        )
        assert all(isinstance(hint, bool) for hint in hints), tool.name


def test_read_tools_are_read_only_and_no_other_tool_is(tools: dict[str, Tool]) -> None:
    """readOnlyHint is true exactly for the read tools."""
    read_only = {name for name, tool in tools.items() if tool.annotations.read_only_hint}  # type: ignore[union-attr]

    assert read_only == names_of("read")
    assert read_only == {name for name in tools if name.startswith(READ_VERBS)}


def test_exactly_the_three_deletes_are_destructive(tools: dict[str, Tool]) -> None:
    """destructiveHint is true for the deletes and false for every other tool."""
    destructive = {name for name, tool in tools.items() if tool.annotations.destructive_hint}  # type: ignore[union-attr]

    assert destructive == names_of("destructive")
    assert destructive == {name for name in tools if name.startswith("delete_")}


def test_archiving_is_a_reversible_write_not_a_destructive_one(tools: dict[str, Tool]) -> None:
    """archive_case and unarchive_case change data, repeat safely and destroy nothing."""
    for name in ("archive_case", "unarchive_case"):
        annotations = tools[name].annotations
        assert annotations is not None
        assert (annotations.read_only_hint, annotations.destructive_hint) == (False, False)
        assert annotations.idempotent_hint is True


def test_every_tool_declares_an_object_output_schema(tools: dict[str, Tool]) -> None:
    """Each tool says what its structured answer looks like."""
    for tool in tools.values():
        schema = tool.output_schema
        assert schema is not None, tool.name
        assert schema.get("type") == "object", tool.name
        assert schema.get("properties"), tool.name


def test_every_parameter_is_typed_and_described(tools: dict[str, Tool]) -> None:
    """A model sees a type and a description for each argument, and no unknown extras."""
    for tool in tools.values():
        for name, schema in tool.input_schema.get("properties", {}).items():
            where = f"{tool.name}.{name}"
            assert schema.get("description"), f"{where} has no description"
            assert _typed(schema, tool.input_schema), f"{where} has no type"


def test_every_description_has_a_summary_a_when_to_use_and_an_example(
    tools: dict[str, Tool],
) -> None:
    """Descriptions follow one shape: a one-line summary, when to use it, an example."""
    for tool in tools.values():
        description = tool.description or ""
        summary = description.splitlines()[0] if description else ""
        assert 10 <= len(summary) <= 120, f"{tool.name}: summary {summary!r}"
        assert "Use this tool" in description, tool.name
        assert example_of(tool) is not None


def test_every_example_is_a_valid_call(tools: dict[str, Tool]) -> None:
    """Each description's example passes the tool's own input schema."""
    for tool in tools.values():
        example = example_of(tool)
        jsonschema.validate(example, tool.input_schema)


def test_tool_names_follow_the_protocols_naming_rules(tools: dict[str, Tool]) -> None:
    """Names are 1-128 characters of letters, digits, underscore, dot and hyphen."""
    for tool in tools.values():
        assert re.fullmatch(r"[A-Za-z0-9_.-]{1,128}", tool.name), tool.name


def _typed(schema: dict[str, Any], root: dict[str, Any]) -> bool:
    if "type" in schema or "enum" in schema or "const" in schema:
        return True
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _typed(root.get("$defs", {}).get(name, {}), root)
    options = schema.get("anyOf") or schema.get("oneOf") or []
    return bool(options) and all(_typed(option, root) for option in options)


def test_each_tool_declares_the_http_scope_its_kind_needs() -> None:
    """Over HTTP with tokens, the read tools need cases:read and every other tool cases:write."""
    for spec in all_tools():
        assert spec.scope == ("cases:read" if spec.kind == "read" else "cases:write"), spec.name
