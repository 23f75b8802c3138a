"""End to end over stdio: `case-mcp serve` as an assistant's MCP configuration starts it."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from mcp import Client, StdioServerParameters

from case_mcp.server.tools import all_tools

# Spawning an interpreter that imports the MCP SDK takes about a second on a small machine.
SPAWN_TIMEOUT = 60


def _environment_without_credentials() -> dict[str, str]:
    return {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_"))
    }


@pytest.mark.anyio
@pytest.mark.parametrize("mode", ["auto", "legacy"])
async def test_serve_sandbox_over_stdio_lists_tools_and_reads_a_case(mode: str) -> None:
    """A spawned `case-mcp serve --sandbox` answers tools/list and get_case on stdio."""
    server = StdioServerParameters(
        command=sys.executable,
        args=["-m", "case_mcp", "serve", "--sandbox"],
        env=_environment_without_credentials(),
    )
    async with Client(server, mode=mode) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert names == {spec.name for spec in all_tools()}
    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"


def test_serve_without_credentials_refuses_with_one_line_saying_what_to_set() -> None:
    """With no keys and no --sandbox, serve exits 2, writes nothing to stdout, and says why."""
    finished = subprocess.run(
        [sys.executable, "-m", "case_mcp", "serve"],
        env=_environment_without_credentials(),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=SPAWN_TIMEOUT,
        check=False,
    )

    assert finished.returncode == 2
    assert finished.stdout == ""
    lines = finished.stderr.splitlines()
    assert len(lines) == 1
    for needed in ("DD_API_KEY", "DD_APP_KEY", "--sandbox"):
        assert needed in lines[0]
