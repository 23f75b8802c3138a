"""What every tool, resource and prompt shares: client, lookups, audit log and token book."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Annotated, Any, TypeAlias

from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Resolve

from case_mcp.client import CaseManagementClient
from case_mcp.config import ServerOptions
from case_mcp.server.guardrails._audit import AuditLog
from case_mcp.server.guardrails._scope import scoped
from case_mcp.server.guardrails._tokens import TokenBook
from case_mcp.server.tools._lookup import Lookup


@dataclass(frozen=True)
class ServerState:
    """The lifespan state: created when the server starts, closed when it stops.

    Attributes:
        client: The one pooled Datadog client every call goes through.
        lookup: Resolves the identifiers a model has (keys, emails, names) to Datadog ids.
        options: What the operator allows (scope, confirmation, audit).
        audit: Where the audit records go, and how the caller is named.
        tokens: The book of confirmation tokens issued and spent by this server.
    """

    client: CaseManagementClient
    lookup: Lookup
    options: ServerOptions
    audit: AuditLog
    tokens: TokenBook


# The context type handlers declare; the SDK injects it and keeps it out of the input schema.
ToolContext: TypeAlias = Context[ServerState, Any]

ClientFactory = Callable[[], CaseManagementClient]


def lifespan_for(
    make_client: ClientFactory, options: ServerOptions, *, audit: AuditLog, tokens: TokenBook
) -> Callable[[MCPServer[ServerState]], Any]:
    """A lifespan that opens one client for the server's life and closes it afterwards."""

    @asynccontextmanager
    async def lifespan(_server: MCPServer[ServerState]) -> AsyncIterator[ServerState]:
        async with make_client() as client:
            # With a project scope, everything reaches Datadog through the guarded client.
            client = scoped(client, options.projects)
            yield ServerState(
                client=client, lookup=Lookup(client), options=options, audit=audit, tokens=tokens
            )

    return lifespan


def state_of(ctx: ToolContext) -> ServerState:
    """The shared state of the running server, from a handler's context."""
    return ctx.request_context.lifespan_context


# Async although it never waits: the SDK runs a plain function resolver on a worker thread.
async def _state(ctx: ToolContext) -> ServerState:
    return state_of(ctx)


State: TypeAlias = Annotated[ServerState, Resolve(_state)]
"""A tool handler's (or a delete's reader's) parameter for the server's state, left out of
the input schema: no model sees it or can set it. A handler's is filled by its wrapper from
the call's context (`guardrails._tool.reporting`), with no resolver to plan and run per tool;
a reader's, by the SDK through this resolver, which asks nothing, so it never reaches the
request state."""
