"""The spans and instruments case_mcp reports, over any OpenTelemetry providers.

Imported only once telemetry is on (by `_setup`, or a test that brings in-memory providers).
Names follow OpenTelemetry's semantic conventions where one fits (``http.request.method``,
``url.template``, ``http.request.resend_count``, ``error.type``, ``gen_ai.tool.name``, as the
MCP SDK's own ``tools/call`` span has); the rest are case_mcp's own, under ``case_mcp.``.

Every attribute is an identifier, a number or a fixed code (see `_hooks`): what the span
of a Datadog call names is the operation and its path *template*, never the path with its
ids filled in nor the query, which may hold a person's search text.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Final

from opentelemetry import metrics, trace
from opentelemetry.trace import SpanKind, StatusCode

from case_mcp import __version__
from case_mcp.telemetry._hooks import (
    ConfirmationMethod,
    ConfirmationOutcome,
    DatadogCall,
    ToolOutcome,
    WaitSource,
)

__all__ = ["SCOPE", "Telemetry"]

SCOPE: Final = "case_mcp"
"""The instrumentation scope of case_mcp's spans and metrics."""

# Seconds, from a quick read to a call that waited out a rate limit; OpenTelemetry's default
# boundaries are milliseconds', which would put every call in the first bucket.
_SECONDS: Final[Sequence[float]] = (
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
    10.0,
    30.0,
    60.0,
)

OPERATION: Final = "case_mcp.datadog.operation"
TOOL: Final = "gen_ai.tool.name"
OUTCOME: Final = "case_mcp.outcome"


class Telemetry:
    """case_mcp's tracer and instruments, made from the given providers.

    Args:
        tracer_provider: Where spans go; default: the global one, so they share traces with
            the MCP SDK's spans (which always use the global provider).
        meter_provider: Where metrics go; default: the global one.
    """

    def __init__(
        self,
        tracer_provider: trace.TracerProvider | None = None,
        meter_provider: metrics.MeterProvider | None = None,
    ) -> None:
        self.tracer = trace.get_tracer(SCOPE, __version__, tracer_provider)
        meter = metrics.get_meter(SCOPE, __version__, meter_provider)
        self.tool_calls = meter.create_counter(
            "case_mcp.tool.calls", unit="{call}", description="Tool calls, by tool and outcome."
        )
        self.tool_duration = meter.create_histogram(
            "case_mcp.tool.duration",
            unit="s",
            description="How long tool calls took, by tool and outcome.",
            explicit_bucket_boundaries_advisory=_SECONDS,
        )
        self.datadog_requests = meter.create_counter(
            "case_mcp.datadog.requests",
            unit="{request}",
            description="Requests sent to Datadog's API (each retry counts), by operation and "
            "status.",
        )
        self.datadog_duration = meter.create_histogram(
            "case_mcp.datadog.duration",
            unit="s",
            description="How long Datadog API calls took, retries and waits included, by "
            "operation and final status.",
            explicit_bucket_boundaries_advisory=_SECONDS,
        )
        self.rate_limit_waits = meter.create_counter(
            "case_mcp.datadog.rate_limit.waits",
            unit="{wait}",
            description="Waits for a rate limit before a request to Datadog, by source: "
            "Datadog's 429 reset, or the client's own request limits.",
        )
        self.rate_limit_wait_duration = meter.create_histogram(
            "case_mcp.datadog.rate_limit.wait_duration",
            unit="s",
            description="How long each rate-limit wait took, by source.",
            explicit_bucket_boundaries_advisory=_SECONDS,
        )
        self.confirmations = meter.create_counter(
            "case_mcp.confirmations",
            unit="{confirmation}",
            description="People asked to approve a delete or a bulk change, and their answers.",
        )

    @contextmanager
    def datadog_call(self, call: DatadogCall, *, host: str) -> Iterator[None]:
        """A client span for `call`, current while it runs, and its duration metric."""
        attributes: dict[str, str | int] = {
            OPERATION: call.operation,
            "http.request.method": call.method,
            "url.template": call.template,
            "server.address": host,
        }
        if call.request_id is not None:
            attributes["case_mcp.request_id"] = call.request_id
        started = time.perf_counter()
        error: str | None = None
        with self.tracer.start_as_current_span(
            f"{call.method} {call.template}",
            kind=SpanKind.CLIENT,
            attributes=attributes,
            # An exception's message and traceback may name what the call was about.
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                yield
            except BaseException as exc:
                error = type(exc).__name__
                raise
            finally:
                span.set_attribute("http.request.resend_count", max(call.sent - 1, 0))
                span.set_attribute("case_mcp.datadog.rate_limit_wait", round(call.waited, 6))
                if call.limit_name is not None:
                    span.set_attribute("case_mcp.datadog.rate_limit_name", call.limit_name)
                if call.status is not None:
                    span.set_attribute("http.response.status_code", call.status)
                if error is not None:
                    span.set_attribute("error.type", error)
                    span.set_status(StatusCode.ERROR)
                outcome: dict[str, str | int] = {
                    OPERATION: call.operation,
                    "http.request.method": call.method,
                }
                if call.status is not None:
                    outcome["http.response.status_code"] = call.status
                if error is not None:
                    outcome["error.type"] = error
                self.datadog_duration.record(time.perf_counter() - started, outcome)

    def datadog_attempt(self, call: DatadogCall, status: int | None, error: str | None) -> None:
        """Count one request sent to Datadog, answered with `status` or failed with `error`."""
        attributes: dict[str, str | int] = {
            OPERATION: call.operation,
            "http.request.method": call.method,
        }
        if status is not None:
            attributes["http.response.status_code"] = status
        if error is not None:
            attributes["error.type"] = error
        self.datadog_requests.add(1, attributes)

    def rate_limit_wait(self, call: DatadogCall, seconds: float, source: WaitSource) -> None:
        """Count one wait for a rate limit, and note it on the call's span."""
        attributes = {OPERATION: call.operation, "case_mcp.rate_limit.source": source}
        self.rate_limit_waits.add(1, attributes)
        self.rate_limit_wait_duration.record(seconds, attributes)
        trace.get_current_span().add_event(
            "rate_limit_wait",
            {"case_mcp.rate_limit.source": source, "case_mcp.wait": round(seconds, 6)},
        )

    def tool_call(
        self, tool: str, outcome: ToolOutcome, seconds: float, refusal: str | None
    ) -> None:
        """Count one tool call, time it, and say how it ended on its span (the MCP SDK's)."""
        attributes = {TOOL: tool, OUTCOME: outcome}
        self.tool_calls.add(1, attributes)
        self.tool_duration.record(seconds, attributes)
        span = trace.get_current_span()
        span.set_attribute(OUTCOME, outcome)
        if refusal is not None:
            span.set_attribute("case_mcp.refusal", refusal)

    def confirmation(
        self,
        tool: str,
        outcome: ConfirmationOutcome,
        method: ConfirmationMethod,
        reason: str | None,
    ) -> None:
        """Count one step of a person's confirmation."""
        attributes = {TOOL: tool, OUTCOME: outcome, "case_mcp.confirmation.method": method}
        if reason is not None:
            attributes["case_mcp.confirmation.reason"] = reason
        self.confirmations.add(1, attributes)

    def log_fields(self) -> dict[str, str]:
        """The current span's ids, in OpenTelemetry's hex and in Datadog's decimal form."""
        context = trace.get_current_span().get_span_context()
        if not context.is_valid:
            return {}
        return {
            "trace_id": trace.format_trace_id(context.trace_id),
            "span_id": trace.format_span_id(context.span_id),
            # What Datadog's log pipeline joins to APM traces without a remapper: the low
            # 64 bits of each id, in decimal.
            "dd.trace_id": str(context.trace_id & 0xFFFF_FFFF_FFFF_FFFF),
            "dd.span_id": str(context.span_id),
        }
