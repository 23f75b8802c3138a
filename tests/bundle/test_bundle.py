"""The MCP Bundle: generated, checked by the format's own tools, and run as Claude Desktop runs it.

`case-mcp bundle` writes the bundle's directory; `mcpb validate` and `mcpb pack` (the MCPB
reference implementation, npm's @anthropic-ai/mcpb pinned in tests/mcpb) check and pack it;
the .mcpb is unpacked as a host unpacks it, and the server is started with the command line
and environment the host makes from the manifest and the user's settings (the reference
implementation's own substitution, tests/mcpb/host_config.mjs), through uv as the ``uv``
server type has the host do, then driven by the MCP SDK's stdio client. Where Node.js, the
npm package or uv is missing the tests are skipped and say why, unless
``REQUIRE_BUNDLE_TESTS`` is set (CI sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import anyio
import pytest
from mcp import Client, StdioServerParameters

from case_mcp import __version__
from case_mcp.bundle import bundle_manifest
from case_mcp.cli import main
from case_mcp.config import SITES
from inventory import default_tools

pytestmark = pytest.mark.anyio

TOOLS: Final = Path(__file__).resolve().parents[1] / "mcpb"
MCPB: Final = TOOLS / "node_modules" / ".bin" / "mcpb"
# The first start installs the dependencies into the bundle's environment (uv's cache, or
# PyPI on a machine that has never fetched them).
START_TIMEOUT: Final = 300
COMMAND_TIMEOUT: Final = 120


def _needed() -> tuple[str, str]:
    """node and uv, when they and the npm package are installed; else skip (or fail)."""
    node = shutil.which("node")
    # uv is what the host brings for a ``uv`` bundle; here, the one next to this Python first.
    uv = shutil.which("uv", path=os.pathsep.join([str(Path(sys.executable).parent), _path()]))
    missing = []
    if node is None:
        missing.append("Node.js 20 or newer (apt-get install nodejs npm)")
    if not MCPB.exists():
        missing.append("the npm packages of tests/mcpb (npm ci --prefix tests/mcpb)")
    if uv is None:
        missing.append("uv (pip install uv)")
    if node is None or uv is None or missing:
        reason = f"the bundle's tests need {' and '.join(missing)}"
        if os.environ.get("REQUIRE_BUNDLE_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node, uv


def _path() -> str:
    return os.environ.get("PATH", "")


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(part) for part in command],
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
        check=False,
    )


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle's directory, as `case-mcp bundle --out DIR` writes it."""
    out = tmp_path_factory.mktemp("dist")
    assert main(["bundle", "--out", str(out)]) == 0
    return out / "case-mcp-bundle"


@pytest.fixture(scope="module")
def installed(built: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle packed with `mcpb pack`, then unpacked where a host would install it."""
    _needed()
    packed = built.parent / f"case-mcp-{__version__}.mcpb"
    packing = _run(MCPB, "pack", built, packed)
    assert packing.returncode == 0, packing.stdout + packing.stderr
    target = tmp_path_factory.mktemp("extensions") / "case-mcp"
    unpacking = _run(MCPB, "unpack", packed, target)
    assert unpacking.returncode == 0, unpacking.stdout + unpacking.stderr
    return target


def host_start(installed: Path, settings: dict[str, Any]) -> StdioServerParameters:
    """How Claude Desktop starts the installed bundle for a user with these settings."""
    node, uv = _needed()
    made = _run(node, TOOLS / "host_config.mjs", installed, json.dumps(settings))
    assert made.returncode == 0, made.stderr
    config = json.loads(made.stdout)
    # The host's own environment, not this test run's: nothing of a developer's (PYTHONPATH
    # pointing at a checkout, a virtual environment, Datadog keys) may reach the bundle; only
    # the machine's own (home, network: proxies and certificates, uv's cache).
    kept = {
        name: value
        for name, value in os.environ.items()
        if name in ("HOME", "USER", "LANG", "TMPDIR")
        or name.startswith(("UV_", "SSL_CERT_"))
        or name.upper().endswith("_PROXY")
    }
    return StdioServerParameters(
        command=config["command"],
        args=config["args"],
        env={
            **kept,
            "PATH": os.pathsep.join([str(Path(uv).parent), _path()]),
            **config["env"],
        },
    )


def test_generated_manifest_passes_mcpb_validate(built: Path) -> None:
    """`mcpb validate` accepts the manifest `case-mcp bundle` writes, version and all."""
    _needed()
    checked = _run(MCPB, "validate", built / "manifest.json")

    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "validation passes" in checked.stdout
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    assert manifest == bundle_manifest()
    assert manifest["version"] == __version__


def test_the_form_offers_the_eight_sites_and_keeps_the_keys_secret() -> None:
    """The settings form names every site the server accepts and marks both keys sensitive."""
    settings = bundle_manifest()["user_config"]

    assert all(site in settings["site"]["description"] for site in SITES)
    assert settings["api_key"]["sensitive"] is True
    assert settings["app_key"]["sensitive"] is True
    assert not any(field.get("required") for field in settings.values())


async def test_installed_bundle_serves_the_sandbox_to_an_mcp_client(installed: Path) -> None:
    """Started as Claude Desktop starts it with the sandbox on, the bundle's server lists the
    default tools, every one declared in the manifest, and answers search_cases and get_case."""
    declared = {tool["name"] for tool in bundle_manifest()["tools"]}
    with anyio.fail_after(START_TIMEOUT):
        async with Client(host_start(installed, {"sandbox": True})) as client:
            names = {tool.name for tool in (await client.list_tools()).tools}
            found = await client.call_tool("search_cases", {"query": "status:open", "page_size": 5})
            assert not found.is_error, found.content
            assert found.structured_content is not None
            key = found.structured_content["cases"][0]["key"]
            case = await client.call_tool("get_case", {"case_id": key})

    assert names == {spec.name for spec in default_tools()}
    assert names <= declared
    assert not case.is_error, case.content
    assert case.structured_content is not None
    assert case.structured_content["key"] == key


async def test_the_settings_a_user_fills_in_reach_the_server(installed: Path) -> None:
    """Read-only and the toolsets chosen in the form decide the tools the server offers."""
    settings = {"sandbox": True, "read_only": True, "toolsets": "all"}
    with anyio.fail_after(START_TIMEOUT):
        async with Client(host_start(installed, settings)) as client:
            tools = (await client.list_tools()).tools

    names = {tool.name for tool in tools}
    assert "count_cases" in names  # the triage toolset, beyond the defaults
    assert "create_case" not in names
    assert all(tool.annotations and tool.annotations.read_only_hint for tool in tools)


def test_without_keys_or_the_sandbox_it_says_what_to_fill_in(installed: Path) -> None:
    """With neither keys nor the sandbox switch, the server stops at once and names both."""
    start = host_start(installed, {})
    finished = subprocess.run(
        [start.command, *start.args],
        env=start.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=START_TIMEOUT,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stdout == ""
    assert "API key" in finished.stderr
    assert "Try with the sandbox" in finished.stderr
