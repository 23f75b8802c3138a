"""OpenTelemetry traces and metrics of the server and its Datadog client, off by default.

With the ``otel`` extra installed and an ``OTEL_*`` variable asking for them
(`case_mcp.config.TelemetryOptions`), `start_telemetry` sends over OTLP/HTTP:

- a span for each Datadog API call, under the MCP SDK's span of the tool call that made it:
  operation id, method, path template, status, retries, time waited on rate limits and the
  ``X-Request-Id`` sent with it;
- metrics: tool calls by tool and outcome and their duration, requests to Datadog by
  operation and status, rate-limit waits, and people's confirmations asked, accepted and
  declined;

and every JSON log line written inside a span carries its trace and span ids.

The client and the server report through the hooks here (`datadog_call`, `tool_call_finished`,
`confirmation`, ...), which do nothing while telemetry is off and import no OpenTelemetry
module: see `_hooks`. `report_to` points them at providers a program made itself.
"""

from case_mcp.telemetry._hooks import (
    ConfirmationMethod,
    ConfirmationOutcome,
    ToolOutcome,
    WaitSource,
    confirmation,
    datadog_answered,
    datadog_call,
    datadog_sent,
    datadog_waited,
    log_fields,
    tool_call_finished,
)
from case_mcp.telemetry._setup import (
    INSTALL,
    report_to,
    start_telemetry,
    stop_reporting,
    telemetry_options,
)

__all__ = [
    "INSTALL",
    "ConfirmationMethod",
    "ConfirmationOutcome",
    "ToolOutcome",
    "WaitSource",
    "confirmation",
    "datadog_answered",
    "datadog_call",
    "datadog_sent",
    "datadog_waited",
    "log_fields",
    "report_to",
    "start_telemetry",
    "stop_reporting",
    "telemetry_options",
    "tool_call_finished",
]
