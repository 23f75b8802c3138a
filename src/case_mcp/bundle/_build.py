"""The bundle's directory: what `mcpb pack` turns into the .mcpb a user double-clicks.

It holds the manifest, the icon, the license, the package's own source and a pyproject.toml
naming its dependencies, which the host's uv installs for the user's platform on the first
start (the ``uv`` server type; see `_manifest`). The source is copied from the package that
runs this, so a bundle built from a wheel and one built from a checkout are the same.
"""

from __future__ import annotations

import json
import shutil
from importlib.metadata import distribution
from pathlib import Path
from typing import Final

import case_mcp
from case_mcp.bundle._manifest import bundle_manifest

__all__ = ["BUNDLE_DIRECTORY", "write_bundle"]

BUNDLE_DIRECTORY: Final = "case-mcp-bundle"
"""The bundle's directory under the output directory."""

PACKAGE: Final = Path(case_mcp.__file__).parent

# Left out of the bundle: byte code, and what a host or a test run leaves in a directory
# that is packed again (uv's environment).
IGNORED: Final = ("__pycache__", "*.pyc", ".venv")


def write_bundle(out: Path) -> Path:
    """Write the bundle's directory into `out` (made afresh); returns it."""
    bundle = out / BUNDLE_DIRECTORY
    if bundle.exists():
        shutil.rmtree(bundle)
    bundle.mkdir(parents=True)
    manifest = bundle_manifest()
    (bundle / "manifest.json").write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    shutil.copyfile(PACKAGE / "bundle" / "icon.png", bundle / manifest["icon"])
    shutil.copytree(PACKAGE, bundle / "src" / PACKAGE.name, ignore=shutil.ignore_patterns(*IGNORED))
    (bundle / "pyproject.toml").write_text(_pyproject(manifest["version"]), encoding="utf-8")
    (bundle / ".mcpbignore").write_text("__pycache__/\n*.pyc\n.venv/\n", encoding="utf-8")
    license_text = distribution("case-mcp").read_text("licenses/LICENSE")
    if license_text:
        (bundle / "LICENSE").write_text(license_text, encoding="utf-8")
    return bundle


def _pyproject(version: str) -> str:
    """The bundle's project: this package, its version and its runtime dependencies."""
    metadata = distribution("case-mcp").metadata
    # The extras (test, bench, otel) are not the server's; only what `serve` needs.
    dependencies = [
        requirement
        for requirement in distribution("case-mcp").requires or []
        if "extra ==" not in requirement
    ]
    lines = [
        "# Written by `case-mcp bundle`: the project Claude Desktop's uv installs and runs.",
        "[project]",
        'name = "case-mcp"',
        f"version = {json.dumps(version)}",
        f"requires-python = {json.dumps(metadata['Requires-Python'] or '>=3.11')}",
        "dependencies = [",
        *(f"    {json.dumps(requirement)}," for requirement in dependencies),
        "]",
        "",
        "[build-system]",
        'requires = ["hatchling>=1.25"]',
        'build-backend = "hatchling.build"',
        "",
        "[tool.hatch.build.targets.wheel]",
        f'packages = ["src/{PACKAGE.name}"]',
        "",
    ]
    return "\n".join(lines)
