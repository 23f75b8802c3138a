"""What each read tool's answer costs a model, against Datadog's own JSON for the same data.

Every read tool's description ends with an ``Example: {...}`` line, a call of it on the demo
organisation. `read_costs` makes each of those calls against a fresh sandbox and compares the
text the model reads with the bodies the sandbox (standing in for Datadog) sent the client
to build that answer, captured at the transport. The benchmark harness reports the figures
and a CI test holds every read of issue 12 to `NEW_READ_SHARE` of the raw JSON.

Each call is made twice on the same server and the second is measured: a running server
keeps the project and case type catalogs for a while, so a read that only uses the catalog
to turn a key into an id does not count the catalog. A read whose answer *is* the catalog
(`list_projects`) fetches nothing on its second call; it is measured on its first.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Final

import httpx2
from mcp import Client
from mcp.types import Tool

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.server._factory import create_server
from case_mcp.server._launch import SANDBOX_BASE_URL
from case_mcp.server.guardrails._spec import EVERY_TOOLSET, ToolSpec
from case_mcp.server.tools import all_tools

if TYPE_CHECKING:
    from case_mcp.sandbox import Sandbox

EXAMPLE: Final = re.compile(r"^Example: (\{.*\})$", re.MULTILINE)
"""The last line of every tool's description: a call of it on the demo organisation."""

NEW_READ_SHARE: Final = 0.40
"""The most a read of issue 12 may answer, as a share of Datadog's JSON for the same data."""

EARLIER_READS: Final = frozenset(
    {
        "search_cases",
        "get_case",
        "get_case_timeline",
        "list_projects",
        "get_project",
        "list_case_types",
        "list_custom_attributes",
        "find_users",
    }
)
"""The reads that came before issue 12. get_case, mostly text people wrote, keeps its own
budget over every demo case (`get_case_costs`); every other read is held to `NEW_READ_SHARE`."""


def example_of(tool: ToolSpec | Tool) -> dict[str, Any] | None:
    """The arguments of the example call in `tool`'s description, or None if it shows none."""
    found = EXAMPLE.search(tool.description or "")
    if found is None:
        return None
    arguments: dict[str, Any] = json.loads(found.group(1))
    return arguments


@dataclass(frozen=True)
class ReadCost:
    """What one read's example answer costs, in characters, against Datadog's JSON.

    Attributes:
        tool: The read tool's name.
        arguments: The example call's arguments.
        raw: Characters of the response bodies Datadog sent for the call.
        answer: Characters of the text of the answer the model reads.
        requests: How many requests the call made.
    """

    tool: str
    arguments: dict[str, Any]
    raw: int
    answer: int
    requests: int

    @property
    def ratio(self) -> float:
        """The answer's size as a share of the raw JSON's."""
        return self.answer / self.raw

    @property
    def budget(self) -> float | None:
        """The share this read is held to in CI, or None for the reads before issue 12."""
        if self.tool in EARLIER_READS:
            return None
        return NEW_READ_SHARE


class _RecordingTransport(httpx2.AsyncBaseTransport):
    """Passes each request on and keeps the body of every response."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self._inner = inner
        self.bodies: list[bytes] = []

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        response = await self._inner.handle_async_request(request)
        body = await response.aread()
        self.bodies.append(body)
        return httpx2.Response(
            response.status_code,
            headers=response.headers,
            content=body,
            extensions=response.extensions,
            request=request,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


async def read_costs() -> list[ReadCost]:
    """The cost of every read tool's example call on a fresh sandbox's demo organisation.

    Raises:
        RuntimeError: A read tool shows no example, or its example answers an error.
    """
    # Only this report runs the sandbox: serving never pays for importing it.
    from case_mcp.sandbox import Sandbox

    # An app-only tool is read by the views alone: no model pays for its answers.
    reads = [spec for spec in all_tools() if spec.kind == "read" and not spec.app_only]
    with Sandbox(rate_limit=None) as sandbox:
        return [await _read_cost(sandbox, spec) for spec in reads]


async def _read_cost(sandbox: Sandbox, spec: ToolSpec) -> ReadCost:
    arguments = example_of(spec)
    if arguments is None:
        raise RuntimeError(f"{spec.name} shows no example call to measure")
    # A server of its own, so the catalog it keeps is the one this read fetched.
    recording = _RecordingTransport(sandbox.transport())
    server = create_server(
        lambda: CaseManagementClient(
            base_url=SANDBOX_BASE_URL, api_key="sandbox", app_key="sandbox", transport=recording
        ),
        ServerOptions(toolsets=[EVERY_TOOLSET]),
    )
    async with Client(server) as mcp:
        await mcp.call_tool(spec.name, arguments)
        first = list(recording.bodies)
        recording.bodies.clear()
        answer = await mcp.call_tool(spec.name, arguments)
    if answer.is_error:
        raise RuntimeError(f"{spec.name}'s example answered an error")
    bodies = recording.bodies or first
    text = "".join(getattr(block, "text", "") for block in answer.content)
    return ReadCost(
        tool=spec.name,
        arguments=arguments,
        raw=sum(len(body.decode()) for body in bodies),
        answer=len(text),
        requests=len(bodies),
    )
