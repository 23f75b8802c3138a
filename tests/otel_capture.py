"""OpenTelemetry in memory for tests: the spans and metrics a server reports, as data.

The MCP SDK opens its span of each request on the *global* tracer provider, which a process
may set once; so the first capture sets one whose only processor hands finished spans to
the capture in force (none between captures: those spans are dropped). Metrics go to a
meter provider of each capture's own, read by an `InMemoryMetricReader`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import (
    HistogramDataPoint,
    InMemoryMetricReader,
    NumberDataPoint,
)
from opentelemetry.sdk.trace import ReadableSpan, Span, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from case_mcp.telemetry import report_to, stop_reporting


class _ToCapture(SpanProcessor):
    """Hands each finished span to the capture in force, if any."""

    exporter: InMemorySpanExporter | None = None

    def on_start(self, span: Span, parent_context: Context | None = None) -> None:
        pass

    def on_end(self, span: ReadableSpan) -> None:
        if self.exporter is not None:
            self.exporter.export([span])


_TO_CAPTURE = _ToCapture()


def _global_provider() -> None:
    if isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider):
        provider = TracerProvider()
        provider.add_span_processor(_TO_CAPTURE)
        trace.set_tracer_provider(provider)
    assert isinstance(trace.get_tracer_provider(), TracerProvider), "another provider is set"


@dataclass(frozen=True)
class Point:
    """One metric data point: its attributes, and its value (a sum's) or count (a histogram's)."""

    attributes: Mapping[str, Any]
    value: float
    sum: float | None = None


@dataclass
class Captured:
    """What a server reported while the capture was in force."""

    exporter: InMemorySpanExporter
    reader: InMemoryMetricReader

    @property
    def spans(self) -> list[ReadableSpan]:
        return list(self.exporter.get_finished_spans())

    def named(self, name: str, kind: SpanKind | None = None) -> list[ReadableSpan]:
        """The finished spans called `name` (of `kind`, if given)."""
        return [s for s in self.spans if s.name == name and (kind is None or s.kind == kind)]

    def server_span(self, tool: str) -> ReadableSpan:
        """The MCP SDK's one span of a call of `tool`, on the server's side."""
        (span,) = self.named(f"tools/call {tool}", SpanKind.SERVER)
        return span

    def children(self, parent: ReadableSpan) -> list[ReadableSpan]:
        """The finished spans whose parent is `parent`."""
        assert parent.context is not None
        return [
            s
            for s in self.spans
            if s.parent is not None and s.parent.span_id == parent.context.span_id
        ]

    def metrics(self) -> dict[str, list[Point]]:
        """Every metric's data points, by name, as collected now."""
        found: dict[str, list[Point]] = {}
        data = self.reader.get_metrics_data()
        for resource in data.resource_metrics if data is not None else ():
            for scope in resource.scope_metrics:
                for metric in scope.metrics:
                    points = found.setdefault(metric.name, [])
                    for point in metric.data.data_points:
                        if isinstance(point, HistogramDataPoint):
                            points.append(
                                Point(dict(point.attributes or {}), point.count, point.sum)
                            )
                        elif isinstance(point, NumberDataPoint):
                            points.append(Point(dict(point.attributes or {}), point.value))
        return found

    def count(self, metric: str, where: Mapping[str, Any] | None = None) -> float:
        """The sum of `metric`'s points (a histogram's counts) whose attributes include `where`."""
        return sum(
            point.value
            for point in self.metrics().get(metric, [])
            if all(point.attributes.get(key) == value for key, value in (where or {}).items())
        )


@contextmanager
def captured_telemetry() -> Iterator[Captured]:
    """Telemetry on, reported in memory, for the length of the block."""
    _global_provider()
    exporter = InMemorySpanExporter()
    reader = InMemoryMetricReader()
    meters = MeterProvider(metric_readers=[reader])
    _TO_CAPTURE.exporter = exporter
    report_to(meter_provider=meters)
    try:
        yield Captured(exporter, reader)
    finally:
        stop_reporting()
        _TO_CAPTURE.exporter = None
        meters.shutdown()
