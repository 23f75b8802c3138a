"""Building the server does each tool's work once: its handler's annotations are evaluated
once, each view's output schema is derived once however many tools return it, and the
server's state reaches a handler without an SDK resolver.

Start-up time itself is measured by the benchmarks (cold_start), not here: these tests pin
the work that start-up time is made of, which grows with every tool added.
"""

from __future__ import annotations

import builtins
import inspect
from collections import Counter
from collections.abc import Callable
from types import CodeType
from typing import Any, get_type_hints

import pytest
from mcp import Client
from mcp.server.mcpserver import resolve
from mcp.server.mcpserver.tools import base as sdk_tools
from pydantic import TypeAdapter

from case_mcp.client import CaseManagementClient
from case_mcp.server import create_server
from case_mcp.server.tools import all_tools

pytestmark = pytest.mark.anyio


def _output_views() -> set[type]:
    """The distinct views the tools declare as their structured output."""
    views: set[type] = set()
    for spec in all_tools():
        returned = inspect.signature(spec.handler, eval_str=True).return_annotation
        views.add(returned.__metadata__[0])
    return views


def test_each_views_output_schema_is_derived_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many tools return a view, its schema is derived once at most (once in the
    process: a server built later reuses it)."""
    derived: Counter[Any] = Counter()
    json_schema = TypeAdapter.json_schema

    def counting(adapter: TypeAdapter[Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        derived[adapter._type] += 1
        return json_schema(adapter, *args, **kwargs)

    monkeypatch.setattr(TypeAdapter, "json_schema", counting)
    create_server(CaseManagementClient)

    again = {view: derived[view] for view in _output_views() if derived[view] > 1}
    assert again == {}


def _read_by_the_sdk(handler: Callable[..., Any]) -> set[CodeType]:
    """The handler, and the functions its `Resolve` parameters name (a delete's reader)."""
    functions = {handler.__code__}
    for hint in get_type_hints(handler, include_extras=True).values():
        for marker in getattr(hint, "__metadata__", ()):
            if isinstance(marker, resolve.Resolve):
                functions.add(inspect.unwrap(marker.fn).__code__)
    return functions


def test_each_handlers_annotations_are_evaluated_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Building the server reads each annotation of a tool handler once, not once per
    question the SDK asks of it (context? resolvers? schema?)."""
    functions = set().union(*(_read_by_the_sdk(spec.handler) for spec in all_tools()))
    modules = {id(spec.handler.__globals__) for spec in all_tools()}
    evaluated = 0
    real_eval = builtins.eval

    def counting(source: Any, globals: Any = None, locals: Any = None) -> Any:
        nonlocal evaluated
        evaluated += isinstance(globals, dict) and id(globals) in modules
        return real_eval(source, globals, locals)

    monkeypatch.setattr(builtins, "eval", counting)
    create_server(CaseManagementClient)

    # One annotation per parameter and one for the return: more evaluations than that in
    # the handlers' modules mean some annotation was evaluated again.
    annotations = sum(code.co_argcount + code.co_kwonlyargcount + 1 for code in functions)
    assert 0 < evaluated <= annotations


async def test_a_tool_that_takes_the_state_runs_no_resolver(
    mcp: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get_case gets the server's state without the SDK's resolver machinery (kept for the
    deletes' confirmation questions)."""
    resolved: list[Any] = []
    resolve_arguments = resolve.resolve_arguments

    async def counting(*args: Any, **kwargs: Any) -> Any:
        resolved.append(args[0])
        return await resolve_arguments(*args, **kwargs)

    monkeypatch.setattr(sdk_tools, "resolve_arguments", counting)
    answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})

    assert not answer.is_error
    assert resolved == []
