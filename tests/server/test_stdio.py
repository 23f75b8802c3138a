"""End to end over stdio: `case-mcp serve` as an assistant's MCP configuration starts it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import pytest
from anyio.abc import Process
from anyio.streams.buffered import BufferedByteReceiveStream
from mcp import Client, StdioServerParameters

from inventory import default_tools

# Spawning an interpreter that imports the MCP SDK takes about a second on a small machine.
SPAWN_TIMEOUT = 60
# Ctrl-C must stop the server "at once": a bound far above the interpreter's own teardown,
# far below "until someone presses Enter".
STOP_TIMEOUT = 15
SERVE = [sys.executable, "-m", "case_mcp", "serve", "--sandbox"]
ENVELOPE = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
}

# What a person who starts the server at a terminal reads, word for word.
TERMINAL_HINT = (
    "case-mcp serve speaks the Model Context Protocol on stdin and stdout (JSON-RPC, one "
    "message per line): an AI assistant starts it and talks to it, and it is waiting for one.\n"
    "To try it yourself, run `case-mcp demo`, or one tool: `case-mcp call --sandbox get_case "
    "case_id=SEC-1`. To use it, add `case-mcp serve` to your assistant's MCP configuration "
    "(see the README). Ctrl-C stops it.\n"
)


def _environment_without_credentials() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_"))
    }


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_serve_sandbox_over_stdio_lists_tools_and_reads_a_case(mode: str) -> None:
    """A spawned `case-mcp serve --sandbox` answers tools/list and get_case on stdio."""
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "case_mcp", "serve", "--sandbox"],
        env=_environment_without_credentials(),
    )
    async with Client(server, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert names == {spec.name for spec in default_tools()}
    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"


def test_serve_without_credentials_refuses_with_one_line_saying_what_to_set() -> None:
    """With no keys and no --sandbox, serve exits 2, writes nothing to stdout, and says why."""
    finished = subprocess.run(
        [sys.executable, "-m", "case_mcp", "serve"],
        env=_environment_without_credentials(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SPAWN_TIMEOUT,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stdout == ""
    lines = finished.stderr.splitlines()
    assert len(lines) == 1
    for needed in ("DD_API_KEY", "DD_APP_KEY", "--sandbox"):
        assert needed in lines[0]


def modern(request_id: int, method: str, **params: Any) -> bytes:
    """One 2026-07-28 request, as a line of JSON."""
    message = {
        "jsonrpc": "2.0",
        "id": request_id,
        "method": method,
        "params": {**params, "_meta": ENVELOPE},
    }
    return json.dumps(message).encode() + b"\n"


def legacy(request_id: int | None, method: str, **params: Any) -> bytes:
    """One 2025-11-25 request (or, without an id, a notification), as a line of JSON."""
    message: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "params": params}
    if request_id is not None:
        message["id"] = request_id
    return json.dumps(message).encode() + b"\n"


def get_case(request_id: int, era: str) -> bytes:
    line = modern if era == "2026-07-28" else legacy
    return line(request_id, "tools/call", name="get_case", arguments={"case_id": "SEC-1"})


OPENING = {
    "2026-07-28": modern(1, "server/discover"),
    "legacy": legacy(
        1,
        "initialize",
        protocolVersion="2025-11-25",
        capabilities={},
        clientInfo={"name": "pipe", "version": "1"},
    )
    + legacy(None, "notifications/initialized"),
}


@asynccontextmanager
async def spawned(**streams: Any) -> AsyncIterator[Process]:
    """`case-mcp serve --sandbox` as a child process; killed if a test leaves it running."""
    process = await anyio.open_process(SERVE, env=_environment_without_credentials(), **streams)
    try:
        yield process
    finally:
        if process.returncode is None:
            process.kill()
        await process.aclose()


@pytest.mark.anyio
@pytest.mark.parametrize("era", ["2026-07-28", "legacy"])
async def test_every_request_piped_in_before_end_of_input_is_answered(era: str) -> None:
    """Seven requests then end of input: seven answers, then the server exits by itself."""
    requests = OPENING[era] + b"".join(get_case(request_id, era) for request_id in range(2, 8))

    with anyio.fail_after(SPAWN_TIMEOUT):
        finished = await anyio.run_process(
            SERVE, input=requests, env=_environment_without_credentials(), check=False
        )

    answers = [json.loads(line) for line in finished.stdout.splitlines()]
    assert finished.returncode == 0
    assert sorted(answer["id"] for answer in answers) == list(range(1, 8))
    calls = [answer for answer in answers if answer["id"] > 1]
    assert all(answer["result"]["structuredContent"]["key"] == "SEC-1" for answer in calls)


@pytest.mark.anyio
@pytest.mark.parametrize("era", ["2026-07-28", "legacy"])
async def test_a_line_that_is_not_json_gets_a_parse_error_and_serving_goes_on(era: str) -> None:
    """A line that is not JSON is answered with -32700 and a null id; the next request works."""
    async with spawned(stdin=subprocess.PIPE, stdout=subprocess.PIPE) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        answers = BufferedByteReceiveStream(process.stdout)
        with anyio.fail_after(SPAWN_TIMEOUT):
            await process.stdin.send(b"this is not json\n" + OPENING[era])
            first = json.loads(await answers.receive_until(b"\n", 1_000_000))
            second = json.loads(await answers.receive_until(b"\n", 1_000_000))
            await process.stdin.aclose()
            await process.wait()

    assert first["id"] is None
    assert first["error"]["code"] == -32700
    assert "not JSON" in first["error"]["message"]
    assert "this is not json" not in first["error"]["message"]
    assert second["id"] == 1
    assert "result" in second


@pytest.mark.anyio
async def test_json_that_is_no_json_rpc_message_gets_an_invalid_request_error() -> None:
    """Valid JSON that is no JSON-RPC message is answered with -32600, not ignored."""
    async with spawned(stdin=subprocess.PIPE, stdout=subprocess.PIPE) as process:
        assert process.stdin is not None
        assert process.stdout is not None
        answers = BufferedByteReceiveStream(process.stdout)
        with anyio.fail_after(SPAWN_TIMEOUT):
            await process.stdin.send(b'{"hello": "world"}\n')
            answer = json.loads(await answers.receive_until(b"\n", 1_000_000))
            await process.stdin.aclose()
            await process.wait()

    assert answer["id"] is None
    assert answer["error"]["code"] == -32600


@pytest.mark.anyio
@pytest.mark.skipif(sys.platform == "win32", reason="pseudo-terminals are POSIX only")
async def test_in_a_terminal_serve_says_what_it_is_and_ctrl_c_stops_it_at_once() -> None:
    """With a terminal on stdin: a hint on stderr, nothing on stdout, and SIGINT ends it at
    once with status 130 and no traceback, without anyone pressing Enter."""
    controller, terminal = os.openpty()
    try:
        async with spawned(
            stdin=terminal, stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ) as process:
            assert process.stdout is not None
            assert process.stderr is not None
            said = BufferedByteReceiveStream(process.stderr)
            with anyio.fail_after(SPAWN_TIMEOUT):
                hint = await said.receive_until(b"Ctrl-C stops it.\n", 10_000)
            process.send_signal(signal.SIGINT)
            with anyio.fail_after(STOP_TIMEOUT):
                status = await process.wait()
                rest = b"".join([chunk async for chunk in said])
                written = b"".join([chunk async for chunk in process.stdout])
    finally:
        os.close(controller)
        os.close(terminal)

    assert hint.decode() + "Ctrl-C stops it.\n" == TERMINAL_HINT
    assert status == 130
    assert b"Traceback" not in rest
    assert written == b""


def test_answered_requests_leave_nothing_behind() -> None:
    """The stdio server's count of unanswered requests forgets each one once answered, so a
    long session does not grow with every call (the memory benchmark found ~90 B a call)."""
    # The bookkeeping is private to the stdio runner; the growth it caused shows only over
    # tens of thousands of calls, which is the benchmark's job, not a test's.
    from case_mcp.server._stdio import _Unanswered

    unanswered = _Unanswered()
    for request_id in range(1_000):
        unanswered.received(request_id)
        unanswered.answered(request_id)
    unanswered.received("reused")
    unanswered.received("reused")
    unanswered.answered("reused")

    assert dict(unanswered._requests) == {"reused": 1}
