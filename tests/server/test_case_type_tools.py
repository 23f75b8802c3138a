"""Case type administration through the MCP tools: case types and their custom attributes."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from guarded import connected, error_text, ok, state_of

pytestmark = pytest.mark.anyio


def type_named(sandbox: Sandbox, name: str) -> dict[str, Any]:
    (found,) = [
        t for t in sandbox.store.get_all_case_types() if t["name"] == name and not t["deleted_at"]
    ]
    return found


def configs_of(sandbox: Sandbox, type_name: str) -> dict[str, dict[str, Any]]:
    type_id = type_named(sandbox, type_name)["id"]
    configs = sandbox.store.get_all_custom_attribute_configs_by_case_type(type_id)
    return {config["key"]: config for config in configs}


def a_case_of(sandbox: Sandbox, type_id: str) -> str:
    cases, _ = sandbox.store.search_cases(query=f"type:{type_id}", page_size=1)
    return str(cases[0]["key"])


async def test_a_created_case_type_can_be_chosen_for_a_case_right_away(
    mcp: Client, sandbox: Sandbox
) -> None:
    """create_case_type answers the type with Datadog's default statuses; list_case_types and
    create_case know it at once."""
    created = await ok(mcp, "create_case_type", {"name": "Vendor Review", "emoji": "🧾"})

    listed = await ok(mcp, "list_case_types", {})
    case = await ok(
        mcp, "create_case", {"title": "Review Acme", "project": "OPS", "case_type": "vendor review"}
    )
    assert created["name"] == "Vendor Review"
    assert created["emoji"] == "🧾"
    assert created["statuses"] == {
        "open": ["Open"],
        "in_progress": ["In Progress"],
        "closed": ["Closed"],
    }
    assert "Vendor Review" in [t["name"] for t in listed["case_types"]]
    assert case["type"] == "Vendor Review"
    assert type_named(sandbox, "Vendor Review")["id"] == created["id"]


async def test_a_case_type_name_in_use_is_refused(mcp: Client, sandbox: Sandbox) -> None:
    """Tools find case types by name, so a second type of the same name (any case) is refused,
    by create and by rename, and nothing changes."""
    before = state_of(sandbox)

    created = await mcp.call_tool("create_case_type", {"name": "security"})
    renamed = await mcp.call_tool(
        "update_case_type", {"case_type": "Postmortem", "name": "Change Request"}
    )

    for answer in (created, renamed):
        assert "already exists; tools find case types by name, so choose another name" in (
            error_text(answer)
        )
    assert state_of(sandbox) == before


async def test_updating_a_case_type_keeps_its_id_its_cases_and_what_is_not_given(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A rename keeps the id and the description; a description change keeps the name; the
    type's cases show the new name."""
    before = type_named(sandbox, "Postmortem")

    renamed = await ok(mcp, "update_case_type", {"case_type": "postmortem", "name": "Review"})
    described = await ok(
        mcp, "update_case_type", {"case_type": "Review", "description": "Blameless reviews"}
    )

    case = await ok(mcp, "get_case", {"case_id": a_case_of(sandbox, before["id"])})
    assert renamed["id"] == described["id"] == before["id"]
    assert renamed["description"] == before["description"]
    assert (described["name"], described["description"]) == ("Review", "Blameless reviews")
    assert described["emoji"] == before["emoji"]
    assert case["type"] == "Review"


async def test_an_unknown_case_type_is_named_with_the_ones_that_exist(mcp: Client) -> None:
    """The error names the type asked for and lists the types to choose from."""
    answer = await mcp.call_tool("update_case_type", {"case_type": "Incident", "emoji": "🔥"})

    text = error_text(answer)
    assert "Case type 'Incident' was not found" in text
    assert "Postmortem" in text


async def test_a_select_attribute_is_created_with_its_options_and_used_on_a_case(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The new attribute is listed with its options, and a case of the type takes a value."""
    created = await ok(
        mcp,
        "create_custom_attribute_config",
        {
            "case_type": "Security",
            "key": "data_class",
            "display_name": "Data class",
            "type": "SELECT",
            "options": ["public", "confidential"],
        },
    )

    listed = await ok(mcp, "list_custom_attributes", {"case_type": "Security"})
    await ok(
        mcp,
        "update_case_custom_attribute",
        {"case_id": "SEC-3", "key": "data_class", "value": "confidential"},
    )
    assert created == {
        "key": "data_class",
        "display_name": "Data class",
        "type": "SELECT",
        "is_multi": False,
        "case_type": "Security",
        "case_type_id": type_named(sandbox, "Security")["id"],
        "options": ["public", "confidential"],
    }
    assert created in listed["custom_attributes"]
    assert sandbox.store.get_case("SEC-3")["custom_attributes"]["data_class"]["value"] == (
        "confidential"
    )


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"type": "SELECT"}, "A SELECT attribute needs options: the values a case may hold."),
        ({"type": "TEXT", "options": ["a"]}, "options are for SELECT attributes only"),
        ({"type": "SELECT", "options": ["a", "a"]}, "options must be distinct values."),
        ({"type": "FLOAT"}, "type"),
        ({"type": "TEXT", "key": "has space"}, "key"),
    ],
)
async def test_a_bad_attribute_is_refused_saying_what_to_send(
    mcp: Client, sandbox: Sandbox, arguments: dict[str, Any], said: str
) -> None:
    """Options without SELECT, SELECT without options, an unknown type or a key with a space:
    refused in words naming what is wrong, and nothing is created."""
    before = state_of(sandbox)
    call = {"case_type": "Security", "key": "data_class", "display_name": "Data", **arguments}

    answer = await mcp.call_tool("create_custom_attribute_config", call)

    assert said in error_text(answer)
    assert state_of(sandbox) == before


async def test_a_key_the_type_has_is_a_conflict(mcp: Client, sandbox: Sandbox) -> None:
    """Creating an attribute whose key the type already has says to choose another key."""
    answer = await mcp.call_tool(
        "create_custom_attribute_config",
        {"case_type": "Security", "key": "cvss_score", "display_name": "CVSS", "type": "NUMBER"},
    )

    assert "already has an attribute with this key; choose another key" in error_text(answer)


async def test_updating_an_attribute_keeps_its_id_key_and_values(
    mcp: Client, sandbox: Sandbox
) -> None:
    """New options replace the old; the id, key and the cases' values stay."""
    before = configs_of(sandbox, "Change Request")["risk_level"]
    held = sandbox.store.get_case("OPS-29")["custom_attributes"]["risk_level"]

    changed = await ok(
        mcp,
        "update_custom_attribute_config",
        {
            "case_type": "Change Request",
            "key": "risk_level",
            "display_name": "Risk level",
            "options": ["low", "medium", "high", "critical"],
        },
    )

    after = configs_of(sandbox, "Change Request")["risk_level"]
    assert changed["display_name"] == after["display_name"] == "Risk level"
    assert changed["options"] == after["options"] == ["low", "medium", "high", "critical"]
    assert after["id"] == before["id"]
    assert sandbox.store.get_case("OPS-29")["custom_attributes"]["risk_level"] == held


async def test_an_unknown_attribute_key_is_named_with_the_keys_of_the_type(mcp: Client) -> None:
    """The error names the key asked for and lists the keys the type has."""
    answer = await mcp.call_tool(
        "update_custom_attribute_config",
        {"case_type": "Security", "key": "cvss", "display_name": "CVSS"},
    )

    text = error_text(answer)
    assert "has no custom attribute 'cvss'" in text
    assert "cvss_score" in text


async def test_the_deletes_show_what_they_touch(token_mcp: Client, sandbox: Sandbox) -> None:
    """A case type's delete shows how many cases have it; an attribute's, how many cases hold
    a value; neither deletes before a person approves."""
    before = state_of(sandbox)
    holding = sum(
        "affected_hosts" in case["custom_attributes"]
        for case in sandbox.store.search_cases(query="type:security archived:any", page_size=100)[0]
    )

    kind = await ok(token_mcp, "delete_case_type", {"case_type": "Postmortem"})
    attribute = await ok(
        token_mcp, "delete_custom_attribute_config", {"case_type": "Security", "key": "cve_ids"}
    )
    hosts = await ok(
        token_mcp,
        "delete_custom_attribute_config",
        {"case_type": "Security", "key": "affected_hosts"},
    )

    assert kind["preview"] == {
        "case_type": "Postmortem",
        "id": type_named(sandbox, "Postmortem")["id"],
        "cases": 4,
    }
    assert attribute["preview"]["cases"] == 2
    assert hosts["preview"]["cases"] == holding
    assert state_of(sandbox) == before


async def test_a_deleted_case_type_stays_on_its_cases(token_mcp: Client, sandbox: Sandbox) -> None:
    """Once approved, the type is gone from list_case_types; its cases still name it."""
    type_id = type_named(sandbox, "Postmortem")["id"]
    preview = await ok(token_mcp, "delete_case_type", {"case_type": "Postmortem"})

    deleted = await ok(
        token_mcp,
        "delete_case_type",
        {"case_type": "Postmortem", "confirmation_token": preview["confirmation_token"]},
    )

    listed = await ok(token_mcp, "list_case_types", {})
    case = await ok(token_mcp, "get_case", {"case_id": a_case_of(sandbox, type_id)})
    assert deleted["message"] == "Deleted case type Postmortem; the cases that had it keep it."
    assert "Postmortem" not in [t["name"] for t in listed["case_types"]]
    assert case["type"] == "Postmortem"


async def test_a_server_limited_to_projects_does_not_change_case_types(
    sandbox: Sandbox,
) -> None:
    """Case types are shared by every project: with --projects, every admin change is refused
    in words that say why, and nothing changes."""
    before = state_of(sandbox)
    calls = {
        "create_case_type": {"name": "Vendor Review"},
        "update_case_type": {"case_type": "Security", "emoji": "🔒"},
        "delete_case_type": {"case_type": "Security"},
        "create_custom_attribute_config": {
            "case_type": "Security",
            "key": "owner",
            "display_name": "Owner",
            "type": "TEXT",
        },
        "update_custom_attribute_config": {"case_type": "Security", "key": "cve_ids"},
        "delete_custom_attribute_config": {"case_type": "Security", "key": "cve_ids"},
    }
    async with connected(sandbox, ServerOptions(projects=["SEC"], confirm_mode="token")) as client:
        for tool, arguments in calls.items():
            answer = await client.call_tool(tool, arguments)
            assert "shared by every project" in error_text(answer), tool

    assert state_of(sandbox) == before


async def test_read_only_mode_refuses_every_case_type_change(sandbox: Sandbox) -> None:
    """In read-only mode the admin writes are refused in words that say so; nothing changes."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        answer = await client.call_tool("create_case_type", {"name": "Vendor Review"})
        update = await client.call_tool(
            "update_custom_attribute_config", {"case_type": "Security", "key": "cve_ids"}
        )

    assert error_text(answer).startswith("This server is read-only")
    assert error_text(update).startswith("This server is read-only")
    assert state_of(sandbox) == before


async def test_the_admin_toolset_is_off_unless_named(sandbox: Sandbox) -> None:
    """By default the admin tools are not offered; --toolsets admin offers them."""
    async with connected(sandbox, ServerOptions(toolsets=["cases"])) as client:
        default = {tool.name for tool in (await client.list_tools()).tools}
    async with connected(sandbox, ServerOptions(toolsets=["admin"])) as client:
        admin = {tool.name for tool in (await client.list_tools()).tools}

    assert "create_case_type" not in default
    assert admin >= {
        "create_case_type",
        "update_case_type",
        "delete_case_type",
        "create_custom_attribute_config",
        "update_custom_attribute_config",
        "delete_custom_attribute_config",
    }
