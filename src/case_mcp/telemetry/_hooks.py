"""What the client and the server report, and nothing at all while telemetry is off.

Each hook first looks at the one active `Telemetry` (None unless `start_telemetry` or a test
turned it on) and returns at once without it: no OpenTelemetry module is imported here, so
a server without telemetry neither loads the SDK at start nor pays more than a global read
per report.

What a hook may be given is fixed by its signature: operation ids, methods, path templates,
statuses, tool names, outcomes and short fixed codes. Never a path with its values, a query,
a message or anything a person or Datadog wrote, so no attribute can carry a secret or a
case's content.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from case_mcp.telemetry._telemetry import Telemetry

__all__ = [
    "ConfirmationMethod",
    "ConfirmationOutcome",
    "DatadogCall",
    "ToolOutcome",
    "WaitSource",
    "activate",
    "active",
    "confirmation",
    "datadog_answered",
    "datadog_call",
    "datadog_sent",
    "datadog_waited",
    "log_fields",
    "tool_call_finished",
]

ToolOutcome = Literal["ok", "tool_error", "refused", "confirmation_pending"]
"""ok: answered. tool_error: an error result, or no result (a protocol error, cancelled).
refused: the server would not run it (withheld, out of scope, over a limit, a bad token).
confirmation_pending: it waits for a person: a question was put, or a token handed out."""

ConfirmationOutcome = Literal["asked", "accepted", "declined"]
"""asked: a person was asked (a question, or a token to approve). accepted: they approved
and the change was made. declined: they said no, cancelled, typed the wrong key, or the
target changed while they were asked (the reason says which)."""

ConfirmationMethod = Literal["elicitation", "token"]

WaitSource = Literal["datadog", "client"]
"""datadog: waiting out a 429's reset time. client: waiting for a turn under the client's
own request limits (`RequestLimits`)."""


class DatadogCall:
    """What one Datadog API call (its attempts, waits and lookups) went through.

    A plain class, not a dataclass: this module is imported at every start, telemetry on or
    off, and generating a dataclass's methods costs more than the rest of the module.
    """

    __slots__ = (
        "limit_name",
        "method",
        "operation",
        "request_id",
        "sent",
        "status",
        "template",
        "waited",
    )

    def __init__(self, operation: str, method: str, template: str, request_id: str | None) -> None:
        self.operation = operation
        self.method = method
        self.template = template
        self.request_id = request_id
        self.sent = 0
        self.status: int | None = None
        self.waited = 0.0
        self.limit_name: str | None = None


_active: Telemetry | None = None
_call: ContextVar[DatadogCall | None] = ContextVar("case_mcp_telemetry_call", default=None)
_NOTHING: Final = nullcontext()


def activate(telemetry: Telemetry | None) -> None:
    """Make `telemetry` the one every hook reports to (None: turn reporting off)."""
    global _active
    _active = telemetry


def active() -> Telemetry | None:
    """The telemetry reported to, if any."""
    return _active


def datadog_call(
    operation: str, method: str, template: str, host: str, request_id: str | None
) -> AbstractContextManager[None]:
    """Wrap one Datadog API call, retries and lookups included, in a span and its metrics.

    Args:
        operation: Datadog's operation id (``get_case``).
        method: The HTTP method.
        template: The path template (``/api/v2/cases/{case_id}``), never the path itself.
        host: The API host.
        request_id: The ``X-Request-Id`` the call sends, if any.
    """
    telemetry = _active
    if telemetry is None:
        return _NOTHING
    return _following(telemetry, DatadogCall(operation, method, template, request_id), host=host)


@contextmanager
def _following(telemetry: Telemetry, call: DatadogCall, *, host: str) -> Iterator[None]:
    token = _call.set(call)
    try:
        with telemetry.datadog_call(call, host=host):
            yield
    finally:
        _call.reset(token)


def datadog_sent() -> None:
    """One attempt of the current call left for Datadog."""
    call = _call.get()
    if call is not None:
        call.sent += 1


def datadog_answered(status: int | None, error: str | None = None) -> None:
    """Datadog answered the current attempt with `status`; or did not, for `error` (a type)."""
    call = _call.get()
    telemetry = _active
    if call is None or telemetry is None:
        return
    if status is not None:
        call.status = status
    telemetry.datadog_attempt(call, status, error)


def datadog_waited(seconds: float, source: WaitSource, limit_name: str | None = None) -> None:
    """The current call waited `seconds` for a rate limit before its next attempt."""
    call = _call.get()
    telemetry = _active
    if call is None or telemetry is None:
        return
    call.waited += seconds
    if limit_name is not None:
        call.limit_name = limit_name
    telemetry.rate_limit_wait(call, seconds, source)


def tool_call_finished(
    tool: str, outcome: ToolOutcome, seconds: float, *, refusal: str | None = None
) -> None:
    """A tool call ended with `outcome` after `seconds` (`refusal`: the short code why)."""
    telemetry = _active
    if telemetry is not None:
        telemetry.tool_call(tool, outcome, seconds, refusal)


def confirmation(
    tool: str,
    outcome: ConfirmationOutcome,
    method: ConfirmationMethod,
    reason: str | None = None,
) -> None:
    """A step of a person's confirmation of `tool`'s change (`reason`: a short fixed code)."""
    telemetry = _active
    if telemetry is not None:
        telemetry.confirmation(tool, outcome, method, reason)


def log_fields() -> dict[str, str]:
    """The current trace's and span's ids for a log line; nothing without an active span."""
    telemetry = _active
    return telemetry.log_fields() if telemetry is not None else {}
