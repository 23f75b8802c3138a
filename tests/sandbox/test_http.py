"""The sandbox over a real socket, under uvicorn, as `serve` runs it."""

from __future__ import annotations

import logging
import socket
from functools import partial
from typing import Any

import anyio
import httpx2
import pytest

from case_mcp.cli import main
from case_mcp.errors import ConfigurationError

# The log filter that hides injected connection drops is a private unit of the sandbox's
# server; no public input tells a logged drop from a real error.
from case_mcp.sandbox import Faults, Sandbox, _http, serve
from case_mcp.sandbox._faults import ConnectionDropped

KEYS = {"DD-API-KEY": "socket-api-key", "DD-APPLICATION-KEY": "socket-app-key"}


@pytest.mark.anyio
async def test_over_a_socket_answers_and_drops_like_a_server(
    sandbox: Sandbox, capsys: pytest.CaptureFixture[str]
) -> None:
    """Requests are answered over TCP; a dropped connection is a transport error, quietly."""
    with socket.socket() as listener:
        # Listening before uvicorn starts: the port is known and connections wait in the
        # backlog until uvicorn accepts them, so nothing polls for readiness.
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        server = _http.server(sandbox, log_level="warning")
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(partial(server.serve, sockets=[listener]))
            base_url = f"http://127.0.0.1:{listener.getsockname()[1]}"
            async with httpx2.AsyncClient(base_url=base_url, headers=KEYS) as client:
                answered = await client.get("/api/v2/cases/projects")
                sandbox.faults = Faults(drop_rate=1.0)
                with pytest.raises(httpx2.RemoteProtocolError):
                    await client.get("/api/v2/cases")
            server.should_exit = True

    assert answered.status_code == 200
    assert [project["attributes"]["key"] for project in answered.json()["data"]] == ["SEC", "OPS"]
    assert "Traceback" not in capsys.readouterr().err


def test_only_deliberate_drops_are_left_out_of_the_log() -> None:
    """The log filter drops records of injected drops and keeps every other error."""
    drop_filter = _http.DeliberateDropFilter()

    def record(exc: BaseException) -> logging.LogRecord:
        return logging.LogRecord(
            "uvicorn.error",
            logging.ERROR,
            __file__,
            1,
            "Exception in ASGI application",
            (),
            (type(exc), exc, None),
        )

    assert not drop_filter.filter(record(ConnectionDropped()))
    assert drop_filter.filter(record(RuntimeError("a real bug")))


def test_serve_runs_uvicorn_on_the_address_given(monkeypatch: pytest.MonkeyPatch) -> None:
    """serve() builds a sandbox, binds the address and runs uvicorn on it, logging to stderr."""
    ran: list[Any] = []
    monkeypatch.setattr(
        "uvicorn.Server.run",
        lambda server, sockets: ran.append((server.config, sockets[0].getsockname())),
    )

    serve(host="127.0.0.1", port=0, seed=False, rate_limit=None, log_level="info")

    config, (host, port) = ran[0]
    assert (config.host, config.port, config.lifespan) == (host, port, "off")
    assert (host, port > 0) == ("127.0.0.1", True)
    assert config.log_config["handlers"]["stderr"]["()"] is _http.StderrHandler


def test_a_port_in_use_stops_the_sandbox_command_before_its_banner(
    capsys: pytest.CaptureFixture[str], taken_port: int
) -> None:
    """`case-mcp sandbox` on a taken port says so in one line, exit 2, and never that it serves."""
    status = main(["sandbox", "--port", str(taken_port)])

    out, err = capsys.readouterr()
    assert (status, out, err) == (
        2,
        "",
        f"case-mcp: port {taken_port} on 127.0.0.1 is taken (choose another with --port)\n",
    )


def test_serve_refuses_a_port_in_use_with_a_configuration_error(taken_port: int) -> None:
    """The library's serve() raises the same error rather than exiting the process."""
    with pytest.raises(ConfigurationError, match=f"port {taken_port} on 127.0.0.1 is taken"):
        serve(port=taken_port, seed=False, rate_limit=None)
