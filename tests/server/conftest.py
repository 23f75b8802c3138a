"""An MCP client talking in memory to the server, which talks through the client to a sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator

import pytest
from mcp import Client

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from guarded import EVERY_TOOLSET


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(rate_limit=None) as sandbox:
        yield sandbox


@pytest.fixture
async def mcp(sandbox: Sandbox) -> AsyncIterator[Client]:
    """A 2026-07-28 client connected to the server over the sandbox's demo organisation, with
    every toolset on."""
    async with Client(create_server(_sandbox_client(sandbox), EVERY_TOOLSET)) as client:
        yield client


@pytest.fixture
async def token_mcp(sandbox: Sandbox) -> AsyncIterator[Client]:
    """The same, to a server whose operator chose confirmation tokens (--confirm-mode token):
    a delete is previewed, then repeated with the preview's token."""
    options = ServerOptions(confirm_mode="token", toolsets=["all"])
    async with Client(create_server(_sandbox_client(sandbox), options)) as client:
        yield client


def _sandbox_client(sandbox: Sandbox) -> Callable[[], CaseManagementClient]:
    return lambda: CaseManagementClient(
        base_url="http://sandbox.invalid",
        api_key="test-api-key",
        app_key="test-app-key",
        transport=sandbox.transport(),
    )
