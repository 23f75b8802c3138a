"""`serve --transport http` on a real socket: a port in use stops the start in one line, and
SIGTERM with a stream open stops the server cleanly."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from case_mcp.cli import main
from replicas import TOKEN, free_port, running_replicas, seeded_database

LEGACY_CALL = {
    "jsonrpc": "2.0",
    "id": 7,
    "method": "tools/call",
    "params": {"name": "get_case", "arguments": {"case_id": "SEC-1"}},
}

# No setting of the machine running the tests leaks in.
pytestmark = pytest.mark.usefixtures("clean_environment")


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_port_in_use_stops_the_start_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, taken_port: int, workers: str
) -> None:
    """The server says the port is taken and how to choose another, and never that it serves."""
    status = main(
        [
            *("serve", "--transport", "http", "--sandbox-db", str(tmp_path / "sandbox.db")),
            *("--port", str(taken_port), "--workers", workers),
        ]
    )

    out, err = capsys.readouterr()
    assert (status, out, err) == (
        2,
        "",
        f"case-mcp: port {taken_port} on 127.0.0.1 is taken (choose another with --port)\n",
    )


def test_sigterm_with_an_event_stream_open_ends_the_stream_and_exits_0(tmp_path: Path) -> None:
    """A 2025-era client's GET stream is closed cleanly on SIGTERM: no error in the log."""
    database = seeded_database(tmp_path / "sandbox.db")
    with running_replicas(1, database, tmp_path) as (server,):
        with (
            httpx2.Client(base_url=server.base, timeout=30.0) as http,
            http.stream(
                "GET",
                "/mcp",
                headers={
                    "Authorization": f"Bearer {TOKEN}",
                    "Accept": "text/event-stream",
                    "MCP-Protocol-Version": "2025-11-25",
                },
            ) as stream,
        ):
            assert stream.status_code == 200
            server.process.send_signal(signal.SIGTERM)
            received = b"".join(stream.iter_bytes())  # to its end, which must be a clean one
        status = server.process.wait(timeout=30)

    log = [json.loads(line) for line in server.log.read_text().splitlines()]
    assert (status, received) == (0, b"")
    assert [line for line in log if line["level"] in ("error", "critical")] == []
    assert any(line.get("path") == "/mcp" and line.get("status") == 200 for line in log)


@pytest.fixture
def slow_datadog() -> Iterator[str]:
    """`case-mcp sandbox` on a free port, answering every API request a second late."""
    process = subprocess.Popen(
        [sys.executable, "-m", "case_mcp", "sandbox", "--port", "0", "--rate-limit", "0"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))},
    )
    assert process.stderr is not None
    # The banner is written once the port is bound and listening.
    banner = process.stderr.readline().decode()
    found = re.search(r"http://127\.0\.0\.1:(\d+)", banner)
    assert found is not None, banner
    url = f"http://127.0.0.1:{found[1]}"
    httpx2.put(f"{url}/_sandbox/faults", json={"latency": 1.0}).raise_for_status()
    yield url
    process.terminate()
    process.communicate(timeout=30)


def test_sigterm_lets_a_2025_era_call_in_flight_finish_with_its_answer(slow_datadog: str) -> None:
    """An answer still being fetched from Datadog when SIGTERM arrives reaches its client."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "case_mcp", "serve", "--transport", "http", "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))},
            **{"DD_API_KEY": "slow", "DD_APP_KEY": "slow", "CASE_MCP_BASE_URL": slow_datadog},
        },
    )
    assert process.stderr is not None
    log: list[dict[str, object]] = []
    # Connections wait in the backlog once the server says where it serves.
    while not str(log[-1]["message"] if log else "").startswith("serving MCP"):
        line = process.stderr.readline()
        assert line, "the server stopped before serving"
        log.append(json.loads(line))
    with (
        httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30.0) as http,
        http.stream(
            "POST",
            "/mcp",
            json=LEGACY_CALL,
            headers={
                "Accept": "application/json, text/event-stream",
                "MCP-Protocol-Version": "2025-11-25",
            },
        ) as stream,
    ):
        assert stream.headers["content-type"].startswith("text/event-stream")
        process.send_signal(signal.SIGTERM)  # the call is now waiting for the slow Datadog
        body = b"".join(stream.iter_bytes()).decode()
    _, rest = process.communicate(timeout=30)
    log += [json.loads(line) for line in rest.splitlines()]

    answers = [json.loads(line[5:]) for line in body.splitlines() if line.startswith("data:")]
    assert [answer["result"]["structuredContent"]["key"] for answer in answers] == ["SEC-1"]
    assert process.returncode == 0
    assert [line for line in log if line["level"] in ("error", "critical")] == []
