"""A tool is a spec: its name, title, toolset, kind, handler, audit target, HTTP scope and
what a model is told when Datadog does not find what the call names.

The kind is the one source of truth for a tool's safety annotations and for the operator's
modes: a model sees `readOnlyHint`, `destructiveHint`, `idempotentHint` and `openWorldHint`
derived from it, never set by hand tool by tool, and read-only mode keeps the ``read`` ones.

The server offers each tool with its handler wrapped once (`_tool.tool_of`), so a failure
of the client anywhere in it reaches the model in words (`case_mcp.server._errors`) with the
spec's not-found hint; `guard` adds one guard around every ``tools/call``:

- a call to a tool of the inventory that the operator withheld (read-only mode, no
  deletes, toolsets, allow and deny lists) is refused in words that say why, instead of as
  an unknown tool (the tool is not registered, so nothing can run);
- every call of a tool that changes something is written to the audit log (`_audit`), once:
  by the guard, or by the tool itself when it knows more (the confirmation of a delete);
- the text of an error result is cleaned of control and invisible characters
  (`_sanitize`), like every view the tools return;
- how each call ended (`ToolOutcome`) and how long it took is reported to telemetry, which
  does nothing unless it is on (`case_mcp.telemetry`).
"""

from __future__ import annotations

import functools
import inspect
import logging
import re
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal, Protocol, get_args

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import CallToolResult, ToolAnnotations
from mcp_types.methods import is_input_required
from pydantic import ValidationError

from case_mcp import telemetry
from case_mcp.client import Effect
from case_mcp.config import ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.server._errors import Creation
from case_mcp.server.guardrails import _audit
from case_mcp.server.guardrails._sanitize import clean_text

logger = logging.getLogger(__name__)

Toolset = Literal[
    "cases",
    "comments",
    "projects",
    "lookup",
    "triage",
    "integrations",
    "views",
    "automation",
    "admin",
]
TOOLSETS: Final[tuple[Toolset, ...]] = get_args(Toolset)

DEFAULT_TOOLSETS: Final[frozenset[Toolset]] = frozenset({"cases", "comments", "projects", "lookup"})
"""What is offered when the operator names no toolsets: the everyday work on cases, a superset
of Datadog's hosted `cases` toolset. The others are opt-in, each named for its job, so a model
that does not need them does not pay for their definitions."""

EVERY_TOOLSET: Final = "all"
"""The name that turns every toolset on (``--toolsets all``)."""

THE_DEFAULTS: Final = "default"
"""The name that stands for the default toolsets, so that ``--toolsets default,triage`` adds
one to them (naming toolsets otherwise offers only those)."""


def chosen_toolsets(options: ServerOptions) -> frozenset[str]:
    """The toolsets `options` turn on: the defaults, the ones named, or all of them."""
    if options.toolsets is None:
        return DEFAULT_TOOLSETS
    if EVERY_TOOLSET in options.toolsets:
        return frozenset(TOOLSETS)
    if THE_DEFAULTS in options.toolsets:
        return (options.toolsets - {THE_DEFAULTS}) | DEFAULT_TOOLSETS
    return options.toolsets


ToolKind = Literal["read", "write", "idempotent_write", "destructive"]
"""read: changes nothing. write: creates something; repeating creates another.
idempotent_write: sets state; repeating changes nothing more. destructive: deletes."""

HttpScope = Literal["cases:read", "cases:write"]
"""The OAuth scope a caller's token needs over HTTP. cases:read: the read tools only.
cases:write: every tool (writing implies reading)."""

READ_SCOPE: Final[HttpScope] = "cases:read"
WRITE_SCOPE: Final[HttpScope] = "cases:write"

NotFoundHint = str | Callable[[Mapping[str, Any]], str]
"""What a model is told on a 404: which id was not found and which tool finds valid ones;
a text, or one worked out from the call's arguments."""

AuditTargetOf = Callable[[Mapping[str, Any], Mapping[str, Any] | None], Mapping[str, Any]]
"""What a call acts on, from its arguments and (for a create) the data of its answer."""


def named_by_arguments(
    arguments: Mapping[str, Any], answer: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The audit target most tools have: the case, comment, project and attribute named."""
    return {
        "case": arguments.get("case_id"),
        "comment": arguments.get("comment_id"),
        "project": arguments.get("project"),
        "attribute": arguments.get("key"),
    }


EFFECT_OF_KIND: Final[Mapping[ToolKind, Effect | None]] = {
    "read": None,
    "write": "creates",
    "idempotent_write": "sets",
    "destructive": "deletes",
}
"""What a tool of each kind does to state, in the words of the client's declarations: the
one effect, besides reading, of the operations its tools call (None: they only read)."""


@dataclass(frozen=True)
class ToolSpec:
    """One MCP tool: what the model sees, and the function that serves it.

    The handler's docstring is the description the model reads: a one-line summary, when to
    use the tool, an example.
    """

    name: str
    title: str
    toolset: Toolset
    kind: ToolKind
    handler: Callable[..., Awaitable[CallToolResult]]
    audit_target: AuditTargetOf = named_by_arguments
    """What its audit record names; identifiers only (see `audit_target`)."""
    not_found: NotFoundHint = ""
    """What a model is told when Datadog does not find what the call names (a generic text
    when empty)."""
    created: Creation | None = None
    """For a tool that creates something: what to say when the outcome is unknown."""
    conflict: str = ""
    """What a model is told on a 409 (a generic text when empty)."""
    view: str | None = None
    """The ``ui://`` view a host that renders MCP Apps shows its answer in
    (`case_mcp.server.apps`); None: its answer is text and data only."""
    app_only: bool = False
    """Only the views call it (``_meta.ui.visibility: ["app"]``): a host keeps it from the
    model, and the server offers it only to clients that show views (`apps.AppOnlyTools`)."""

    @property
    def scope(self) -> HttpScope:
        """The scope a caller's token needs to call it over HTTP with authentication."""
        return READ_SCOPE if self.kind == "read" else WRITE_SCOPE

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.handler.__doc__ or "")

    @property
    def annotations(self) -> ToolAnnotations:
        return ToolAnnotations(
            title=self.title,
            read_only_hint=self.kind == "read",
            destructive_hint=self.kind == "destructive",
            # Deleting twice removes nothing more, so deletes are idempotent too; only the
            # creating writes (a second call makes a second case) are not.
            idempotent_hint=self.kind != "write",
            # Every tool talks to Datadog, a system outside this server.
            open_world_hint=True,
        )


Withheld = Literal[
    "read_only", "no_destructive", "apps_off", "excluded", "not_allowed", "toolset_off"
]
"""Why the operator's options keep a tool from being offered."""


class Offerable(Protocol):
    """What the operator's options decide on: a tool's spec, or its packaged definition."""

    @property
    def name(self) -> str: ...
    @property
    def toolset(self) -> Toolset: ...
    @property
    def kind(self) -> ToolKind: ...
    @property
    def app_only(self) -> bool: ...


def withheld(spec: Offerable, options: ServerOptions) -> Withheld | None:
    """Why `options` keep `spec` from being offered, or None when it is offered.

    Read-only mode wins over everything, then the ban on deletes, then views turned off
    (for the tools only views call), then the deny list (which wins over the allow list),
    then the allow list and the toolsets.
    """
    if options.read_only and spec.kind != "read":
        return "read_only"
    if spec.kind == "destructive" and not options.allows_destructive:
        return "no_destructive"
    if spec.app_only and options.no_apps:
        return "apps_off"
    if spec.name in options.exclude_tools:
        return "excluded"
    if options.tools is not None and spec.name not in options.tools:
        return "not_allowed"
    if spec.toolset not in chosen_toolsets(options):
        return "toolset_off"
    return None


def refusal(spec: ToolSpec, reason: Withheld) -> str:
    """What a model is told when it calls a tool the operator withheld."""
    nothing = "Nothing was changed." if spec.kind != "read" else ""
    if reason == "read_only":
        return (
            f"This server is read-only (the operator started it with --read-only): {spec.name} "
            f"changes data and is refused. {nothing} Tools that only read, such as "
            "search_cases and get_case, still work."
        )
    if reason == "no_destructive":
        return (
            f"Deleting is turned off on this server (--no-destructive): {spec.name} is "
            "refused. Nothing was deleted."
        )
    if reason == "apps_off":
        return (
            f"The tool {spec.name} serves the views of hosts that show MCP Apps, and the "
            f"operator turned views off on this server (--no-apps). {nothing} tools/list "
            "shows the tools that are enabled."
        ).replace("  ", " ")
    setting = {
        "excluded": "its --exclude-tools list",
        "not_allowed": "its --tools allow list",
        "toolset_off": f"its --toolsets choice (the {spec.toolset} toolset is off)",
    }[reason]
    return (
        f"The tool {spec.name} is not enabled on this server: the operator left it out by "
        f"{setting}. {nothing} tools/list shows the tools that are enabled."
    ).replace("  ", " ")


def guard(
    server: MCPServer[Any],
    specs: Iterable[ToolSpec],
    *,
    options: ServerOptions | None = None,
    inventory: Iterable[ToolSpec] | Callable[[], Mapping[str, ToolSpec]] = (),
    audit: _audit.AuditLog | None = None,
) -> None:
    """Add the guard around every ``tools/call`` of a server built with `specs`' tools
    (`case_mcp.server.guardrails._tool.tool_of`).

    Args:
        server: The server offering the tools.
        specs: The tools it offers.
        options: The operator's options (refusals, audit log); default: everything allowed.
        inventory: Every tool the server knows, offered or not, so a call to a withheld
            one is refused with its reason (default: only `specs`); or a function giving
            them by name, called at the first ``tools/call`` (so that building the server
            imports no tool module).
        audit: The server's audit log (the one in its lifespan state); default: the
            options' file, callers named by the SDK's authenticated user.

    Raises:
        ConfigurationError: The audit log cannot be opened for appending.
    """
    options = options or ServerOptions()
    if options.audit_log is not None:
        try:
            _audit.check_writable(options.audit_log)
        except OSError as error:
            raise ConfigurationError(
                f"CASE_MCP_AUDIT_LOG / --audit-log: cannot append to {str(options.audit_log)!r} "
                f"({error.strerror or type(error).__name__})."
            ) from None
    offered = list(specs)
    listed = inventory if callable(inventory) else functools.partial(_by_name, list(inventory))

    @functools.cache
    def known() -> Mapping[str, ToolSpec]:
        return {**_by_name(offered), **listed()}

    audit = audit or _audit.AuditLog(options.audit_log)
    server.middleware.append(_Guard(options, known, audit))


def _by_name(specs: Iterable[ToolSpec]) -> dict[str, ToolSpec]:
    return {spec.name: spec for spec in specs}


class _Guard:
    """The middleware around every ``tools/call`` (see the module docstring)."""

    def __init__(
        self,
        options: ServerOptions,
        known: Mapping[str, ToolSpec] | Callable[[], Mapping[str, ToolSpec]],
        audit: _audit.AuditLog,
    ) -> None:
        self._options = options
        # The tools by name, looked up at a call (a function: the inventory, imported then).
        self._known = known if callable(known) else lambda: known
        self._audit = audit

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        params = ctx.params
        name = params.get("name") if ctx.method == "tools/call" and params else None
        spec = self._known().get(name) if isinstance(name, str) else None
        if spec is None or params is None:
            return await call_next(ctx)
        raw = params.get("arguments")
        arguments: Mapping[str, Any] = raw if isinstance(raw, Mapping) else {}
        reason = withheld(spec, self._options)
        caller = self._audit.identify(ctx.request)
        started = time.perf_counter()
        ended: telemetry.ToolOutcome = "tool_error"
        with _audit.audited_call(caller=caller, arguments=arguments) as call:
            try:
                if reason is not None:
                    ended, call.refusal = "refused", reason
                    # Not registered, so it is answered as an unknown tool in this era's
                    # envelope; only the words are replaced.
                    answer = _with_text(await call_next(ctx), refusal(spec, reason))
                    if spec.kind != "read":
                        self._record(spec, arguments, "refused", reason)
                    return answer
                answer = await self._call(spec, arguments, call, ctx, call_next)
                ended = _ended(answer, call)
            finally:
                if ended == "tool_error" and call.refusal is not None:
                    ended = "refused"  # refused by a cap that raised (over the rate)
                telemetry.tool_call_finished(
                    spec.name, ended, time.perf_counter() - started, refusal=call.refusal
                )
        if is_input_required(answer):
            telemetry.confirmation(spec.name, "asked", "elicitation")
        return _cleaned(answer)

    async def _call(
        self,
        spec: ToolSpec,
        arguments: Mapping[str, Any],
        call: _audit.CallAudit,
        ctx: ServerRequestContext[Any, Any],
        call_next: CallNext,
    ) -> HandlerResult:
        """Run an offered tool's call and audit it, unless something in it already did."""
        # A call that ends without an answer (a protocol error, or cancelled while
        # Datadog was being asked) may still have changed something: say so.
        failure: str | None = "interrupted"
        try:
            answer = await call_next(ctx)
            failure = None
        except (MCPError, ValidationError):
            failure = "protocol_error"
            raise
        finally:
            if failure is not None and spec.kind != "read" and not call.recorded:
                self._record(spec, arguments, "error", failure)
        if spec.kind != "read" and not call.recorded and not is_input_required(answer):
            failed = _is_error(answer)
            outcome: _audit.AuditOutcome = (
                "refused" if failed and call.refusal else "error" if failed else "ok"
            )
            self._record(
                spec, arguments, outcome, call.refusal if failed else None, _structured(answer)
            )
        return answer

    def _record(
        self,
        spec: ToolSpec,
        arguments: Mapping[str, Any],
        outcome: _audit.AuditOutcome,
        reason: str | None,
        structured: Mapping[str, Any] | None = None,
    ) -> None:
        try:
            self._audit.record(
                tool=spec.name,
                target=audit_target(spec, arguments, structured),
                arguments=arguments,
                outcome=outcome,
                reason=reason,
            )
        except OSError:
            # Checked writable at start-up; the call itself is done, so the model still
            # gets its answer and the operator gets the failure in the server's log.
            logger.error("Could not append to the audit log (%s, %s)", spec.name, outcome)


# An argument echoed into the audit log only when it looks like an identifier, so the log
# never carries free text (a model can put anything in any string argument).
_IDENTIFIER: Final = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:@+-]{0,99}$")


def audit_target(
    spec: ToolSpec, arguments: Mapping[str, Any], structured: Mapping[str, Any] | None = None
) -> dict[str, str]:
    """What a call acts on, as its spec says, keeping only values that look like identifiers."""
    found = spec.audit_target(arguments, structured)
    return {
        name: value if _IDENTIFIER.match(value) else "(not an identifier)"
        for name, value in found.items()
        if isinstance(value, str)
    }


def _ended(answer: HandlerResult, call: _audit.CallAudit) -> telemetry.ToolOutcome:
    """How an offered tool's call ended, from its answer and what its audit said."""
    if is_input_required(answer) or call.outcome == "confirmation_requested":
        return "confirmation_pending"  # a question to a person, or a token to approve
    if _is_error(answer):
        return "refused" if call.refusal else "tool_error"
    # The confirmation flow refuses with a result that is no error (nothing was deleted).
    return "refused" if call.outcome == "refused" else "ok"


def _is_error(answer: HandlerResult) -> bool:
    if isinstance(answer, CallToolResult):
        return answer.is_error
    return isinstance(answer, Mapping) and answer.get("isError") is True


def _structured(answer: HandlerResult) -> Mapping[str, Any] | None:
    data = (
        answer.structured_content
        if isinstance(answer, CallToolResult)
        else answer.get("structuredContent")
        if isinstance(answer, Mapping)
        else None
    )
    return data if isinstance(data, Mapping) else None


def _with_text(answer: HandlerResult, text: str) -> HandlerResult:
    content = [{"type": "text", "text": text}]
    if isinstance(answer, CallToolResult):
        return answer.model_copy(update={"content": CallToolResult(content=content).content})
    if isinstance(answer, Mapping):
        return {**answer, "content": content, "isError": True}
    return answer


def _cleaned(answer: HandlerResult) -> HandlerResult:
    """An error answer with its text cleaned (successful views are cleaned when rendered)."""
    if not _is_error(answer) or not isinstance(answer, Mapping):
        return answer
    content = answer.get("content")
    if not isinstance(content, list):
        return answer
    return {
        **answer,
        "content": [
            {**item, "text": clean_text(item["text"])}
            if isinstance(item, Mapping) and isinstance(item.get("text"), str)
            else item
            for item in content
        ],
    }
