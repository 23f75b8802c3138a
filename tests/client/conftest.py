"""Fixtures: a client wired to an in-memory fake Datadog."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx2
import pytest

from case_mcp.client import CaseManagementClient
from fake_datadog import API_KEY, APP_KEY, BASE_URL, FakeDatadog


@pytest.fixture
def datadog() -> FakeDatadog:
    """The fake Datadog the `client` fixture talks to."""
    return FakeDatadog()


@pytest.fixture
async def client(datadog: FakeDatadog) -> AsyncIterator[CaseManagementClient]:
    """A client with fake keys, talking to `datadog` in memory."""
    async with CaseManagementClient(
        base_url=BASE_URL,
        api_key=API_KEY,
        app_key=APP_KEY,
        transport=httpx2.MockTransport(datadog),
    ) as client:
        yield client
