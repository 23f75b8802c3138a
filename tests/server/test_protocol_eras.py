"""The same calls work for clients of both protocol eras: 2026-07-28 and the 2025 handshake."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client, MCPError
from mcp.types import TextResourceContents

from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import with_every_toolset

pytestmark = pytest.mark.anyio

# Client mode -> the protocol version the server must settle on.
ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}


@pytest.fixture(params=sorted(ERAS))
async def era(request: pytest.FixtureRequest, sandbox: Sandbox) -> AsyncIterator[Client]:
    """A client of one era, connected in memory to a server over a fresh demo organisation,
    offering every toolset as the `mcp` fixture's does."""
    server = create_server(sandbox_client_factory(sandbox), with_every_toolset(None))
    async with Client(server, mode=request.param) as client:
        yield client


@pytest.mark.parametrize(("mode", "version"), sorted(ERAS.items()))
async def test_each_era_settles_on_its_protocol_version_with_the_instructions(
    sandbox: Sandbox, mode: str, version: str
) -> None:
    """A modern client runs stateless 2026-07-28, a legacy one the 2025 handshake; both get
    the server's instructions."""
    server = create_server(sandbox_client_factory(sandbox))
    async with Client(server, mode=mode) as client:
        assert client.protocol_version == version
        assert server.instructions
        assert client.instructions == server.instructions


async def test_both_eras_list_the_same_tools(era: Client, mcp: Client) -> None:
    """tools/list is the same document whichever era asks for it."""

    def definitions(client_tools: list[Any]) -> list[dict[str, Any]]:
        return [tool.model_dump(by_alias=True, exclude_none=True) for tool in client_tools]

    assert definitions((await era.list_tools()).tools) == definitions(
        (await mcp.list_tools()).tools
    )


async def test_both_eras_read_a_case_with_the_same_answer(era: Client) -> None:
    """get_case answers with the same flat case, as structured content and compact text."""
    answer = await era.call_tool("get_case", {"case_id": "SEC-1"})

    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"
    assert answer.structured_content["key"].startswith("SEC-")


async def test_both_eras_change_a_case_and_read_the_change_back(era: Client) -> None:
    """A write is done and a following read sees it, in either era."""
    changed = await era.call_tool("update_case_priority", {"case_id": "OPS-3", "priority": "P1"})
    read = await era.call_tool("get_case", {"case_id": "OPS-3"})

    assert not changed.is_error
    assert read.structured_content is not None
    assert read.structured_content["priority"] == "P1"


async def test_both_eras_get_a_tool_error_for_an_unknown_case(era: Client) -> None:
    """The model's error says the case was not found, as a result rather than a failure."""
    answer = await era.call_tool("get_case", {"case_id": "SEC-9999"})

    assert answer.is_error
    assert "not found" in answer.content[0].text  # type: ignore[union-attr]


async def test_both_eras_get_the_valid_values_for_a_bad_enum(era: Client) -> None:
    """An unknown priority is refused with the accepted values in either era."""
    answer = await era.call_tool("update_case_priority", {"case_id": "OPS-3", "priority": "P0"})

    assert answer.is_error
    assert "'P1'" in answer.content[0].text  # type: ignore[union-attr]


async def test_both_eras_read_the_case_resource(era: Client) -> None:
    """case://{case_id} is readable as JSON in either era."""
    read = await era.read_resource("case://SEC-1")

    (document,) = read.contents
    assert isinstance(document, TextResourceContents)
    assert document.mime_type == "application/json"
    assert '"key":"SEC-1"' in document.text


async def test_both_eras_get_resource_not_found_for_an_unknown_case(era: Client) -> None:
    """An unknown case's resource is a protocol error naming the id, in either era."""
    with pytest.raises(MCPError) as raised:
        await era.read_resource("case://SEC-9999")

    assert raised.value.error.code == -32602
    assert "SEC-9999" in raised.value.error.message
