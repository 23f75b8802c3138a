"""Turning telemetry on: the SDK's providers and OTLP/HTTP exporters, as ``OTEL_*`` asks.

Nothing of OpenTelemetry's SDK is imported unless a variable asks for telemetry
(`TelemetryOptions`), so a server without it starts as fast as before. When one does and
the SDK is not installed, start-up stops with the command that installs it, rather than
running blind while the operator believes traces are on.

The providers are made the global ones: the MCP SDK opens its span for each request on the
global tracer provider, and case_mcp's spans must land in the same traces, under it. A
process that already has SDK providers (run under ``opentelemetry-instrument``) keeps them,
and case_mcp reports to them.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Final

from case_mcp import __version__
from case_mcp.config import TelemetryOptions
from case_mcp.errors import ConfigurationError
from case_mcp.telemetry._hooks import activate

if TYPE_CHECKING:
    from opentelemetry.metrics import MeterProvider
    from opentelemetry.trace import TracerProvider

__all__ = ["INSTALL", "report_to", "start_telemetry", "stop_reporting", "telemetry_options"]

INSTALL = "pip install 'case-mcp[otel]'"

# Every variable that can turn telemetry on starts so (see `TelemetryOptions`).
_PREFIX: Final = "OTEL_"


def telemetry_options() -> TelemetryOptions:
    """The ``OTEL_*`` settings, checked: when they ask for telemetry, the SDK is installed.

    Raises:
        ConfigurationError: A variable is invalid, or asks for telemetry without the SDK.
    """
    options = TelemetryOptions.load()
    if options.enabled:
        _require_sdk(options)
    return options


def start_telemetry(options: TelemetryOptions | None = None) -> bool:
    """Send traces and metrics where the ``OTEL_*`` variables say; nothing when they do not.

    Returns:
        Whether telemetry is on.

    Raises:
        ConfigurationError: A variable is invalid, or asks for telemetry without the SDK.
    """
    if options is None:
        if not any(name.startswith(_PREFIX) for name in os.environ):
            return False  # the usual case, decided without validating any setting
        options = telemetry_options()
    if not options.enabled:
        return False
    _require_sdk(options)
    from opentelemetry import metrics, trace
    from opentelemetry.exporter.otlp.proto.http.metric_exporter import OTLPMetricExporter
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import PeriodicExportingMetricReader
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor

    resource = Resource.create({"service.version": __version__})
    if str(resource.attributes.get("service.name", "")).startswith("unknown_service"):
        # Neither OTEL_SERVICE_NAME nor OTEL_RESOURCE_ATTRIBUTES named it.
        resource = resource.merge(Resource({"service.name": options.service_name}))
    if options.traces and isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        tracer_provider = TracerProvider(resource=resource)
        # The exporters read their endpoint, headers, timeout and compression from OTEL_*.
        tracer_provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter()))
        trace.set_tracer_provider(tracer_provider)
    if options.metrics and _is_placeholder(metrics.get_meter_provider()):
        reader = PeriodicExportingMetricReader(OTLPMetricExporter())
        metrics.set_meter_provider(MeterProvider(metric_readers=[reader], resource=resource))
    report_to()
    return True


def report_to(
    tracer_provider: TracerProvider | None = None, meter_provider: MeterProvider | None = None
) -> None:
    """Report case_mcp's spans and metrics to these providers (default: the global ones).

    For a program that embeds the server with its own OpenTelemetry set-up, and for tests
    with in-memory exporters. The MCP SDK's own spans always go to the global provider.
    """
    from case_mcp.telemetry._telemetry import Telemetry

    activate(Telemetry(tracer_provider, meter_provider))


def stop_reporting() -> None:
    """Report nothing any more (the providers are left as they are)."""
    activate(None)


def _require_sdk(options: TelemetryOptions) -> None:
    try:
        import opentelemetry.exporter.otlp.proto.http
        import opentelemetry.sdk  # noqa: F401
    except ImportError:
        raise ConfigurationError(
            f"{options.asked_by()} asks for OpenTelemetry traces and metrics, but the "
            f"OpenTelemetry SDK is not installed: {INSTALL}. Or unset the OTEL_* variables "
            f"(or set {options.variable('sdk_disabled')}=true) to run without them"
        ) from None


def _is_placeholder(provider: object) -> bool:
    # The API's placeholder until a program sets a provider; its class is not exported.
    return type(provider).__name__ == "_ProxyMeterProvider"
