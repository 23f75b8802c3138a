"""The HTTP service's caps count every request that reaches Datadog: tool calls, resource
reads and completions share each caller's budget a minute and the slots in flight; listings,
discovery and prompts never reach Datadog and spend neither."""

from __future__ import annotations

import re

import anyio
import pytest
from mcp import MCPError
from mcp.types import CallToolResult, PromptReference, ReadResourceResult

from case_mcp.sandbox import Sandbox
from case_mcp.server.http import RETRY_LATER
from http_service import Recording, mcp_over, service, text_of

pytestmark = pytest.mark.anyio

CASE_ID = PromptReference(type="ref/prompt", name="triage_case")
OVER_BUDGET = re.compile(
    r"Too many requests: this token may make 3 a minute that reach Datadog \(tool calls, "
    r"resource reads and completions\)\. Nothing was done\. Retry in \d+ seconds\."
)
# What a call is told while the server serves as many calls that reach Datadog as it may (1).
BUSY = (
    "The server is busy: it is already serving 1 requests that reach Datadog, its limit. "
    "Nothing was done. Retry in a few seconds."
)


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_resource_reads_and_completions_spend_the_callers_budget(
    sandbox: Sandbox, mode: str
) -> None:
    """A read, a completion and a tool call spend a budget of three; past it each kind is
    refused with the wait, and nothing more reaches Datadog."""
    datadog = Recording(sandbox.transport())
    async with service(datadog, calls_per_minute=3) as http, mcp_over(http, mode) as client:
        await client.read_resource("case://SEC-1")
        await client.complete(CASE_ID, argument={"name": "case_id", "value": "SEC"})
        await client.call_tool("get_case", {"case_id": "SEC-1"})
        sent = len(datadog.headers)
        with pytest.raises(MCPError) as read:
            await client.read_resource("case://SEC-2")
        with pytest.raises(MCPError) as completion:
            await client.complete(CASE_ID, argument={"name": "case_id", "value": "OPS"})
        call = await client.call_tool("get_case", {"case_id": "SEC-2"})

    assert len(datadog.headers) == sent
    for refused in (read.value, completion.value):
        assert refused.error.code == RETRY_LATER
        assert OVER_BUDGET.fullmatch(refused.error.message)
        assert isinstance(refused.error.data, dict)
        assert 1 <= refused.error.data["retry_after"] <= 20
    assert call.is_error
    assert OVER_BUDGET.fullmatch(text_of(call))


async def test_a_resource_read_in_flight_takes_the_slot_of_completions_and_tool_calls(
    sandbox: Sandbox,
) -> None:
    """With a cap of one and a read waiting for Datadog, a completion and a tool call are
    refused at once with the retry, and the read still gets its answer."""
    held = Recording(sandbox.transport(), hold=True)
    reads: list[ReadResourceResult] = []
    async with service(held, max_concurrent_calls=1) as http, mcp_over(http) as client:

        async def slow() -> None:
            reads.append(await client.read_resource("case://SEC-1"))

        async with anyio.create_task_group() as group:
            group.start_soon(slow)
            await held.entered.wait()
            with pytest.raises(MCPError) as completion:
                await client.complete(CASE_ID, argument={"name": "case_id", "value": "SEC"})
            call: CallToolResult = await client.call_tool("get_case", {"case_id": "SEC-2"})
            held.release.set()
        after = await client.complete(CASE_ID, argument={"name": "case_id", "value": "SEC"})

    assert (completion.value.error.code, completion.value.error.message) == (
        RETRY_LATER,
        BUSY,
    )
    assert (call.is_error, text_of(call)) == (True, BUSY)
    assert len(reads) == 1
    assert reads[0].contents
    assert after.completion.values


async def test_listings_and_prompts_spend_nothing_and_never_reach_datadog(
    sandbox: Sandbox,
) -> None:
    """A caller past its budget still lists everything and gets every prompt, and none of it
    reaches Datadog."""
    datadog = Recording(sandbox.transport())
    async with service(datadog, calls_per_minute=1) as http, mcp_over(http) as client:
        await client.call_tool("get_case", {"case_id": "SEC-1"})
        sent = len(datadog.headers)
        for _ in range(3):
            await client.list_tools(cache_mode="bypass")
            await client.list_resources(cache_mode="bypass")
            await client.list_resource_templates(cache_mode="bypass")
            prompts = await client.list_prompts(cache_mode="bypass")
            for prompt in prompts.prompts:
                arguments = {argument.name: "SEC-1" for argument in prompt.arguments or ()}
                await client.get_prompt(prompt.name, arguments)
        refused = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert prompts.prompts
    assert len(datadog.headers) == sent
    assert refused.is_error
