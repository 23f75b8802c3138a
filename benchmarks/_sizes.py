"""What models see: tool definitions, and the answers they read against Datadog's JSON.

Sizes are characters; tokens are estimated as characters / 4 (no tokenizer here runs offline:
tiktoken downloads its encodings at run time), which is close for English and JSON text.
"""

from __future__ import annotations

import json
import statistics
from typing import Any

import httpx2
from mcp import Client
from mcp.types import Tool

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, get_case_costs, read_costs
from case_mcp.server._launch import SANDBOX_BASE_URL, sandbox_client_factory

CHARS_PER_TOKEN = 4
TIMELINE_CASE = "SEC-1"
TIMELINE_ENTRIES = 20


def compact(document: object) -> str:
    """JSON as a host sends it: no spaces, non-ASCII kept."""
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False)


def definition_chars(tool: Tool) -> int:
    """Characters of what a model reads of one tool: name, description, input schema."""
    return len(tool.name) + len(tool.description or "") + len(compact(tool.input_schema))


async def _listed(options: ServerOptions | None) -> dict[str, Any]:
    async with Client(create_server(CaseManagementClient, options)) as client:
        listed = await client.list_tools()
    per_tool = {tool.name: definition_chars(tool) for tool in listed.tools}
    whole = len(compact(listed.model_dump(mode="json", by_alias=True, exclude_none=True)))
    total = sum(per_tool.values())
    return {
        "tools": len(per_tool),
        "per_tool_chars": dict(sorted(per_tool.items(), key=lambda item: -item[1])),
        "total_chars": total,
        "total_tokens_est": total // CHARS_PER_TOKEN,
        "tools_list_chars": whole,
        "tools_list_tokens_est": whole // CHARS_PER_TOKEN,
    }


async def definitions() -> dict[str, Any]:
    """Per-tool and total definition sizes of the default tools and of ``--toolsets all``,
    and the whole tools/list of each."""
    return {
        **await _listed(None),
        "all_toolsets": await _listed(ServerOptions(toolsets=["all"])),
        "token_estimate": f"characters / {CHARS_PER_TOKEN}",
    }


def _text(answer: Any) -> str:
    return "".join(getattr(block, "text", "") for block in answer.content)


def _figure(answer: str, raw: str) -> dict[str, Any]:
    return _figure_of(len(answer), len(raw))


def _figure_of(answer: int, raw: int) -> dict[str, Any]:
    return {
        "answer_chars": answer,
        "raw_chars": raw,
        "ratio": round(answer / raw, 3),
        "answer_tokens_est": answer // CHARS_PER_TOKEN,
    }


async def answers() -> dict[str, Any]:
    """get_case, a 25-case search_cases, a 20-entry timeline and every read tool's example
    call against the raw JSON."""
    with Sandbox(rate_limit=None) as sandbox:
        async with (
            Client(create_server(sandbox_client_factory(sandbox))) as mcp,
            httpx2.AsyncClient(
                base_url=SANDBOX_BASE_URL,
                transport=sandbox.transport(),
                headers={"DD-API-KEY": "sandbox", "DD-APPLICATION-KEY": "sandbox"},
            ) as http,
        ):
            for n in range(TIMELINE_ENTRIES):
                await mcp.call_tool(
                    "add_case_comment",
                    {"case_id": TIMELINE_CASE, "comment": f"Bench note {n}: checked the logs."},
                )
            case = _figure(
                _text(await mcp.call_tool("get_case", {"case_id": "SEC-1"})),
                (await http.get("/api/v2/cases/SEC-1")).text,
            )
            search = _figure(
                _text(await mcp.call_tool("search_cases", {"page_size": 25})),
                (await http.get("/api/v2/cases", params={"page[size]": 25})).text,
            )
            timeline = _figure(
                _text(
                    await mcp.call_tool(
                        "get_case_timeline",
                        {"case_id": TIMELINE_CASE, "page_size": TIMELINE_ENTRIES},
                    )
                ),
                (
                    await http.get(
                        f"/api/v2/cases/{TIMELINE_CASE}/timelines",
                        params={"page[size]": TIMELINE_ENTRIES},
                    )
                ).text,
            )
    costs = await get_case_costs()
    ratios = [cost.ratio for cost in costs]
    return {
        "get_case": case,
        "get_case_all_demo_cases": {
            "cases": len(costs),
            "median_ratio": round(statistics.median(ratios), 3),
            "max_ratio": round(max(ratios), 3),
            "total_ratio": round(
                sum(cost.answer for cost in costs) / sum(cost.raw for cost in costs), 3
            ),
        },
        "search_cases_25": search,
        "timeline_20": timeline,
        "reads": {
            cost.tool: {
                **_figure_of(cost.answer, cost.raw),
                "arguments": cost.arguments,
                "requests": cost.requests,
                "budget": cost.budget,
            }
            for cost in await read_costs()
        },
    }
