"""A bounded load test of one `case-mcp serve --transport http --sandbox-db` replica, on loopback.

32 MCP clients, each with its own connection, make a fixed number of tool calls at once (reads
and some writes) and the test stops when they are done. It asserts only that no call failed;
throughput, latency and memory growth are printed (run with ``-s``) and quoted in the README,
since they depend on the machine.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from contextlib import AsyncExitStack
from dataclasses import dataclass, field
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.types import CallToolResult

from replicas import Replica, connect, running_replicas, seeded_database

pytestmark = pytest.mark.anyio

CLIENTS = 32
CALLS_PER_CLIENT = 12
CASES = ("SEC-1", "SEC-2", "OPS-1", "OPS-2", "APP-1", "APP-2", "OPS-3", "SEC-4")


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)


def nth_call(client: int, n: int) -> tuple[str, dict[str, Any]]:
    """The n-th call of a client: mostly reads, one write in four, spread over the cases."""
    case_id = CASES[(client + n) % len(CASES)]
    calls: list[tuple[str, dict[str, Any]]] = [
        ("get_case", {"case_id": case_id}),
        ("search_cases", {"status": "open", "page_size": 5}),
        ("get_case_timeline", {"case_id": case_id, "page_size": 5}),
        ("add_case_comment", {"case_id": case_id, "comment": f"load {client}/{n}"}),
    ]
    return calls[n % len(calls)]


@pytest.fixture(scope="module")
def replica(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Replica]:
    folder = tmp_path_factory.mktemp("load")
    database = seeded_database(folder / "sandbox.db")
    with running_replicas(
        1, database, folder, ["--max-concurrent-calls", "64", "--calls-per-minute", "0"]
    ) as (only,):
        yield only


async def run_client(client: Client, index: int, tally: Tally) -> None:
    for n in range(CALLS_PER_CLIENT):
        tool, arguments = nth_call(index, n)
        started = time.perf_counter()
        try:
            answer: CallToolResult = await client.call_tool(tool, arguments)
        except Exception as error:  # the top of each client's loop: every failure counts
            tally.failures.append(f"{tool}: {type(error).__name__}: {error}")
            continue
        tally.latencies.append(time.perf_counter() - started)
        if answer.is_error:
            tally.failures.append(f"{tool}: {answer.content}")


async def test_32_concurrent_clients_make_their_calls_without_one_failure(
    replica: Replica,
) -> None:
    """Every one of 32 x 12 concurrent tool calls succeeds; the figures are printed."""
    tally = Tally()
    async with AsyncExitStack() as stack:
        clients = [
            (await stack.enter_async_context(connect([replica.port])))[0] for _ in range(CLIENTS)
        ]
        # Warm up: every code path imported and every connection open before measuring.
        for client in clients:
            await client.call_tool("get_case", {"case_id": "SEC-1"})
        rss_before = replica.rss_kib()
        started = time.perf_counter()
        async with anyio.create_task_group() as group:
            for index, client in enumerate(clients):
                group.start_soon(run_client, client, index, tally)
        elapsed = time.perf_counter() - started
        rss_after = replica.rss_kib()

    calls = CLIENTS * CALLS_PER_CLIENT
    percentiles = statistics.quantiles(tally.latencies, n=100)
    print(
        f"\nload: {CLIENTS} clients x {CALLS_PER_CLIENT} calls = {calls} calls in "
        f"{elapsed:.2f} s: {calls / elapsed:.0f} calls/s, p50 {percentiles[49] * 1000:.0f} ms, "
        f"p99 {percentiles[98] * 1000:.0f} ms, replica RSS {rss_before / 1024:.0f} -> "
        f"{rss_after / 1024:.0f} MiB ({(rss_after - rss_before) / 1024:+.1f} MiB), "
        f"{len(tally.failures)} failed"
    )
    assert tally.failures == []
    assert len(tally.latencies) == calls
