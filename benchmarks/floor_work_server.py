"""The SDK floor doing get_case's work: the same Datadog call and the same answer, nothing else.

One tool, ``get_case``, that fetches the case through case_mcp's client from an in-process
sandbox (as ``case-mcp serve --sandbox`` does) and returns case-mcp's answer for that case,
made once, at the first call. Set beside case-mcp's own ``get_case`` over stdio, it leaves
exactly what case-mcp's MCP layer costs per call (lookups, the view, the guard, the audit
record, rendering and sanitising) beyond the SDK and the work. Run as a script.
"""

import gc
from typing import Annotated

from mcp import Client
from mcp.server import MCPServer
from mcp.types import CallToolResult, TextContent

from case_mcp.client import CaseManagementClient
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from case_mcp.server._launch import sandbox_client_factory
from case_mcp.server.tools._views import CaseView

server = MCPServer("floor-with-work")
sandbox = Sandbox()
make_client = sandbox_client_factory(sandbox)
opened: list[CaseManagementClient] = []
answers: dict[str, CallToolResult] = {}


async def _case_mcp_answer(case_id: str) -> CallToolResult:
    async with Client(create_server(make_client)) as client:
        answer = await client.call_tool("get_case", {"case_id": case_id})
    text = "".join(block.text for block in answer.content if isinstance(block, TextContent))
    return CallToolResult(
        content=[TextContent(type="text", text=text)],
        structured_content=answer.structured_content,
    )


@server.tool(structured_output=True)
async def get_case(case_id: str) -> Annotated[CallToolResult, CaseView]:
    """Fetch the case from the sandbox and return case-mcp's answer for it."""
    if not opened:
        opened.append(await make_client().__aenter__())
    if case_id not in answers:
        answers[case_id] = await _case_mcp_answer(case_id)
    await opened[0].get_case(case_id)
    return answers[case_id]


if __name__ == "__main__":
    gc.freeze()
    server.run()
