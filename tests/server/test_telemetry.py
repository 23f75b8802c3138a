"""OpenTelemetry: a span per Datadog call under the tool call's span, the metrics, and nothing
secret or written by a person in any of it; off, it costs nothing (issue 14)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ElicitResult
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.trace import SpanKind, StatusCode

from case_mcp.cli import main
from case_mcp.client import OPERATIONS, CaseManagementClient, RequestLimits
from case_mcp.config import AuthOptions, HttpOptions, ServerOptions, TelemetryOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.http import create_http_app
from guarded import connected, decline
from http_service import Recording
from lossy import FAST, resilient_server
from otel_capture import Captured, captured_telemetry

pytestmark = pytest.mark.anyio

TOOL_CALLS = "case_mcp.tool.calls"
TOOL_DURATION = "case_mcp.tool.duration"
REQUESTS = "case_mcp.datadog.requests"
WAITS = "case_mcp.datadog.rate_limit.waits"
CONFIRMATIONS = "case_mcp.confirmations"
GET_CASE = "GET /api/v2/cases/{case_id}"


@pytest.fixture
def otel() -> Iterator[Captured]:
    with captured_telemetry() as captured:
        yield captured


def attributes(span: ReadableSpan) -> dict[str, Any]:
    return dict(span.attributes or {})


# The span tree -------------------------------------------------------------------------------


async def test_each_datadog_call_is_a_client_span_under_the_tool_calls_span(
    sandbox: Sandbox, otel: Captured
) -> None:
    """get_case's Datadog calls are CLIENT spans, children of the SDK's tools/call span in its
    trace, each naming its operation, method, path template, host, status and retries."""
    async with connected(sandbox) as client:
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})
    assert not answer.is_error

    tool_span = otel.server_span("get_case")
    children = otel.children(tool_span)
    assert tool_span.context is not None
    assert attributes(tool_span)["case_mcp.outcome"] == "ok"
    assert children, "no span for the Datadog calls"
    assert all(child.kind == SpanKind.CLIENT for child in children)
    assert all(child.context is not None for child in children)
    assert {child.context.trace_id for child in children if child.context} == {
        tool_span.context.trace_id
    }
    assert {attributes(child)["case_mcp.datadog.operation"] for child in children} <= set(
        OPERATIONS
    )
    (read,) = [child for child in children if child.name == GET_CASE]
    assert attributes(read) == {
        "case_mcp.datadog.operation": "get_case",
        "http.request.method": "GET",
        "url.template": "/api/v2/cases/{case_id}",
        "server.address": "sandbox.invalid",
        "http.response.status_code": 200,
        "http.request.resend_count": 0,
        "case_mcp.datadog.rate_limit_wait": 0.0,
    }
    assert read.status.status_code == StatusCode.UNSET


async def test_a_call_datadog_refuses_is_an_error_span_and_counted_by_status(
    sandbox: Sandbox, otel: Captured
) -> None:
    """A case Datadog does not find: the call's span is an error of type NotFoundError with
    status 404, the tool call counts as tool_error, and the request as a 404."""
    async with connected(sandbox) as client:
        answer = await client.call_tool("get_case", {"case_id": "SEC-99999"})
    assert answer.is_error

    (read,) = [s for s in otel.children(otel.server_span("get_case")) if s.name == GET_CASE]
    assert attributes(read)["http.response.status_code"] == 404
    assert attributes(read)["error.type"] == "NotFoundError"
    assert read.status.status_code == StatusCode.ERROR
    assert otel.count(TOOL_CALLS, {"case_mcp.outcome": "tool_error"}) == 1
    where = {"case_mcp.datadog.operation": "get_case", "http.response.status_code": 404}
    assert otel.count(REQUESTS, where) == 1


class RateLimitedOnce(httpx2.AsyncBaseTransport):
    """The sandbox, except that the first read of a case is answered 429 by Datadog."""

    def __init__(self, inner: httpx2.AsyncBaseTransport) -> None:
        self.inner = inner
        self.refused = False

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        if request.url.path == "/api/v2/cases/SEC-1" and not self.refused:
            self.refused = True
            return httpx2.Response(
                429,
                json={"errors": ["Too many requests"]},
                headers={"X-RateLimit-Name": "cases", "X-RateLimit-Reset": "0"},
            )
        return await self.inner.handle_async_request(request)


async def test_a_retry_after_a_429_shows_as_a_resend_and_a_wait_for_datadogs_reset(
    sandbox: Sandbox, otel: Captured
) -> None:
    """A 429 then a 200: one span with one resend, the bucket's name and the wait on it, one
    request counted per status, and one rate-limit wait from Datadog."""
    server = resilient_server(sandbox, RateLimitedOnce(sandbox.transport()), retry=FAST)
    async with Client(server) as client:
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})
    assert not answer.is_error

    (read,) = [s for s in otel.children(otel.server_span("get_case")) if s.name == GET_CASE]
    assert attributes(read)["http.request.resend_count"] == 1
    assert attributes(read)["http.response.status_code"] == 200
    assert attributes(read)["case_mcp.datadog.rate_limit_name"] == "cases"
    assert attributes(read)["case_mcp.datadog.rate_limit_wait"] >= 0
    assert [event.name for event in read.events] == ["rate_limit_wait"]
    for status in (429, 200):
        where = {"case_mcp.datadog.operation": "get_case", "http.response.status_code": status}
        assert otel.count(REQUESTS, where) == 1
    assert otel.count(WAITS, {"case_mcp.rate_limit.source": "datadog"}) == 1
    assert otel.count(WAITS, {"case_mcp.rate_limit.source": "client"}) == 0


async def test_waiting_for_a_turn_under_the_clients_own_limits_is_a_client_wait(
    sandbox: Sandbox, otel: Captured
) -> None:
    """At one request per 20 ms with no burst, the calls after the first wait their turn:
    counted as waits from the client's own limits, and on the spans that waited."""
    limits = RequestLimits(max_concurrent=1, per_second=50, burst=1)
    async with Client(resilient_server(sandbox, limits=limits)) as client:
        for _ in range(2):
            await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert otel.count(WAITS, {"case_mcp.rate_limit.source": "client"}) >= 1
    assert otel.count(WAITS, {"case_mcp.rate_limit.source": "datadog"}) == 0
    waited = [
        span
        for span in otel.spans
        if attributes(span).get("case_mcp.datadog.rate_limit_wait", 0) > 0
    ]
    assert waited
    assert all(
        event.attributes and event.attributes["case_mcp.rate_limit.source"] == "client"
        for span in waited
        for event in span.events
    )


# Metrics -------------------------------------------------------------------------------------


async def test_tool_calls_are_counted_and_timed_by_tool_and_outcome(
    sandbox: Sandbox, otel: Captured
) -> None:
    """ok, tool_error, refused (read-only mode) and confirmation_pending (a delete's token
    preview) each count once, with as many durations, and name the outcome on the tool span."""
    async with connected(sandbox, ServerOptions(confirm_mode="token")) as client:
        await client.call_tool("get_case", {"case_id": "SEC-1"})
        await client.call_tool("get_case", {"case_id": "SEC-99999"})
        preview = await client.call_tool("delete_project", {"project": "ET"})
        assert preview.structured_content is not None
        assert preview.structured_content["deleted"] is False
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        await client.call_tool("add_case_comment", {"case_id": "SEC-1", "comment": "hello"})

    expected = {
        ("get_case", "ok"): 1,
        ("get_case", "tool_error"): 1,
        ("delete_project", "confirmation_pending"): 1,
        ("add_case_comment", "refused"): 1,
    }
    for metric in (TOOL_CALLS, TOOL_DURATION):
        counted = {
            (point.attributes["gen_ai.tool.name"], point.attributes["case_mcp.outcome"]): (
                point.value
            )
            for point in otel.metrics()[metric]
        }
        assert counted == expected, metric
    refused = otel.server_span("add_case_comment")
    assert attributes(refused)["case_mcp.outcome"] == "refused"
    assert attributes(refused)["case_mcp.refusal"] == "read_only"


async def test_a_token_confirmation_counts_asked_then_accepted(
    sandbox: Sandbox, otel: Captured
) -> None:
    """--confirm-mode token: the preview asks (by token) and the call with the token is
    accepted; the two tool calls are confirmation_pending then ok."""
    async with connected(sandbox, ServerOptions(confirm_mode="token")) as client:
        preview = await client.call_tool("delete_project", {"project": "ET"})
        assert preview.structured_content is not None
        token = preview.structured_content["confirmation_token"]
        done = await client.call_tool(
            "delete_project", {"project": "ET", "confirmation_token": token}
        )
        assert done.structured_content is not None
        assert done.structured_content["deleted"] is True

    by_token = {"case_mcp.confirmation.method": "token", "gen_ai.tool.name": "delete_project"}
    assert otel.count(CONFIRMATIONS, {**by_token, "case_mcp.outcome": "asked"}) == 1
    assert otel.count(CONFIRMATIONS, {**by_token, "case_mcp.outcome": "accepted"}) == 1
    assert otel.count(CONFIRMATIONS, {"case_mcp.confirmation.method": "elicitation"}) == 0
    assert otel.count(TOOL_CALLS, {"case_mcp.outcome": "confirmation_pending"}) == 1
    assert otel.count(TOOL_CALLS, {"case_mcp.outcome": "ok"}) == 1


def typing(key: str) -> Any:
    async def person(context: object, params: object) -> ElicitResult:
        return ElicitResult(action="accept", content={"key": key})

    return person


@asynccontextmanager
async def asking(sandbox: Sandbox, era: str, person: Any) -> AsyncIterator[Client]:
    """A client of `era` whose person answers every confirmation prompt as `person` does."""
    server = create_server(sandbox_client_factory(sandbox), ServerOptions())
    async with Client(server, mode=era, elicitation_callback=person) as client:
        yield client


@pytest.mark.parametrize("era", ["auto", "legacy"])
@pytest.mark.parametrize(
    ("person", "outcome", "reason", "deleted"),
    [
        (typing("ET"), "accepted", None, True),
        (typing("SEC"), "declined", "wrong_key", False),
        (decline, "declined", "declined", False),
    ],
    ids=["typed-the-key", "typed-another-key", "declined"],
)
async def test_an_elicited_confirmation_counts_one_question_and_its_answer(
    sandbox: Sandbox,
    otel: Captured,
    era: str,
    person: Any,
    outcome: str,
    reason: str | None,
    deleted: bool,
) -> None:
    """In both protocol eras one question is counted as asked (by elicitation) and the
    person's answer as accepted or declined, with why it was declined."""
    async with asking(sandbox, era, person) as client:
        answer = await client.call_tool("delete_project", {"project": "ET"})
    assert answer.structured_content is not None
    assert answer.structured_content["deleted"] is deleted

    asked = {"case_mcp.outcome": "asked", "case_mcp.confirmation.method": "elicitation"}
    assert otel.count(CONFIRMATIONS, asked) == 1
    points = [
        p for p in otel.metrics()[CONFIRMATIONS] if p.attributes["case_mcp.outcome"] != "asked"
    ]
    assert [(p.attributes["case_mcp.outcome"], p.value) for p in points] == [(outcome, 1)]
    assert points[0].attributes.get("case_mcp.confirmation.reason") == reason
    # On 2026-07-28 the question is an input_required answer, and the answer a second call.
    pending = otel.count(TOOL_CALLS, {"case_mcp.outcome": "confirmation_pending"})
    assert pending == (1 if era == "auto" else 0)


# No secret, no case content ------------------------------------------------------------------

TOKEN = "telemetry-bot-token-0123456789abcdef"
SECRET = "telemetry-shared-secret-0123456789abcdef"
KEYS = {"DD-API-KEY": "tenant-api-key-9f8e7d", "DD-APPLICATION-KEY": "tenant-app-key-6c5b4a"}
CONFIGURED_KEYS = ("configured-api-key-1a2b", "configured-app-key-3c4d")
TITLE = "Wombat ledger drift 4417"
DESCRIPTION = "Saw the wombat ledger drift on host qx-31 at 02:17."
COMMENT = "Pelican checksum mismatch, rolled back"
QUERY = "pelican OR wombat"
NEVER_IN_TELEMETRY = (
    TOKEN,
    SECRET,
    *KEYS.values(),
    *CONFIGURED_KEYS,
    TITLE,
    DESCRIPTION,
    COMMENT,
    "Wombat",
    "wombat",
    "Pelican",
    "pelican",
    "qx-31",
)


def strings_in(values: Mapping[str, Any] | None) -> list[str]:
    """Every key and value of a set of attributes, as text."""
    return [f"{key}={value}" for key, value in (values or {}).items()]


def everything_reported(otel: Captured) -> list[str]:
    """Every name, attribute, event and status text of every span, and every metric point's
    attributes."""
    texts: list[str] = []
    for span in otel.spans:
        texts += [span.name, span.status.description or "", *strings_in(span.attributes)]
        texts += strings_in(span.resource.attributes)
        for event in span.events:
            texts += [event.name, *strings_in(event.attributes)]
        for link in span.links:
            texts += strings_in(link.attributes)
    for name, points in otel.metrics().items():
        texts.append(name)
        for point in points:
            texts += strings_in(point.attributes)
    return texts


async def test_no_secret_and_no_case_content_reaches_any_span_or_metric(
    sandbox: Sandbox, otel: Captured
) -> None:
    """Over HTTP with a bearer token and a tenant's own keys, a case created, commented on,
    searched for by its words and read leaves neither the token, the keys, the server's
    secret, the title, the description, the comment nor the search words in any span name,
    attribute, event or metric; the request id sent to Datadog is on every Datadog span."""
    wire = Recording(sandbox.transport())
    app = create_http_app(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid",
            api_key=CONFIGURED_KEYS[0],
            app_key=CONFIGURED_KEYS[1],
            transport=wire,
        ),
        ServerOptions(secret=SECRET),
        HttpOptions(),
        auth=AuthOptions.load(tokens=TOKEN, per_request_credentials=True),
    )
    headers = {"Authorization": f"Bearer {TOKEN}", **KEYS}
    async with (
        app.router.lifespan_context(app),
        httpx2.AsyncClient(
            transport=httpx2.ASGITransport(app=app),
            base_url="http://127.0.0.1:8000",
            headers=headers,
        ) as http,
        Client(streamable_http_client("http://127.0.0.1:8000/mcp", http_client=http)) as client,
    ):
        created = await client.call_tool(
            "create_case", {"title": TITLE, "description": DESCRIPTION, "project": "SEC"}
        )
        assert created.structured_content is not None, created.content
        key = created.structured_content["key"]
        for tool, arguments in [
            ("add_case_comment", {"case_id": key, "comment": COMMENT}),
            ("search_cases", {"query": QUERY}),
            ("get_case", {"case_id": key}),
            ("get_case_timeline", {"case_id": key}),
        ]:
            answer = await client.call_tool(tool, arguments)
            assert not answer.is_error, answer.content

    reported = everything_reported(otel)
    leaked = {word for word in NEVER_IN_TELEMETRY for text in reported if word in text}
    assert leaked == set()
    datadog_spans = [
        span for span in otel.spans if "case_mcp.datadog.operation" in attributes(span)
    ]
    sent_ids = {sent.get("x-request-id") for sent in wire.headers}
    assert len(datadog_spans) >= 5
    assert {attributes(span)["case_mcp.request_id"] for span in datadog_spans} <= sent_ids
    assert None not in sent_ids


# Off, and asked for without the SDK ----------------------------------------------------------


def test_without_otel_variables_serve_imports_no_opentelemetry_sdk_or_metrics() -> None:
    """`case-mcp serve --sandbox` with no OTEL_* variable starts, answers end of input and
    exits without importing OpenTelemetry's SDK, exporters or metrics API."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("OTEL_", "DD_"))}
    finished = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "case_mcp", "serve", "--sandbox"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )
    imported = {
        line.rsplit("|", 1)[-1].strip()
        for line in finished.stderr.decode().splitlines()
        if line.startswith("import time:")
    }
    assert finished.returncode == 0, finished.stderr.decode()[-2000:]
    assert "case_mcp.server" in imported, "the server was not started"
    assert "case_mcp.telemetry" in imported
    loaded = sorted(
        name
        for name in imported
        if name.startswith(("opentelemetry.sdk", "opentelemetry.exporter", "opentelemetry.metrics"))
    )
    assert loaded == []


def test_asking_for_telemetry_without_the_sdk_stops_start_up_with_the_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """OTEL_EXPORTER_OTLP_ENDPOINT set and no SDK: serve exits with status 2 and one line
    naming the variable and `pip install 'case-mcp[otel]'`, before serving anything."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")
    # None in sys.modules makes `import` fail as if the package were not installed.
    monkeypatch.setitem(sys.modules, "opentelemetry.sdk", None)

    status = main(["serve", "--sandbox"])

    assert status == 2
    assert capsys.readouterr().err == (
        "case-mcp: OTEL_EXPORTER_OTLP_ENDPOINT asks for OpenTelemetry traces and metrics, but "
        "the OpenTelemetry SDK is not installed: pip install 'case-mcp[otel]'. Or unset the "
        "OTEL_* variables (or set OTEL_SDK_DISABLED=true) to run without them\n"
    )


@pytest.mark.parametrize(
    ("variables", "traces", "metrics"),
    [
        ({}, False, False),
        ({"OTEL_SERVICE_NAME": "case-mcp-prod"}, False, False),
        ({"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318"}, True, True),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318", "OTEL_METRICS_EXPORTER": "none"},
            True,
            False,
        ),
        ({"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT": "http://agent:4318/v1/traces"}, True, False),
        ({"OTEL_METRICS_EXPORTER": "otlp"}, False, True),
        (
            {"OTEL_EXPORTER_OTLP_ENDPOINT": "http://agent:4318", "OTEL_SDK_DISABLED": "true"},
            False,
            False,
        ),
    ],
)
def test_only_an_endpoint_or_an_otlp_exporter_turns_a_signal_on(
    monkeypatch: pytest.MonkeyPatch, variables: dict[str, str], traces: bool, metrics: bool
) -> None:
    """Telemetry is off by default; an endpoint turns both signals on, a signal's own endpoint
    or `otlp` exporter that signal, `none` turns one off, OTEL_SDK_DISABLED everything."""
    for name in list(os.environ):
        if name.startswith("OTEL_"):
            monkeypatch.delenv(name)
    for name, value in variables.items():
        monkeypatch.setenv(name, value)

    options = TelemetryOptions.load()

    assert (options.traces, options.metrics) == (traces, metrics)


def test_a_grpc_protocol_is_refused_naming_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    """OTEL_EXPORTER_OTLP_PROTOCOL=grpc stops start-up: the extra sends OTLP over HTTP only."""
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")

    with pytest.raises(
        ConfigurationError, match="OTEL_EXPORTER_OTLP_PROTOCOL must be one of 'http/protobuf'"
    ):
        TelemetryOptions.load()


def test_the_telemetry_package_exports_exactly_its_public_names() -> None:
    """case_mcp.telemetry's __all__ is the pinned list of hooks and set-up, every name exists,
    and none is private."""
    import case_mcp.telemetry

    assert case_mcp.telemetry.__all__ == [
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
    assert all(hasattr(case_mcp.telemetry, name) for name in case_mcp.telemetry.__all__)
