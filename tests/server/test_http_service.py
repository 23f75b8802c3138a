"""The Streamable HTTP service: both eras through the official client, Origin and Host checks,
health probes, limits, request ids, the loopback rule, a confirmed delete, a real socket."""

from __future__ import annotations

import gc
import io
import json
import logging
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client, MCPError
from mcp.client.streamable_http import streamable_http_client
from mcp.types import INVALID_PARAMS, CallToolResult, ElicitResult
from starlette.applications import Starlette

from case_mcp.cli import main
from case_mcp.config import HttpOptions, ServerOptions
from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.http import check_binding, create_http_app, service_config, tune_collector

# Unit tests of the HTTP front's internals: the per-caller token bucket, the JSON log line's
# formatter, the collector's thresholds and the table of methods that never reach Datadog.
from case_mcp.server.http._app import GC_THRESHOLDS
from case_mcp.server.http._limits import CallerRateLimit, busy_text
from case_mcp.server.http._log import JsonFormatter
from case_mcp.server.http._methods import NO_DATADOG
from http_service import (
    BASE,
    ListeningServer,
    Recording,
    factory,
    loopback_listener,
    mcp_over,
    service,
    text_of,
)

pytestmark = pytest.mark.anyio

ERAS = {"auto": "2026-07-28", "legacy": "2025-11-25"}
MCP_HEADERS = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream"}
DISCOVER = {"jsonrpc": "2.0", "id": 1, "method": "tools/list", "params": {}}


@pytest.fixture
def datadog(sandbox: Sandbox) -> Recording:
    return Recording(sandbox.transport())


@pytest.fixture
def access_log() -> Iterator[io.StringIO]:
    """The service's JSON log lines, as written to stderr."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("case_mcp.http")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield stream
    logger.removeHandler(handler)
    logger.setLevel(level)


# Both eras, the same tools -------------------------------------------------------------------


@pytest.mark.parametrize(("mode", "version"), sorted(ERAS.items()))
async def test_both_eras_read_and_change_a_case_over_http(
    datadog: Recording, mode: str, version: str
) -> None:
    """The official client of either era settles its version, changes a case and reads it."""
    async with service(datadog) as http, mcp_over(http, mode) as client:
        changed = await client.call_tool(
            "update_case_priority", {"case_id": "OPS-3", "priority": "P1"}
        )
        read = await client.call_tool("get_case", {"case_id": "OPS-3"})

        assert client.protocol_version == version
    assert not changed.is_error
    assert read.structured_content is not None
    assert (read.structured_content["key"], read.structured_content["priority"]) == (
        "OPS-3",
        "P1",
    )


async def test_the_guardrails_apply_over_http(datadog: Recording) -> None:
    """A read-only service lists only the read tools and refuses a write, as on stdio."""
    async with (
        service(datadog, ServerOptions(read_only=True)) as http,
        mcp_over(http) as client,
    ):
        tools = {tool.name for tool in (await client.list_tools()).tools}
        refused = await client.call_tool("create_project", {"key": "NET", "name": "Network"})

    assert "get_case" in tools
    assert "create_project" not in tools
    assert refused.is_error
    assert "read-only" in text_of(refused)


async def test_a_delete_confirmed_with_its_token_deletes_over_http(
    datadog: Recording, sandbox: Sandbox
) -> None:
    """The first call returns a token and deletes nothing; the second, with it, deletes."""
    options = ServerOptions(confirm_mode="token", secret="s" * 32)
    async with service(datadog, options) as http, mcp_over(http) as client:
        first = await client.call_tool("delete_project", {"project": "ET"})
        assert first.structured_content is not None
        token = first.structured_content["confirmation_token"]
        kept = await client.call_tool("get_project", {"project": "ET"})
        second = await client.call_tool(
            "delete_project", {"project": "ET", "confirmation_token": token}
        )
        gone = await client.call_tool("get_project", {"project": "ET"})

    assert first.structured_content["deleted"] is False
    assert not kept.is_error
    assert second.structured_content is not None
    assert second.structured_content["deleted"] is True
    assert gone.is_error


# Origin and Host -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
async def test_a_foreign_origin_gets_403(datadog: Recording, host: str) -> None:
    """A browser page of another site cannot call the tools, whatever address is bound."""
    async with service(datadog, host=host) as http:
        answer = await http.post(
            "/mcp", json=DISCOVER, headers={**MCP_HEADERS, "Origin": "http://evil.example"}
        )

    assert answer.status_code == 403


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
async def test_a_foreign_host_gets_421(datadog: Recording, host: str) -> None:
    """A rebinding attack's Host header is refused, also when bound to 0.0.0.0."""
    async with service(datadog, host=host) as http:
        answer = await http.post(
            "/mcp", json=DISCOVER, headers={**MCP_HEADERS, "Host": "evil.example"}
        )

    assert answer.status_code == 421


async def test_allowed_hosts_and_origins_are_served(datadog: Recording) -> None:
    """The names on the allow lists reach the tools through the official client."""
    url = "http://cases.internal:8000"
    async with (
        service(
            datadog,
            host="0.0.0.0",
            allowed_hosts=("cases.internal:8000",),
            allowed_origins=("https://chat.example.com",),
        ) as http,
    ):
        http.headers["Origin"] = "https://chat.example.com"
        async with mcp_over(http, url=url) as client:
            answer = await client.call_tool("get_case", {"case_id": "SEC-1"})
        loopback = await http.post(
            f"{url}/mcp", json=DISCOVER, headers={**MCP_HEADERS, "Host": "127.0.0.1:8000"}
        )

    assert not answer.is_error
    assert loopback.status_code == 421


def test_the_default_allow_lists_are_the_loopback_names_at_the_port() -> None:
    """Without lists, only loopback names and origins at the bound port are accepted."""
    http = HttpOptions(host="0.0.0.0", port=8123)

    assert http.hosts == ["127.0.0.1:8123", "localhost:8123", "[::1]:8123"]
    assert http.origins == ["http://127.0.0.1:8123", "http://localhost:8123", "http://[::1]:8123"]


def test_the_allow_lists_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """CASE_MCP_ALLOWED_HOSTS and CASE_MCP_ALLOWED_ORIGINS are comma-separated lists."""
    monkeypatch.setenv("CASE_MCP_ALLOWED_HOSTS", "cases.internal:*, cases.internal")
    monkeypatch.setenv("CASE_MCP_ALLOWED_ORIGINS", "https://chat.example.com")

    http = HttpOptions.load()

    assert http.hosts == ["cases.internal:*", "cases.internal"]
    assert http.origins == ["https://chat.example.com"]


def test_an_origin_without_a_scheme_is_a_configuration_error() -> None:
    """An Origin is scheme://host[:port]; anything else stops start-up, naming the flag."""
    with pytest.raises(ConfigurationError, match="--allowed-origins"):
        HttpOptions.load(allowed_origins="chat.example.com")


# Health ----------------------------------------------------------------------------------------


async def test_healthz_says_ok_whatever_the_host(datadog: Recording) -> None:
    """Liveness answers 200 to a probe addressed by the pod's IP."""
    async with service(datadog, host="0.0.0.0") as http:
        answer = await http.get("/healthz", headers={"Host": "10.1.2.3:8000"})

    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


async def test_readyz_is_ready_when_the_backend_answers(datadog: Recording) -> None:
    """Readiness asks the backend one authenticated question and answers 200."""
    async with service(datadog) as http:
        answer = await http.get("/readyz")

    assert (answer.status_code, answer.json()) == (200, {"status": "ready"})
    assert [headers["dd-api-key"] for headers in datadog.headers] == ["k"]


@pytest.mark.parametrize("status", [401, 403, 503])
async def test_readyz_is_unavailable_when_the_backend_refuses_and_says_nothing_more(
    status: int,
) -> None:
    """Refused credentials or a failing Datadog give 503 with no detail in the body."""
    refusing = httpx2.MockTransport(
        lambda request: httpx2.Response(status, json={"errors": ["Forbidden: key abc123"]})
    )
    async with service(refusing) as http:
        answer = await http.get("/readyz")

    assert (answer.status_code, answer.json()) == (503, {"status": "unavailable"})


# Limits ----------------------------------------------------------------------------------------


async def test_a_body_over_the_limit_gets_413(datadog: Recording) -> None:
    """A request body larger than --max-body-size is refused before it is parsed."""
    big = {**DISCOVER, "params": {"padding": "x" * 5000}}
    async with service(datadog, max_body_size=4096) as http:
        answer = await http.post("/mcp", json=big, headers=MCP_HEADERS)

    assert answer.status_code == 413


async def test_a_tool_call_beyond_the_cap_is_refused_at_once_and_the_first_finishes(
    sandbox: Sandbox,
) -> None:
    """With one call in flight and a cap of one, the next call is told to retry, and the
    call in flight still gets its answer."""
    held = Recording(sandbox.transport(), hold=True)
    answers: dict[str, CallToolResult] = {}
    async with service(held, max_concurrent_calls=1) as http, mcp_over(http) as client:

        async def slow() -> None:
            answers["slow"] = await client.call_tool("get_case", {"case_id": "SEC-1"})

        async with anyio.create_task_group() as group:
            group.start_soon(slow)
            await held.entered.wait()
            answers["busy"] = await client.call_tool("get_case", {"case_id": "SEC-2"})
            held.release.set()
        after = await client.call_tool("get_case", {"case_id": "SEC-2"})

    assert answers["busy"].is_error
    assert text_of(answers["busy"]) == busy_text(1)
    assert not answers["slow"].is_error
    assert not after.is_error


async def test_a_caller_over_its_calls_per_minute_is_told_when_to_retry(
    sandbox: Sandbox,
) -> None:
    """Past its budget a caller's call is refused with the wait, and nothing reaches Datadog."""
    datadog = Recording(sandbox.transport())
    async with service(datadog, calls_per_minute=2) as http, mcp_over(http) as client:
        first = await client.call_tool("get_case", {"case_id": "SEC-1"})
        second = await client.call_tool("get_case", {"case_id": "SEC-2"})
        sent_before = len(datadog.headers)
        third = await client.call_tool("get_case", {"case_id": "SEC-3"})

    assert not first.is_error
    assert not second.is_error
    assert third.is_error
    assert text_of(third).startswith("Too many requests: this token may make 2 a minute")
    assert len(datadog.headers) == sent_before


def test_the_per_caller_budget_refills_with_time() -> None:
    """A caller that waited for its bucket to refill may call again; another caller is apart."""
    now = [0.0]
    limit = CallerRateLimit(60, clock=lambda: now[0])

    assert limit._take("bot") == 0.0
    limit._buckets["bot"] = (0.0, now[0])
    assert limit._take("bot") == pytest.approx(1.0)
    assert limit._take("other bot") == 0.0
    now[0] += 1.0
    assert limit._take("bot") == 0.0


# Request ids and logs --------------------------------------------------------------------------


async def test_the_callers_request_id_reaches_datadog_the_answer_and_the_log(
    datadog: Recording, access_log: io.StringIO
) -> None:
    """X-Request-Id from the bot is echoed, sent on every Datadog call it causes, and on the
    JSON access line of the request."""
    async with service(datadog) as http:
        http.headers["X-Request-Id"] = "bot-7f3a"
        async with mcp_over(http) as client:
            await client.call_tool("get_case", {"case_id": "SEC-1"})
        echoed = await http.get("/healthz")

    lines = [json.loads(line) for line in access_log.getvalue().splitlines()]
    assert echoed.headers["X-Request-Id"] == "bot-7f3a"
    assert datadog.headers
    assert {headers["x-request-id"] for headers in datadog.headers} == {"bot-7f3a"}
    assert {
        (line["request_id"], line["method"], line["path"], line["status"]) for line in lines
    } >= {
        ("bot-7f3a", "POST", "/mcp", 200),
        ("bot-7f3a", "GET", "/healthz", 200),
    }
    assert all(line["level"] == "info" and line["logger"] == "case_mcp.http" for line in lines)


@pytest.mark.parametrize("given", [None, "", "has space", "x" * 200, 'a;b="c"'])
async def test_a_missing_or_unusable_request_id_is_replaced_by_a_new_one(
    datadog: Recording, given: str | None
) -> None:
    """Each request gets a fresh hex id unless it brings a plain, short one."""
    headers = {} if given is None else {"X-Request-Id": given}
    async with service(datadog) as http:
        first = await http.get("/healthz", headers=headers)
        second = await http.get("/healthz", headers=headers)

    ids = [first.headers["X-Request-Id"], second.headers["X-Request-Id"]]
    assert all(len(value) == 32 and int(value, 16) >= 0 for value in ids)
    assert ids[0] != ids[1]


# The loopback rule -----------------------------------------------------------------------------


@pytest.mark.parametrize("host", ["0.0.0.0", "10.0.0.5", "cases.internal", "::"])
def test_binding_beyond_loopback_without_authentication_is_refused(host: str) -> None:
    """Without authentication the service only listens where nobody else can reach it."""
    with pytest.raises(ConfigurationError, match="configure authentication"):
        check_binding(HttpOptions(host=host), authenticated=False)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_binding_to_loopback_needs_no_authentication(host: str) -> None:
    """Loopback addresses are allowed without authentication."""
    check_binding(HttpOptions(host=host), authenticated=False)


def test_binding_beyond_loopback_with_authentication_is_allowed() -> None:
    """With authentication configured, 0.0.0.0 is allowed."""
    check_binding(HttpOptions(host="0.0.0.0"), authenticated=True)


def test_the_command_refuses_to_listen_on_every_address_without_authentication(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """`serve --transport http --host 0.0.0.0` exits 2 with one line saying what to do."""
    for name in ("CASE_MCP_HTTP_TOKENS", "CASE_MCP_TOKEN_FILE", "CASE_MCP_JWT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("CASE_MCP_JWKS_FILE", raising=False)

    status = main(["serve", "--transport", "http", "--sandbox", "--host", "0.0.0.0"])

    assert status == 2
    assert "configure authentication" in capsys.readouterr().err


# A real socket ---------------------------------------------------------------------------------


async def test_a_real_socket_serves_both_eras_and_a_stop_finishes_the_call_in_flight(
    sandbox: Sandbox,
) -> None:
    """The service's uvicorn on 127.0.0.1 with a free port: both eras work, and a stop asked
    for while a call waits for Datadog lets that call finish before the server exits."""
    held = Recording(sandbox.transport())
    app = create_http_app(factory(held), None, HttpOptions(port=0))
    listener = loopback_listener()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}"
    server = ListeningServer(service_config(app, HttpOptions(port=0, shutdown_timeout=10)))
    versions: list[str | None] = []
    answers: list[CallToolResult] = []
    in_flight: list[httpx2.Response] = []
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: server.serve(sockets=[listener]))
        await server.listening.wait()
        for mode in sorted(ERAS):
            async with Client(f"{url}/mcp", mode=mode) as client:
                versions.append(client.protocol_version)
                answers.append(await client.call_tool("get_case", {"case_id": "SEC-1"}))
        held.hold = True
        # One raw 2026-07-28 call: the official client's teardown would reconnect to a
        # server that is, by design, no longer accepting connections.
        async with httpx2.AsyncClient(base_url=url) as http, anyio.create_task_group() as calls:

            async def call() -> None:
                in_flight.append(await http.post("/mcp", json=MODERN_CALL, headers=MODERN_HEADERS))

            calls.start_soon(call)
            await held.entered.wait()
            server.should_exit = True
            held.release.set()

    assert versions == ["2026-07-28", "2025-11-25"]
    assert [answer.is_error for answer in answers] == [False, False]
    assert in_flight[0].status_code == 200
    result = in_flight[0].json()["result"]
    assert (result["isError"], result["structuredContent"]["key"]) == (False, "SEC-2")


MODERN_CALL = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "tools/call",
    "params": {
        "name": "get_case",
        "arguments": {"case_id": "SEC-2"},
        "_meta": {
            "io.modelcontextprotocol/protocolVersion": "2026-07-28",
            "io.modelcontextprotocol/clientCapabilities": {},
        },
    },
}
MODERN_HEADERS = {
    **MCP_HEADERS,
    "MCP-Protocol-Version": "2026-07-28",
    "Mcp-Method": "tools/call",
    "Mcp-Name": "get_case",
}


# Replicas --------------------------------------------------------------------------------------


class RoundRobin(httpx2.AsyncBaseTransport):
    """Sends each request to the next of several apps, as a load balancer without stickiness."""

    def __init__(self, *apps: Starlette) -> None:
        self.transports = [httpx2.ASGITransport(app=app) for app in apps]
        self.sent = 0

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        transport = self.transports[self.sent % len(self.transports)]
        self.sent += 1
        return await transport.handle_async_request(request)


async def _type_the_key(context: Any, params: Any) -> ElicitResult:
    return ElicitResult(action="accept", content={"key": "ET"})


@pytest.mark.parametrize(
    ("secrets", "deleted"), [(("s" * 32, "s" * 32), True), ((None, None), False)]
)
async def test_an_elicitation_round_trip_spans_replicas_only_with_a_shared_secret(
    sandbox: Sandbox, secrets: tuple[str | None, str | None], deleted: bool
) -> None:
    """A 2026-07-28 confirmation whose retry reaches the other replica deletes when both
    share CASE_MCP_SECRET; with a key per process the sealed state is refused."""
    apps = [
        create_http_app(
            sandbox_client_factory(sandbox),
            ServerOptions(confirm_mode="elicit", secret=secret),
            HttpOptions(port=8000),
        )
        for secret in secrets
    ]
    balancer = RoundRobin(*apps)
    async with (
        apps[0].router.lifespan_context(apps[0]),
        apps[1].router.lifespan_context(apps[1]),
        httpx2.AsyncClient(transport=balancer, base_url=BASE) as http,
        Client(
            streamable_http_client(f"{BASE}/mcp", http_client=http),
            elicitation_callback=_type_the_key,
        ) as client,
    ):
        if deleted:
            answer = await client.call_tool("delete_project", {"project": "ET"})
            assert answer.structured_content is not None
            assert answer.structured_content["deleted"] is True
        else:
            with pytest.raises(MCPError) as refused:
                await client.call_tool("delete_project", {"project": "ET"})
            # The SDK's "Invalid or expired requestState": the other replica's key.
            assert refused.value.error.code == INVALID_PARAMS
        left = await client.call_tool("get_project", {"project": "ET"})

    assert balancer.sent >= 3
    assert left.is_error is deleted


@pytest.fixture
def collector() -> Iterator[None]:
    """Restore the collector's thresholds and frozen objects after the test."""
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


@pytest.mark.usefixtures("collector")
def test_the_service_freezes_what_start_up_built_and_collects_less_often() -> None:
    """Start-up's objects leave the collector's sight and its thresholds go up."""
    gc.unfreeze()

    tune_collector()

    assert gc.get_freeze_count() > 0
    assert gc.get_threshold() == GC_THRESHOLDS


# What a server process does at start-up (collector off, then `tune_collector`), then an
# object in a reference cycle that was alive at a collection of the middle generation, as a
# call's objects are when a collection lands during it, and so sits in the oldest one.
_OLD_GARBAGE = textwrap.dedent(
    """
    import gc, weakref
    gc.disable()
    from case_mcp.server.http._app import tune_collector
    tune_collector()
    gc.enable()

    class Node:
        pass

    old = Node()
    old.itself = old
    kept = weakref.ref(old)
    gc.collect(1)
    del old
    for _ in range(400_000):  # the cyclic garbage of a few thousand tool calls
        garbage = []
        garbage.append(garbage)
    print("freed" if kept() is None else "kept")
    """
)


def test_the_service_frees_garbage_that_reached_the_oldest_generation() -> None:
    """Cyclic garbage in the oldest generation is freed within a few thousand calls' worth.

    Run in a fresh interpreter: the collector's state is the process's, and the test
    process's own (its heap, what pytest froze or collected) would decide the outcome.
    """
    answer = subprocess.run(
        [sys.executable, "-c", _OLD_GARBAGE], capture_output=True, text=True, check=True
    )

    assert answer.stdout.strip() == "freed"


# What the server answers by reaching Datadog; everything else it answers is in NO_DATADOG.
REACHES_DATADOG = {"tools/call", "resources/read", "completion/complete"}


def test_every_method_the_server_answers_is_capped_unless_known_not_to_reach_datadog(
    sandbox: Sandbox,
) -> None:
    """The methods the server answers are the three that reach Datadog and those listed as
    not reaching it, so a method an SDK upgrade adds is a decision, and capped until made."""
    server = create_server(sandbox_client_factory(sandbox))
    # The SDK lists the methods a server answers only in this private table.
    answered = set(server._lowlevel_server._request_handlers)

    assert answered - NO_DATADOG == REACHES_DATADOG
