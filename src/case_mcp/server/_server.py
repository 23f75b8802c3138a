"""The MCP server class: the SDK's `MCPServer`, refusing in our words what it cannot serve.

The SDK answers a call of an unknown tool, or with arguments that do not fit, in its own
words (pydantic's validation report, with the values sent; the resolver's module path), and
a prompts/get it cannot serve with JSON-RPC code 0 (-32603 on 2026-07-28) and a traceback in
the log. `call_tool` and `get_prompt` are where the SDK checks every tool's and every
prompt's arguments, in both protocol eras, so the refusals are made here, once for all:

- tools/call: an unknown tool names the tools offered; an argument the tool does not have is
  refused instead of dropped; a wrong argument is named with what it takes (`_arguments`);
  a confirmation answer the SDK cannot read is refused without the resolver's module path.
  Each is a tool error (``isError``), which a model reads and can correct;
- prompts/get: an unknown prompt, or a missing, unknown or wrong argument, is invalid params
  (-32602) with a message that says what to send, and no traceback in the log.

Its tools are listed from their packaged definitions and each is built on its first call
(`_catalog`), so that start-up does not wait for every tool to be built.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError, UnexpectedToolError
from mcp.types import INVALID_PARAMS, CallToolResult, GetPromptResult, InputRequiredResult
from mcp.types import Tool as MCPTool
from pydantic import ValidationError

from case_mcp.server._arguments import (
    unknown_arguments,
    unknown_prompt,
    unknown_tool,
    unusable_prompt_argument,
    wrong_arguments,
)
from case_mcp.server._catalog import LazyToolManager, ToolDefinition
from case_mcp.server._state import ServerState

__all__ = ["CaseServer"]

# Where the SDK turns a `Resolve(...)` parameter into a question to the client; its errors
# name the resolver by module path.
_RESOLVING: Final = "mcp.server.mcpserver.resolve"

UNREADABLE_ANSWER: Final = (
    "the answer to the confirmation question could not be read (it was empty, or not in the "
    "form asked). Nothing was changed; call {tool} again to ask again."
)


class CaseServer(MCPServer[ServerState]):
    """The case_mcp MCP server (built by `create_server`)."""

    def __init__(self, *args: Any, offered: Sequence[ToolDefinition], **kwargs: Any) -> None:
        """The server offering the tools defined in `offered`; the rest as for `MCPServer`."""
        super().__init__(*args, **kwargs)
        self._tools = LazyToolManager(offered)
        # The SDK's own calls (tools/call, a tool's input schema) go through it too.
        self._tool_manager = self._tools

    async def list_tools(self) -> list[MCPTool]:
        """The offered tools as ``tools/list`` sends them, none of them built."""
        return [definition.tool for definition in self._tools.offered.values()]

    async def call_tool(
        self,
        name: str,
        arguments: dict[str, Any],
        context: Context[ServerState, Any] | None = None,
    ) -> CallToolResult | InputRequiredResult:
        """Call a tool, refusing an unknown one or arguments that do not fit in our words.

        Raises:
            ToolError: Unknown tool, unknown or wrong arguments, an unreadable confirmation
                answer, or the tool's own failure.
        """
        offered = self._tools.offered.get(name)
        if offered is None:
            # The tools a model may call: those for views alone would only cost it words.
            for_models = [n for n, d in self._tools.offered.items() if not d.app_only]
            raise ToolError(unknown_tool(name, for_models))
        schema = offered.tool.input_schema
        properties: Mapping[str, Any] = schema.get("properties", {})
        unknown = [argument for argument in arguments if argument not in properties]
        if unknown:
            required = set(schema.get("required", ()))
            takes = {argument: argument in required for argument in properties}
            raise ToolError(
                f"Error executing tool {name}: {unknown_arguments(name, unknown, takes)} "
                "Nothing was done; correct the call and try again."
            )
        try:
            return await super().call_tool(name, arguments, context)
        except UnexpectedToolError:
            raise
        except ToolError as error:
            cause = error.__cause__
            if isinstance(cause, ValidationError):
                problem = wrong_arguments(name, cause, schema)
            elif cause is not None and _raised_in(cause, _RESOLVING):
                problem = UNREADABLE_ANSWER.format(tool=name)
            else:
                raise
            raise ToolError(f"Error executing tool {name}: {problem}") from cause

    async def get_prompt(
        self,
        name: str,
        arguments: dict[str, Any] | None = None,
        context: Context[ServerState, Any] | None = None,
    ) -> GetPromptResult | InputRequiredResult:
        """Render a prompt, refusing an unknown one or arguments that do not fit.

        Raises:
            MCPError: Invalid params (-32602), saying what to send.
        """
        prompts = {prompt.name: prompt for prompt in await self.list_prompts()}
        prompt = prompts.get(name)
        if prompt is None:
            raise MCPError(INVALID_PARAMS, unknown_prompt(name, list(prompts)))
        declared = {argument.name: bool(argument.required) for argument in prompt.arguments or ()}
        given = arguments or {}
        unknown = [argument for argument in given if argument not in declared]
        if unknown:
            raise MCPError(
                INVALID_PARAMS, unknown_arguments(f"The prompt {name}", unknown, declared)
            )
        missing = [arg for arg in prompt.arguments or () if arg.required and arg.name not in given]
        if missing:
            needs = " and ".join(argument.name for argument in missing)
            what = "; ".join(_sentence(argument.description) for argument in missing)
            plural = "s" if len(missing) > 1 else ""
            message = f"The prompt {name} needs its {needs} argument{plural}"
            raise MCPError(INVALID_PARAMS, f"{message}: {what}" if what else f"{message}.")
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as error:
            # The SDK wraps the argument's validation error in two plain ValueErrors.
            problem = _validation_error_behind(error)
            if problem is None:
                raise
            raise MCPError(INVALID_PARAMS, unusable_prompt_argument(name, problem)) from None


def _raised_in(error: BaseException, module: str) -> bool:
    """Whether `error` was raised by code of `module` (its innermost frame is there)."""
    trace = error.__traceback__
    while trace is not None and trace.tb_next is not None:
        trace = trace.tb_next
    return trace is not None and trace.tb_frame.f_globals.get("__name__") == module


def _validation_error_behind(error: BaseException) -> ValidationError | None:
    cause: BaseException | None = error
    while cause is not None and not isinstance(cause, ValidationError):
        cause = cause.__cause__
    return cause


def _sentence(description: str | None) -> str:
    """An argument's description, to follow a colon: "the case key (e.g. SEC-12) or UUID."."""
    if not description:
        return ""
    return description[:1].lower() + description[1:]
