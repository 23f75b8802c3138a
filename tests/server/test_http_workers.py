"""`case-mcp serve --transport http --workers 2`: two worker processes on one real socket.

One server is started without CASE_MCP_SECRET on a shared sandbox file, worked (concurrent
reads and writes, delete confirmations), then stopped with SIGTERM; the tests read what the
clients got and what every process logged. Which worker takes a connection is the kernel's
choice, so the workload opens many connections at once and each confirmation round trip
uses two fresh ones.
"""

from __future__ import annotations

import json
import signal
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.types import CallToolResult, TextContent

from case_mcp.cli import main
from replicas import connect, running_replicas, seeded_database

CLIENTS = 8
CALLS_PER_CLIENT = 4
CONFIRMATIONS = 6
# The kernel hands each new connection to whichever worker accepts it first; under load one
# worker can take a whole burst. A test of "both workers serve" opens new connections until
# both have, up to this many.
MORE_CONNECTIONS = 200


@dataclass
class Served:
    """What one run of the two-worker server gave its clients and wrote to its log."""

    parent_pid: int
    exit_status: int | None
    failures: list[str] = field(default_factory=list)
    calls: int = 0
    deleted: list[bool] = field(default_factory=list)
    log: list[dict[str, Any]] = field(default_factory=list)
    environments: dict[int, dict[str, str]] = field(default_factory=dict)

    def pids_serving(self, path: str) -> set[int]:
        """The processes that wrote an access line for a 200 answer at `path`."""
        return pids_serving(self.log, path)


def pids_serving(log: list[dict[str, Any]], path: str) -> set[int]:
    """The processes that wrote an access line for a 200 answer at `path`."""
    return {line["pid"] for line in log if line.get("path") == path and line.get("status") == 200}


def read_log(log: Path) -> list[dict[str, Any]]:
    """The JSON lines the server and its workers wrote so far."""
    return [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]


def text_of(answer: CallToolResult) -> str:
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


async def work(port: int, log: Path, served: Served) -> None:
    """Concurrent clients reading and commenting, then delete confirmations across connections,
    then new connections until both workers have served one."""

    async def client(index: int) -> None:
        async with connect([port]) as (mcp, _):
            for n in range(CALLS_PER_CLIENT):
                calls: list[tuple[str, dict[str, Any]]] = [
                    ("get_case", {"case_id": "SEC-1"}),
                    ("search_cases", {"status": "open", "page_size": 5}),
                    ("add_case_comment", {"case_id": "OPS-1", "comment": f"worker {index}/{n}"}),
                    ("get_case_timeline", {"case_id": "OPS-1", "page_size": 5}),
                ]
                tool, arguments = calls[n]
                answer = await mcp.call_tool(tool, arguments)
                served.calls += 1
                if answer.is_error:
                    served.failures.append(f"{tool}: {text_of(answer)}")

    async with anyio.create_task_group() as group:
        for index in range(CLIENTS):
            group.start_soon(client, index)

    for n in range(CONFIRMATIONS):
        async with connect([port]) as (mcp, _):
            comment = await mcp.call_tool(
                "add_case_comment", {"case_id": "APP-1", "comment": f"to delete {n}"}
            )
            assert comment.structured_content is not None
            arguments = {"case_id": "APP-1", "comment_id": comment.structured_content["id"]}
            preview = await mcp.call_tool("delete_case_comment", arguments)
            assert preview.structured_content is not None, text_of(preview)
            token = preview.structured_content["confirmation_token"]
        # A new connection: the kernel may hand it to either worker.
        async with connect([port]) as (mcp, _):
            deleted = await mcp.call_tool(
                "delete_case_comment", {**arguments, "confirmation_token": token}
            )
        served.deleted.append(
            not deleted.is_error and (deleted.structured_content or {}).get("deleted") is True
        )

    for _ in range(MORE_CONNECTIONS):
        if len(pids_serving(read_log(log), "/mcp")) == 2:
            break
        async with connect([port]) as (mcp, _):
            await mcp.call_tool("get_case", {"case_id": "SEC-1"})


def worker_environments(log: Path) -> dict[int, dict[str, str]]:
    """The environment each process that served /mcp so far started with (Linux's /proc)."""
    pids = {
        line["pid"]
        for line in map(
            json.loads, filter(lambda text: text.startswith("{"), log.read_text().splitlines())
        )
        if line.get("path") == "/mcp"
    }
    environments = {}
    for pid in pids:
        entries = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
        pairs = (entry.decode().partition("=") for entry in entries if entry)
        environments[pid] = {name: value for name, _, value in pairs}
    return environments


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Served:
    folder = tmp_path_factory.mktemp("workers")
    database = seeded_database(folder / "sandbox.db")
    flags = ["--workers", "2", "--calls-per-minute", "0", "--confirm-mode", "token"]
    with running_replicas(1, database, folder, flags, secret=None) as (server,):
        result = Served(parent_pid=server.process.pid, exit_status=None)
        anyio.run(work, server.port, server.log, result)
        result.environments = worker_environments(server.log)
        server.process.send_signal(signal.SIGTERM)
        result.exit_status = server.process.wait(timeout=30)
    result.log = read_log(server.log)
    return result


def test_two_workers_both_answer_tool_calls_on_one_port(served: Served) -> None:
    """Every concurrent read and write succeeds, and both workers, not the parent, served /mcp."""
    workers = served.pids_serving("/mcp")

    assert served.failures == []
    assert served.calls == CLIENTS * CALLS_PER_CLIENT
    assert len(workers) == 2
    assert served.parent_pid not in workers


def test_without_a_secret_the_workers_share_one_key_for_confirmation_tokens(
    served: Served,
) -> None:
    """A token issued by either worker is accepted by whichever worker takes the redeeming call."""
    assert served.deleted == [True] * CONFIRMATIONS


def test_the_workers_get_the_validated_settings_without_secrets_not_the_command_line(
    served: Served,
) -> None:
    """Each worker starts from the settings the parent validated, handed over without the
    secret (which it inherits in its own variable), never from the parent's flags to parse."""
    assert len(served.environments) == 2
    for environment in served.environments.values():
        handed = [value for value in environment.values() if '"calls_per_minute"' in value]
        assert len(handed) == 1
        assert json.loads(handed[0])["settings"]["http"]["calls_per_minute"] == 0
        assert environment["CASE_MCP_SECRET"] not in handed[0]
        assert not any("--calls-per-minute" in value for value in environment.values())


def test_sigterm_stops_the_parent_and_both_workers_cleanly(served: Served) -> None:
    """The supervisor passes SIGTERM on; each worker shuts down and the parent exits 0."""
    finished = {
        line["pid"] for line in served.log if line["message"].startswith("Finished server process")
    }

    assert served.exit_status == 0
    assert finished == served.pids_serving("/mcp")


def test_the_log_is_json_from_every_process_and_names_the_worker_count(served: Served) -> None:
    """The parent says how many workers serve; every process writes JSON lines with its pid."""
    announced = [line for line in served.log if line["message"].startswith("serving MCP")]

    assert [(line["pid"], line["message"].split(" with ")[1]) for line in announced] == [
        (served.parent_pid, "2 workers")
    ]
    assert {line["pid"] for line in served.log} == {served.parent_pid} | served.pids_serving("/mcp")


@pytest.mark.parametrize(
    ("argv", "environment"),
    [
        (["--sandbox", "--workers", "2"], {}),
        (["--sandbox"], {"CASE_MCP_WORKERS": "3"}),
    ],
    ids=["flag", "variable"],
)
def test_workers_with_the_in_memory_sandbox_are_refused_with_the_way_out(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    environment: dict[str, str],
) -> None:
    """Each worker would have its own demo data: serve stops at once and points to --sandbox-db."""
    for name, value in environment.items():
        monkeypatch.setenv(name, value)

    status = main(["serve", "--transport", "http", *argv])

    assert status == 2
    error = capsys.readouterr().err
    assert "--sandbox-db FILE" in error
    assert "separate demo data" in error


def test_one_worker_is_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the flag or CASE_MCP_WORKERS the service is one process, as before."""
    from case_mcp.config import HttpOptions

    monkeypatch.delenv("CASE_MCP_WORKERS", raising=False)

    assert HttpOptions.load().workers == 1
    assert HttpOptions.load(workers=4).workers == 4


def test_a_worker_count_out_of_range_names_the_flag() -> None:
    """Zero workers passed in as the flag is a configuration error naming the flag."""
    from case_mcp.config import HttpOptions
    from case_mcp.errors import ConfigurationError

    with pytest.raises(ConfigurationError, match="--workers must be a whole number from 1 to 64"):
        HttpOptions.load(workers=0)
