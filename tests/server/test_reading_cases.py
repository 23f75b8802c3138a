"""Reading cases through the MCP tools: get_case and search_cases."""

from __future__ import annotations

import json

import pytest
from mcp import Client

from case_mcp.sandbox import Sandbox
from guarded import ok

pytestmark = pytest.mark.anyio


async def test_get_case_returns_one_flat_case_with_names_resolved(mcp: Client) -> None:
    """A case comes back flat: project key and assignee name, not ids to chase."""
    answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})

    assert not answer.is_error
    case = answer.structured_content
    assert case is not None
    assert case["key"] == "SEC-1"
    assert "project" not in case  # the key's prefix names it
    assert case["assignee"] == "daniel.okafor@demo-org.example"  # the email spells the name
    assert "creation_source" not in case  # the SECURITY_SIGNAL insight says it
    assert case["insights"] == ["SECURITY_SIGNAL AQAAAZ82d7500c2adb51a4bb48595090"]
    assert case["type"] == "Security"


async def test_get_case_text_is_the_same_object_without_indentation(mcp: Client) -> None:
    """The text a model reads is the structured content as one compact line of JSON."""
    answer = await mcp.call_tool("get_case", {"case_id": "SEC-1"})

    text = answer.content[0].text  # type: ignore[union-attr]
    assert json.loads(text) == answer.structured_content
    assert "\n" not in text
    assert ": " not in text.split('"description"')[0]


async def test_get_case_drops_nulls_and_empty_values(mcp: Client) -> None:
    """Unset fields (an archived_at of a live case, empty maps) are left out, not null."""
    case = (await mcp.call_tool("get_case", {"case_id": "SEC-1"})).structured_content
    assert case is not None

    assert "archived_at" not in case
    assert all(value not in (None, "", [], {}) for value in case.values())


async def test_an_unknown_case_says_it_was_not_found_and_how_to_find_one(mcp: Client) -> None:
    """A bad key is a tool error naming the key and the tool that finds valid ones."""
    answer = await mcp.call_tool("get_case", {"case_id": "SEC-9999"})

    assert answer.is_error
    assert "SEC-9999" in answer.content[0].text  # type: ignore[union-attr]
    assert "search_cases" in answer.content[0].text  # type: ignore[union-attr]


async def test_search_says_how_many_match_and_whether_more_pages_exist(mcp: Client) -> None:
    """A page smaller than the match count says so, and names the next page."""
    first = (
        await mcp.call_tool("search_cases", {"status": "open", "page_size": 3})
    ).structured_content
    assert first is not None

    assert first["total"] > 3
    assert len(first["cases"]) == 3
    assert first["has_more"] is True
    assert first["next_page"] == 2


async def test_search_shortcuts_combine_with_the_query(mcp: Client) -> None:
    """status, priority and project shortcuts narrow the query like facets."""
    found = (
        await mcp.call_tool(
            "search_cases", {"project": "sec", "status": "closed", "page_size": 100}
        )
    ).structured_content
    assert found is not None

    assert found["total"] == len(found["cases"]) > 0
    assert {case["project"] for case in found["cases"]} == {"SEC"}


async def test_a_search_with_no_match_is_an_empty_list_not_an_error(mcp: Client) -> None:
    """No match is an answer: total 0 and an empty list."""
    answer = await mcp.call_tool("search_cases", {"query": '"no case has this phrase"'})

    assert not answer.is_error
    assert answer.structured_content == {
        "total": 0,
        "page": 1,
        "page_size": 25,
        "has_more": False,
        "cases": [],
    }


async def test_a_bad_enum_value_lists_the_valid_ones(mcp: Client) -> None:
    """An unknown priority is refused before any call, with the accepted values."""
    answer = await mcp.call_tool("search_cases", {"priority": "P9"})

    assert answer.is_error
    assert "'P1', 'P2', 'P3', 'P4', 'P5' or 'NOT_DEFINED'" in answer.content[0].text  # type: ignore[union-attr]


# Shortcuts are values, never query text ---------------------------------------------------------


async def test_quotes_in_the_assignee_shortcut_cannot_add_terms_to_the_query(mcp: Client) -> None:
    """assignee 'x" OR project:OPS OR "y' names one (unknown) person; it finds no case."""
    found = await ok(mcp, "search_cases", {"assignee": 'x" OR project:OPS OR "y'})

    assert (found["total"], found["cases"]) == (0, [])


@pytest.mark.parametrize("name", ['Ann "Ace" O\\Neil', "Trailing Backslash\\", 'Quote"'])
async def test_the_assignee_shortcut_finds_a_name_holding_quotes_and_backslashes(
    mcp: Client, sandbox: Sandbox, name: str
) -> None:
    """A person whose name holds " or \\ is found by the name as written."""
    person = sandbox.store.create_user(email="ann.oneil@demo-org.example", name=name)
    sandbox.store.assign_case("SEC-3", person["id"], actor_id=sandbox.ACTOR_ID)

    found = await ok(mcp, "search_cases", {"assignee": name})

    assert [case["key"] for case in found["cases"]] == ["SEC-3"]


# One vocabulary: what a search row and get_case say of a case, and what tools take back ------


async def test_a_search_row_says_status_and_assignee_as_get_case_does(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Every row's status and assignee read exactly as that case's get_case answer has them."""
    person = sandbox.store.create_user(email="ann@demo-org.example", name="Ann O'Neil")
    sandbox.store.assign_case("OPS-27", person["id"], actor_id=sandbox.ACTOR_ID)
    found = await ok(mcp, "search_cases", {"query": "archived:any", "page_size": 100})

    assert found["total"] == len(found["cases"]) > 50
    for row in found["cases"]:
        case = await ok(mcp, "get_case", {"case_id": row["key"]})
        assert (row.get("status"), row.get("assignee")) == (
            case.get("status"),
            case.get("assignee"),
        ), row["key"]
    (approved,) = [row for row in found["cases"] if row["key"] == "OPS-27"]
    assert (approved["status"], approved["assignee"]) == (
        "Approved",
        "Ann O'Neil <ann@demo-org.example>",
    )


async def test_the_status_and_assignee_read_are_what_the_tools_take(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The status and person a case shows find it again and can be sent back unchanged."""
    person = sandbox.store.create_user(email="ann@demo-org.example", name="Ann O'Neil")
    sandbox.store.assign_case("OPS-27", person["id"], actor_id=sandbox.ACTOR_ID)
    case = await ok(mcp, "get_case", {"case_id": "OPS-27"})

    by_assignee = await ok(mcp, "search_cases", {"assignee": case["assignee"]})
    by_status = await ok(
        mcp, "search_cases", {"query": f'status:"{case["status"]}" project:OPS', "page_size": 100}
    )
    restated = await ok(
        mcp, "update_case_status", {"case_id": "OPS-27", "status_name": case["status"]}
    )
    reassigned = await ok(mcp, "assign_case", {"case_id": "OPS-27", "assignee": case["assignee"]})

    assert [row["key"] for row in by_assignee["cases"]] == ["OPS-27"]
    assert "OPS-27" in [row["key"] for row in by_status["cases"]]
    assert restated == case
    assert reassigned == case
