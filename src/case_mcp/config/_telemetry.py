"""Whether OpenTelemetry traces and metrics are sent, from the standard ``OTEL_*`` variables.

Only the variables that decide *whether* anything is sent are read here; the OpenTelemetry
SDK reads the rest of its standard ones itself (headers, timeouts, resource attributes,
export intervals, temporality), so they work as its documentation says. Telemetry is off
unless a variable asks for it: an OTLP endpoint, or an exporter named ``otlp``. The SDK's
own default (export to localhost whenever it is installed) would make a laptop's stdio
server try to reach a collector that is not there.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from case_mcp.config._option import Options, option

__all__ = ["Exporter", "TelemetryOptions"]

Exporter = Literal["otlp", "none"]
"""otlp: send this signal over OTLP/HTTP. none: do not send it."""


class TelemetryOptions(Options):
    """Which signals go where, read from the environment only (no flags: a deployment sets
    them, the way it does for every other service it runs)."""

    title: ClassVar[str] = "Telemetry"
    summary: ClassVar[str] = (
        "OpenTelemetry traces and metrics over OTLP/HTTP (`pip install 'case-mcp[otel]'`), "
        "off unless one of these variables asks for them; the SDK reads its other standard "
        "variables itself (`OTEL_EXPORTER_OTLP_HEADERS`, `OTEL_RESOURCE_ATTRIBUTES`, "
        "`OTEL_METRIC_EXPORT_INTERVAL`, ...). See docs/deployment.md"
    )

    sdk_disabled: bool = option(
        False,
        env="OTEL_SDK_DISABLED",
        help="turns traces and metrics off, whatever the other variables say",
    )
    endpoint: str | None = option(
        None,
        env="OTEL_EXPORTER_OTLP_ENDPOINT",
        help="the OTLP/HTTP receiver's base URL, such as the node's Datadog Agent or a "
        "Collector at `http://HOST:4318`; setting it turns traces and metrics on",
    )
    traces_endpoint: str | None = option(
        None,
        env="OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
        help="the full URL traces are posted to (`.../v1/traces`); setting it turns traces on",
    )
    metrics_endpoint: str | None = option(
        None,
        env="OTEL_EXPORTER_OTLP_METRICS_ENDPOINT",
        help="the full URL metrics are posted to (`.../v1/metrics`); setting it turns metrics on",
    )
    traces_exporter: Exporter | None = option(
        None,
        env="OTEL_TRACES_EXPORTER",
        shown_default="otlp when an endpoint is set",
        help="otlp turns traces on (to `http://localhost:4318` without an endpoint); none "
        "turns them off",
    )
    metrics_exporter: Exporter | None = option(
        None,
        env="OTEL_METRICS_EXPORTER",
        shown_default="otlp when an endpoint is set",
        help="otlp turns metrics on (to `http://localhost:4318` without an endpoint); none "
        "turns them off",
    )
    protocol: Literal["http/protobuf"] | None = option(
        None,
        env="OTEL_EXPORTER_OTLP_PROTOCOL",
        shown_default="http/protobuf",
        help="the OTLP transport; the `otel` extra brings OTLP over HTTP only (the Datadog "
        "Agent and the Collector take it on port 4318)",
    )
    service_name: str = option(
        "case-mcp",
        env="OTEL_SERVICE_NAME",
        min_length=1,
        help="the `service.name` traces and metrics carry",
    )

    @property
    def traces(self) -> bool:
        """Whether traces are sent."""
        return self._on(self.traces_exporter, self.traces_endpoint)

    @property
    def metrics(self) -> bool:
        """Whether metrics are sent."""
        return self._on(self.metrics_exporter, self.metrics_endpoint)

    @property
    def enabled(self) -> bool:
        """Whether anything is sent."""
        return self.traces or self.metrics

    def asked_by(self) -> str:
        """The variable that turned telemetry on, for a message that says what to unset."""
        for field in ("endpoint", "traces_endpoint", "metrics_endpoint"):
            if getattr(self, field) is not None:
                return self.variable(field)
        if self.traces_exporter == "otlp":
            return self.variable("traces_exporter")
        return self.variable("metrics_exporter")

    def _on(self, exporter: Exporter | None, endpoint: str | None) -> bool:
        if self.sdk_disabled or exporter == "none":
            return False
        return exporter == "otlp" or self.endpoint is not None or endpoint is not None
