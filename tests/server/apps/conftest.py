"""The browser host's fixtures (`view_host`): `show`, and `show_with` for other options.

One Chromium serves every test of a module (starting it takes most of a second); each test
has its own pages, servers and sandbox.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import TYPE_CHECKING

import pytest

from case_mcp.sandbox import Sandbox
from view_host import Show, ShowWith, browser_hosts, headless_chromium

if TYPE_CHECKING:
    from playwright.async_api import Browser


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    """Module-wide, so that the browser can be (asyncio, as everywhere in the tests)."""
    return "asyncio"


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Headless Chromium, shared by the module's tests."""
    async with headless_chromium() as browser:
        yield browser


@pytest.fixture
async def show_with(browser: Browser, sandbox: Sandbox) -> AsyncIterator[ShowWith]:
    """Makes browser hosts over servers with the options given, over the test's sandbox."""
    async with browser_hosts(browser, sandbox) as make:
        yield make


@pytest.fixture
async def show(show_with: ShowWith) -> Show:
    """A host over a server with every toolset on, in the light theme."""
    return await show_with()
