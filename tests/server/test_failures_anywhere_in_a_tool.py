"""A failure of Datadog anywhere in a tool, a name's lookup included, is told in words."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.sandbox import Sandbox
from lossy import LoseAnswers, no_backoff, resilient_server

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting between attempts."""
    with no_backoff():
        yield


@pytest.fixture
def wire(sandbox: Sandbox) -> LoseAnswers:
    """The sandbox, with the answers each test chooses put in front of it."""
    return LoseAnswers(sandbox.transport())


@pytest.fixture
async def mcp(sandbox: Sandbox, wire: LoseAnswers) -> AsyncIterator[Client]:
    """A client of a server with retries on, over `wire`."""
    async with Client(resilient_server(sandbox, wire)) as client:
        yield client


def text_of(answer: CallToolResult) -> str:
    assert answer.is_error, answer
    return "\n".join(getattr(block, "text", "") for block in answer.content)


async def test_a_refused_project_lookup_in_a_search_names_the_missing_permission(
    mcp: Client, wire: LoseAnswers
) -> None:
    """search_cases's project shortcut reads the projects; Datadog's 403 there is explained."""
    wire.answer("GET", "/api/v2/cases/projects", 403, {"errors": ["Forbidden"]}, times=5)

    text = text_of(await mcp.call_tool("search_cases", {"project": "SEC"}))

    assert "Datadog denied access (403)" in text
    assert "cases_read" in text
