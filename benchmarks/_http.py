"""Streamable HTTP: calls/s and latency at 1, 8 and 32 concurrent clients, and memory.

One ``case-mcp serve --transport http`` replica on a free 127.0.0.1 port, over a sandbox
database file, with the per-caller rate limit off and room for 64 calls at once (as in
tests/replicas.py). Every level is measured with ``--workers 1`` (one server process) and
``--workers 2`` (uvicorn's supervisor and two worker processes sharing the port): the same
machine, the same cores, the load process included on them. Each level makes a fixed number
of read calls and stops. Each of these calls is one request to the embedded sandbox (the
first also reads the projects and types), so a level of 900 calls stays under the sandbox's
1000 requests a minute, and every level gets a fresh replica.

What is measured: the server. The load runs in `LOAD_PROCESSES` process(es) of its own, not
in the harness's, and each client is a plain HTTP/1.1 keep-alive connection that speaks the
2026-07-28 stateless protocol as the SDK's `Client` does on the wire: the same JSON-RPC body
with ``_meta``, the same ``Authorization``, ``MCP-Protocol-Version``, ``Mcp-Method`` and
``Mcp-Name`` headers, one ``server/discover`` before its first call. It leaves out the SDK
client's own per-call work (pydantic models, output-schema checks: several ms of CPU a call),
which on a 2-core machine would take the CPU from the server it measures. A call's latency
is taken on the client side, from writing the request to having read and parsed the whole
answer; a call fails on a non-200 status, a JSON-RPC error or a tool result with
``isError``. calls/s is a level's calls over the time from the first call's start to the
last call's end. Each level also records the CPU time one call costs the server (all its
processes: the supervisor and the workers) and the load (``server_cpu_ms_per_call``,
``load_cpu_ms_per_call``), which other work on the machine disturbs far less than it
disturbs throughput. Memory is the sum over the server's processes.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import os
import queue
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Any

import anyio
import httpx2

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


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system) a process has used so far (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants now (with --workers: the supervisor and its workers)."""
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    return [pid, *(p for child in children for p in process_tree(int(child)))]


def tree_rss_kib(pids: list[int]) -> int:
    """The resident memory of all of `pids`, in KiB."""
    return sum(rss_kib(pid) for pid in pids)


def tree_cpu_seconds(pids: list[int]) -> float:
    """The CPU time all of `pids` have used so far."""
    return sum(cpu_seconds(pid) for pid in pids)


@contextmanager
def replica(folder: Path, workers: int = 1) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    """A running server (with `workers` worker processes) on a seeded sandbox file; SIGTERM
    on exit.

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
        *(("--workers", str(workers)) if workers > 1 else ()),
    ]
    with (folder / "server.log").open("wb") as log:
        process = subprocess.Popen(
            command, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log
        )
        try:
            _wait_alive(process, port, folder / "server.log", workers)
            yield process, port
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_alive(process: subprocess.Popen[bytes], port: int, log: Path, workers: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx2.Client(timeout=2.0) as http:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                # One worker answering is not enough: every one of them must have started.
                started = workers == 1 or (
                    log.read_text().count("Application startup complete") >= workers
                )
                if started and http.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
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


# A call costs the load about 0.35 ms of CPU against about 3 ms for the server, so one
# process keeps up; on 2 cores a second one would only take turns with the server.
LOAD_PROCESSES = 1
PROTOCOL = "2026-07-28"
_META = {
    "io.modelcontextprotocol/protocolVersion": PROTOCOL,
    "io.modelcontextprotocol/clientInfo": {"name": "case-mcp-bench", "version": "1"},
    "io.modelcontextprotocol/clientCapabilities": {},
}


class _Connection:
    """One keep-alive HTTP/1.1 connection that posts JSON-RPC requests to ``/mcp``."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, port: int):
        self.reader, self.writer = reader, writer
        self.head = (
            f"POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
            f"Authorization: Bearer {TOKEN}\r\nContent-Type: application/json\r\n"
            f"Accept: application/json, text/event-stream\r\nMCP-Protocol-Version: {PROTOCOL}\r\n"
        )
        self.ids = 0

    async def rpc(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Post one request; the HTTP status and the JSON-RPC answer."""
        self.ids += 1
        body = json.dumps(
            {
                "jsonrpc": "2.0",
                "id": self.ids,
                "method": method,
                "params": {**params, "_meta": _META},
            }
        ).encode()
        name = f"Mcp-Name: {params['name']}\r\n" if "name" in params else ""
        head = f"{self.head}Mcp-Method: {method}\r\n{name}Content-Length: {len(body)}\r\n\r\n"
        self.writer.write(head.encode() + body)
        status_line, _, header_block = (
            (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").partition("\r\n")
        )
        headers = {}
        for line in header_block.split("\r\n"):
            key, _, value = line.partition(":")
            headers[key.strip().lower()] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            payload = b""
            while size := int((await self.reader.readuntil(b"\r\n")).strip(), 16):
                payload += (await self.reader.readexactly(size + 2))[:-2]
            await self.reader.readuntil(b"\r\n")
        else:
            payload = await self.reader.readexactly(int(headers.get("content-length", 0)))
        text = payload.decode()
        if headers.get("content-type", "").startswith("text/event-stream"):
            # The answer is the last event's data (any before it are notifications).
            text = [line[5:] for line in text.splitlines() if line.startswith("data:")][-1]
        return int(status_line.split()[1]), json.loads(text) if text else {}


def _failed(status: int, answer: dict[str, Any]) -> bool:
    return status != 200 or "error" in answer or bool(answer["result"].get("isError"))


async def _clients(
    port: int, first: int, clients: int, per_client: int, start: Barrier
) -> dict[str, Any]:
    connections = []
    for _ in range(clients):
        connection = _Connection(*await asyncio.open_connection("127.0.0.1", port), port)
        status, answer = await connection.rpc("server/discover", {})
        if _failed(status, answer):
            raise RuntimeError(f"server/discover failed: {status} {answer}")
        connections.append(connection)
    latencies: list[float] = []
    failures = 0

    async def run(index: int, connection: _Connection) -> None:
        nonlocal failures
        for n in range(per_client):
            tool, arguments = _call(index, n)
            started = time.perf_counter()
            status, answer = await connection.rpc(
                "tools/call", {"name": tool, "arguments": arguments}
            )
            latencies.append(time.perf_counter() - started)
            failures += _failed(status, answer)

    # Every process has connected: the level starts now, for all of them.
    start.wait(timeout=START_TIMEOUT)
    began, cpu = time.perf_counter(), time.process_time()
    await asyncio.gather(*(run(first + i, c) for i, c in enumerate(connections)))
    ended, cpu = time.perf_counter(), time.process_time() - cpu
    for connection in connections:
        connection.writer.close()
    return {
        "latencies": latencies,
        "failures": failures,
        "began": began,
        "ended": ended,
        "cpu": cpu,
    }


def _load_process(
    port: int, first: int, clients: int, per_client: int, start: Barrier, out: Any
) -> None:
    """One load process: `clients` connections, each making `per_client` calls."""
    out.put(asyncio.run(_clients(port, first, clients, per_client, start)))


def _level_in_processes(port: int, clients: int, total_calls: int) -> dict[str, Any]:
    per_client = max(1, total_calls // clients)
    context = multiprocessing.get_context("spawn")
    shares = [
        clients // LOAD_PROCESSES + (i < clients % LOAD_PROCESSES)
        for i in range(min(LOAD_PROCESSES, clients))
    ]
    start = context.Barrier(len(shares))
    out = context.Queue()
    processes, first = [], 0
    for share in shares:
        args = (port, first, share, per_client, start, out)
        processes.append(context.Process(target=_load_process, args=args, daemon=True))
        first += share
    for process in processes:
        process.start()
    parts: list[dict[str, Any]] = []
    while len(parts) < len(processes):
        try:
            parts.append(out.get(timeout=1.0))
        except queue.Empty:
            if any(process.exitcode for process in processes):
                raise RuntimeError("a load process failed (its traceback is above)") from None
    for process in processes:
        process.join()
    latencies = [value for part in parts for value in part["latencies"]]
    # perf_counter is the system's monotonic clock, the same in every process.
    wall = max(part["ended"] for part in parts) - min(part["began"] for part in parts)
    return {
        "clients": clients,
        "load_processes": len(processes),
        "calls": len(latencies),
        "failures": sum(part["failures"] for part in parts),
        "calls_per_s": round(len(latencies) / wall, 1),
        "load_cpu_ms_per_call": round(sum(p["cpu"] for p in parts) * 1000 / len(latencies), 2),
        **summary(latencies),
    }


async def _level(port: int, clients: int, total_calls: int) -> dict[str, Any]:
    return await anyio.to_thread.run_sync(_level_in_processes, port, clients, total_calls)


def _requests_per_process(folder: Path) -> list[int]:
    """How many ``/mcp`` requests each process answered so far, from its JSON access lines:
    the kernel hands each new connection to one worker, and a keep-alive client stays there."""
    counts: dict[int, int] = {}
    for line in (folder / "server.log").read_text().splitlines():
        if line.startswith("{") and '"path": "/mcp"' in line:
            pid = json.loads(line)["pid"]
            counts[pid] = counts.get(pid, 0) + 1
    return sorted(counts.values(), reverse=True)


async def http_load(
    total_calls: int, levels: tuple[int, ...] = (1, 8, 32), workers: tuple[int, ...] = (1, 2)
) -> dict[str, Any]:
    """calls/s and p50/p99 at each concurrency level and worker count, and the server's RSS.

    Each level gets a fresh server: the embedded sandbox keeps Datadog's rate limit (1000
    requests a minute) in each process, which one level's calls stay under and two levels'
    would not.
    """
    results = []
    for count in workers:
        for clients in levels:
            with (
                tempfile.TemporaryDirectory(prefix="case-mcp-bench-") as folder,
                replica(Path(folder), count) as (process, port),
            ):
                pids = process_tree(process.pid)
                rss_idle = tree_rss_kib(pids)
                cpu_before = tree_cpu_seconds(pids)
                level = await _level(port, clients, total_calls)
                # What one call costs the server, whoever else shares the cores.
                cpu_used = tree_cpu_seconds(pids) - cpu_before
                level = {"workers": count, "processes": len(pids), **level}
                level["server_cpu_ms_per_call"] = round(cpu_used * 1000 / level["calls"], 2)
                level["rss_idle_mib"] = round(rss_idle / 1024, 1)
                level["rss_after_mib"] = round(tree_rss_kib(pids) / 1024, 1)
                if count > 1:
                    level["requests_per_worker"] = _requests_per_process(Path(folder))
                results.append(level)
    one = [level for level in results if level["workers"] == 1] or results
    return {
        "levels": results,
        "rss_idle_mib": one[0]["rss_idle_mib"],
        "rss_after_mib": max(level["rss_after_mib"] for level in one),
    }
