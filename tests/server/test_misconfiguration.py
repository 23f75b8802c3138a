"""A base URL or site that does not lead to Datadog's API is reported as the operator's to fix."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.client import CaseManagementClient
from case_mcp.config import SITES
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from lossy import LoseAnswers, Rule, no_backoff, resilient_server

pytestmark = pytest.mark.anyio

API_KEY = "misconfigured-api-key-5e1f0c"
APP_KEY = "misconfigured-app-key-9d2a7b"


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting between attempts."""
    with no_backoff():
        yield


def text_of(answer: CallToolResult) -> str:
    assert answer.is_error, answer
    return "\n".join(getattr(block, "text", "") for block in answer.content)


def assert_misconfigured(text: str) -> None:
    assert "misconfigured" in text
    assert "CASE_MCP_BASE_URL" in text
    assert "operator" in text
    assert "not found" not in text.lower()
    assert "No projects" not in text
    assert "Datadog's side" not in text
    assert API_KEY not in text
    assert APP_KEY not in text


@pytest.mark.parametrize(
    ("tool", "arguments"),
    [("get_case", {"case_id": "SEC-1"}), ("list_projects", {})],
)
async def test_a_base_url_with_a_wrong_path_says_the_server_is_misconfigured(
    sandbox: Sandbox, tool: str, arguments: dict[str, Any]
) -> None:
    """Datadog's 404 for an unknown route is no missing case, and no empty project list."""
    server = resilient_server(sandbox, base_url="http://sandbox.invalid/wrong/prefix")

    async with Client(server) as client:
        text = text_of(await client.call_tool(tool, arguments))

    assert_misconfigured(text)
    assert "sandbox.invalid" in text


async def test_a_missing_case_is_still_not_found(sandbox: Sandbox) -> None:
    """Datadog's JSON:API 404 for a case that does not exist keeps its own message."""
    async with Client(resilient_server(sandbox)) as client:
        text = text_of(await client.call_tool("get_case", {"case_id": "SEC-9999"}))

    assert "'SEC-9999' was not found" in text
    assert "misconfigured" not in text


@pytest.mark.parametrize(
    "answer",
    [
        httpx2.Response(200, html="<html><body>Welcome to nginx!</body></html>"),
        httpx2.Response(404, html="<html><body><h1>404 Not Found</h1></body></html>"),
        httpx2.Response(404),
        httpx2.Response(301, headers={"Location": "https://sandbox.invalid/api/v2/cases"}),
    ],
    ids=["html-page", "html-404", "empty-404", "redirect"],
)
async def test_an_answer_no_datadog_api_gives_names_the_configuration(
    sandbox: Sandbox, answer: httpx2.Response
) -> None:
    """A web page, a bodiless 404 or a redirect means the URL is not Datadog's API."""
    wire = LoseAnswers(sandbox.transport(), [Rule("GET", "/api/v2/cases/projects", answer, 9)])

    async with Client(resilient_server(sandbox, wire, api_key=API_KEY, app_key=APP_KEY)) as mcp:
        text = text_of(await mcp.call_tool("list_projects", {}))

    assert_misconfigured(text)


@pytest.fixture
def no_such_host(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every host name fails to resolve, as a name with no DNS record does."""
    looked_up: list[str] = []

    def getaddrinfo(host: str | bytes, *args: Any, **kwargs: Any) -> Any:
        looked_up.append(host.decode() if isinstance(host, bytes) else host)
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return looked_up


@pytest.mark.parametrize(
    ("base_url", "variable"),
    [
        ("https://api.datadoghq.typo", "CASE_MCP_BASE_URL"),
        (SITES["datadoghq.eu"], "DD_SITE"),
    ],
)
async def test_a_host_that_does_not_resolve_names_the_setting_not_datadog(
    no_such_host: list[str], base_url: str, variable: str
) -> None:
    """A name with no DNS record is configuration: the setting that named it, never the keys."""
    server = create_server(
        lambda: CaseManagementClient(base_url=base_url, api_key=API_KEY, app_key=APP_KEY)
    )

    async with Client(server) as client:
        text = text_of(await client.call_tool("get_case", {"case_id": "SEC-1"}))

    host = httpx2.URL(base_url).host
    assert no_such_host
    assert set(no_such_host) == {host}
    assert "misconfigured" in text
    assert host in text
    assert variable in text
    assert "Datadog's side" not in text
    assert API_KEY not in text
    assert APP_KEY not in text
