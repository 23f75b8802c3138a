"""Argument completions: case keys for ``case_id``, project keys for ``project``.

The SDK calls a completion handler with the reference and the argument only, without the
request context that carries the server's state. A middleware therefore lends the state
of the running server to the completion request through a context variable; the handler
runs inside that middleware's call, in the same task.
"""

from __future__ import annotations

import re
from contextvars import ContextVar
from typing import Any, Final

from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import Completion, CompletionArgument, CompletionContext, PromptReference
from mcp.types import ResourceTemplateReference as TemplateReference

from case_mcp.errors import DatadogError
from case_mcp.server._state import ServerState

# How many keys a completion offers: enough to pick from, few enough to read.
_SUGGESTIONS: Final = 20
# What the start of a case key looks like (S, SEC, SEC-, SEC-1); anything else matches none.
_KEY_PREFIX: Final = re.compile(r"[A-Za-z][A-Za-z0-9]*(-[0-9]*)?")
_NOTHING: Final = Completion(values=[], total=0, has_more=False)

_state: ContextVar[ServerState | None] = ContextVar("case_mcp_completion_state", default=None)


async def _lend_state(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    if ctx.method != "completion/complete":
        return await call_next(ctx)
    token = _state.set(ctx.lifespan_context)
    try:
        return await call_next(ctx)
    finally:
        _state.reset(token)


async def complete(
    ref: PromptReference | TemplateReference,
    argument: CompletionArgument,
    context: CompletionContext | None,
) -> Completion | None:
    """Suggest values for an argument of a prompt or resource template."""
    state = _state.get()
    if state is None:
        return None
    try:
        if argument.name == "case_id":
            return await case_keys(state, argument.value)
        if argument.name == "project":
            return await project_keys(state, argument.value)
    except DatadogError:
        # A suggestion is a convenience: when Datadog cannot give one, offer none.
        return _NOTHING
    return None


async def case_keys(state: ServerState, typed: str) -> Completion:
    """The keys of the most recent cases that start with what was typed."""
    prefix = typed.strip().upper()
    if prefix and not _KEY_PREFIX.fullmatch(prefix):
        return _NOTHING
    found = await state.client.search_cases(
        f"key:{prefix}*" if prefix else None,
        page_size=_SUGGESTIONS,
        sort_field="created_at",
        sort_ascending=False,
    )
    keys = [
        case.attributes.key
        for case in found.cases
        if case.attributes.key and case.attributes.key.upper().startswith(prefix)
    ]
    exact = len(keys) == len(found.cases)
    return Completion(
        values=keys,
        total=found.total if exact else None,
        has_more=found.has_more if exact else None,
    )


async def project_keys(state: ServerState, typed: str) -> Completion:
    """The keys of the projects whose key or name starts with what was typed."""
    prefix = typed.strip().lower()
    keys = sorted(
        project.attributes.key
        for project in await state.lookup.projects()
        if project.attributes.key
        and (
            project.attributes.key.lower().startswith(prefix)
            or (project.attributes.name or "").lower().startswith(prefix)
        )
    )
    return Completion(values=keys[:100], total=len(keys), has_more=len(keys) > 100)


def register_completions(server: MCPServer[Any]) -> None:
    """Add the one completion handler of the server, and the middleware it needs."""
    server.middleware.append(_lend_state)
    # The SDK leaves `completion()` unannotated (mcp 2.3.0).
    server.completion()(complete)  # type: ignore[no-untyped-call]
