"""`serve --transport http` on a real socket: a port in use stops the start in one line, and
SIGTERM with a stream open stops the server cleanly."""

from __future__ import annotations

import json
import os
import signal
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx2
import pytest

from case_mcp.cli import main
from replicas import TOKEN, running_replicas, seeded_database


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """No setting of the machine running the tests leaks in."""
    for name in list(os.environ):
        if name.startswith(("DD_", "CASE_MCP_")):
            monkeypatch.delenv(name)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port another program listens on while the test runs."""
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", 0))
        holder.listen()
        yield holder.getsockname()[1]


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
