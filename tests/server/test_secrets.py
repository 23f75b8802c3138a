"""The keys and the token never appear in a tool result, a log line or an audit record."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from fake_datadog import ACCESS_TOKEN, API_KEY, APP_KEY, SECRETS
from lossy import LoseAnswers, no_backoff, resilient_server

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting between attempts."""
    with no_backoff():
        yield


def every_failure(wire: LoseAnswers) -> list[tuple[str, dict[str, Any]]]:
    """Set `wire` to fail in every way, one call each, and return the calls that meet them."""
    case = "/api/v2/cases/SEC-1"
    wire.answer("GET", case, 400, {"errors": [{"title": "Bad Request", "detail": "bad"}]})
    wire.answer("GET", case, 401, {"errors": ["Unauthorized"]})
    wire.answer("GET", case, 403, {"errors": ["Forbidden"]})
    wire.answer("GET", case, 409, {"errors": ["Conflict"]})
    wire.answer("GET", case, 429, {"errors": ["Too many requests"]}, {"X-RateLimit-Reset": "90"})
    wire.answer("GET", case, 500, {"errors": ["Internal Server Error"]}, times=5)
    wire.lose("GET", case, "timeout", times=5)
    wire.lose("GET", case, "drop", times=5)
    wire.lose("GET", case, "garbled", times=5)
    wire.lose("POST", "/api/v2/cases", "drop")  # found again: a lost answer recovered
    wire.lose("POST", "/api/v2/cases/[^/]+/comment", "drop_before")  # unknown outcome
    reads = [("get_case", {"case_id": "SEC-1"})] * 9
    return [
        *reads,
        ("get_case", {"case_id": "SEC-9999"}),  # a real 404
        ("search_cases", {"query": "status:open"}),
        ("create_case", {"title": "Keys must not leak", "project": "SEC"}),
        ("add_case_comment", {"case_id": "SEC-1", "comment": "Checked the keys."}),
        ("update_case_priority", {"case_id": "SEC-1", "priority": "P2"}),
        ("get_case_timeline", {"case_id": "SEC-1"}),
    ]


def everything_in(answer: CallToolResult) -> str:
    return answer.model_dump_json()


def logged(caplog: pytest.LogCaptureFixture) -> str:
    """Every record in full: message, arguments, extra fields and formatted exceptions."""
    formatter = logging.Formatter()
    parts = [caplog.text]
    for record in caplog.records:
        parts.append(repr(record.__dict__))
        if record.exc_info:
            parts.append(formatter.formatException(record.exc_info))
    return "\n".join(parts)


@pytest.mark.parametrize(
    "credentials",
    [{"api_key": API_KEY, "app_key": APP_KEY}, {"access_token": ACCESS_TOKEN}],
    ids=["keys", "token"],
)
async def test_no_secret_in_results_logs_or_audit_across_every_outcome(
    sandbox: Sandbox,
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
    credentials: dict[str, str],
) -> None:
    """Successes and every failure kind, with DEBUG logging and the audit log on."""
    caplog.set_level(logging.DEBUG)
    audit = tmp_path / "audit.jsonl"
    wire = LoseAnswers(sandbox.transport())
    calls = every_failure(wire)
    server = resilient_server(
        sandbox,
        wire,
        options=ServerOptions(audit_log=audit),
        api_key=credentials.get("api_key"),
        app_key=credentials.get("app_key"),
        access_token=credentials.get("access_token"),
    )

    async with Client(server) as client:
        answers = [await client.call_tool(name, arguments) for name, arguments in calls]

    assert any(answer.is_error for answer in answers)
    assert any(not answer.is_error for answer in answers)
    seen = "\n".join([*map(everything_in, answers), logged(caplog), audit.read_text()])
    assert [secret for secret in SECRETS if secret in seen] == []


class _Datadog(BaseHTTPRequestHandler):
    """Over HTTP: 503 on the first read of a case, 401 on the second; never a key back."""

    reads = 0

    def do_GET(self) -> None:
        type(self).reads += 1
        status = 503 if type(self).reads % 2 else 401
        body = json.dumps({"errors": ["Service Unavailable" if status == 503 else "Forbidden"]})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body.encode())

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def datadog_over_http() -> Iterator[str]:
    """A stand-in Datadog on a local port, for a spawned `case-mcp call`."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Datadog)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_spawned_call_never_writes_a_key_to_its_output(datadog_over_http: str) -> None:
    """`case-mcp -v call` retries, fails and logs at DEBUG; no key reaches stdout or stderr."""
    env = {
        **os.environ,
        "DD_API_KEY": API_KEY,
        "DD_APP_KEY": APP_KEY,
        "CASE_MCP_BASE_URL": datadog_over_http,
        "CASE_MCP_RETRY_ATTEMPTS": "2",
        "CASE_MCP_RETRY_DEADLINE": "5",
    }

    run = subprocess.run(
        [sys.executable, "-m", "case_mcp", "-v", "call", "get_case", "case_id=SEC-1"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert run.returncode == 1, run.stderr
    assert "refused the credentials (401) at 127.0.0.1 (set by CASE_MCP_BASE_URL)" in run.stderr
    assert "retrying" in run.stderr
    assert "DEBUG" in run.stderr
    assert [secret for secret in SECRETS if secret in run.stdout + run.stderr] == []
