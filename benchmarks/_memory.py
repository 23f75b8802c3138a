"""Memory over calls: the server's resident memory every `every` read calls, stdio and HTTP.

A server that keeps something per call (a cache without a bound, a record of every request,
garbage the collector never reaches) grows by a little on every call; over tens of
thousands of calls that shows as RSS that keeps rising after the first few thousand, when
caches, pools and the allocator's arenas have filled. So the figure is the growth per call
over the second half of the run, which is close to zero for a server that has levelled off.

Both servers are real processes, spawned with public flags only: ``case-mcp serve`` (driven
by the JSON-lines driver over stdio) and ``case-mcp serve --transport http`` (driven by one
keep-alive connection per client, as in `_http`). They reach the API over HTTP, a separate
``case-mcp sandbox --rate-limit 0`` process with the demo organisation: the embedded
sandbox of ``serve --sandbox`` keeps Datadog's 1000 requests a minute, and a run that long
would measure 429 answers instead of calls. The client's own pacing is raised to match
(``CASE_MCP_MAX_REQUESTS_PER_SECOND``), as an operator would for a high Datadog budget.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx2
from mcp.client.stdio import StdioServerParameters

from ._http import (
    CASES,
    SECRET,
    START_TIMEOUT,
    TOKEN,
    _Connection,
    _failed,
    _free_port,
    _wait_alive,
    rss_kib,
)
from ._jsonlines import JsonLinesClient

READS: tuple[tuple[str, Callable[[str], dict[str, Any]]], ...] = (
    ("get_case", lambda case: {"case_id": case}),
    ("search_cases", lambda case: {"status": "open", "page_size": 5}),
    ("get_case_timeline", lambda case: {"case_id": case, "page_size": 5}),
    ("list_projects", lambda case: {}),
    ("find_users", lambda case: {"query": "a"}),
)


def read_call(n: int) -> tuple[str, dict[str, Any]]:
    """The `n`-th call of the run: the read tools in turn, over eight demo cases."""
    tool, arguments = READS[n % len(READS)]
    return tool, arguments(CASES[n % len(CASES)])


def _mib(kib: int) -> float:
    return round(kib / 1024, 1)


def growth(samples: list[tuple[int, float]]) -> float:
    """Bytes per call from the middle sample to the last (the first half is warm-up)."""
    middle, last = samples[len(samples) // 2], samples[-1]
    calls = last[0] - middle[0]
    return round((last[1] - middle[1]) * 2**20 / calls, 2) if calls else 0.0


@contextmanager
def api_sandbox() -> Iterator[str]:
    """A ``case-mcp sandbox`` process with no request budget; its base URL.

    Raises:
        TimeoutError: It did not answer in time.
    """
    port = _free_port()
    command = [sys.executable, "-m", "case_mcp", "sandbox", "--port", str(port)]
    process = subprocess.Popen(
        [*command, "--rate-limit", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        with httpx2.Client(timeout=2.0) as http:
            while True:
                try:
                    if http.get(f"{url}/_sandbox/rate_limit").status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise TimeoutError(f"the sandbox on port {port} did not start")
                # It is importing; its port opening is the only event there is.
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def _environment(api_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))}
    return env | {
        "CASE_MCP_BASE_URL": api_url,
        "DD_API_KEY": "bench-api-key",
        "DD_APP_KEY": "bench-app-key",
        "CASE_MCP_MAX_REQUESTS_PER_SECOND": "1000",
    }


def stdio_memory(api_url: str, calls: int, every: int) -> dict[str, Any]:
    """RSS of a spawned ``case-mcp serve`` (stdio) every `every` of `calls` read calls."""
    params = StdioServerParameters(
        command=sys.executable, args=["-m", "case_mcp", "serve"], env=_environment(api_url)
    )
    samples: list[tuple[int, float]] = []
    with JsonLinesClient(params) as lines:
        pid = lines.pid
        for n in range(calls + 1):
            if n % every == 0:
                samples.append((n, _mib(rss_kib(pid))))
            if n < calls:
                tool, arguments = read_call(n)
                lines.call_tool(tool, arguments)
    return {"samples": samples, "bytes_per_call": growth(samples)}


async def _drive_http(port: int, pid: int, calls: int, every: int, clients: int) -> dict[str, Any]:
    connections = []
    for _ in range(clients):
        connection = _Connection(*await asyncio.open_connection("127.0.0.1", port), port)
        status, answer = await connection.rpc("server/discover", {})
        if _failed(status, answer):
            raise RuntimeError(f"server/discover failed: {status} {answer}")
        connections.append(connection)
    samples = [(0, _mib(rss_kib(pid)))]
    made = failures = 0

    async def run(connection: _Connection) -> None:
        nonlocal made, failures
        while made < calls:
            made += 1
            n = made
            tool, arguments = read_call(n)
            status, answer = await connection.rpc(
                "tools/call", {"name": tool, "arguments": arguments}
            )
            failures += _failed(status, answer)
            if n % every == 0:
                samples.append((n, _mib(rss_kib(pid))))

    await asyncio.gather(*(run(connection) for connection in connections))
    for connection in connections:
        connection.writer.close()
    return {"samples": samples, "failures": failures, "bytes_per_call": growth(samples)}


def http_memory(api_url: str, calls: int, every: int, clients: int = 8) -> dict[str, Any]:
    """RSS of a spawned ``case-mcp serve --transport http`` every `every` of `calls` calls,
    made by `clients` concurrent keep-alive connections."""
    port = _free_port()
    env: Mapping[str, str] = _environment(api_url) | {
        "CASE_MCP_SECRET": SECRET,
        "CASE_MCP_HTTP_TOKENS": TOKEN,
    }
    command = [
        *(sys.executable, "-m", "case_mcp", "serve", "--transport", "http"),
        *("--host", "127.0.0.1", "--port", str(port)),
        *("--calls-per-minute", "0", "--max-concurrent-calls", "64"),
    ]
    with tempfile.TemporaryDirectory(prefix="case-mcp-bench-") as folder:
        log_path = Path(folder) / "server.log"
        with log_path.open("wb") as log:
            process = subprocess.Popen(
                command, env=dict(env), stdin=subprocess.DEVNULL, stdout=log, stderr=log
            )
            try:
                _wait_alive(process, port, log_path, 1)
                figures = asyncio.run(_drive_http(port, process.pid, calls, every, clients))
            finally:
                process.terminate()
                process.wait(timeout=30)
    return {"clients": clients, **figures}


def memory_over_calls(calls: int, every: int) -> dict[str, Any]:
    """Both transports, each against its own fresh API sandbox."""
    results: dict[str, Any] = {"calls": calls, "every": every}
    with api_sandbox() as api_url:
        results["stdio"] = stdio_memory(api_url, calls, every)
    with api_sandbox() as api_url:
        results["http"] = http_memory(api_url, calls, every)
    return results
