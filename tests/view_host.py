"""A host for the views in a real browser: headless Chromium shows `view_host.html`, which embeds a
view in a sandboxed iframe and speaks the host side of the MCP Apps protocol to it, and whose
calls to the server go, through Playwright, to an MCP client connected in memory to a server
over a sandbox. What a test asserts is what a person sees in the iframe.

    async def test_the_case_shows_its_title(show: Show) -> None:   # the fixtures are in
                                                                    # tests/server/apps/conftest.py
        view = await show("get_case", {"case_id": "SEC-1", "timeline": 5})
        await expect(view.get_by_role("heading", level=1)).to_have_text("...")

`show_with(options, theme=...)` gives a host over a server with other options (read-only,
project scope, confirmation tokens) or in the dark theme.

Chromium is Debian's (``apt-get install chromium``), driven through its executable path so
Playwright downloads no browser of its own. Where it or Playwright is missing the browser
tests are skipped and say why, unless ``REQUIRE_BROWSER_TESTS`` is set (CI sets it), which
turns the skip into a failure: CI must never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Awaitable
from contextlib import AsyncExitStack, asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Literal, Protocol

import pytest
from mcp import Client, MCPError
from mcp.server.apps import APP_MIME_TYPE
from mcp.types import TextResourceContents
from pydantic import BaseModel

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import shows_apps, with_every_toolset

if TYPE_CHECKING:
    from playwright.async_api import Browser, FrameLocator, Page

Theme = Literal["light", "dark"]

HOST_PAGE = Path(__file__).with_name("view_host.html").read_text(encoding="utf-8")


def chromium() -> str:
    """The installed Chromium's path, or the test is skipped (failed in CI) saying why."""
    missing = []
    try:
        import playwright.async_api  # noqa: F401
    except ImportError:
        missing.append("Playwright (pip install -e '.[test]')")
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        missing.append("Chromium (apt-get install chromium)")
    if missing or path is None:
        reason = f"the browser tests need {' and '.join(missing)}"
        if os.environ.get("REQUIRE_BROWSER_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return path


class Show:
    """A host page in the browser, over one server: shows a tool's answer in the tool's view.

    Attributes:
        page: The host page (the view is its iframe).
        client: The host's MCP client, which advertises the Apps extension.
        sandbox: The sandbox behind the server.
        calls: The tools the view called through the host, with their arguments, in order.
    """

    def __init__(self, page: Page, client: Client, sandbox: Sandbox, theme: Theme) -> None:
        self.page = page
        self.client = client
        self.sandbox = sandbox
        self.theme = theme
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self._views: dict[str, str | None] = {}

    @property
    def view(self) -> FrameLocator:
        """The view, as a person sees it."""
        return self.page.frame_locator("iframe#view")

    async def __call__(self, tool: str, arguments: dict[str, Any]) -> FrameLocator:
        """Calls `tool` as a model would and shows its answer in the tool's view."""
        from playwright.async_api import expect

        uri = await self._view_of(tool)
        assert uri is not None, f"{tool} names no view"
        html = await self._html(uri)
        problem = await self.page.evaluate(
            "([html, name, args, theme]) => window.showView(html, name, args, theme)",
            [html, tool, arguments, self.theme],
        )
        assert problem is None, f"the host's own call of {tool} failed: {problem}"
        await expect(self.view.locator("#waiting")).to_have_count(0)
        return self.view

    async def settled(self) -> None:
        """Waits until the host's frame holds the whole view and the view stopped growing (a
        view may read more after it first renders), as a picture of it needs."""
        last = -1.0
        for _ in range(100):
            height = await self.view.locator("html").evaluate(
                "(node) => node.getBoundingClientRect().height"
            )
            frame = await self.page.locator("iframe#view").bounding_box()
            if frame is not None and frame["height"] >= height and height == last:
                return
            last = height
            await self.page.wait_for_timeout(50)
        raise AssertionError("the view did not settle within 5 seconds")

    async def change_theme(self, theme: Theme) -> None:
        """Tells the view the host's theme changed, as a host does when its person switches."""
        self.theme = theme
        await self.page.evaluate("(theme) => window.changeTheme(theme)", theme)

    async def serve(self, method: str, params: dict[str, Any], from_view: bool) -> dict[str, Any]:
        """Answers one request of the host page: the view's own, or the host's call of the tool."""
        if from_view and method == "tools/call":
            self.calls.append((params["name"], dict(params.get("arguments") or {})))
        result: BaseModel
        try:
            if method == "tools/call":
                if from_view and not await self._views_may_call(params["name"]):
                    # As the spec asks of hosts: only tools visible to apps answer a view.
                    message = f"This host lets no view call {params['name']}."
                    return {"error": {"code": -32602, "message": message}}
                result = await self.client.call_tool(params["name"], params.get("arguments"))
            else:
                result = await self.client.read_resource(params["uri"])
        except MCPError as error:
            return {"error": {"code": error.error.code, "message": error.error.message}}
        return {"result": result.model_dump(mode="json", by_alias=True, exclude_none=True)}

    async def _view_of(self, tool: str) -> str | None:
        if not self._views:
            for listed in (await self.client.list_tools()).tools:
                ui = (listed.meta or {}).get("ui") or {}
                self._views[listed.name] = ui.get("resourceUri")
                if "app" not in ui.get("visibility", ["model", "app"]):
                    self._views[listed.name] = None
        return self._views.get(tool)

    async def _views_may_call(self, tool: str) -> bool:
        # A tool listed for the model alone is refused here, as the spec asks of hosts. One
        # the server does not list (withheld by read-only mode, say) goes to the server,
        # whose refusal says why in its own words: the host cannot know.
        for listed in (await self.client.list_tools()).tools:
            if listed.name == tool:
                ui = (listed.meta or {}).get("ui") or {}
                return "app" in ui.get("visibility", ["model", "app"])
        return True

    async def _html(self, uri: str) -> str:
        read = await self.client.read_resource(uri)
        (contents,) = read.contents
        assert isinstance(contents, TextResourceContents)
        assert contents.mime_type == APP_MIME_TYPE
        return contents.text


class ShowWith(Protocol):
    def __call__(
        self, options: ServerOptions | None = None, *, theme: Theme = "light"
    ) -> Awaitable[Show]: ...


_FLAGS: Final = [
    # Tests run as root in CI, where Chromium's own sandbox cannot start.
    "--no-sandbox",
    # Chromium's calls home (updates, sync, field trials) reach a closed network in CI and
    # fail there, many at a time: none is needed to show a page.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@asynccontextmanager
async def headless_chromium() -> AsyncIterator[Browser]:
    """The installed Chromium, headless, driven by Playwright."""
    executable = chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=executable, args=_FLAGS)
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def browser_hosts(browser: Browser, sandbox: Sandbox) -> AsyncIterator[ShowWith]:
    """Makes hosts in `browser`, each a page over a server with the options given (every
    toolset on unless they name some), all over `sandbox`; closes them all on exit."""
    async with AsyncExitStack() as stack:

        async def make(options: ServerOptions | None = None, *, theme: Theme = "light") -> Show:
            server = create_server(sandbox_client_factory(sandbox), with_every_toolset(options))
            client = Client(server, extensions=shows_apps())
            await stack.enter_async_context(client)
            page = await browser.new_page(viewport={"width": 720, "height": 900})
            stack.push_async_callback(page.close)
            show = Show(page, client, sandbox, theme)
            await page.expose_function("serve", show.serve)
            await page.set_content(HOST_PAGE)
            return show

        yield make
