"""A spec as the SDK's tool, built with the least work per tool, since start-up waits for all.

Each tool's handler is wrapped once (`reporting`): a failure of the client anywhere in it
reaches the model in words (`case_mcp.server._errors`) with the spec's not-found hint, and
its ``state: State`` parameters are filled from the call's context by the wrapper, not by an
SDK resolver per call. What the SDK reads of the wrapper is what the model sees of the
handler: its name, docstring, parameters (without the state) and return annotation.

Three costs of the SDK's `Tool.from_function` grow with every tool, and are paid once here:

- it evaluates the handler's annotations (strings, under ``from __future__ import
  annotations``) again for each question it asks (context parameter? resolvers? the
  schema?); the wrapper carries them evaluated, once, as its signature;
- a ``State`` parameter made it build and run a resolver plan per tool and per call;
- it derives the output schema from the handler's view for every tool, though most tools
  return one of a few views (a third of them `CaseView`); each view's schema is derived once
  (`_output_schema`) and handed to every tool that returns it.
"""

from __future__ import annotations

import functools
import inspect
import typing
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Annotated, Any, Final, get_args, get_origin

from mcp.server.mcpserver import Context
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp.types import CallToolResult
from pydantic import BaseModel

from case_mcp.errors import DatadogError, InvalidRequestError
from case_mcp.server._errors import tool_error
from case_mcp.server._state import State, ToolContext, state_of
from case_mcp.server.apps import view_meta

if TYPE_CHECKING:
    from case_mcp.server.guardrails._spec import ToolSpec

__all__ = ["reporting", "tool_of"]

_CONTEXT: Final = "ctx"
"""The wrapper's own context parameter, when the handler has none but takes the state."""


def tool_of(spec: ToolSpec) -> Tool:
    """The SDK's tool for `spec`: the handler wrapped (`reporting`), with structured output."""
    handler = reporting(spec)
    view = _view(inspect.signature(handler).return_annotation)
    tool = Tool.from_function(
        handler,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        annotations=spec.annotations,
        meta=view_meta(spec.view, app_only=spec.app_only)
        if spec.view is not None or spec.app_only
        else None,
        # A view's schema is derived once for all its tools (below); anything else the SDK
        # derives as it always does.
        structured_output=view is None,
    )
    if view is not None:
        # The SDK reads these fields at each call (FuncMetadata's documented contract), as
        # if it had derived them: the schema is advertised and each result validated.
        tool.fn_metadata.output_model = view
        tool.fn_metadata.output_schema = _output_schema(view)
    return tool


def reporting(spec: ToolSpec) -> Callable[..., Awaitable[CallToolResult]]:
    """The spec's handler, with the client's failures turned into errors a model can act on.

    The wrapper carries the handler's name, docstring and signature with its annotations
    evaluated, minus its ``state: State`` parameters, which it fills itself from the call's
    context: so the SDK derives the input schema from the handler's own parameters and finds
    the context and any other `Resolve` parameters (a delete's confirmation) there.
    """
    handler = spec.handler
    signature = _evaluated_signature(handler)
    parameters = list(signature.parameters.values())
    state = [p.name for p in parameters if p.annotation == State]
    found = next((p.name for p in parameters if _is_context(p.annotation)), None)
    context = found or _CONTEXT
    own_context = bool(state) and found is None
    shown = [p for p in parameters if p.name not in state]
    if own_context:
        if _CONTEXT in signature.parameters:
            raise TypeError(f"{spec.name}: a tool argument cannot be named {_CONTEXT!r}")
        shown.append(
            inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=ToolContext)
        )

    async def reported_handler(**kwargs: Any) -> CallToolResult:
        if state:
            ctx = kwargs.pop(context) if own_context else kwargs[context]
            kwargs.update(dict.fromkeys(state, state_of(ctx)))
        try:
            return await handler(**kwargs)
        except (DatadogError, InvalidRequestError) as error:
            hint = spec.not_found
            if callable(hint):
                bound = signature.bind_partial(**kwargs)
                bound.apply_defaults()
                hint = hint(bound.arguments)
            raise tool_error(error, hint, created=spec.created, conflict=spec.conflict) from error

    # Not functools.wraps: the SDK would follow `__wrapped__` to the handler's own
    # signature, with the state in it and its annotations still strings to evaluate.
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        setattr(reported_handler, name, getattr(handler, name))
    shown_signature = signature.replace(parameters=shown)
    reported_handler.__signature__ = shown_signature  # type: ignore[attr-defined]
    reported_handler.__annotations__ = {
        **{p.name: p.annotation for p in shown},
        "return": signature.return_annotation,
    }
    return reported_handler


def _evaluated_signature(handler: Callable[..., Any]) -> inspect.Signature:
    """`handler`'s signature with its annotations evaluated, each once."""
    hints = typing.get_type_hints(handler, include_extras=True)
    signature = inspect.signature(handler)
    return signature.replace(
        parameters=[
            p.replace(annotation=hints.get(p.name, p.annotation))
            for p in signature.parameters.values()
        ],
        return_annotation=hints.get("return", signature.return_annotation),
    )


def _is_context(annotation: Any) -> bool:
    # As the SDK finds the context parameter: a `Context`, parametrised or not.
    target = get_origin(annotation) or annotation
    return isinstance(target, type) and issubclass(target, Context)


def _view(returned: Any) -> type[BaseModel] | None:
    """The view of a handler returning ``Annotated[CallToolResult, View]``, or None."""
    if get_origin(returned) is not Annotated:
        return None
    result, *metadata = get_args(returned)
    view = metadata[0] if len(metadata) == 1 else None
    if result is CallToolResult and isinstance(view, type) and issubclass(view, BaseModel):
        return view
    return None


@functools.cache
def _output_schema(view: type[BaseModel]) -> dict[str, Any]:
    # Derived by the SDK's own FuncMetadata, exactly as `from_function` would for the view.
    # Shared by every tool returning the view; nothing changes a schema once built.
    schema = FuncMetadata(arg_model=ArgModelBase, output_model=view).output_schema
    if schema is None:  # never: the SDK derives one from every model or raises
        raise TypeError(f"{view.__name__} has no JSON schema")
    return schema
