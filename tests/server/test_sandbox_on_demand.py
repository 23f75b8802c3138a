"""`serve --sandbox`'s sandbox: built at the first request, so start-up does not wait for it."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from mcp import Client

import case_mcp.sandbox
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, offered_tools, sandbox_on_demand


class CountingSandbox(Sandbox):
    """A sandbox that records every instance built and whether it was closed."""

    built: ClassVar[list[CountingSandbox]] = []

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.closed = False
        CountingSandbox.built.append(self)

    def close(self) -> None:
        self.closed = True
        super().close()


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list[CountingSandbox]:
    """The sandboxes `sandbox_on_demand` builds during one test."""
    CountingSandbox.built = []
    monkeypatch.setattr(case_mcp.sandbox, "Sandbox", CountingSandbox)
    return CountingSandbox.built


@pytest.mark.anyio
async def test_listing_the_tools_builds_no_sandbox(built: list[CountingSandbox]) -> None:
    """Connecting and listing the tools never touches the sandbox."""
    with sandbox_on_demand() as make_client:
        async with Client(create_server(make_client)) as client:
            tools = await client.list_tools()
    assert len(tools.tools) == len(offered_tools(ServerOptions()))
    assert built == []


@pytest.mark.anyio
async def test_the_first_call_builds_the_demo_sandbox_once(
    built: list[CountingSandbox],
) -> None:
    """The first call builds the seeded demo sandbox; later calls reuse it."""
    with sandbox_on_demand() as make_client:
        async with Client(create_server(make_client)) as client:
            first = await client.call_tool("get_case", {"case_id": "SEC-1"})
            again = await client.call_tool("get_case", {"case_id": "SEC-1"})
    assert first.is_error is False
    assert again.structured_content == first.structured_content
    assert first.structured_content is not None
    assert first.structured_content["key"] == "SEC-1"
    assert len(built) == 1


@pytest.mark.anyio
async def test_leaving_closes_the_sandbox_that_was_built(built: list[CountingSandbox]) -> None:
    """The sandbox built on demand is closed when its context ends."""
    with sandbox_on_demand() as make_client:
        async with Client(create_server(make_client)) as client:
            await client.call_tool("list_projects", {})
        assert [sandbox.closed for sandbox in built] == [False]
    assert [sandbox.closed for sandbox in built] == [True]
