"""The image of manifests/container/Dockerfile, built and run with Podman: it serves the
sandbox over HTTP, answers /healthz, its own HEALTHCHECK and a tool call, and stops cleanly.

The first run on a machine builds the stand-in base image (about three minutes); after that
the image builds in under a minute and the tests take seconds (tests/container_engine.py).
"""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from container_engine import Container, build_image, podman, podman_or_skip, running
from replicas import free_port

TOKEN = "container-test-bot-token-0123456789"
SECRET = "container-test-secret-0123456789abcdef"
# The image's CMD with the in-memory sandbox in place of Datadog.
SERVE = ("serve", "--transport", "http", "--host", "0.0.0.0", "--port", "8000", "--sandbox")

pytestmark = pytest.mark.anyio


def variables(port: int) -> dict[str, str]:
    """What a deployment sets: the bots' token, the shared secret, the address clients use."""
    return {
        "CASE_MCP_HTTP_TOKENS": TOKEN,
        "CASE_MCP_SECRET": SECRET,
        "CASE_MCP_ALLOWED_HOSTS": f"127.0.0.1:{port}",
    }


@pytest.fixture(scope="module")
def image() -> Iterator[str]:
    """The image, built once for this module and removed after it."""
    podman_or_skip()
    tag = build_image("localhost/case-mcp:test")
    yield tag
    podman("rmi", "--force", tag)


@pytest.fixture(scope="module")
def container(image: str) -> Iterator[Container]:
    """The image serving the sandbox, as the image's CMD does, on a free loopback port."""
    port = free_port()
    with running(image, port, variables(port), *SERVE) as started:
        yield started


def test_the_container_answers_healthz(container: Container) -> None:
    """GET /healthz on the published port answers 200 with status ok."""
    answer = httpx2.get(f"{container.base}/healthz", timeout=10.0)

    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})


def test_the_images_own_healthcheck_passes(container: Container) -> None:
    """The Dockerfile's HEALTHCHECK command, run inside the container, reports it healthy."""
    checked = podman("healthcheck", "run", container.name, check=False)

    assert checked.returncode == 0, checked.stdout + checked.stderr


async def test_an_mcp_client_calls_a_tool_over_streamable_http(container: Container) -> None:
    """The SDK's client, with the bots' token, reads a sandbox case through the container."""
    headers = {"Authorization": f"Bearer {TOKEN}"}
    async with httpx2.AsyncClient(headers=headers, timeout=httpx2.Timeout(30.0)) as http:
        transport = streamable_http_client(f"{container.base}/mcp", http_client=http)
        async with Client(transport) as client:
            answer = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"


def test_a_request_without_the_token_is_refused(container: Container) -> None:
    """Bound to 0.0.0.0 in the container, the server answers /mcp only with a token."""
    answer = httpx2.post(f"{container.base}/mcp", json={}, timeout=10.0)

    assert answer.status_code == 401


def test_sigterm_stops_the_container_cleanly(image: str) -> None:
    """`podman stop` (SIGTERM to the server, PID 1) ends it with exit 0 within the grace time."""
    port = free_port()
    with running(image, port, variables(port), *SERVE) as started:
        status = started.stop()
        log = started.logs()

    assert status == 0, log
    assert "Application shutdown complete." in log
