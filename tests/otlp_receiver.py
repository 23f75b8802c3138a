"""A tiny OTLP/HTTP receiver on loopback, as a Datadog Agent or a Collector listens on 4318.

A thread serves ``POST /v1/traces`` and ``POST /v1/metrics``, decodes each protobuf body
with opentelemetry-proto's messages, keeps the raw bytes too (to search them for what must
never be sent) and answers 200 with the empty success response the exporters expect.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from opentelemetry.proto.collector.metrics.v1.metrics_service_pb2 import (
    ExportMetricsServiceRequest,
    ExportMetricsServiceResponse,
)
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (
    ExportTraceServiceRequest,
    ExportTraceServiceResponse,
)
from opentelemetry.proto.common.v1.common_pb2 import AnyValue, KeyValue
from opentelemetry.proto.metrics.v1.metrics_pb2 import Metric
from opentelemetry.proto.trace.v1.trace_pb2 import Span


@dataclass
class Received:
    """What the receiver decoded so far."""

    url: str
    traces: list[ExportTraceServiceRequest] = field(default_factory=list)
    metrics: list[ExportMetricsServiceRequest] = field(default_factory=list)
    bodies: list[bytes] = field(default_factory=list)
    content_types: set[str] = field(default_factory=set)

    @property
    def spans(self) -> list[Span]:
        return [
            span
            for request in self.traces
            for resource in request.resource_spans
            for scope in resource.scope_spans
            for span in scope.spans
        ]

    @property
    def metric_list(self) -> list[Metric]:
        return [
            metric
            for request in self.metrics
            for resource in request.resource_metrics
            for scope in resource.scope_metrics
            for metric in scope.metrics
        ]

    def resources(self) -> list[dict[str, object]]:
        """The resource attributes of every batch of spans and metrics."""
        found = [resource.resource for r in self.traces for resource in r.resource_spans]
        found += [resource.resource for r in self.metrics for resource in r.resource_metrics]
        return [as_dict(resource.attributes) for resource in found]


def value_of(value: AnyValue) -> object:
    """The Python value of an OTLP attribute value (strings, numbers and booleans)."""
    kind = value.WhichOneof("value")
    return getattr(value, kind) if kind is not None else None


def as_dict(attributes: Iterable[KeyValue]) -> dict[str, object]:
    """OTLP key-value pairs as a dict."""
    return {pair.key: value_of(pair.value) for pair in attributes}


@contextmanager
def otlp_receiver() -> Iterator[Received]:
    """Serve OTLP/HTTP on a free loopback port for the length of the block."""
    lock = threading.Lock()
    received: Received

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            answer: bytes
            with lock:
                received.bodies.append(body)
                received.content_types.add(self.headers.get("Content-Type", ""))
                if self.path == "/v1/traces":
                    received.traces.append(ExportTraceServiceRequest.FromString(body))
                    answer = ExportTraceServiceResponse().SerializeToString()
                elif self.path == "/v1/metrics":
                    received.metrics.append(ExportMetricsServiceRequest.FromString(body))
                    answer = ExportMetricsServiceResponse().SerializeToString()
                else:
                    self.send_error(404)
                    return
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: object) -> None:
            pass  # the test reads what arrived, not an access log on stderr

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    received = Received(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield received
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
