"""Datadog's rate limits belong to one organisation's credentials and one of Datadog's buckets."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult

from case_mcp.client import CaseManagementClient, RequestLimits
from case_mcp.config import AuthOptions, HttpOptions, ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server.http import create_http_app
from lossy import FAST, no_backoff

pytestmark = pytest.mark.anyio

BASE = "http://127.0.0.1:8000"
TOKEN = "writer-token-0123456789abcdef"
TENANT_A = {"DD-API-KEY": "tenant-a-api-key", "DD-APPLICATION-KEY": "tenant-a-app-key"}
TENANT_B = {"DD-API-KEY": "tenant-b-api-key", "DD-APPLICATION-KEY": "tenant-b-app-key"}


class LimitedOrganisation(httpx2.AsyncBaseTransport):
    """The sandbox, except that tenant A's first case read is answered 429 by Datadog."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.sent: list[tuple[str, str]] = []
        self.refused = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        key = request.headers.get("DD-API-KEY", "")
        self.sent.append((key, request.url.path))
        if key == TENANT_A["DD-API-KEY"] and not self.refused:
            self.refused = True
            return httpx2.Response(
                429,
                json={"errors": ["Too many requests"]},
                headers={"X-RateLimit-Name": "cases", "X-RateLimit-Reset": "600"},
            )
        return await self.inner.handle_async_request(request)


def text_of(answer: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in answer.content)


@asynccontextmanager
async def service(wire: httpx2.AsyncBaseTransport) -> AsyncIterator[httpx2.AsyncClient]:
    """The HTTP service with per-request credentials, its client made as settings make it."""
    app = create_http_app(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid",
            api_key="configured-api-key",
            app_key="configured-app-key",
            transport=wire,
            retry=FAST,
            limits=RequestLimits(),
        ),
        ServerOptions(),
        HttpOptions(),
        auth=AuthOptions.load(tokens=TOKEN, per_request_credentials=True),
    )
    async with app.router.lifespan_context(app):
        yield httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=BASE)


@asynccontextmanager
async def tenant(http: httpx2.AsyncClient, keys: dict[str, str]) -> AsyncIterator[Client]:
    http.headers.clear()
    http.headers.update({"Authorization": f"Bearer {TOKEN}", **keys})
    async with Client(streamable_http_client(f"{BASE}/mcp", http_client=http)) as mcp:
        yield mcp


async def test_one_tenants_rate_limit_does_not_stop_another_tenant() -> None:
    """Tenant A's 429 holds A's next read with Datadog's time; tenant B's reads go on."""
    with Sandbox(rate_limit=None) as sandbox, no_backoff():
        wire = LimitedOrganisation(sandbox.transport())
        async with service(wire) as http:
            async with tenant(http, TENANT_A) as mcp:
                refused = await mcp.call_tool("get_case", {"case_id": "SEC-1"})
            async with tenant(http, TENANT_B) as mcp:
                served = await mcp.call_tool("get_case", {"case_id": "SEC-1"})
            sent_before = len(wire.sent)
            async with tenant(http, TENANT_A) as mcp:
                held = await mcp.call_tool("get_case", {"case_id": "SEC-2"})

    assert refused.is_error
    assert held.is_error
    assert not served.is_error, text_of(served)
    assert wire.sent[sent_before:] == []
    text = text_of(held)
    assert "Datadog's rate limit (cases) for this organisation's credentials is reached" in text
    assert "case-mcp's own" not in text
    assert "Retry in about 600 seconds, when Datadog's limit resets" in text
