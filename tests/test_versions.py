"""One version: pyproject's. Every other place that states it agrees, and the CHANGELOG has
a section for it (CONTRIBUTING, "Cutting a release")."""

from __future__ import annotations

import re
import tomllib
from datetime import date
from pathlib import Path

import pytest

from case_mcp import __version__
from case_mcp.cli import main

ROOT = Path(__file__).resolve().parents[1]
VERSION: str = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
    "version"
]

# Where a file states the version, as a pattern whose group is the version it states. The
# registry entry (manifests/server.json) is checked in tests/server/test_manifests.py.
STATED = {
    "README.md": r"Status: alpha \(([^;)]+);",
    "docs/deployment.md": r"registry\.example\.com/case-mcp:(\S+)",
    "manifests/kubernetes/deployment.yaml": r"image: registry\.example\.com/case-mcp:(\S+)",
    "manifests/kubernetes/kustomization.yaml": r"newTag: (\S+)",
}


def test_the_installed_package_reports_pyprojects_version() -> None:
    """`case_mcp.__version__` (read from the installed metadata, and what the server tells
    clients) is pyproject's; a stale one means the checkout needs `pip install -e .` again."""
    assert __version__ == VERSION, "reinstall the checkout: pip install -e '.[test]'"


def test_case_mcp_version_prints_it(capsys: pytest.CaptureFixture[str]) -> None:
    """`case-mcp --version` prints the command's name and the version, and exits 0."""
    with pytest.raises(SystemExit) as exited:
        main(["--version"])

    assert exited.value.code == 0
    assert capsys.readouterr().out == f"case-mcp {VERSION}\n"


@pytest.mark.parametrize("path", sorted(STATED))
def test_each_place_that_states_the_version_states_pyprojects(path: str) -> None:
    """The README's status line, the image tag of the deployment docs and the Kubernetes
    manifests all name pyproject's version."""
    stated = re.findall(STATED[path], (ROOT / path).read_text(encoding="utf-8"))

    assert stated, f"{path} no longer states the version as {STATED[path]!r}"
    assert set(stated) == {VERSION}, f"{path} states {sorted(set(stated))}, pyproject {VERSION}"


def test_the_changelog_has_unreleased_then_dated_releases_newest_first() -> None:
    """`## Unreleased` stays first; then one `## X.Y.Z - YYYY-MM-DD` section per release,
    newest first, the newest being pyproject's version."""
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", changelog, flags=re.MULTILINE)
    releases = [re.fullmatch(r"(\d+)\.(\d+)\.(\d+) - (\d{4}-\d{2}-\d{2})", h) for h in headings[1:]]

    assert headings[0] == "Unreleased"
    assert all(releases), f"a release heading is not `## X.Y.Z - YYYY-MM-DD`: {headings[1:]}"
    versions = [tuple(int(part) for part in m.group(1, 2, 3)) for m in releases if m]
    dates = [date.fromisoformat(m[4]) for m in releases if m]
    assert versions == sorted(versions, reverse=True)
    assert dates == sorted(dates, reverse=True)
    assert ".".join(map(str, versions[0])) == VERSION
