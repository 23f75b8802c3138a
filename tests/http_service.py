"""The HTTP service in process for tests: its app over the sandbox, reached through httpx2's
ASGI transport, and a Datadog transport that remembers what reached it."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
import uvicorn
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent
from starlette.applications import Starlette

from case_mcp.client import CaseManagementClient
from case_mcp.config import HttpOptions, ServerOptions
from case_mcp.server import ClientFactory
from case_mcp.server.http import create_http_app

BASE = "http://127.0.0.1:8000"


class Recording(httpx2.AsyncBaseTransport):
    """The sandbox's transport, remembering each request's headers; it can hold one request
    until released, to keep a call in flight."""

    def __init__(self, inner: httpx2.AsyncBaseTransport, *, hold: bool = False) -> None:
        self.inner = inner
        self.headers: list[httpx2.Headers] = []
        self.hold = hold
        self.entered = anyio.Event()
        self.release = anyio.Event()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        self.headers.append(request.headers)
        if self.hold:
            self.hold = False
            self.entered.set()
            await self.release.wait()
        return await self.inner.handle_async_request(request)


def factory(transport: httpx2.AsyncBaseTransport) -> ClientFactory:
    return lambda: CaseManagementClient(
        base_url="http://sandbox.invalid", api_key="k", app_key="a", transport=transport
    )


@asynccontextmanager
async def running(app: Starlette, base: str = BASE) -> AsyncIterator[httpx2.AsyncClient]:
    """An HTTP client of `app`, in process, with the app's lifespan entered."""
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url=base) as http,
    ):
        yield http


@asynccontextmanager
async def service(
    transport: httpx2.AsyncBaseTransport,
    options: ServerOptions | None = None,
    **http: Any,
) -> AsyncIterator[httpx2.AsyncClient]:
    """The service with `http` options over `transport`, and an HTTP client of it."""
    app = create_http_app(factory(transport), options, HttpOptions(**{"port": 8000, **http}))
    async with running(app) as client:
        yield client


def mcp_over(http: httpx2.AsyncClient, mode: str = "auto", url: str = BASE) -> Client:
    return Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode)


def text_of(answer: CallToolResult) -> str:
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


class ListeningServer(uvicorn.Server):
    """uvicorn, saying when it listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.listening = anyio.Event()

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets=sockets)
        self.listening.set()


def loopback_listener() -> socket.socket:
    """A socket bound to a free port of 127.0.0.1, for a server to listen on."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    return listener
