"""Streamable HTTP: calls/s and latency at 1, 8 and 32 concurrent clients, and memory.

One ``case-mcp serve --transport http`` replica on a free 127.0.0.1 port, over a sandbox
database file, with the per-caller rate limit off and room for 64 calls at once (as in
tests/replicas.py). Each level makes a fixed number of read calls (under the sandbox's
1000 requests a minute) and stops.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack, contextmanager
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from case_mcp.sandbox import Sandbox

from ._stats import summary

TOKEN = "bench-bot-token-0123456789abcdef"
SECRET = "bench-secret-0123456789abcdef0123456789"
START_TIMEOUT = 60.0
CASES = ("SEC-1", "SEC-2", "OPS-1", "OPS-2", "APP-1", "APP-2", "OPS-3", "SEC-4")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def rss_kib(pid: int) -> int:
    """A process's resident memory now, in KiB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise LookupError(f"no VmRSS for process {pid}")


@contextmanager
def replica(folder: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A running server on a seeded sandbox file; SIGTERM on exit.

    Raises:
        TimeoutError: It did not answer /healthz in time.
    """
    database = folder / "sandbox.db"
    Sandbox(db_path=database).close()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))}
    env |= {"CASE_MCP_SECRET": SECRET, "CASE_MCP_HTTP_TOKENS": TOKEN}
    command = [
        *(sys.executable, "-m", "case_mcp", "serve", "--transport", "http"),
        *("--host", "127.0.0.1", "--port", str(port), "--sandbox-db", str(database)),
        *("--calls-per-minute", "0", "--max-concurrent-calls", "64"),
    ]
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        try:
            _wait_alive(process, port)
            yield process, port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_alive(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx2.Client(timeout=2.0) as http:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                if http.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            # The server is importing; its port opening is the only event there is.
            time.sleep(0.1)
    raise TimeoutError(f"the HTTP server on port {port} did not start")


def _call(index: int, n: int) -> tuple[str, dict[str, Any]]:
    case_id = CASES[(index + n) % len(CASES)]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_case", {"case_id": case_id}),
        ("search_cases", {"status": "open", "page_size": 5}),
        ("get_case_timeline", {"case_id": case_id, "page_size": 5}),
    ]
    return calls[n % len(calls)]


async def _level(port: int, clients: int, total_calls: int) -> dict[str, Any]:
    latencies: list[float] = []
    failures = 0
    per_client = max(1, total_calls // clients)
    async with AsyncExitStack() as stack:
        connected = []
        for _ in range(clients):
            http = await stack.enter_async_context(
                httpx2.AsyncClient(
                    headers={"Authorization": f"Bearer {TOKEN}"}, timeout=httpx2.Timeout(60.0)
                )
            )
            transport = streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http)
            connected.append(await stack.enter_async_context(Client(transport)))

        async def run(index: int, client: Client) -> None:
            nonlocal failures
            for n in range(per_client):
                tool, arguments = _call(index, n)
                started = time.perf_counter()
                answer = await client.call_tool(tool, arguments)
                latencies.append(time.perf_counter() - started)
                failures += bool(answer.is_error)

        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for index, client in enumerate(connected):
                group.start_soon(run, index, client)
        wall = time.perf_counter() - started
    figures = summary(latencies)
    return {
        "clients": clients,
        "calls": len(latencies),
        "failures": failures,
        "calls_per_s": round(len(latencies) / wall, 1),
        **figures,
    }


async def http_load(total_calls: int, levels: tuple[int, ...] = (1, 8, 32)) -> dict[str, Any]:
    """calls/s and p50/p99 at each concurrency level, and the server's RSS along the way.

    Each level gets a fresh server: the embedded sandbox keeps Datadog's rate limit (1000
    requests a minute), which one level's calls stay under and two levels' would not.
    """
    results = []
    for clients in levels:
        with (
            tempfile.TemporaryDirectory(prefix="case-mcp-bench-") as folder,
            replica(Path(folder)) as (process, port),
        ):
            rss_idle = rss_kib(process.pid)
            level = await _level(port, clients, total_calls)
            level["rss_idle_mib"] = round(rss_idle / 1024, 1)
            level["rss_after_mib"] = round(rss_kib(process.pid) / 1024, 1)
            results.append(level)
    return {
        "levels": results,
        "rss_idle_mib": results[0]["rss_idle_mib"],
        "rss_after_mib": max(level["rss_after_mib"] for level in results),
    }
