"""Running the server: against Datadog or the embedded sandbox, for a session or one call.

`case-mcp serve`, `case-mcp call`, the demo and the answer-cost measurement all build the
same server; only the client factory handed to `create_server` differs. A one-shot call goes
through an in-memory MCP client, so a script sees exactly what an assistant would: the same
argument validation, the same errors, the same structured result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import httpx2
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions, Settings
from case_mcp.server._factory import create_server
from case_mcp.server._state import ClientFactory
from case_mcp.server.tools import all_tools

if TYPE_CHECKING:
    # `serve --sandbox` builds its sandbox at the first request (`sandbox_on_demand`), so
    # the start-up that an assistant waits for does not import it.
    from case_mcp.sandbox import Sandbox

# The in-process transport never opens a socket; the host only has to be a valid URL.
SANDBOX_BASE_URL = "http://sandbox.invalid"

_JSON_TYPES: Mapping[type, tuple[str, ...]] = {
    bool: ("boolean",),
    int: ("integer", "number"),
    float: ("number",),
    str: ("string",),
    list: ("array",),
    dict: ("object",),
    type(None): ("null",),
}


class CallUsageError(ValueError):
    """A one-shot call that cannot be made: an unknown tool or a malformed argument."""


def datadog_client_factory(settings: Settings) -> ClientFactory:
    """Clients of the real Datadog API, configured by `settings`.

    Args:
        settings: The validated settings (site or base URL, credentials, timeout).

    Raises:
        case_mcp.errors.ConfigurationError: Neither an access token nor both keys are set;
            the message says what to set.
    """
    settings.require_credentials()
    return lambda: CaseManagementClient.from_settings(settings)


def sandbox_client_factory(sandbox: Sandbox) -> ClientFactory:
    """Clients of `sandbox`, reached in process (no port, no credentials needed).

    Args:
        sandbox: The embedded emulator; it must stay open while the server runs.
    """
    return lambda: _sandbox_client(sandbox.transport())


def _sandbox_client(transport: httpx2.AsyncBaseTransport) -> CaseManagementClient:
    # The sandbox accepts any keys; the client requires some to send.
    return CaseManagementClient(
        base_url=SANDBOX_BASE_URL, api_key="sandbox", app_key="sandbox", transport=transport
    )


@contextmanager
def sandbox_on_demand() -> Iterator[ClientFactory]:
    """Clients of an in-memory demo sandbox that is built when the first request reaches it.

    Building and seeding the sandbox costs about as much as the rest of start-up together;
    deferring it lets an assistant list the tools without waiting for it. The first call
    pays for it instead, once. The sandbox is closed on leaving the context.
    """
    opened: list[Sandbox] = []

    def sandbox() -> Sandbox:
        if not opened:
            from case_mcp.sandbox import Sandbox

            opened.append(Sandbox())
        return opened[0]

    try:
        yield lambda: _sandbox_client(_OnDemandTransport(sandbox))
    finally:
        for each in opened:
            each.close()


class _OnDemandTransport(httpx2.AsyncBaseTransport):
    """A sandbox transport that asks for its sandbox at the first request, not before."""

    def __init__(self, sandbox: Callable[[], Sandbox]) -> None:
        self._sandbox = sandbox
        self._transport: httpx2.AsyncBaseTransport | None = None

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if self._transport is None:
            self._transport = self._sandbox().transport()
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        if self._transport is not None:
            await self._transport.aclose()


async def call_tool(
    make_client: ClientFactory,
    name: str,
    pairs: Sequence[str],
    options: ServerOptions | None = None,
) -> CallToolResult:
    """Run one tool through an in-memory MCP client, as an assistant would.

    Args:
        make_client: Opens the Datadog client the server uses for this call.
        name: The tool's name.
        pairs: The arguments as ``key=value`` strings (see `parse_arguments`).
        options: The operator's guardrails, as for `case-mcp serve`.

    A tool that exists but that `options` withhold is called all the same, so that the
    server refuses it with its reason, as it would refuse an assistant.

    Raises:
        CallUsageError: The tool does not exist, or an argument is not ``key=value``.
    """
    server = create_server(make_client, options)
    tools = {tool.name: tool for tool in await server.list_tools()}
    if name in tools:
        arguments = parse_arguments(pairs, tools[name].input_schema)
    elif any(spec.name == name for spec in all_tools()):
        # Withheld by the guardrails: the server refuses it in its own words, and records
        # the refusal as it would any client's; the arguments only need to be well formed.
        arguments = parse_arguments(pairs, {})
    else:
        raise CallUsageError(f"no tool named {name!r}; the tools are: {', '.join(tools)}")
    async with Client(server) as client:
        return await client.call_tool(name, arguments)


def parse_arguments(pairs: Sequence[str], input_schema: Mapping[str, Any]) -> dict[str, Any]:
    """Tool arguments from ``key=value`` strings.

    A value is read as JSON when it parses and its parameter accepts that JSON type
    (``page=2``, ``ascending=true``, ``attributes={"env": ["prod"]}``); otherwise it is the
    string as written, so ``title=404`` stays the title "404".

    Args:
        pairs: The ``key=value`` strings.
        input_schema: The tool's input schema, for each parameter's accepted types.

    Raises:
        CallUsageError: A pair has no ``=`` or an empty key, or a key is given twice.
    """
    properties: Mapping[str, Any] = input_schema.get("properties", {})
    arguments: dict[str, Any] = {}
    for pair in pairs:
        key, equals, text = pair.partition("=")
        if not equals or not key:
            raise CallUsageError(f"arguments are key=value, got {pair!r}")
        if key in arguments:
            raise CallUsageError(f"{key!r} is given twice")
        arguments[key] = _value(text, properties.get(key, {}))
    return arguments


def _value(text: str, schema: Mapping[str, Any]) -> Any:
    try:
        parsed = json.loads(text)
    except ValueError:
        return text
    accepted = _types(schema)
    if not accepted or any(kind in accepted for kind in _JSON_TYPES[type(parsed)]):
        return parsed
    return text if "string" in accepted else parsed


def _types(schema: Mapping[str, Any]) -> set[str]:
    declared = schema.get("type")
    kinds = {declared} if isinstance(declared, str) else set(declared or ())
    for option in schema.get("anyOf", ()):
        kinds |= _types(option)
    return kinds
