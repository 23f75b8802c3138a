"""The `case-mcp` command: tools, call and demo, run in process."""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client

from case_mcp.cli import main
from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server
from case_mcp.server._launch import CallUsageError, parse_arguments, sandbox_client_factory
from case_mcp.server._manifest import cost_report, get_case_costs, manifest_text
from case_mcp.server.tools import all_tools


@pytest.fixture(autouse=True)
def no_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach a real Datadog: its variables are unset."""
    for name in (
        "DD_API_KEY",
        "DD_APP_KEY",
        "DD_APPLICATION_KEY",
        "DD_SITE",
        "CASE_MCP_ACCESS_TOKEN",
        "CASE_MCP_BASE_URL",
    ):
        monkeypatch.delenv(name, raising=False)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_tools_prints_one_row_per_tool_with_kind_toolset_and_title(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The table has a header and a row naming each tool, its kind, toolset and title."""
    status, out, _ = run(capsys, "tools")

    header, *rows = out.splitlines()
    assert status == 0
    assert header.split() == ["name", "kind", "toolset", "title"]
    assert {row.split()[0] for row in rows} == {spec.name for spec in all_tools()}
    assert "delete_project                destructive       projects  Delete a project" in rows


def test_tools_json_prints_the_manifest(capsys: pytest.CaptureFixture[str]) -> None:
    """`case-mcp tools --json` is the document manifests/tools.json holds."""
    status, out, _ = run(capsys, "tools", "--json")

    assert status == 0
    assert out == anyio.run(manifest_text)


def test_tools_cost_states_what_a_get_case_answer_costs(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`case-mcp tools --cost` prints the get_case cost report measured on the sandbox."""
    status, out, _ = run(capsys, "tools", "--cost")

    assert status == 0
    assert out == cost_report(anyio.run(get_case_costs))
    assert out.startswith("get_case SEC-1: ")


def test_call_prints_the_structured_result_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """A sandbox call prints the tool's structured content, and nothing on stderr."""
    status, out, err = run(capsys, "call", "get_case", "case_id=SEC-1", "--sandbox")

    assert (status, err) == (0, "")
    case = json.loads(out)
    assert (case["key"], case["status"]) == ("SEC-1", "Closed")


def test_call_takes_its_flags_before_or_after_the_arguments(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--sandbox may come anywhere; numbers and enums reach the tool as typed values."""
    before = run(capsys, "call", "--sandbox", "search_cases", "status=open", "page_size=2")
    between = run(capsys, "call", "search_cases", "status=open", "--sandbox", "page_size=2")

    assert before == between
    status, out, _ = before
    found = json.loads(out)
    assert status == 0
    assert (found["page_size"], len(found["cases"])) == (2, 2)


def test_a_tool_error_goes_to_stderr_with_status_1(capsys: pytest.CaptureFixture[str]) -> None:
    """An unknown case prints the model's error text on stderr and nothing on stdout."""
    status, out, err = run(capsys, "call", "get_case", "case_id=SEC-9999", "--sandbox")

    assert (status, out) == (1, "")
    assert "SEC-9999" in err
    assert "not found" in err


def test_an_unknown_tool_is_a_usage_error_listing_the_tools(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A misspelt tool name exits 2 and names the tools that exist."""
    status, out, err = run(capsys, "call", "get_cases", "--sandbox")

    assert (status, out) == (2, "")
    assert "get_case" in err
    assert "search_cases" in err


@pytest.mark.parametrize(
    ("tool", "flags", "options"),
    [
        ("archive_case", ["--read-only"], ServerOptions(read_only=True)),
        ("delete_project", ["--no-destructive"], ServerOptions(no_destructive=True)),
        ("add_case_comment", ["--toolsets", "cases"], ServerOptions(toolsets={"cases"})),
        (
            "archive_case",
            ["--exclude-tools", "archive_case"],
            ServerOptions(exclude_tools={"archive_case"}),
        ),
        ("archive_case", ["--tools", "get_case"], ServerOptions(tools={"get_case"})),
    ],
)
def test_a_withheld_tool_is_refused_with_the_servers_reason(
    capsys: pytest.CaptureFixture[str], tool: str, flags: list[str], options: ServerOptions
) -> None:
    """A tool the guardrails hide is not "unknown": call says why, in the server's own words."""

    async def servers_answer() -> str:
        with Sandbox() as sandbox:
            server = create_server(sandbox_client_factory(sandbox), options)
            async with Client(server) as client:
                answer = await client.call_tool(tool, {"case_id": "SEC-1"})
        return "\n".join(getattr(block, "text", "") for block in answer.content)

    status, out, err = run(capsys, "call", tool, "case_id=SEC-1", "--sandbox", *flags)

    assert (status, out, err) == (1, "", anyio.run(servers_answer) + "\n")
    assert "operator" in err or "turned off" in err


def test_an_unknown_flag_after_call_shows_calls_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A mistyped flag is reported under `call`'s usage, which lists the flags it takes."""
    with pytest.raises(SystemExit) as exited:
        main(["call", "get_case", "case_id=SEC-1", "--sandbox", "--red-only"])

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("usage: case-mcp call ")
    assert err.endswith("case-mcp call: error: unrecognized arguments: --red-only\n")


def test_an_unknown_flag_after_any_command_shows_that_commands_usage(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """The same holds for every command: the usage shown is the one of the command typed."""
    with pytest.raises(SystemExit) as exited:
        main(["serve", "--sandbox", "--red-only"])

    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert err.startswith("usage: case-mcp serve ")
    assert err.endswith("case-mcp serve: error: unrecognized arguments: --red-only\n")


def test_an_argument_without_equals_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    """Arguments are key=value; anything else exits 2 before a call is made."""
    status, _, err = run(capsys, "call", "get_case", "SEC-1", "--sandbox")

    assert status == 2
    assert "key=value" in err


def test_call_without_credentials_refuses_with_one_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Against Datadog with no keys, call exits 2 with one line naming what to set."""
    status, out, err = run(capsys, "call", "get_case", "case_id=SEC-1")

    assert (status, out) == (2, "")
    assert len(err.splitlines()) == 1
    assert "DD_API_KEY" in err
    assert "--sandbox" in err


def test_sandbox_db_keeps_changes_between_calls(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """A project created in one call is there in the next one on the same database file."""
    db = str(tmp_path / "sandbox.db")
    created, _, _ = run(
        capsys, "call", "create_project", "key=NET", "name=Network", "--sandbox-db", db
    )
    status, out, _ = run(capsys, "call", "get_project", "project=NET", "--sandbox-db", db)

    assert (created, status) == (0, 0)
    assert json.loads(out)["name"] == "Network"


def test_values_parse_as_json_only_where_the_parameter_takes_that_type() -> None:
    """page=2 is a number, title=404 stays a string, JSON objects and null pass through."""
    schema = {
        "properties": {
            "page": {"type": "integer"},
            "title": {"type": "string"},
            "attributes": {"type": "object"},
            "assignee": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "note": {"type": "string"},
        }
    }

    arguments = parse_arguments(
        ["page=2", "title=404", 'attributes={"env": ["prod"]}', "assignee=null", "note=a=b"],
        schema,
    )

    assert arguments == {
        "page": 2,
        "title": "404",
        "attributes": {"env": ["prod"]},
        "assignee": None,
        "note": "a=b",
    }


def test_an_argument_given_twice_is_refused() -> None:
    """Repeating a key is a mistake worth stopping on, not a silent overwrite."""
    with pytest.raises(CallUsageError):
        parse_arguments(["page=1", "page=2"], {"properties": {}})


def test_demo_walks_through_the_tools_on_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    """The demo makes an assistant's calls, from listing projects to a closed case's timeline."""
    status, out, _ = run(capsys, "demo")

    assert status == 0
    for call in (
        "> list_projects",
        "> search_cases",
        "> get_case",
        "> create_case",
        "> add_case_comment",
        "> get_case_timeline",
    ):
        assert call in out
    assert "error the model gets" in out


def test_demo_stops_quietly_when_its_reader_has_gone() -> None:
    """`case-mcp demo | head`: once the reader has left, the demo ends without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "case_mcp", "demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))},
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the first line arrives
    _, err = process.communicate(timeout=60)

    assert (process.returncode, err.decode()) == (1, "")


@pytest.mark.parametrize(
    "command", [["call", "search_cases", "page_size=50", "--sandbox"], ["tools", "--json"]]
)
def test_call_and_tools_stop_quietly_when_their_reader_has_gone(command: list[str]) -> None:
    """`case-mcp call ... | head -1`: once the reader has left, it ends without a traceback."""
    process = subprocess.Popen(
        [sys.executable, "-m", "case_mcp", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={k: v for k, v in os.environ.items() if not k.startswith(("DD_", "CASE_MCP_"))},
    )
    assert process.stdout is not None
    process.stdout.close()  # the reader is gone before the result arrives
    _, err = process.communicate(timeout=60)

    assert (process.returncode, err.decode()) == (1, "")


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    """Bare `case-mcp` shows the commands rather than guessing one."""
    status, out, _ = run(capsys)

    assert status == 2
    for command in ("serve", "tools", "call", "demo", "sandbox"):
        assert command in out


def test_a_multi_tenant_http_server_starts_without_keys_of_its_own(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With per-request credentials and no DD keys, serve starts and refuses keyless calls."""
    import case_mcp.server.http as http_module

    for variable in ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "CASE_MCP_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CASE_MCP_HTTP_TOKENS", "a-token-long-enough-for-the-check")
    started: dict[str, object] = {}

    def fake_serve(make_client: Any, options: object, http: object, **kwargs: object) -> None:
        client = make_client()
        started.update(kwargs, client=repr(client))
        anyio.run(client.aclose)

    monkeypatch.setattr(http_module, "serve_http", fake_serve)

    status = main(["serve", "--transport", "http", "--per-request-credentials"])

    assert status == 0
    assert started["keys"] is False
    assert "auth='none'" in str(started["client"])


def test_without_per_request_credentials_an_http_server_still_needs_keys(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Without the multi-tenant mode, missing DD keys stop the HTTP server as they stop stdio."""
    for variable in ("DD_API_KEY", "DD_APP_KEY", "DD_APPLICATION_KEY", "CASE_MCP_ACCESS_TOKEN"):
        monkeypatch.delenv(variable, raising=False)

    assert main(["serve", "--transport", "http"]) == 2
    assert "DD_API_KEY" in capsys.readouterr().err


def test_serve_that_fails_to_start_leaves_the_garbage_collector_on(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`serve` pauses the collector while it starts, and turns it back on when it cannot."""
    import gc

    status, _, err = run(capsys, "serve", "--sandbox", "--toolsets", "nope")
    assert status == 2
    assert "Unknown toolset 'nope'" in err
    assert gc.isenabled()


def test_even_verbose_the_command_keeps_httpx2s_request_lines_quiet(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """httpx2's per-request INFO line (it holds the URL and its query) stays silenced with -v."""
    main(["-v", "call", "--sandbox", "list_projects"])

    assert logging.getLogger("httpx2").getEffectiveLevel() >= logging.WARNING
    assert logging.getLogger("case_mcp").getEffectiveLevel() == logging.DEBUG


def test_the_top_level_help_does_not_load_the_settings() -> None:
    """`case-mcp --help` lists the commands without importing pydantic-settings, which only
    the commands that read settings need, so it answers at once."""
    script = (
        "import sys\n"
        "from case_mcp.cli import main\n"
        "try:\n"
        "    main(['--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('pydantic_settings' in sys.modules, file=sys.stderr)"
    )

    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert "serve" in done.stdout
    assert done.stderr.strip() == "False"
