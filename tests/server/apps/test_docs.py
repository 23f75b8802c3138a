"""The README's section on the views: the tools each shows, what each weighs, and pictures
taken by a command that works, one per view and theme."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from case_mcp.server import TOOL_DEFINITIONS
from case_mcp.server.apps import VIEWS, view_html
from view_screenshots import SAMPLES, THEMES, capture, picture

pytestmark = pytest.mark.anyio

DOCS_IMAGES = Path(__file__).parents[3] / "docs" / "images"
README = (DOCS_IMAGES.parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_readme_says_which_answers_each_view_shows_and_what_it_weighs() -> None:
    """Each view's row names every tool bound to it, and its size to a tenth of a KB."""
    definitions = json.loads(TOOL_DEFINITIONS.read_text(encoding="utf-8"))["tools"]
    for view in VIEWS:
        row = re.search(rf"^\| {view.title} \| (.+) \| ([\d.]+) KB \|$", README, re.MULTILINE)
        assert row is not None, f"the README has no row for the {view.title}"
        bound = {
            entry["tool"]["name"]
            for entry in definitions
            if ((entry["tool"].get("_meta") or {}).get("ui") or {}).get("resourceUri") == view.uri
        }
        assert set(re.findall(r"`(\w+)`", row[1])) == bound
        assert float(row[2]) == round(len(view_html(view).encode()) / 1024, 1)


def test_every_view_has_a_sample_call_and_pictures_in_the_docs() -> None:
    """A new view gets its sample call, and its screenshots are committed and in the README."""
    for view in VIEWS:
        assert view.uri in SAMPLES, f"tests/view_screenshots.py has no sample for {view.uri}"
        for theme in THEMES:
            committed = picture(DOCS_IMAGES, view.uri, theme)
            assert committed.is_file(), "run: python tests/view_screenshots.py docs/images"
        assert picture(Path("docs/images"), view.uri, "light").as_posix() in README


async def test_the_screenshot_command_shows_every_view_in_both_themes(tmp_path: Path) -> None:
    """The capture the docs' pictures come from runs, writing a PNG per view and theme."""
    written = await capture(tmp_path)
    assert sorted(written) == sorted(
        picture(tmp_path, view.uri, theme) for view in VIEWS for theme in THEMES
    )
    for path in written:
        assert path.read_bytes().startswith(b"\x89PNG"), path
        assert path.stat().st_size > 10_000, f"{path.name} is nearly empty"
