"""The release: what `python -m build` makes, and that it installs and runs as the README says.

The wheel and the sdist are built once per session (tests/release.py). The wheel is then
installed the way every client snippet of the README runs the server, `uvx`, into a fresh
environment that sees nothing of this checkout.
"""

from __future__ import annotations

import json
import re
import subprocess
import tarfile
import tomllib
import zipfile
from email.message import Message
from email.parser import HeaderParser
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from inventory import default_tools
from release import INSTALL_TIMEOUT, ROOT, Release, build_release, release_tools

PYPROJECT: dict[str, Any] = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
VERSION: str = PYPROJECT["project"]["version"]
SERVER_NAME: str = json.loads((ROOT / "manifests" / "server.json").read_text(encoding="utf-8"))[
    "name"
]


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Release:
    """The wheel and sdist of this checkout, built once for the whole session."""
    uvx = release_tools()
    return build_release(tmp_path_factory.mktemp("dist"), uvx)


def wheel_metadata(release: Release) -> Message:
    with zipfile.ZipFile(release.wheel) as wheel:
        text = wheel.read(f"case_mcp-{VERSION}.dist-info/METADATA").decode()
    return HeaderParser().parsestr(text)


def sdist_members(release: Release) -> dict[str, tarfile.TarInfo]:
    """The sdist's files, by their path under its top directory."""
    with tarfile.open(release.sdist) as sdist:
        return {member.name.partition("/")[2]: member for member in sdist.getmembers()}


def sdist_metadata(release: Release) -> Message:
    with tarfile.open(release.sdist) as sdist:
        member = sdist.extractfile(f"case_mcp-{VERSION}/PKG-INFO")
        assert member is not None
        return HeaderParser().parsestr(member.read().decode())


def declares_mcp_name(description: str, name: str) -> bool:
    """The registry's ownership check of a PyPI package, over its description (the README).

    It looks for ``mcp-name: <name>`` ending where a server name cannot go on, so that a
    longer name with ours as its prefix is not taken for ours
    (modelcontextprotocol/registry, internal/validators/registries/mcpname.go).
    """
    return re.search(rf"mcp-name: {re.escape(name)}(?![a-zA-Z0-9._/-])", description) is not None


def uvx(release: Release, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Run a command of the built wheel in a fresh environment, as ``uvx --from <wheel>``."""
    return subprocess.run(
        [*release.uvx, "--isolated", "--from", str(release.wheel), *arguments],
        env=release.environment,
        cwd=release.wheel.parent,  # nowhere near the source tree
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
        timeout=INSTALL_TIMEOUT,
    )


@pytest.mark.parametrize("read", [wheel_metadata, sdist_metadata], ids=["wheel", "sdist"])
def test_the_built_metadata_is_complete(release: Release, read: Any) -> None:
    """Both artefacts name the version, licence, URLs, classifiers and keywords of pyproject,
    and their description is the README, which carries the registry's ownership marker."""
    metadata: Message = read(release)
    project = PYPROJECT["project"]

    assert metadata["Name"] == "case-mcp"
    assert metadata["Version"] == VERSION
    assert metadata["Summary"] == project["description"]
    assert metadata["License-Expression"] == "Apache-2.0"
    assert metadata.get_all("License-File") == ["LICENSE"]
    assert metadata["Requires-Python"] == ">=3.11"
    assert metadata.get_all("Classifier") == project["classifiers"]
    assert sorted(metadata["Keywords"].split(",")) == sorted(project["keywords"])
    urls = dict(entry.split(", ", 1) for entry in metadata.get_all("Project-URL") or [])
    assert set(urls) == {"Homepage", "Documentation", "Source", "Issues", "Changelog"}
    assert all(url.startswith("https://github.com/case-mcp/case-mcp") for url in urls.values())
    assert metadata["Description-Content-Type"] == "text/markdown"
    description = metadata.get_payload()
    assert isinstance(description, str)
    assert description.strip() == (ROOT / "README.md").read_text(encoding="utf-8").strip()
    assert declares_mcp_name(description, SERVER_NAME)


def test_the_ownership_check_takes_only_the_whole_name() -> None:
    """The marker check accepts our name in a comment and refuses a longer name it prefixes."""
    assert declares_mcp_name(f"<!-- mcp-name: {SERVER_NAME} -->", SERVER_NAME)
    assert declares_mcp_name(f"mcp-name: {SERVER_NAME}", SERVER_NAME)
    assert not declares_mcp_name(f"mcp-name: {SERVER_NAME}-evil", SERVER_NAME)
    assert not declares_mcp_name(f"mcp-name:{SERVER_NAME}", SERVER_NAME)


def test_the_wheel_holds_the_licence_and_every_file_the_server_reads(release: Release) -> None:
    """The licence, the typing marker, the tool definitions, the demo organisation and each
    view's page parts are in the wheel, since the installed server reads them at run time."""
    with zipfile.ZipFile(release.wheel) as wheel:
        names = set(wheel.namelist())
    package = ROOT / "src" / "case_mcp"
    data_files = {
        f"case_mcp/{path.relative_to(package).as_posix()}"
        for path in package.rglob("*")
        if path.is_file() and path.suffix in {".json", ".html", ".css", ".js", ".typed"}
    }

    assert f"case_mcp-{VERSION}.dist-info/licenses/LICENSE" in names
    assert {
        "case_mcp/py.typed",
        "case_mcp/server/tools/definitions.json",
        "case_mcp/sandbox/demo_org.json",
        "case_mcp/server/apps/page.html",
    } <= data_files
    assert data_files <= names
    assert not any(name.startswith(("tests/", "docs/", "manifests/")) for name in names)


def test_the_sdist_holds_what_builds_tests_and_documents_the_release(release: Release) -> None:
    """The sdist rebuilds the package and runs its tests, and every file the README links to
    is in it; CI's own script is not."""
    members = sdist_members(release)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    linked = {
        target.split("#")[0]
        for target in re.findall(r"\]\(([^)\s]+)\)", readme)
        if not target.startswith(("https:", "http:", "#", "mailto:"))
    }

    assert {"pyproject.toml", "PKG-INFO", "README.md", "LICENSE", "CHANGELOG.md"} <= set(members)
    assert {
        "src/case_mcp/server/tools/definitions.json",
        "tests/conftest.py",
        "tests/release.py",
        "tests/test_release.py",
        "tests/schemas/server.schema.json",
        "manifests/server.json",
    } <= set(members)
    missing = [
        target for target in sorted(linked) if not any(m.startswith(target) for m in members)
    ]
    assert missing == []
    assert not any(name.startswith((".ci/", ".git/")) for name in members)


def test_uvx_from_the_wheel_runs_the_demo(release: Release) -> None:
    """`uvx --from <wheel> case-mcp demo` installs it into a fresh environment and prints the
    walkthrough over the embedded sandbox."""
    finished = uvx(release, "case-mcp", "demo")

    assert finished.returncode == 0, finished.stderr[-3000:]
    assert finished.stdout.startswith("case_mcp demo: the calls an AI assistant makes")
    assert "> list_projects {}" in finished.stdout
    assert "Connect your assistant: `case-mcp serve --sandbox`" in finished.stdout


def test_the_installed_command_prints_the_release_version(release: Release) -> None:
    """`case-mcp --version` from the installed wheel prints pyproject's version."""
    finished = uvx(release, "case-mcp", "--version")

    assert finished.returncode == 0, finished.stderr[-3000:]
    assert finished.stdout.strip() == f"case-mcp {VERSION}"


@pytest.mark.anyio
async def test_the_installed_server_answers_an_mcp_client_on_stdio(release: Release) -> None:
    """`case-mcp serve --sandbox` run by uvx from the wheel lists its tools and reads a case
    for an MCP client over stdio, as an assistant configured from the README does."""
    server = StdioServerParameters(
        command=release.uvx[0],
        args=[
            *release.uvx[1:],
            "--isolated",
            "--from",
            str(release.wheel),
            "case-mcp",
            "serve",
            "--sandbox",
        ],
        env=release.environment,
        cwd=release.wheel.parent,
    )
    async with Client(server) as client:
        tools = {tool.name for tool in (await client.list_tools()).tools}
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert tools == {spec.name for spec in default_tools()}
    assert not answer.is_error
    assert answer.structured_content is not None
    assert answer.structured_content["key"] == "SEC-1"
