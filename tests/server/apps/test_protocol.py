"""MCP Apps: get_case names the case view, a ``ui://`` HTML resource a host shows beside the
answer; clients without the extension, and servers whose operator turned it off, see no view."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import pytest
from mcp import Client
from mcp.server.apps import APP_MIME_TYPE
from mcp.types import TextResourceContents

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.apps import VIEWS, View
from guarded import shows_apps

pytestmark = pytest.mark.anyio

CASE_VIEW = "ui://case-mcp/case.html"
ERAS = ("auto", "legacy")


def _apps_client(server: Any, mode: str) -> Client:
    return Client(server, mode=mode, extensions=shows_apps())


@pytest.fixture(params=ERAS)
async def host(request: pytest.FixtureRequest, sandbox: Sandbox) -> AsyncIterator[Client]:
    """A client that renders MCP Apps, of one protocol era, on a server with apps on."""
    server = create_server(sandbox_client_factory(sandbox), ServerOptions(toolsets=["all"]))
    async with _apps_client(server, request.param) as client:
        yield client


def _ui(tool: Any) -> Any:
    return (tool.meta or {}).get("ui")


async def _read_view(client: Client) -> TextResourceContents:
    read = await client.read_resource(CASE_VIEW)
    (contents,) = read.contents
    assert isinstance(contents, TextResourceContents)
    return contents


async def test_get_case_names_the_case_view_which_is_a_listed_app_resource(host: Client) -> None:
    """get_case's _meta.ui points at a listed ui:// resource served as an MCP App, to model
    and app alike."""
    tools = {tool.name: tool for tool in (await host.list_tools()).tools}
    ui = _ui(tools["get_case"])
    assert ui == {"resourceUri": CASE_VIEW}  # visible to model and app: the default
    listed = {str(r.uri): r for r in (await host.list_resources()).resources}
    assert listed[CASE_VIEW].mime_type == APP_MIME_TYPE


async def test_the_case_view_is_html_with_an_empty_csp(host: Client) -> None:
    """Reading the view gives its HTML as an MCP App, declaring no domain at all."""
    contents = await _read_view(host)
    assert contents.mime_type == APP_MIME_TYPE
    assert contents.text.lstrip().lower().startswith("<!doctype html>")
    assert contents.meta == {"ui": {"csp": {}}}


@pytest.mark.parametrize("view", VIEWS, ids=lambda view: view.name)
async def test_no_view_parses_text_as_html_nor_reaches_the_network(
    host: Client, view: View
) -> None:
    """Every view is one HTML page served as an MCP App with an empty CSP: no innerHTML-like
    sink, no http(s) URL, and tens of kilobytes (a page that loads at once, not an SDK bundle;
    the README pins each one's weight); the browser tests show the rest."""
    read = await host.read_resource(view.uri)
    (contents,) = read.contents
    assert isinstance(contents, TextResourceContents)
    assert contents.mime_type == APP_MIME_TYPE
    assert contents.meta == {"ui": {"csp": {}}}
    html = contents.text
    assert html.lstrip().lower().startswith("<!doctype html>")
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert sink not in html
    assert not re.search(r"https?://", html)
    assert len(html.encode()) < 40_000


async def test_a_client_without_apps_gets_the_same_answer_as_from_a_server_without_them(
    sandbox: Sandbox,
) -> None:
    """A plain client reads a case with its timeline exactly as from a server with apps off."""
    factory = sandbox_client_factory(sandbox)
    arguments = {"case_id": "SEC-1", "timeline": 5}
    async with Client(create_server(factory)) as plain:
        with_apps = await plain.call_tool("get_case", arguments)
    async with Client(create_server(factory, ServerOptions(no_apps=True))) as plain:
        without = await plain.call_tool("get_case", arguments)
    assert with_apps.content == without.content
    assert with_apps.structured_content == without.structured_content
    assert with_apps.structured_content is not None
    assert with_apps.structured_content["timeline"]


@pytest.mark.parametrize("mode", ERAS)
async def test_with_apps_off_no_tool_names_a_view_and_no_view_is_served(
    sandbox: Sandbox, mode: str
) -> None:
    """--no-apps: no tool carries _meta.ui and no ui:// resource is listed, even to a host."""
    options = ServerOptions(no_apps=True, toolsets=["all"])
    async with _apps_client(create_server(sandbox_client_factory(sandbox), options), mode) as host:
        assert not [tool.name for tool in (await host.list_tools()).tools if _ui(tool)]
        uris = [str(r.uri) for r in (await host.list_resources()).resources]
        assert not [uri for uri in uris if uri.startswith("ui://")]


async def test_a_host_reads_the_case_through_the_bound_tool(host: Client) -> None:
    """The bound tool answers a host as it answers anyone: the view renders structuredContent."""
    answer = await host.call_tool("get_case", {"case_id": "SEC-1", "timeline": 3})
    data = answer.structured_content or {}
    assert data["key"] == "SEC-1"
    assert len(data["timeline"]) <= 3
