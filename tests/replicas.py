"""Replicas of `case-mcp serve --transport http --sandbox-db`, on loopback, for scale tests.

Each replica is its own process on a free 127.0.0.1 port; they share one sandbox SQLite
file (WAL mode lets several processes read and write it), one CASE_MCP_SECRET and one bearer
token, as the pods of the Kubernetes Deployment share Datadog, the Secret and the bots'
tokens. `RoundRobin` sends each HTTP request of an MCP client to the next replica, so every
test exchange crosses replicas the way a load balancer without sticky sessions would.
"""

from __future__ import annotations

import itertools
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator, Mapping, Sequence
from contextlib import ExitStack, asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx2
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from case_mcp.sandbox import Sandbox

SECRET = "replicas-share-this-secret-0123456789abcdef"
TOKEN = "replica-test-bot-token-0123456789"
# Importing the SDK and opening the sandbox takes about a second per process on a small
# machine; three starting at once on two cores take longer.
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


@dataclass
class Replica:
    """One server process and where it listens."""

    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def rss_kib(self) -> int:
        """The process's resident memory now, in KiB (Linux /proc)."""
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise LookupError(f"no VmRSS for process {self.process.pid}")


@dataclass
class RoundRobin(httpx2.AsyncBaseTransport):
    """Sends each request to the next replica in turn, with that replica's Host header."""

    ports: Sequence[int]
    sent_to: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._next = itertools.cycle(self.ports)
        self._inner = httpx2.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        port = next(self._next)
        request.url = request.url.copy_with(port=port)
        request.headers["Host"] = f"127.0.0.1:{port}"
        self.sent_to.append(port)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; the replica binds it right after)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def environment(secret: str | None = SECRET) -> dict[str, str]:
    """This process's environment without Datadog, case_mcp or OpenTelemetry settings, plus
    the shared ones (without CASE_MCP_SECRET when `secret` is None)."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_", "OTEL_"))
    }
    shared = {"CASE_MCP_HTTP_TOKENS": TOKEN}
    return {**kept, **shared, **({} if secret is None else {"CASE_MCP_SECRET": secret})}


def seeded_database(path: Path) -> Path:
    """Create and seed the shared sandbox file once, before any replica opens it."""
    Sandbox(db_path=path).close()
    return path


@contextmanager
def running_replicas(
    count: int,
    database: Path,
    logs: Path,
    extra: Sequence[str] = (),
    *,
    secret: str | None = SECRET,
    variables: Mapping[str, str] | None = None,
) -> Iterator[list[Replica]]:
    """Start `count` replicas on the shared sandbox file; stop them (SIGTERM) on exit.

    `extra` flags go to every replica; `secret` None leaves CASE_MCP_SECRET unset;
    `variables` are added to every replica's environment.

    Raises:
        TimeoutError: A replica did not answer ``/healthz`` in time (its log is in the message).
    """
    with ExitStack() as stack:
        replicas = []
        for index in range(count):
            port = free_port()
            log = logs / f"replica-{index}.log"
            stream = stack.enter_context(log.open("wb"))
            command = [
                *(sys.executable, "-m", "case_mcp", "serve", "--transport", "http"),
                *("--host", "127.0.0.1", "--port", str(port), "--sandbox-db", str(database)),
                *extra,
            ]
            process = subprocess.Popen(
                command,
                env={**environment(secret), **(variables or {})},
                stdin=subprocess.DEVNULL,
                stdout=stream,
                stderr=stream,
            )
            replica = Replica(process, port, log)
            stack.callback(_stop, replica)
            replicas.append(replica)
        for replica in replicas:
            _wait_until_alive(replica)
        yield replicas


def _wait_until_alive(replica: Replica) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx2.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            if replica.process.poll() is not None:
                break
            try:
                if http.get(f"{replica.base}/healthz").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            # Another process is starting: there is no event to wait on but its port opening.
            time.sleep(0.1)
    raise TimeoutError(
        f"replica on port {replica.port} did not start (exit {replica.process.poll()}):\n"
        + replica.log.read_text(errors="replace")[-4000:]
    )


def _stop(replica: Replica) -> None:
    if replica.process.poll() is None:
        replica.process.terminate()
        try:
            replica.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            replica.process.kill()
            replica.process.wait()


@asynccontextmanager
async def connect(
    ports: Sequence[int], mode: str = "auto", **options: Any
) -> AsyncIterator[tuple[Client, RoundRobin]]:
    """An MCP client whose requests go round-robin over `ports`, with the bot's token.

    Args:
        ports: The replicas' ports, in the order requests are sent to them.
        mode: The client's protocol era: ``"auto"`` (2026-07-28) or ``"legacy"`` (2025-11-25).
        options: More `Client` options (an elicitation callback, ...).
    """
    balancer = RoundRobin(ports)
    async with httpx2.AsyncClient(
        transport=balancer,
        headers={"Authorization": f"Bearer {TOKEN}"},
        timeout=httpx2.Timeout(30.0),
    ) as http:
        transport = streamable_http_client(f"http://127.0.0.1:{ports[0]}/mcp", http_client=http)
        async with Client(transport, mode=mode, **options) as mcp:
            yield mcp, balancer
