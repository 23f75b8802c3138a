"""The tool surface as other programs and reviewers read it, and what its answers cost.

``manifests/tools.json`` is generated here from the server itself: every tool's name, title,
toolset, description, annotations, input and output schema, exactly as ``tools/list`` sends
them. The file is committed, and a test fails when it differs from the server, so a change to
what models see shows up in review. Regenerate it from the repository's root with::

    case-mcp tools --json > manifests/tools.json

``case-mcp tools --cost`` prints what a ``get_case`` answer costs against Datadog's own JSON
for the same case.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import httpx2
from mcp import Client
from mcp.server import MCPServer
from mcp.types import Tool, ToolAnnotations

from case_mcp.client import CaseManagementClient
from case_mcp.server._factory import SERVER_NAME, create_server
from case_mcp.server._launch import SANDBOX_BASE_URL, sandbox_client_factory
from case_mcp.server._state import ServerState
from case_mcp.server.guardrails._spec import ToolKind
from case_mcp.server.tools import all_tools

REGENERATE: Final = "case-mcp tools --json > manifests/tools.json"
"""The command that rewrites the committed manifest, run from the repository's root."""


def _listing_server() -> MCPServer[ServerState]:
    # Listing tools never starts the server, so its client is never opened.
    return create_server(CaseManagementClient)


def kind_of(annotations: ToolAnnotations | None) -> ToolKind:
    """The tool kind a client can infer from the annotations it was sent."""
    if annotations is None:
        return "write"
    if annotations.read_only_hint:
        return "read"
    if annotations.destructive_hint:
        return "destructive"
    return "idempotent_write" if annotations.idempotent_hint else "write"


def tool_entry(tool: Tool, toolset: str) -> dict[str, Any]:
    """One tool as the manifest records it: the wire definition, plus its toolset."""
    wire = tool.model_dump(mode="json", by_alias=True, exclude_none=True)
    entry: dict[str, Any] = {"name": tool.name, "title": tool.title, "toolset": toolset}
    entry.update((key, value) for key, value in wire.items() if key not in entry)
    return entry


async def manifest() -> dict[str, Any]:
    """The manifest document: the server's name and every tool it offers, in list order."""
    toolsets = {spec.name: spec.toolset for spec in all_tools()}
    tools = await _listing_server().list_tools()
    return {
        "server": SERVER_NAME,
        "regenerate": REGENERATE,
        "tools": [tool_entry(tool, toolsets[tool.name]) for tool in tools],
    }


async def manifest_text() -> str:
    """The manifest as committed: indented JSON, one trailing newline."""
    return json.dumps(await manifest(), indent=2, ensure_ascii=False) + "\n"


async def tool_table() -> str:
    """The tools as a plain-text table: name, kind, toolset, title."""
    toolsets = {spec.name: spec.toolset for spec in all_tools()}
    rows = [
        (tool.name, kind_of(tool.annotations), toolsets[tool.name], tool.title or "")
        for tool in await _listing_server().list_tools()
    ]
    header = ("name", "kind", "toolset", "title")
    widths = [max(len(row[column]) for row in [header, *rows]) for column in range(3)]
    lines = [
        "  ".join([*(cell.ljust(width) for cell, width in zip(row, widths, strict=False)), row[3]])
        for row in [header, *rows]
    ]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class AnswerCost:
    """What one ``get_case`` answer costs, in characters, against Datadog's JSON.

    Attributes:
        key: The case's key.
        raw: Characters of Datadog's answer to ``GET /api/v2/cases/{id}`` for the case.
        answer: Characters of the text of the ``get_case`` answer the model reads.
    """

    key: str
    raw: int
    answer: int

    @property
    def ratio(self) -> float:
        """The answer's size as a share of the raw JSON's."""
        return self.answer / self.raw


async def get_case_costs() -> list[AnswerCost]:
    """The cost of ``get_case`` for every live case of a fresh sandbox's demo organisation."""
    # Only this report runs the sandbox: the manifest's readers never pay for importing it.
    from case_mcp.sandbox import Sandbox

    with Sandbox(rate_limit=None) as sandbox:
        server = create_server(sandbox_client_factory(sandbox))
        async with (
            Client(server) as mcp,
            httpx2.AsyncClient(
                base_url=SANDBOX_BASE_URL,
                transport=sandbox.transport(),
                headers={"DD-API-KEY": "sandbox", "DD-APPLICATION-KEY": "sandbox"},
            ) as http,
        ):
            found = await mcp.call_tool("search_cases", {"page_size": 100})
            keys = [case["key"] for case in (found.structured_content or {}).get("cases", [])]
            costs = []
            for key in keys:
                raw = await http.get(f"/api/v2/cases/{key}")
                answer = await mcp.call_tool("get_case", {"case_id": key})
                text = "".join(getattr(block, "text", "") for block in answer.content)
                costs.append(AnswerCost(key=key, raw=len(raw.text), answer=len(text)))
    return sorted(costs, key=lambda cost: _key_order(cost.key))


def _key_order(key: str) -> tuple[str, int]:
    project, _, number = key.rpartition("-")
    return (project, int(number) if number.isdigit() else 0)


def cost_report(costs: Sequence[AnswerCost], example: str = "SEC-1") -> str:
    """A few lines that state the figure: one example case and the spread over all."""
    # Here, not at the top: `case_mcp.server` exports this module, and serving needs no median.
    import statistics

    chosen = next((cost for cost in costs if cost.key == example), costs[0])
    ratios = [cost.ratio for cost in costs]
    total_answer = sum(cost.answer for cost in costs)
    total_raw = sum(cost.raw for cost in costs)
    return (
        f"get_case {chosen.key}: {chosen.answer} characters of text against "
        f"{chosen.raw} of raw Datadog JSON ({chosen.ratio:.0%}).\n"
        f"All {len(costs)} live demo cases: median {statistics.median(ratios):.0%}, "
        f"min {min(ratios):.0%}, max {max(ratios):.0%}; "
        f"{total_answer} characters against {total_raw} ({total_answer / total_raw:.0%}).\n"
    )
