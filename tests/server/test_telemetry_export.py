"""End to end: `case-mcp serve --transport http`, configured only by OTEL_* variables, sends
its spans and metrics over OTLP/HTTP to a receiver on loopback, as to a Datadog Agent.

One server process is started with the receiver's URL as OTEL_EXPORTER_OTLP_ENDPOINT,
worked through an MCP client with a bearer token, then stopped with SIGTERM: the SDK flushes
what it holds as the process exits, so everything has arrived once the process is gone and
the test waits on nothing else. The tests read what the receiver decoded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import anyio
import pytest
from opentelemetry.proto.trace.v1.trace_pb2 import Span

from case_mcp import __version__
from otlp_receiver import Received, as_dict, otlp_receiver
from replicas import SECRET, TOKEN, connect, running_replicas, seeded_database

TITLE = "Narwhal quota breach 5521"
COMMENT = "Narwhal limits raised by the on-call"


@dataclass
class Exported:
    """What the receiver got from one server run, and how the server ended."""

    received: Received
    exit_status: int | None
    log: str


async def work(port: int) -> None:
    async with connect([port]) as (mcp, _):
        created = await mcp.call_tool("create_case", {"title": TITLE, "project": "SEC"})
        assert created.structured_content is not None, created.content
        key = created.structured_content["key"]
        await mcp.call_tool("add_case_comment", {"case_id": key, "comment": COMMENT})
        answer = await mcp.call_tool("get_case", {"case_id": key})
        assert not answer.is_error, answer.content


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> Exported:
    folder = tmp_path_factory.mktemp("otlp")
    database = seeded_database(folder / "sandbox.db")
    with otlp_receiver() as received:
        variables = {
            "OTEL_EXPORTER_OTLP_ENDPOINT": received.url,
            "OTEL_SERVICE_NAME": "case-mcp-e2e",
            "OTEL_RESOURCE_ATTRIBUTES": "deployment.environment.name=test",
        }
        flags = ["--calls-per-minute", "0"]
        with running_replicas(1, database, folder, flags, variables=variables) as (server,):
            anyio.run(work, server.port)
            process = server.process
        return Exported(received, process.returncode, Path(server.log).read_text())


def span_named(received: Received, name: str) -> Span:
    (span,) = [span for span in received.spans if span.name == name]
    return span


def test_the_spans_arrive_with_the_datadog_call_under_the_tool_call(exported: Exported) -> None:
    """The receiver decodes the SDK's tools/call get_case span and, in its trace and under
    it, the span of the GET of the case with its operation, status and request id."""
    received = exported.received
    assert exported.exit_status == 0, exported.log[-3000:]
    tool = span_named(received, "tools/call get_case")
    (read,) = [
        span
        for span in received.spans
        if span.name == "GET /api/v2/cases/{case_id}" and span.parent_span_id == tool.span_id
    ]
    assert read.trace_id == tool.trace_id
    assert read.kind == Span.SPAN_KIND_CLIENT
    attributes = as_dict(read.attributes)
    assert attributes["case_mcp.datadog.operation"] == "get_case"
    assert attributes["http.response.status_code"] == 200
    assert attributes["case_mcp.request_id"]
    assert as_dict(tool.attributes)["case_mcp.outcome"] == "ok"


def test_the_metrics_arrive_with_the_tool_calls_by_outcome(exported: Exported) -> None:
    """The receiver decodes case_mcp's metrics: the three tool calls, each ok, and the
    requests sent to Datadog by operation and status."""
    metrics = {metric.name: metric for metric in exported.received.metric_list}
    assert {
        "case_mcp.tool.calls",
        "case_mcp.tool.duration",
        "case_mcp.datadog.requests",
        "case_mcp.datadog.duration",
    } <= set(metrics)
    calls = {
        (str(as_dict(point.attributes)["gen_ai.tool.name"]), point.as_int)
        for point in metrics["case_mcp.tool.calls"].sum.data_points
        if as_dict(point.attributes)["case_mcp.outcome"] == "ok"
    }
    assert calls == {("create_case", 1), ("add_case_comment", 1), ("get_case", 1)}
    created = [
        point
        for point in metrics["case_mcp.datadog.requests"].sum.data_points
        if as_dict(point.attributes)
        == {
            "case_mcp.datadog.operation": "create_case",
            "http.request.method": "POST",
            "http.response.status_code": 201,
        }
    ]
    assert [point.as_int for point in created] == [1]


def test_the_resource_names_the_service_from_the_otel_variables(exported: Exported) -> None:
    """Every batch names the service as OTEL_SERVICE_NAME says, its version, and the
    attributes of OTEL_RESOURCE_ATTRIBUTES; all of it protobuf over HTTP."""
    resources = exported.received.resources()
    assert resources
    for resource in resources:
        assert resource["service.name"] == "case-mcp-e2e"
        assert resource["service.version"] == __version__
        assert resource["deployment.environment.name"] == "test"
    assert exported.received.content_types == {"application/x-protobuf"}


def test_nothing_sent_holds_the_token_the_secret_or_the_cases_words(exported: Exported) -> None:
    """No byte sent to the receiver holds the bearer token, the server's secret, the case's
    title or the comment."""
    sent = b"".join(exported.received.bodies)
    assert sent
    for word in (TOKEN, SECRET, TITLE, COMMENT, "Narwhal"):
        assert word.encode() not in sent
