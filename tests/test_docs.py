"""README.md and docs/: every command and snippet runs, or says plainly why it cannot.

The fenced blocks of each page are run in order, as a reader would in one terminal: `sh`
blocks in bash (``-e -o pipefail``) whose ``case-mcp`` and ``python3`` are the code under
test, `python` blocks as scripts, `json` blocks compared with the client snippets in
manifests/clients/. The line before a fence may carry a marker comment:

- ``<!-- not run: REASON -->``: not run (it needs Claude Code, Docker, a cluster); the reason
  is required;
- ``<!-- set-up: ... -->``: the README's two set-up commands, each run by its own test below;
- ``<!-- service on port N: ... -->``: started in the background and stopped (as Ctrl-C does)
  after the page; later blocks reach it on a free port put in place of N;
- ``<!-- output of the block above -->``: exactly what the block before it printed.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from case_mcp.cli import command_line_parser
from case_mcp.server.tools import all_tools
from replicas import free_port

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
CLIENTS = sorted((ROOT / "manifests" / "clients").glob("*.json"))
FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<language>[\w-]*)[ \t]*$")
MARKER = re.compile(r"^\s*<!--\s*(?P<text>.*?)\s*-->\s*$")
SERVICE = re.compile(r"service on port (?P<port>\d+)\b")
RUNNABLE = ("sh", "python", "json")
COMMAND_TIMEOUT = 180
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0


@dataclass(frozen=True)
class Block:
    """One fenced block of a page, with the marker comment on the line before it."""

    path: Path
    line: int
    language: str
    text: str
    marker: str | None

    @property
    def where(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"

    @property
    def reason(self) -> str | None:
        """Why the block is not run, when its marker says it is not."""
        if self.marker is None or not self.marker.startswith("not run:"):
            return None
        return self.marker.removeprefix("not run:").strip()


def blocks(path: Path) -> list[Block]:
    """Every fenced block of a Markdown page, in order (indented ones in lists included)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if fence is None:
            index += 1
            continue
        start, indent = index, fence["indent"]
        body = []
        index += 1
        while index < len(lines) and lines[index].strip() != "```":
            body.append(lines[index].removeprefix(indent))
            index += 1
        index += 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        marker = MARKER.match(lines[before]) if before >= 0 else None
        found.append(
            Block(
                path=path,
                line=start + 1,
                language=fence["language"],
                text="\n".join(body) + "\n",
                marker=marker["text"] if marker else None,
            )
        )
    return found


def every_block() -> list[Block]:
    return [block for path in DOCUMENTS for block in blocks(path)]


def page_id(path: Path) -> str:
    return str(path.relative_to(ROOT))


def environment(bin_dir: Path) -> dict[str, str]:
    """This process's environment without Datadog or case_mcp settings; the code under test
    first on PATH and PYTHONPATH."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_", "PYTHON"))
    }
    return {
        **kept,
        "PATH": os.pathsep.join([str(bin_dir), kept.get("PATH", "")]),
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
    }


def install_commands(folder: Path) -> None:
    """`case-mcp`, `python` and `python3` in `folder`: this interpreter, on the code under test."""
    folder.mkdir(parents=True, exist_ok=True)
    scripts = {
        "case-mcp": f'exec "{sys.executable}" -m case_mcp "$@"\n',
        "python": f'exec "{sys.executable}" "$@"\n',
        "python3": f'exec "{sys.executable}" "$@"\n',
    }
    for name, body in scripts.items():
        script = folder / name
        script.write_text("#!/bin/sh\n" + body, encoding="utf-8")
        script.chmod(0o755)


@dataclass
class Session:
    """One reader working through one page in one folder, as in a terminal."""

    folder: Path
    env: dict[str, str]
    ports: dict[str, str] = field(default_factory=dict)
    services: list[subprocess.Popen[bytes]] = field(default_factory=list)
    output: str | None = None

    def text(self, block: Block) -> str:
        """The block's text, with each documented service port replaced by the real one."""
        text = block.text
        for documented, actual in self.ports.items():
            text = re.sub(rf"(?<!\d){documented}(?!\d)", actual, text)
        return text

    def run(self, block: Block) -> None:
        marker = block.marker or ""
        if block.reason is not None or marker.startswith("set-up:"):
            self.output = None
        elif marker == "output of the block above":
            assert self.output is not None, f"{block.where}: no run block before this output"
            assert self.output == block.text, (
                f"{block.where}: the block above printed otherwise; if that is right, put "
                f"what it printed here:\n{self.output}"
            )
        elif service := SERVICE.match(marker):
            self.start(block, service["port"])
        elif block.language == "json":
            self.compare_with_clients(block)
        else:
            self.output = self.execute(block)

    def execute(self, block: Block) -> str:
        if block.language == "python":
            script = self.folder / f"block-{block.line}.py"
            script.write_text(self.text(block), encoding="utf-8")
            command = [sys.executable, str(script)]
        else:
            command = ["bash", "-e", "-o", "pipefail", "-c", self.text(block)]
        done = subprocess.run(
            command,
            cwd=self.folder,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
        assert done.returncode == 0, (
            f"{block.where} exited {done.returncode}:\n{done.stdout[-2000:]}\n{done.stderr[-4000:]}"
        )
        return done.stdout

    def compare_with_clients(self, block: Block) -> None:
        snippets = [json.loads(path.read_text(encoding="utf-8")) for path in CLIENTS]
        assert json.loads(block.text) in snippets, (
            f"{block.where} is not one of the client snippets in manifests/clients/"
        )
        self.output = None

    def start(self, block: Block, documented: str) -> None:
        port = str(free_port())
        self.ports[documented] = port
        log = (self.folder / f"service-{block.line}.log").open("wb")
        process = subprocess.Popen(
            ["bash", "-e", "-c", self.text(block)],
            cwd=self.folder,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,  # its own process group, which `stop` interrupts
        )
        log.close()
        self.services.append(process)
        wait_until_listening(process, int(port), self.folder / f"service-{block.line}.log")
        self.output = None

    def stop(self) -> None:
        """Interrupt each service as Ctrl-C does; each must stop."""
        for process in self.services:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGINT)
            try:
                process.wait(timeout=STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                raise AssertionError(
                    f"a service did not stop on Ctrl-C: {process.args!r}"
                ) from None


def wait_until_listening(process: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1.0):
                return
        except OSError:
            # Another process is starting: there is no event to wait on but its port opening.
            time.sleep(0.1)
    raise AssertionError(
        f"the service on port {port} did not start (exit {process.poll()}):\n"
        + log.read_text(errors="replace")[-4000:]
    )


def test_every_block_runs_or_is_marked_with_a_reason() -> None:
    """Unmarked blocks are sh, python or json; a marker is one of the four, with its reason."""
    problems = []
    for block in every_block():
        marker = block.marker
        if marker is None:
            if block.language not in RUNNABLE:
                problems.append(f"{block.where}: a {block.language or 'plain'} block cannot run")
        elif block.reason is not None:
            if not block.reason:
                problems.append(f"{block.where}: 'not run' without a reason")
        elif not (
            marker.startswith("set-up:")
            or marker == "output of the block above"
            or (SERVICE.match(marker) and block.language == "sh")
        ):
            problems.append(f"{block.where}: unknown marker <!-- {marker} -->")
    assert problems == []


@pytest.mark.parametrize("page", DOCUMENTS, ids=page_id)
def test_every_block_of_the_page_runs(page: Path, tmp_path: Path) -> None:
    """Each unmarked block runs and succeeds, and each output block is what its command printed."""
    install_commands(tmp_path / "bin")
    install_commands(tmp_path / "work" / ".venv" / "bin")
    session = Session(folder=tmp_path / "work", env=environment(tmp_path / "bin"))
    try:
        for block in blocks(page):
            session.run(block)
    finally:
        session.stop()


def set_up_blocks() -> list[Block]:
    return [block for block in every_block() if (block.marker or "").startswith("set-up:")]


def test_the_readme_has_two_set_up_commands() -> None:
    """Installing with the demo, and running the tests: both in the README, both `sh`."""
    found = set_up_blocks()

    assert [(block.path.name, block.language) for block in found] == [("README.md", "sh")] * 2


def test_the_readme_test_command_is_the_one_ci_runs() -> None:
    """The README's test command is the last line of .ci/run, character for character."""
    (block,) = [block for block in set_up_blocks() if "pytest" in block.text]
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().splitlines()[-1]

    assert block.text.strip() == ci


def test_the_readme_install_command_installs_the_package_and_runs_the_demo(
    tmp_path: Path,
) -> None:
    """In a fresh copy of the repository, the command builds a virtualenv and the demo runs."""
    (block,) = [block for block in set_up_blocks() if "demo" in block.text]
    copy = tmp_path / "case_mcp"
    copy.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, copy / name)
    shutil.copytree(ROOT / "src", copy / "src", ignore=shutil.ignore_patterns("__pycache__"))
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DD_", "CASE_MCP_", "PYTHON", "VIRTUAL_ENV"))
    }

    done = subprocess.run(
        ["bash", "-e", "-o", "pipefail", "-c", block.text],
        cwd=copy,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert done.returncode == 0, done.stderr[-4000:]
    assert "\ncase_mcp demo: " in done.stdout
    assert (copy / ".venv" / "bin" / "case-mcp").exists()


def documentation() -> str:
    return "\n".join(path.read_text(encoding="utf-8") for path in DOCUMENTS)


def test_the_docs_describe_every_tool_flag_and_variable() -> None:
    """Each tool, each flag of each command and each environment variable is in README or docs/."""
    from pydantic import AliasChoices

    from case_mcp.config import Settings

    # argparse has no public way to list a parser's subcommands and their options.
    commands = next(
        action
        for action in command_line_parser()._actions
        if isinstance(action, argparse._SubParsersAction)
    )
    flags = {
        option
        for command in commands.choices.values()
        for action in command._actions
        for option in action.option_strings
        if option.startswith("--") and option != "--help"
    }
    variables = []
    for setting in Settings.model_fields.values():
        alias = setting.validation_alias
        variables.append(alias.choices[0] if isinstance(alias, AliasChoices) else alias)
    text = documentation()

    missing = [
        name
        for name in [*(spec.name for spec in all_tools()), *sorted(flags), *variables]
        if f"`{name}" not in text and f"{name}`" not in text
    ]
    assert missing == []


@pytest.mark.parametrize("page", ["README.md", "docs/configuration.md"])
def test_the_configuration_tables_are_the_ones_the_settings_declare(page: str) -> None:
    """The README's and docs/configuration.md's tables of variables and flags are made from
    the code; a stale one names the command that brings it up to date."""
    from case_mcp.config import SECTIONS, refreshed

    text = (ROOT / page).read_text(encoding="utf-8")

    assert "<!-- configuration table (" in text
    assert text == refreshed(text, SECTIONS), (
        f"{page}'s configuration table is stale; regenerate it with: "
        "python -m case_mcp.config README.md docs/configuration.md"
    )


LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")


def anchors(path: Path) -> set[str]:
    """The anchors a Markdown page's headings get on GitHub."""
    headings = re.findall(r"^#+ (.+)$", path.read_text(encoding="utf-8"), flags=re.MULTILINE)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-") for heading in headings
    }


def test_every_relative_link_leads_to_a_file_and_heading_that_exist() -> None:
    """A link to a file of the repository, or to a heading, finds it."""
    broken = []
    for page in [
        *DOCUMENTS,
        *(ROOT / name for name in ("BENCHMARKS.md", "CHANGELOG.md", "CONTRIBUTING.md")),
    ]:
        for target in LINK.findall(page.read_text(encoding="utf-8")):
            if re.match(r"[a-z]+:", target):
                continue
            file, _, anchor = target.partition("#")
            linked = (page.parent / file).resolve() if file else page
            if not linked.exists() or (anchor and anchor not in anchors(linked)):
                broken.append(f"{page_id(page)}: {target}")
    assert broken == []


def test_pages_for_users_name_no_private_module() -> None:
    """Only the design page names internal modules; the others say what to run instead."""
    private = re.compile(r"case_mcp(\.\w+)*\._\w+|\b_\w+\.py\b|\b_render\b")
    named = [
        f"{page_id(page)}: {match.group(0)}"
        for page in DOCUMENTS
        if page.name != "design.md"
        for match in private.finditer(page.read_text(encoding="utf-8"))
    ]
    assert named == []
