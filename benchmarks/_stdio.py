"""Stdio figures: cold start to the first tools/list answer, and warm calls.

Both servers are spawned the way an IDE spawns them (a fresh process on stdin/stdout) and
driven by the SDK's own client, so the client's cost is the same on both sides of each ratio.
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import sys
import time
from collections.abc import Awaitable, Callable
from functools import partial
from pathlib import Path
from typing import Any

from mcp import Client
from mcp.client.stdio import StdioServerParameters

import case_mcp as case_mcp_package
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from case_mcp.server._launch import sandbox_client_factory

from ._jsonlines import JsonLinesClient, repeat
from ._stats import summary

FLOOR_SCRIPT = Path(__file__).with_name("floor_server.py")
FLOOR_WORK_SCRIPT = Path(__file__).with_name("floor_work_server.py")
CASE = "SEC-1"
TIMELINE_URI = f"case://{CASE}/timeline"
OPERATIONS = ("get_case", "search_cases_25", "timeline_resource")


def _environment() -> dict[str, str]:
    # A bench must not reach a real Datadog organisation, whatever this shell has set.
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_"))
    }


def case_mcp_params(*options: str) -> StdioServerParameters:
    """``case-mcp serve --sandbox [options]``, by the installed console script when there is
    one."""
    script = shutil.which("case-mcp", path=str(Path(sys.executable).parent))
    command, prefix = (script, []) if script else (sys.executable, ["-m", "case_mcp"])
    return StdioServerParameters(
        command=command, args=[*prefix, "serve", "--sandbox", *options], env=_environment()
    )


def floor_params(script: Path = FLOOR_SCRIPT) -> StdioServerParameters:
    """A one-tool SDK server: floor_server.py, or floor_work_server.py."""
    return StdioServerParameters(command=sys.executable, args=[str(script)], env=_environment())


async def _time_to_tools(params: StdioServerParameters) -> float:
    started = time.perf_counter()
    async with Client(params) as client:
        await client.list_tools()
        elapsed = time.perf_counter() - started
    return elapsed


async def cold_start(runs: int) -> dict[str, Any]:
    """Spawn → first tools/list answer of case-mcp with the default toolsets, with every
    toolset, and of the floor, interleaved, `runs` each."""
    # An installed copy starts from bytecode (pip compiles a wheel at install); an editable
    # checkout run by a shell with PYTHONDONTWRITEBYTECODE set would compile every changed
    # module on every start instead (~90 ms), a cost no user pays. The SDK is compiled already.
    compileall.compile_dir(Path(case_mcp_package.__file__).parent, quiet=1)
    servers = {
        "case_mcp": case_mcp_params(),  # the default toolsets
        "case_mcp_all": case_mcp_params("--toolsets", "all"),  # every tool
        "floor": floor_params(),
    }
    samples: dict[str, list[float]] = {name: [] for name in servers}
    # One unmeasured start of each fills the OS page cache the way a second launch finds it.
    for params in servers.values():
        await _time_to_tools(params)
    for _ in range(runs):
        for name, params in servers.items():
            samples[name].append(await _time_to_tools(params))
    floor = statistics.median(samples["floor"])
    return {
        **{name: summary(values) for name, values in samples.items()},
        "ratio": round(statistics.median(samples["case_mcp"]) / floor, 3),
        "ratio_all": round(statistics.median(samples["case_mcp_all"]) / floor, 3),
    }


async def _repeat(call: Callable[[], Awaitable[object]], calls: int) -> list[float]:
    for _ in range(max(3, calls // 10)):
        await call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - started)
    return samples


def _operations(client: Client) -> dict[str, Callable[[], Awaitable[object]]]:
    return {
        "get_case": lambda: client.call_tool("get_case", {"case_id": CASE}),
        "search_cases_25": lambda: client.call_tool("search_cases", {"page_size": 25}),
        "timeline_resource": lambda: client.read_resource(TIMELINE_URI),
    }


def _line_operations(lines: JsonLinesClient) -> dict[str, Callable[[], object]]:
    return {
        "get_case": lambda: lines.call_tool("get_case", {"case_id": CASE}),
        "search_cases_25": lambda: lines.call_tool("search_cases", {"page_size": 25}),
        "timeline_resource": lambda: lines.read_resource(TIMELINE_URI),
    }


async def warm_calls(calls: int) -> dict[str, Any]:
    """p50/p95 of each operation over stdio, in memory, by the direct client, and the floor.

    Over stdio: a spawned ``case-mcp serve --sandbox``, driven by the SDK's client and by a
    minimal JSON-lines driver (`_jsonlines`); the floor's trivial tool is measured both ways
    too. Each operation and driver gets a fresh server: the embedded sandbox keeps Datadog's
    1000 requests a minute, which one operation's calls stay under and three would not. In
    memory: the same server connected in process (the protocol without the pipe). Direct:
    `CaseManagementClient` on an in-process sandbox with the same demo data, the floor for
    the work itself (in a tight loop, so with warmer caches than any server has).
    """
    results: dict[str, Any] = {name: {} for name in OPERATIONS}
    for name in results:
        async with Client(case_mcp_params()) as client:
            results[name]["stdio"] = summary(await _repeat(_operations(client)[name], calls))
        with JsonLinesClient(case_mcp_params()) as lines:
            results[name]["stdio_jsonlines"] = summary(repeat(_line_operations(lines)[name], calls))
    with Sandbox(rate_limit=None) as sandbox:
        async with Client(create_server(sandbox_client_factory(sandbox))) as client:
            for name, call in _operations(client).items():
                results[name]["in_memory"] = summary(await _repeat(call, calls))
        async with sandbox_client_factory(sandbox)() as direct:
            work: dict[str, Callable[[], Awaitable[object]]] = {
                "get_case": lambda: direct.get_case(CASE),
                "search_cases_25": lambda: direct.search_cases(page_size=25),
                "timeline_resource": lambda: direct.list_case_timeline(CASE, page_size=50),
            }
            for name, call in work.items():
                results[name]["direct"] = summary(await _repeat(call, calls))
    async with Client(floor_params()) as floor:
        trivial = summary(await _repeat(lambda: floor.call_tool("echo", {"text": "x"}), calls))
    with JsonLinesClient(floor_params()) as lines:
        trivial_lines = summary(repeat(lambda: lines.call_tool("echo", {"text": "x"}), calls))
    # The SDK floor doing get_case's work (the same client call, the same answer): what is
    # left of case-mcp's figure beyond it is the cost of case-mcp's own MCP layer.
    get_case = results["get_case"]
    async with Client(floor_params(FLOOR_WORK_SCRIPT)) as floor:
        call = partial(floor.call_tool, "get_case", {"case_id": CASE})
        get_case["floor_work_stdio"] = summary(await _repeat(call, calls))
    with JsonLinesClient(floor_params(FLOOR_WORK_SCRIPT)) as lines:
        line_call = partial(lines.call_tool, "get_case", {"case_id": CASE})
        get_case["floor_work_jsonlines"] = summary(repeat(line_call, calls))
    get_case["mcp_layer_ms"] = round(
        get_case["stdio"]["p50_ms"] - get_case["floor_work_stdio"]["p50_ms"], 3
    )
    get_case["mcp_layer_jsonlines_ms"] = round(
        get_case["stdio_jsonlines"]["p50_ms"] - get_case["floor_work_jsonlines"]["p50_ms"], 3
    )
    for figures in results.values():
        figures["overhead_ms"] = round(figures["stdio"]["p50_ms"] - figures["direct"]["p50_ms"], 3)
        figures["ratio"] = round(figures["stdio"]["p50_ms"] / figures["direct"]["p50_ms"], 2)
        figures["vs_floor_ms"] = round(figures["stdio"]["p50_ms"] - trivial["p50_ms"], 3)
        figures["overhead_jsonlines_ms"] = round(
            figures["stdio_jsonlines"]["p50_ms"] - figures["direct"]["p50_ms"], 3
        )
    return {
        "operations": results,
        "floor_trivial_tool": trivial,
        "floor_trivial_tool_jsonlines": trivial_lines,
    }
