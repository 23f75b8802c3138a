"""The projects toolset: list_projects, get_project, create_project, delete_project."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

DEMO_KEYS = ["SEC", "OPS", "APP", "ET"]


def text_of(answer: Any) -> str:
    return str(answer.content[0].text)


async def structured(mcp: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    answer = await mcp.call_tool(tool, arguments)
    assert not answer.is_error, text_of(answer)
    content: dict[str, Any] | None = answer.structured_content
    assert content is not None
    return content


async def approved(mcp: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    """A delete as after a person approved its preview: called again with its token."""
    preview = await structured(mcp, tool, **arguments)
    token = preview["confirmation_token"]
    return await structured(mcp, tool, **arguments, confirmation_token=token)


async def test_list_projects_gives_every_project_with_key_name_and_id(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Each project is its id, key and name, nothing more."""
    listed = await structured(mcp, "list_projects")

    assert listed == {
        "projects": [
            {"id": project["id"], "key": project["key"], "name": project["name"]}
            for project in sandbox.store.get_projects()
        ]
    }
    assert [project["key"] for project in listed["projects"]] == DEMO_KEYS


async def test_get_project_finds_a_project_by_key_in_any_case_or_by_id(mcp: Client) -> None:
    """sec, SEC and the UUID name the same project."""
    by_key = await structured(mcp, "get_project", project="sec")
    by_id = await structured(mcp, "get_project", project=by_key["id"])

    assert by_key == by_id
    assert by_key["key"] == "SEC"
    assert by_key["name"] == "Security Investigations"


async def test_an_unknown_project_says_it_was_not_found_and_lists_the_keys(mcp: Client) -> None:
    """The error names the bad key and every project key that exists."""
    answer = await mcp.call_tool("get_project", {"project": "NOPE"})

    assert answer.is_error
    assert "'NOPE' was not found" in text_of(answer)
    assert "APP, ET, OPS, SEC" in text_of(answer)


async def test_create_project_upper_cases_the_key_and_lists_the_new_project(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A new project is in the sandbox and in list_projects straight away."""
    created = await structured(mcp, "create_project", key="net", name="Network Operations")

    assert created["key"] == "NET"
    assert created["name"] == "Network Operations"
    assert created["id"] in {project["id"] for project in sandbox.store.get_projects()}
    listed = await structured(mcp, "list_projects")
    assert created in listed["projects"]


async def test_a_taken_project_key_is_refused_with_the_reason(mcp: Client) -> None:
    """Creating a second SEC says the key exists."""
    answer = await mcp.call_tool("create_project", {"key": "SEC", "name": "Again"})

    assert answer.is_error
    assert "already exists" in text_of(answer)


async def test_a_malformed_project_key_is_refused_before_any_call(mcp: Client) -> None:
    """A key must start with a letter; the error quotes the pattern."""
    answer = await mcp.call_tool("create_project", {"key": "1ST", "name": "First"})

    assert answer.is_error
    assert "it takes a string matching ^[A-Za-z][A-Za-z0-9]{0,9}$." in text_of(answer)


async def test_a_project_name_that_is_not_text_is_refused(mcp: Client) -> None:
    """A number where the name belongs is a validation error."""
    answer = await mcp.call_tool("create_project", {"key": "NUM", "name": 7})

    assert answer.is_error
    assert "name has the wrong type: it takes a string of 1 to 200 characters." in text_of(answer)


async def test_delete_project_says_how_many_cases_it_held_and_removes_it(
    token_mcp: Client, sandbox: Sandbox
) -> None:
    """The outcome counts the project's cases, archived ones included; the project is gone."""
    _, held = sandbox.store.search_cases(query="project:ET archived:any")

    outcome = await approved(token_mcp, "delete_project", project="ET")

    assert outcome["deleted"] is True
    assert outcome["message"] == (
        f'Deleted project ET, named "Error Tracking", which held {held} cases.'
    )
    assert "ET" not in {project["key"] for project in sandbox.store.get_projects()}
    listed = await structured(token_mcp, "list_projects")
    assert [project["key"] for project in listed["projects"]] == ["SEC", "OPS", "APP"]


async def test_deleting_an_empty_project_says_it_held_no_cases(token_mcp: Client) -> None:
    """A project without cases is deleted with a count of zero."""
    await structured(token_mcp, "create_project", key="TMP", name="Scratch")

    outcome = await approved(token_mcp, "delete_project", project="TMP")

    assert outcome["message"] == 'Deleted project TMP, named "Scratch", which held 0 cases.'


async def test_deleting_an_unknown_project_lists_the_keys_and_deletes_nothing(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A bad key is refused with the keys that exist; every project stays."""
    answer = await mcp.call_tool("delete_project", {"project": "GONE"})

    assert answer.is_error
    assert "'GONE' was not found" in text_of(answer)
    assert [project["key"] for project in sandbox.store.get_projects()] == DEMO_KEYS


async def test_projects_changed_elsewhere_show_at_once(mcp: Client, sandbox: Sandbox) -> None:
    """A project another replica or person created or deleted is listed (or gone) at once."""
    await structured(mcp, "list_projects")  # the server now holds a copy of the list
    sandbox.store.create_project(key="NET", name="Network", actor_id=Sandbox.ACTOR_ID)
    gone = next(p for p in sandbox.store.get_projects() if p["key"] == "APP")
    sandbox.store.delete_project(gone["id"], actor_id=Sandbox.ACTOR_ID)

    answer = await mcp.call_tool("get_project", {"project": "APP"})
    keys = {project["key"] for project in (await structured(mcp, "list_projects"))["projects"]}

    assert answer.is_error
    assert "APP" in text_of(answer)
    assert keys == {"SEC", "OPS", "ET", "NET"}
