"""What a model gets back from every `cases` tool when its arguments are wrong."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from case_mcp.sandbox import Sandbox
from case_mcp.server import ToolKind
from case_mcp.server.tools import all_tools
from inventory import example_of, kind_named

pytestmark = pytest.mark.anyio

MAYA = "maya.chen@demo-org.example"

# Every `cases` tool that takes a case, with otherwise valid arguments: its example's.
CASE_CALLS: dict[str, dict[str, Any]] = {
    spec.name: example_of(spec)
    for spec in all_tools()
    # A model's client is not offered the tools only views call (test_case_actions has them).
    if spec.toolset == "cases" and "case_id" in example_of(spec) and not spec.app_only
}

# (readOnlyHint, destructiveHint, idempotentHint) of each kind of tool.
HINTS_OF_KIND: dict[ToolKind, tuple[bool, bool, bool]] = {
    "read": (True, False, True),
    "write": (False, False, False),
    "idempotent_write": (False, False, True),
    "destructive": (False, True, True),
}


def error_text(answer: CallToolResult) -> str:
    assert answer.is_error
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


@pytest.mark.parametrize("tool", sorted(CASE_CALLS))
async def test_an_unknown_case_says_it_was_not_found_and_which_tool_finds_keys(
    mcp: Client, tool: str
) -> None:
    """Each case tool answers a key that does not exist with a not-found naming search_cases."""
    answer = await mcp.call_tool(tool, {**CASE_CALLS[tool], "case_id": "SEC-9999"})

    assert error_text(answer).endswith(
        "Case 'SEC-9999' was not found. search_cases finds cases and their keys."
    )


@pytest.mark.parametrize(
    ("tool", "arguments", "valid"),
    [
        (
            "create_case",
            {"title": "x", "priority": "urgent"},
            "'P1', 'P2', 'P3', 'P4', 'P5' or 'NOT_DEFINED'",
        ),
        (
            "update_case_priority",
            {"case_id": "SEC-9", "priority": "P0"},
            "'P1', 'P2', 'P3', 'P4', 'P5' or 'NOT_DEFINED'",
        ),
        (
            "update_case_status",
            {"case_id": "SEC-9", "status": "DONE"},
            "'OPEN', 'IN_PROGRESS' or 'CLOSED'",
        ),
        (
            "update_case_attributes",
            {"case_id": "SEC-9", "attributes": {}, "mode": "append"},
            "'merge' or 'replace'",
        ),
    ],
    ids=["create_case", "update_case_priority", "update_case_status", "update_case_attributes"],
)
async def test_a_bad_enum_value_is_refused_with_the_valid_values(
    mcp: Client, tool: str, arguments: dict[str, Any], valid: str
) -> None:
    """A value outside a Literal is refused before any call, listing the accepted values."""
    text = error_text(await mcp.call_tool(tool, arguments))

    assert f"is not one of the allowed values: it takes one of {valid}" in text


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("create_case", {"title": ["x"]}, "title"),
        ("create_case", {"title": "x", "custom_attributes": ["cvss_score"]}, "custom_attributes"),
        ("update_case_title", {"case_id": "SEC-9", "title": 12}, "title"),
        ("update_case_description", {"case_id": "SEC-9", "description": False}, "description"),
        ("update_case_status", {"case_id": "SEC-9", "status_name": 3}, "status_name"),
        ("update_case_priority", {"case_id": 9, "priority": "P1"}, "case_id"),
        ("assign_case", {"case_id": "SEC-9", "assignee": {"email": MAYA}}, "assignee"),
        ("unassign_case", {"case_id": None}, "case_id"),
        ("archive_case", {"case_id": ["SEC-9"]}, "case_id"),
        ("unarchive_case", {"case_id": 1.5}, "case_id"),
        (
            "update_case_attributes",
            {"case_id": "SEC-9", "attributes": {"env": "prod"}},
            "attributes",
        ),
        (
            "update_case_custom_attribute",
            {"case_id": "SEC-9", "key": "cvss_score", "value": {"n": 1}},
            "value",
        ),
        ("delete_case_custom_attribute", {"case_id": "SEC-9", "key": 5}, "key"),
        ("move_case_to_project", {"case_id": "SEC-9", "project": True}, "project"),
    ],
)
async def test_a_wrongly_typed_argument_is_refused_naming_the_parameter(
    mcp: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], field: str
) -> None:
    """The refusal names the parameter, and nothing reaches the sandbox."""
    before = sandbox.store.get_case("SEC-9")

    text = error_text(await mcp.call_tool(tool, arguments))

    assert text.startswith(f"Error executing tool {tool}: {field} has the wrong type: it takes ")
    assert sandbox.store.get_case("SEC-9") == before


@pytest.mark.parametrize(
    ("tool", "arguments", "refusal"),
    [
        ("create_case", {"title": ""}, "title is too short: it takes a string of 1 to 1000"),
        ("create_case", {"title": "x" * 1001}, "title is too long: it takes a string of 1 to 1000"),
        (
            "update_case_title",
            {"case_id": "", "title": "x"},
            "case_id is too short: it takes a string of 1 to 100 characters",
        ),
        (
            "update_case_attributes",
            {"case_id": "SEC-9", "attributes": {str(n): ["x"] for n in range(101)}},
            "attributes has too many items: it takes an object of at most 100 names",
        ),
    ],
    ids=["empty-title", "long-title", "empty-case-id", "too-many-attributes"],
)
async def test_arguments_out_of_bounds_are_refused_with_the_bounds(
    mcp: Client, tool: str, arguments: dict[str, Any], refusal: str
) -> None:
    """Lengths and sizes outside the declared bounds are refused before any call, with them."""
    assert refusal in error_text(await mcp.call_tool(tool, arguments))


async def test_the_cases_toolset_declares_the_kind_of_each_tool(mcp: Client) -> None:
    """Reads are read-only, deletes destructive, creates plain writes and the rest writes that
    are safe to repeat, as each tool's name promises."""
    tools = {tool.name: tool for tool in (await mcp.list_tools()).tools}
    cases = [spec.name for spec in all_tools() if spec.toolset == "cases" and not spec.app_only]
    hints = {
        name: (
            tools[name].annotations.read_only_hint,  # type: ignore[union-attr]
            tools[name].annotations.destructive_hint,  # type: ignore[union-attr]
            tools[name].annotations.idempotent_hint,  # type: ignore[union-attr]
        )
        for name in cases
    }

    assert {"search_cases", "create_case", *CASE_CALLS} <= set(cases)
    assert hints == {name: HINTS_OF_KIND[kind_named(name)] for name in cases}
