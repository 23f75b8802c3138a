"""manifests/ and the README: what other programs and people read stays true to the server."""

from __future__ import annotations

import json
import re
from importlib.metadata import distribution, entry_points
from pathlib import Path
from typing import Any

import anyio
import pytest
from pydantic import AliasChoices, SecretStr

from case_mcp import __version__
from case_mcp.cli import _parser
from case_mcp.config import SITES, Settings
from case_mcp.server._manifest import REGENERATE, get_case_costs, manifest_text
from case_mcp.server.tools import all_tools

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "manifests"
README = (ROOT / "README.md").read_text(encoding="utf-8")
CLIENTS = ("claude-desktop", "claude-code", "vscode", "cursor")
PACKAGE = distribution("case-mcp").metadata["Name"]


def load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def server_json() -> dict[str, Any]:
    document: dict[str, Any] = load(MANIFESTS / "server.json")
    return document


def settings_variables() -> dict[str, bool]:
    """Every environment variable the settings read, and whether it holds a secret."""
    variables = {}
    for field in Settings.model_fields.values():
        alias = field.validation_alias
        name = alias.choices[0] if isinstance(alias, AliasChoices) else alias
        assert isinstance(name, str)
        variables[name] = SecretStr in getattr(field.annotation, "__args__", (field.annotation,))
    return variables


def test_tools_json_is_what_the_server_lists_now() -> None:
    """The committed tool manifest matches the server; a stale one names the fix."""
    committed = (MANIFESTS / "tools.json").read_text(encoding="utf-8")

    assert committed == anyio.run(manifest_text), (
        f"manifests/tools.json is stale; regenerate it with: {REGENERATE}"
    )


def test_tools_json_holds_every_tool_with_its_schemas_and_annotations() -> None:
    """Each entry has the name, title, toolset, description, both schemas and annotations."""
    tools = load(MANIFESTS / "tools.json")["tools"]

    assert [tool["name"] for tool in tools] == [spec.name for spec in all_tools()]
    for tool in tools:
        assert set(tool) >= {
            "name",
            "title",
            "toolset",
            "description",
            "inputSchema",
            "outputSchema",
            "annotations",
        }


def test_server_json_offers_the_pypi_package_run_with_uvx_on_stdio() -> None:
    """The registry entry installs case-mcp from PyPI and starts `uvx case-mcp serve`."""
    (package,) = server_json()["packages"]

    assert package["registryType"] == "pypi"
    assert package["identifier"] == PACKAGE
    assert package["runtimeHint"] == "uvx"
    assert package["transport"] == {"type": "stdio"}
    assert package["packageArguments"] == [{"type": "positional", "value": "serve"}]


def test_server_json_versions_are_the_package_version() -> None:
    """The entry and its package carry the version being released."""
    document = server_json()

    assert document["version"] == document["packages"][0]["version"] == __version__


def test_server_json_follows_the_registry_rules() -> None:
    """Reverse-DNS name, a description of at most 100 characters, the 2025-12-11 schema."""
    document = server_json()

    assert re.fullmatch(r"[a-zA-Z0-9.-]+/[a-zA-Z0-9._-]+", document["name"])
    assert 1 <= len(document["description"]) <= 100
    assert document["$schema"].endswith("/schemas/2025-12-11/server.schema.json")


def test_the_readme_carries_the_registry_ownership_marker() -> None:
    """PyPI ownership is proved by `mcp-name: <name>` in the README the package publishes."""
    assert f"mcp-name: {server_json()['name']}" in README


def test_server_json_describes_every_variable_the_settings_read() -> None:
    """The same variables as `Settings`, each described, the keys and token marked secret."""
    (package,) = server_json()["packages"]
    declared = {variable["name"]: variable for variable in package["environmentVariables"]}

    assert {name: bool(v.get("isSecret")) for name, v in declared.items()} == settings_variables()
    assert all(variable["description"] for variable in declared.values())
    assert declared["DD_SITE"]["choices"] == list(SITES)


@pytest.mark.parametrize("client", CLIENTS)
def test_each_client_snippet_starts_the_installed_server(client: str) -> None:
    """Each snippet is valid JSON whose one server runs the `case-mcp serve` console script."""
    document = load(MANIFESTS / "clients" / f"{client}.json")
    servers = document.get("mcpServers") or document.get("servers")
    assert isinstance(servers, dict)
    ((_, server),) = servers.items()
    command, args = server["command"], server["args"]

    if command == "uvx":
        assert args[0] == PACKAGE
        command, args = args[0], args[1:]
    (script,) = entry_points(group="console_scripts", name=command)
    parsed = _parser().parse_args(args)

    assert script.value == "case_mcp.cli:main"
    assert parsed.command == "serve"


@pytest.mark.parametrize("client", CLIENTS)
def test_client_snippets_keep_keys_out_of_the_file(client: str) -> None:
    """Keys are placeholders or references to the environment or a prompt, never values."""
    document = load(MANIFESTS / "clients" / f"{client}.json")
    servers = document.get("mcpServers") or document.get("servers")
    ((_, server),) = servers.items()

    assert set(server["env"]) <= set(settings_variables())
    for name in ("DD_API_KEY", "DD_APP_KEY"):
        assert re.fullmatch(r"<[^>]+>|\$\{[^}]+\}", server["env"][name]), (client, name)


def test_the_vscode_snippet_prompts_for_every_input_it_uses_as_a_password() -> None:
    """Each ${input:...} in the VS Code snippet is declared, and declared as a password."""
    document = load(MANIFESTS / "clients" / "vscode.json")
    inputs = {entry["id"]: entry for entry in document["inputs"]}
    used = re.findall(r"\$\{input:([^}]+)\}", json.dumps(document["servers"]))

    assert set(used) == set(inputs)
    assert all(entry["password"] is True for entry in inputs.values())


def test_a_get_case_answer_is_smaller_than_datadogs_json_for_every_case() -> None:
    """Across the demo organisation, the model's text is shorter than the raw document."""
    costs = anyio.run(get_case_costs)

    assert len(costs) > 50
    assert all(0 < cost.answer < cost.raw for cost in costs)
