"""The case resources: case://{case_id} and case://{case_id}/timeline{?page}."""

from __future__ import annotations

import json
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import INVALID_PARAMS, TextResourceContents

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def read_json(mcp: Client, uri: str) -> Any:
    result = await mcp.read_resource(uri)
    (contents,) = result.contents
    assert isinstance(contents, TextResourceContents)
    assert contents.mime_type == "application/json"
    assert "\n" not in contents.text
    return json.loads(contents.text)


async def test_the_case_templates_are_listed_as_json_resources(mcp: Client) -> None:
    """Both templates are offered, with names, titles and the JSON media type."""
    listed = (await mcp.list_resource_templates()).resource_templates

    assert [(t.uri_template, t.name, t.title, t.mime_type) for t in listed] == [
        ("case://{case_id}", "case", "Case", "application/json"),
        ("case://{case_id}/timeline{?page}", "case_timeline", "Case timeline", "application/json"),
    ]


async def test_a_case_resource_is_the_case_get_case_returns(mcp: Client) -> None:
    """case://SEC-1 is the same compact object as the get_case tool's answer."""
    document = await read_json(mcp, "case://SEC-1")

    answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})
    assert document == answer.structured_content


async def test_a_timeline_resource_is_the_newest_page_of_the_timeline(mcp: Client) -> None:
    """case://SEC-1/timeline holds the entries get_case_timeline gives, newest first."""
    document = await read_json(mcp, "case://SEC-1/timeline")

    answer = await mcp.call_tool("get_case_timeline", {"case_id": "SEC-1", "page_size": 50})
    assert document == answer.structured_content
    assert document["page"] == 1


async def test_a_timeline_page_names_the_uri_of_the_page_before_it(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A full page carries `next`, the URI of the older page, which reads as page 2."""
    for number in range(50):
        sandbox.store.comment_case("OPS-3", f"note {number}", actor_id=Sandbox.ACTOR_ID)

    first = await read_json(mcp, "case://OPS-3/timeline")
    second = await read_json(mcp, first["next"])

    assert (first["has_more"], first["next"]) == (True, "case://OPS-3/timeline?page=2")
    assert (second["case"], second["page"]) == ("OPS-3", 2)


async def test_an_unknown_case_resource_is_not_found_naming_the_id(mcp: Client) -> None:
    """Reading a case that does not exist is -32602 naming the id, with the URI as data."""
    with pytest.raises(MCPError) as raised:
        await mcp.read_resource("case://SEC-9999")

    assert raised.value.code == INVALID_PARAMS
    assert "'SEC-9999' was not found" in raised.value.message
    assert raised.value.data == {"uri": "case://SEC-9999"}


async def test_an_unknown_case_timeline_is_not_found_naming_the_id(mcp: Client) -> None:
    """The timeline of a case that does not exist is not found either."""
    with pytest.raises(MCPError) as raised:
        await mcp.read_resource("case://SEC-9999/timeline?page=2")

    assert raised.value.code == INVALID_PARAMS
    assert "'SEC-9999' was not found" in raised.value.message


async def test_a_timeline_page_that_is_not_a_number_is_invalid(mcp: Client) -> None:
    """?page=last is an invalid-params error saying what page accepts."""
    with pytest.raises(MCPError) as raised:
        await mcp.read_resource("case://SEC-1/timeline?page=last")

    assert raised.value.code == INVALID_PARAMS
    assert "whole number from 1" in raised.value.message
