"""`serve --transport http -v`: the log says what was asked, how it went, how long it took and
which request it was, never what was said (confirmation tokens, case titles, descriptions)."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from case_mcp.cli import main
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server.http import use_json_logs
from http_service import Recording, mcp_over, service
from otel_capture import captured_telemetry

pytestmark = pytest.mark.anyio

TITLE = "Quokka ledger drift 7731"
DESCRIPTION = "Saw the quokka ledger drift on host zx-97 at 03:14."
# The official MCP client runs in this test's process; its own lines are not the server's.
CLIENT_LOGGERS = ("mcp.client",)


@contextmanager
def restored_logging() -> Iterator[logging.Logger]:
    """The root logger, with every logger's level and the root's handlers put back after."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    loggers = [root, *(logging.getLogger(name) for name in logging.root.manager.loggerDict)]
    levels = {logger.name: logger.level for logger in loggers}
    try:
        yield root
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
        for handler in handlers:
            root.addHandler(handler)
        for logger in loggers:
            logger.setLevel(levels[logger.name])


@pytest.fixture
def verbose_log() -> Iterator[Callable[[], list[dict[str, Any]]]]:
    """The server's JSON log lines, set up as `serve --transport http -v` does."""
    with restored_logging() as root:
        # Whatever came before (`-v` used to set every logger to DEBUG), the service's own
        # set-up decides; the workers of --workers run nothing else.
        root.setLevel(logging.DEBUG)
        use_json_logs(logging.DEBUG)
        (service_handler,) = root.handlers
        assert isinstance(service_handler, logging.StreamHandler)
        written = io.StringIO()
        service_handler.setStream(written)

        def lines() -> list[dict[str, Any]]:
            entries = [json.loads(line) for line in written.getvalue().splitlines()]
            return [entry for entry in entries if not entry["logger"].startswith(CLIENT_LOGGERS)]

        yield lines


@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_verbose_logs_carry_requests_and_timings_but_no_token_or_case_content(
    sandbox: Sandbox, verbose_log: Callable[[], list[dict[str, Any]]], mode: str
) -> None:
    """A new case read back and a delete preview log their request lines, statuses, timings,
    ids and Datadog paths, but neither the case's title and description nor the token."""
    options = ServerOptions(confirm_mode="token", secret="s" * 32)
    async with (
        service(Recording(sandbox.transport()), options) as http,
        mcp_over(http, mode) as client,
    ):
        created = await client.call_tool(
            "create_case", {"title": TITLE, "description": DESCRIPTION, "project": "SEC"}
        )
        assert created.structured_content is not None
        key = created.structured_content["key"]
        read = await client.call_tool("get_case", {"case_id": key})
        preview = await client.call_tool("delete_project", {"project": "ET"})

    assert read.structured_content is not None
    assert read.structured_content["title"] == TITLE
    assert preview.structured_content is not None
    token = preview.structured_content["confirmation_token"]
    lines = verbose_log()
    text = json.dumps(lines)
    for secret in (token, token.split(".")[-1], TITLE, "quokka", DESCRIPTION, "zx-97"):
        assert secret not in text
    access = [line for line in lines if line["logger"] == "case_mcp.http"]
    assert {(line["method"], line["path"], line["status"]) for line in access} == {
        ("POST", "/mcp", 200)
    } | ({("POST", "/mcp", 202)} if mode == "legacy" else set())
    assert all(line["request_id"] and float(line["duration_ms"]) >= 0 for line in access)
    datadog = {
        line["message"].split(" -> ")[0] for line in lines if line["logger"] == "case_mcp.client"
    }
    assert {"POST /api/v2/cases", f"GET /api/v2/cases/{key}"} <= datadog


async def test_with_telemetry_a_line_written_inside_a_span_carries_its_trace_and_span_ids(
    sandbox: Sandbox, verbose_log: Callable[[], list[dict[str, Any]]]
) -> None:
    """With telemetry on, the client's line for a Datadog request names the trace and the
    span of that call, in hex and as Datadog's decimal low 64 bits."""
    with captured_telemetry() as otel:
        async with service(Recording(sandbox.transport())) as http, mcp_over(http) as client:
            await client.call_tool("get_case", {"case_id": "SEC-1"})

    (read,) = otel.named("GET /api/v2/cases/{case_id}")
    assert read.context is not None
    (line,) = [
        line
        for line in verbose_log()
        if line["logger"] == "case_mcp.client"
        and line["message"].startswith("GET /api/v2/cases/SEC-1 ")
    ]
    assert line["trace_id"] == f"{read.context.trace_id:032x}"
    assert line["span_id"] == f"{read.context.span_id:016x}"
    assert line["dd.trace_id"] == str(read.context.trace_id & (2**64 - 1))
    assert line["dd.span_id"] == str(read.context.span_id)


def test_the_verbose_flag_opens_the_servers_debug_lines_and_keeps_libraries_at_info(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`case-mcp -v` (stdio as much as HTTP) logs the server's DEBUG lines, and no library's:
    not the SSE chunks, the SDK's frames or Datadog's response headers."""
    with restored_logging():
        assert main(["-v", "tools"]) == 0
        levels = {
            name: logging.getLogger(name).getEffectiveLevel()
            for name in ("case_mcp.client", "sse_starlette.sse", "mcp.server.runner", "httpcore2")
        }
    capsys.readouterr()

    assert levels == {
        "case_mcp.client": logging.DEBUG,
        "sse_starlette.sse": logging.INFO,
        "mcp.server.runner": logging.INFO,
        "httpcore2": logging.INFO,
    }
