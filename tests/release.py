"""Build the release as a maintainer does and install it as a user does: `python -m build`, uv.

The release tests need two programs from the `test` extra: PyPA's `build` and `uv`. Without
them those tests are skipped and say why, unless ``REQUIRE_RELEASE_TESTS`` is set (CI sets
it), which turns the skip into a failure.

uv reads the package indexes from its own settings, not pip's; so that the fresh environment
resolves exactly where `pip install '.[test]'` did (a mirror, a local wheel directory, a
company index), `uv_environment()` hands pip's configuration to uv. uv keeps what it
downloads in its own cache (``~/.cache/uv``), so after the first run the install resolves and
unpacks from there in a second or two.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

__all__ = ["Release", "build_release", "release_tools", "uv_environment"]

ROOT = Path(__file__).resolve().parents[1]
# Resolving and downloading the dependencies on a cold cache, on a slow link.
INSTALL_TIMEOUT = 300


@dataclass(frozen=True)
class Release:
    """The artefacts of one `python -m build`, and how to run the wheel with uv."""

    wheel: Path
    sdist: Path
    uvx: tuple[str, ...]
    """The command that runs a package's script in a fresh environment: `uvx`."""
    environment: dict[str, str]
    """What uv and the installed server run with (see `uv_environment`)."""


def release_tools() -> tuple[str, ...]:
    """The `uvx` command, after checking that `build` is importable; skips (or fails) without."""
    # The uv of the test extra first: a `uv` on PATH may be older than the extra allows.
    uv = _uv_from_package() or shutil.which("uv")
    missing = [] if uv else ["uv"]
    try:
        import build  # noqa: F401  (only its presence is checked: it runs as `python -m build`)
    except ImportError:
        missing.append("build")
    if missing:
        reason = (
            f"the release tests need {' and '.join(missing)} (pip install '.[test]' installs them)"
        )
        if os.environ.get("REQUIRE_RELEASE_TESTS"):
            pytest.fail(f"{reason}; REQUIRE_RELEASE_TESTS is set, so they must run")
        pytest.skip(reason)
    assert uv is not None
    # `uvx` is installed beside `uv`; `uv tool run` is the same command where it is not.
    uvx = Path(uv).with_name("uvx")
    return (str(uvx),) if uvx.exists() else (uv, "tool", "run")


def _uv_from_package() -> str | None:
    try:
        from uv import find_uv_bin
    except ImportError:
        return None
    try:
        return str(find_uv_bin())
    except FileNotFoundError:
        return None


def uv_environment() -> dict[str, str]:
    """This process's environment made fit for installing and running the release with uv.

    Without the source tree (``PYTHONPATH``, which would shadow the installed package), the
    active virtual environment and any Datadog or case-mcp setting of the machine; with pip's
    indexes, local wheel directories and certificate handed to uv, this interpreter as uv's
    Python (no download of another) and pip's rule of taking the best version from any index.
    """
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("PYTHONPATH", "VIRTUAL_ENV") and not name.startswith(("DD_", "CASE_MCP_"))
    }
    pip = _pip_configuration()
    if "index-url" in pip:
        environment["UV_DEFAULT_INDEX"] = pip["index-url"]
    if "extra-index-url" in pip:
        environment["UV_INDEX"] = " ".join(pip["extra-index-url"].split())
    if "find-links" in pip:
        environment["UV_FIND_LINKS"] = ",".join(pip["find-links"].split())
    if "cert" in pip:
        environment["SSL_CERT_FILE"] = pip["cert"]
    environment.update(
        # pip considers every index equally; uv by default stops at the first that knows a name.
        UV_INDEX_STRATEGY="unsafe-best-match",
        UV_PYTHON=sys.executable,
        UV_PYTHON_DOWNLOADS="never",
        # A uv.toml or [tool.uv] of the machine or the checkout must not change the install.
        UV_NO_CONFIG="1",
    )
    return environment


def _pip_configuration() -> dict[str, str]:
    """pip's effective settings: a variable (``PIP_*``) over ``[install]`` over ``[global]``."""
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    ).stdout
    rank = {":env:": 2, "install": 1, "global": 0}
    chosen: dict[str, tuple[int, str]] = {}
    for line in listed.splitlines():
        match = re.fullmatch(r"([^.]+)\.([a-z-]+)='(.*)'", line.strip())
        if match is None or match[1] not in rank:
            continue
        section, key, value = match[1], match[2], match[3]
        if key not in chosen or rank[section] >= chosen[key][0]:
            chosen[key] = (rank[section], value)
    return {key: value for key, (_, value) in chosen.items()}


def build_release(outdir: Path, uvx: tuple[str, ...]) -> Release:
    """Build the sdist, then the wheel from it, as `python -m build` does for a release.

    The isolated build environment is made by uv rather than pip: the same backend and the
    same artefacts, in a third of the time.
    """
    environment = uv_environment()
    built = subprocess.run(
        [sys.executable, "-m", "build", "--installer", "uv", "--outdir", str(outdir), str(ROOT)],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )
    assert built.returncode == 0, f"python -m build failed:\n{built.stdout[-3000:]}{built.stderr}"
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    return Release(wheel=wheel, sdist=sdist, uvx=uvx, environment=environment)
