"""Helpers of the guardrail tests: a server with options over a sandbox, and its state."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any, Literal

from mcp import Client
from mcp.client import ClientExtension, ClientRequestContext, advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, TextContent

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import IdentityProvider, create_server

Era = Literal["2026-07-28", "legacy"]

EVERY_TOOLSET = ServerOptions(toolsets=["all"])
"""What the tests' servers offer unless a test names its options: every toolset, so that a
matrix over the inventory reaches the opt-in tools too (the defaults are tested on their own)."""


def with_every_toolset(options: ServerOptions | None) -> ServerOptions:
    """`options`, with every toolset on unless they name toolsets of their own."""
    if options is None:
        return EVERY_TOOLSET
    if options.toolsets is None:
        return options.model_copy(update={"toolsets": EVERY_TOOLSET.toolsets})
    return options


ERAS: tuple[Era, ...] = ("2026-07-28", "legacy")


def shows_apps() -> list[ClientExtension]:
    """The extensions a client that shows MCP Apps advertises (a host): with them, it is
    offered the tools only views call too."""
    return [advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})]


async def decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
    """An elicitation callback that always declines (passing one declares the capability)."""
    return ElicitResult(action="decline")


@asynccontextmanager
async def connected(
    sandbox: Sandbox,
    options: ServerOptions | None = None,
    *,
    era: Era = "2026-07-28",
    elicit: bool = False,
    identity: IdentityProvider | None = None,
    apps: bool = False,
) -> AsyncIterator[Client]:
    """An MCP client in memory, talking to a server with `options` over `sandbox` (every
    toolset on unless `options` name some); with `apps`, a client that shows MCP Apps."""
    server = create_server(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid",
            api_key="test-api-key",
            app_key="test-app-key",
            transport=sandbox.transport(),
        ),
        with_every_toolset(options),
        identity=identity,
    )
    async with Client(
        server,
        mode=era,
        elicitation_callback=decline if elicit else None,
        extensions=shows_apps() if apps else None,
    ) as client:
        yield client


def state_of(sandbox: Sandbox) -> str:
    """The sandbox's whole database as SQL, to prove that nothing changed."""
    return "\n".join(sandbox.store.conn.iterdump())


def text_of(answer: CallToolResult) -> str:
    """The text of a tool result's first content block."""
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


def error_text(answer: CallToolResult) -> str:
    """The text of a tool error (failing when the call succeeded)."""
    assert answer.is_error, answer.structured_content
    return text_of(answer)


async def ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    """The structured result of a call that must succeed."""
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, answer.content
    assert answer.structured_content is not None
    return dict(answer.structured_content)
