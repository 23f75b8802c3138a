"""Fixtures shared by every test package."""

import os
import socket
from collections.abc import Iterator

import pytest


@pytest.fixture
def anyio_backend() -> str:
    """Run async tests on asyncio, the loop the MCP SDK and uvicorn use."""
    return "asyncio"


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Datadog or case-mcp setting of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith(("DD_", "CASE_MCP_")):
            monkeypatch.delenv(name)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on while the test runs."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]
