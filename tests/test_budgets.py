"""Budgets on what models pay for, enforced in CI (issue 6; timings live in BENCHMARKS.md).

The figures are deterministic: the tools' definitions as `tools/list` sends them, the text of
`get_case` answers over a fresh sandbox's demo cases against Datadog's own JSON, and the text
of every read tool's example call against the JSON Datadog sent for it (`read_costs`).
`python -m benchmarks --only definitions answers` prints the same figures.
"""

from __future__ import annotations

import json

import pytest
from mcp import Client
from mcp.types import Tool

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.server import create_server, get_case_costs, read_costs
from case_mcp.server._read_costs import NEW_READ_SHARE
from case_mcp.server.apps import is_app_only
from guarded import shows_apps

pytestmark = pytest.mark.anyio

DEFINITIONS_BUDGET = 24_000
"""Characters of name + description + input schema over all default tools a model sees.

App-only tools (``_meta.ui.visibility: ["app"]``) are not counted: a host lists them for its
views and keeps them from the model, and a client that shows no views is not offered them."""

EVERY_TOOLSET_BUDGET = 64_000
"""The same over every tool (`--toolsets all`). A generated peer that wraps the whole Datadog
API spends 48,000 characters on 39 case tools, without output schemas or annotations."""

GET_CASE_BUDGET = 0.35
"""get_case answer text as a share of the raw JSON, over all live demo cases."""

GET_CASE_MAX = 0.45
"""get_case answer text as a share of the raw JSON, for the costliest demo case.

Cases that are mostly prose and values people wrote (a long description, many custom
attributes, no linked signal) keep more of their JSON: what is left is what a model reads.
"""

GET_CASE_SEC_1 = 0.40
"""get_case answer text as a share of the raw JSON for SEC-1, the case the README shows."""


def definition_chars(tool: Tool) -> int:
    """What a model reads of one tool: name, description and compact input schema."""
    schema = json.dumps(tool.input_schema, separators=(",", ":"), ensure_ascii=False)
    return len(tool.name) + len(tool.description or "") + len(schema)


async def seen_by_the_model(options: ServerOptions | None = None) -> list[Tool]:
    """The tools a host lists, less those it keeps from the model (app-only: only the views
    call them); the same tools a client that shows no views is offered."""
    server = create_server(CaseManagementClient, options)
    async with Client(server, extensions=shows_apps()) as client:
        tools = (await client.list_tools()).tools
    assert [tool for tool in tools if is_app_only(tool.meta)], "a host lists app-only tools"
    return [tool for tool in tools if not is_app_only(tool.meta)]


async def test_default_tool_definitions_fit_in_24000_characters() -> None:
    """Every default tool a model sees: name, description and input schema add up to under
    24,000 characters; app-only tools are hidden from the model, so they do not count."""
    tools = await seen_by_the_model()
    sizes = {tool.name: definition_chars(tool) for tool in tools}
    assert tools
    assert sum(sizes.values()) < DEFINITIONS_BUDGET, sizes


async def test_every_tool_definition_fits_in_64000_characters() -> None:
    """With --toolsets all, every tool a model sees: name, description and input schema add up
    to under 64,000 characters; app-only tools do not count."""
    tools = await seen_by_the_model(ServerOptions(toolsets=["all"]))
    sizes = {tool.name: definition_chars(tool) for tool in tools}
    assert sum(sizes.values()) < EVERY_TOOLSET_BUDGET, sizes


async def test_get_case_answers_cost_under_35_percent_of_the_raw_json_and_45_at_most() -> None:
    """Over all demo cases get_case text is under 35% of Datadog's JSON, no case over 45%."""
    costs = await get_case_costs()
    answer = sum(cost.answer for cost in costs)
    raw = sum(cost.raw for cost in costs)
    ratios = {cost.key: round(cost.ratio, 3) for cost in costs}
    assert len(costs) > 50
    assert answer / raw < GET_CASE_BUDGET, ratios
    assert max(ratios.values()) < GET_CASE_MAX, ratios
    assert ratios["SEC-1"] < GET_CASE_SEC_1, ratios


async def test_every_read_of_issue_12_answers_in_at_most_40_percent_of_datadogs_json() -> None:
    """Each read tool's example call, but for the earlier reads, answers in at most 40% of the
    JSON Datadog sent the client for that call: no new read has a budget of its own."""
    costs = await read_costs()
    assert {cost.budget for cost in costs} == {None, NEW_READ_SHARE}
    over = {
        cost.tool: round(cost.ratio, 3)
        for cost in costs
        if cost.budget is not None and cost.ratio > cost.budget
    }
    assert len(costs) >= 19
    assert all(cost.raw > 0 and cost.answer > 0 for cost in costs)
    assert over == {}
