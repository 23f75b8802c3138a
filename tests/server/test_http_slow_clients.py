"""Slow clients on a real socket: a request must arrive whole within the read bound, from the
connection's start or its previous answer, however steadily its bytes trickle in; the time a
request then takes to answer is not bounded by it."""

from __future__ import annotations

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio
import httpx2
import pytest
from anyio.abc import SocketStream

from case_mcp.config import HttpOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server.http import create_http_app, service_config
from http_service import ListeningServer, Recording, factory, loopback_listener

pytestmark = pytest.mark.anyio

READ_TIMEOUT = 0.5
# Far more than the bound, far less than forever: a server that never closes fails here.
GIVE_UP = 10.0
CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {
        "name": "get_case",
        "arguments": {"case_id": "SEC-1"},
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
        },
    },
}
CALL_HEADERS = {
    "Accept": "application/json, text/event-stream",
    "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": "tools/call",
    "Mcp-Name": "get_case",
}


def head(port: int) -> bytes:
    """The start of a request the service would answer, up to its last header line."""
    lines = [
        "POST /mcp HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/json",
        *(f"{name}: {value}" for name, value in CALL_HEADERS.items()),
    ]
    return "".join(f"{line}\r\n" for line in lines).encode()


@asynccontextmanager
async def listening(datadog: Recording) -> AsyncIterator[int]:
    """The service as `serve --transport http --read-timeout 0.5` runs it, on a free port."""
    http = HttpOptions(port=0, read_timeout=READ_TIMEOUT)
    listener = loopback_listener()
    server = ListeningServer(service_config(create_http_app(factory(datadog), None, http), http))
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: server.serve(sockets=[listener]))
        await server.listening.wait()
        yield listener.getsockname()[1]
        server.should_exit = True


async def trickle_until_closed(stream: SocketStream, data: bytes) -> None:
    """Send `data` a byte at a time, then one more header byte at a time, until the server
    closes the connection."""
    for byte in [bytes([value]) for value in data] + [b"x"] * 10_000:
        try:
            await stream.send(byte)
            with anyio.move_on_after(0.05):
                await stream.receive()
        except (anyio.EndOfStream, anyio.BrokenResourceError, ConnectionError):
            return


async def test_a_client_trickling_its_headers_is_disconnected_at_the_read_bound(
    sandbox: Sandbox,
) -> None:
    """Headers sent a byte every 50 ms, never finished, get the connection closed once the
    bound has passed since it opened, though bytes kept arriving."""
    async with listening(Recording(sandbox.transport())) as port:
        with anyio.fail_after(GIVE_UP):
            # Before connecting: the server's clock starts when it accepts.
            started = time.monotonic()
            stream = await anyio.connect_tcp("127.0.0.1", port)
            await trickle_until_closed(stream, head(port) + b"X-Slow: ")
            held_for = time.monotonic() - started
            await stream.aclose()

    assert READ_TIMEOUT <= held_for < GIVE_UP


async def test_a_client_trickling_its_body_is_disconnected_at_the_read_bound(
    sandbox: Sandbox, caplog: pytest.LogCaptureFixture
) -> None:
    """A request whose headers came at once but whose body trickles gets the connection
    closed at the bound, is logged as given up by its client (499) without a traceback,
    and nothing of it reaches Datadog."""
    caplog.set_level(logging.INFO)
    datadog = Recording(sandbox.transport())
    async with listening(datadog) as port:
        with anyio.fail_after(GIVE_UP):
            # Before connecting: the server's clock starts when it accepts.
            started = time.monotonic()
            stream = await anyio.connect_tcp("127.0.0.1", port)
            await stream.send(head(port) + b"Content-Length: 100000\r\n\r\n")
            await trickle_until_closed(stream, b'{"jsonrpc": "2.0", ')
            held_for = time.monotonic() - started
            await stream.aclose()

    assert READ_TIMEOUT <= held_for < GIVE_UP
    assert datadog.headers == []
    access = [record for record in caplog.records if getattr(record, "path", None) == "/mcp"]
    assert [record.__dict__["status"] for record in access] == [499]
    assert [record.levelname for record in caplog.records if record.levelno >= logging.ERROR] == []


async def test_a_call_answered_after_the_read_bound_is_not_cut(sandbox: Sandbox) -> None:
    """A tool call that waits on Datadog past the bound still gets its answer: the bound is on
    reading the request, not on serving it."""
    held = Recording(sandbox.transport(), hold=True)
    async with listening(held) as port, anyio.create_task_group() as group:
        answers: list[httpx2.Response] = []
        url = f"http://127.0.0.1:{port}"

        async def call() -> None:
            async with httpx2.AsyncClient(base_url=url) as http:
                answers.append(await http.post("/mcp", json=CALL, headers=CALL_HEADERS))

        with anyio.fail_after(GIVE_UP):
            group.start_soon(call)
            await held.entered.wait()
            # A trickler cut off at the bound proves the bound has passed for the call too.
            stream = await anyio.connect_tcp("127.0.0.1", port)
            await trickle_until_closed(stream, head(port))
            await stream.aclose()
            held.release.set()

    assert answers[0].status_code == 200
    assert answers[0].json()["result"]["isError"] is False


def test_the_read_bound_is_ten_seconds_unless_configured(monkeypatch: pytest.MonkeyPatch) -> None:
    """CASE_MCP_READ_TIMEOUT sets the bound, --read-timeout wins over it, 10 s without either."""
    monkeypatch.delenv("CASE_MCP_READ_TIMEOUT", raising=False)
    assert HttpOptions.load().read_timeout == 10.0

    monkeypatch.setenv("CASE_MCP_READ_TIMEOUT", "30")
    assert HttpOptions.load().read_timeout == 30.0
    assert HttpOptions.load(read_timeout=2.5).read_timeout == 2.5


def test_a_read_bound_of_zero_names_the_flag() -> None:
    """No bound at all is not an option: zero is a configuration error naming the flag."""
    with pytest.raises(ConfigurationError, match="--read-timeout must be"):
        HttpOptions.load(read_timeout=0)
