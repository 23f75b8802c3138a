"""Screenshots of every view, in the light and the dark theme, as the README shows them.

    python tests/view_screenshots.py docs/images

Each view is shown by the browser test host (`view_host`) with a real answer of its tool over
a fresh demo sandbox, so the pictures are what a person sees;
tests/server/apps/test_screenshots.py runs this same capture and checks that docs/images holds
a picture of every view.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

import anyio

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server.apps import CASE_VIEW, COUNTS_VIEW, PREVIEW_VIEW, QUEUE_VIEW, VIEWS
from view_host import Show, Theme, browser_hosts, headless_chromium

THEMES: Final[tuple[Theme, ...]] = ("light", "dark")


@dataclass(frozen=True)
class Sample:
    """The call whose answer a view's screenshot shows, on a server with `options`."""

    tool: str
    arguments: dict[str, Any]
    options: ServerOptions | None = None
    prepare: Callable[[Show], Awaitable[None]] | None = field(default=None, compare=False)


SAMPLES: Final[dict[str, Sample]] = {
    CASE_VIEW: Sample("get_case", {"case_id": "SEC-1", "timeline": 6}),
    QUEUE_VIEW: Sample("search_cases", {"project": "SEC", "sort": "priority", "page_size": 6}),
    COUNTS_VIEW: Sample(
        "count_cases", {"query": "-status:closed", "group_by": ["priority", "project"]}
    ),
    # A change that needs a person's approval: the operator chose tokens, and four cases are
    # more than the threshold.
    PREVIEW_VIEW: Sample(
        "bulk_update_cases",
        {"change": "priority", "cases": ["SEC-1", "SEC-3", "SEC-4", "SEC-5"], "value": "P1"},
        ServerOptions(confirm_mode="token", bulk_confirm_over=3, toolsets=["all"]),
    ),
}


def picture(directory: Path, view_uri: str, theme: Theme) -> Path:
    """Where the screenshot of the view at `view_uri` in `theme` goes: ``case-light.png``."""
    return directory / f"{view_uri.rsplit('/', 1)[-1].removesuffix('.html')}-{theme}.png"


async def capture(directory: Path) -> list[Path]:
    """Shows every view in each theme and writes its screenshot into `directory`."""
    written = []
    async with headless_chromium() as browser:
        for view in VIEWS:
            sample = SAMPLES[view.uri]
            for theme in THEMES:
                # A fresh demo organisation each time, so the pictures are the same every run.
                with Sandbox(rate_limit=None) as sandbox:
                    async with browser_hosts(browser, sandbox) as make:
                        show = await make(sample.options, theme=theme)
                        if sample.prepare is not None:
                            await sample.prepare(show)
                        await show(sample.tool, sample.arguments)
                        # Tall enough for the whole frame: Chromium paints no more of it.
                        await show.page.set_viewport_size({"width": 720, "height": 2400})
                        await show.settled()
                        path = picture(directory, view.uri, theme)
                        await show.page.locator("iframe#view").screenshot(path=path)
                        written.append(path)
    return written


if __name__ == "__main__":
    logging.disable(logging.INFO)  # the sandbox's requests, which say nothing here
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "docs/images")
    target.mkdir(parents=True, exist_ok=True)
    for path in anyio.run(capture, target):
        print(path)
