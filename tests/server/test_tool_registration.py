"""Building the server builds no tool: it lists the packaged definitions and builds each
tool on its first call, once. Building a tool does its work once: its handler's annotations
are evaluated once, each view's output schema is derived once however many tools return it,
and the server's state reaches a handler without an SDK resolver.

Start-up time itself is measured by the benchmarks (cold_start), not here: these tests pin
the work that start-up time is made of, which grows with every tool added.
"""

from __future__ import annotations

import builtins
import inspect
import subprocess
import sys
import textwrap
from collections import Counter
from collections.abc import Callable
from types import CodeType
from typing import Any, get_type_hints

import pytest
from mcp import Client
from mcp.server.mcpserver import resolve
from mcp.server.mcpserver.tools import base as sdk_tools
from pydantic import TypeAdapter

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.guardrails._tool import tool_of
from case_mcp.server.tools import all_tools
from guarded import shows_apps

pytestmark = pytest.mark.anyio


def _counting_builds(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the tools whose SDK object is built from now on, in order."""
    built: list[str] = []
    from_function = sdk_tools.Tool.from_function

    def counting(fn: Callable[..., Any], **kwargs: Any) -> sdk_tools.Tool:
        built.append(kwargs["name"])
        return from_function(fn, **kwargs)

    monkeypatch.setattr(sdk_tools.Tool, "from_function", counting)
    return built


async def test_the_server_lists_its_tools_without_building_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Building the server and listing its tools builds no tool's SDK object; a tool is built
    at its first call, and only once."""
    built = _counting_builds(monkeypatch)
    with Sandbox(rate_limit=None) as sandbox:
        server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["all"]))
        async with Client(server, extensions=shows_apps()) as client:
            listed = (await client.list_tools()).tools
            assert (len(listed), built) == (len(all_tools()), [])

            first = await client.call_tool("get_case", {"case_id": "SEC-1"})
            again = await client.call_tool("get_case", {"case_id": "SEC-2"})

    assert (first.is_error, again.is_error) == (False, False)
    assert built == ["get_case"]


def test_serving_imports_no_tool_module_before_the_first_call() -> None:
    """A fresh process builds the server and lists its tools without importing the modules
    that hold the tools (they are imported at the first call)."""
    script = textwrap.dedent(
        """
        import sys, anyio
        from case_mcp.client import CaseManagementClient
        from case_mcp.config import ServerOptions
        from case_mcp.server import create_server

        server = create_server(CaseManagementClient, ServerOptions(toolsets=["all"]))
        listed = anyio.run(server.list_tools)
        tools = sorted(name for name in sys.modules if name.startswith("case_mcp.server.tools."))
        print(len(listed), *tools)
        """
    )
    ran = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)

    count, *imported = ran.stdout.split()
    holding_tools = {spec.handler.__module__ for spec in all_tools()}
    assert int(count) == len(all_tools())
    assert holding_tools & set(imported) == set()


def _output_views() -> set[type]:
    """The distinct views the tools declare as their structured output."""
    views: set[type] = set()
    for spec in all_tools():
        returned = inspect.signature(spec.handler, eval_str=True).return_annotation
        views.add(returned.__metadata__[0])
    return views


def test_each_views_output_schema_is_derived_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """However many tools return a view, its schema is derived once at most (once in the
    process: a tool built later reuses it)."""
    derived: Counter[Any] = Counter()
    json_schema = TypeAdapter.json_schema

    def counting(adapter: TypeAdapter[Any], *args: Any, **kwargs: Any) -> dict[str, Any]:
        derived[adapter._type] += 1
        return json_schema(adapter, *args, **kwargs)

    monkeypatch.setattr(TypeAdapter, "json_schema", counting)
    for spec in all_tools():
        tool_of(spec)

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
    """Building every tool reads each annotation of a tool handler once, not once per
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
    for spec in all_tools():
        tool_of(spec)

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
