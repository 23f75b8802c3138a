"""The lookup toolset: list_case_types, list_custom_attributes, find_users."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

SECURITY = "00000000-0000-0000-0000-000000000003"


def text_of(answer: Any) -> str:
    return str(answer.content[0].text)


async def structured(mcp: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    answer = await mcp.call_tool(tool, arguments)
    assert not answer.is_error, text_of(answer)
    content: dict[str, Any] | None = answer.structured_content
    assert content is not None
    return content


async def test_case_types_come_with_the_status_names_each_offers(mcp: Client) -> None:
    """Standard has the default statuses; Change Request its own in-progress steps."""
    listed = await structured(mcp, "list_case_types")

    types = {case_type["name"]: case_type for case_type in listed["case_types"]}
    assert types["Standard"] == {
        "id": "00000000-0000-0000-0000-000000000001",
        "name": "Standard",
        "description": "General tasks and investigations",
        "statuses": {"open": ["Open"], "in_progress": ["In Progress"], "closed": ["Closed"]},
    }
    assert types["Change Request"]["statuses"]["in_progress"] == [
        "Pending Approval",
        "Approved",
        "Implementing",
    ]


async def test_all_custom_attributes_are_listed_with_their_case_type(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Without a case type, every definition is listed, each naming its type."""
    listed = await structured(mcp, "list_custom_attributes")

    attributes = listed["custom_attributes"]
    assert len(attributes) == len(sandbox.store.get_all_custom_attributes())
    assert all(attribute["case_type"] for attribute in attributes)


async def test_one_case_types_custom_attributes_by_name(mcp: Client) -> None:
    """A type name narrows the list; SELECT attributes carry their options."""
    listed = await structured(mcp, "list_custom_attributes", case_type="security")

    attributes = {attribute["key"]: attribute for attribute in listed["custom_attributes"]}
    assert {attribute["case_type_id"] for attribute in attributes.values()} == {SECURITY}
    assert attributes["cvss_score"] == {
        "key": "cvss_score",
        "display_name": "CVSS score",
        "type": "NUMBER",
        "is_multi": False,
        "case_type": "Security",
        "case_type_id": SECURITY,
    }
    assert attributes["attack_techniques"]["options"]


async def test_an_unknown_case_type_says_it_was_not_found_and_lists_the_types(
    mcp: Client,
) -> None:
    """The error names the bad type and the types that exist."""
    answer = await mcp.call_tool("list_custom_attributes", {"case_type": "Bogus"})

    assert answer.is_error
    assert "'Bogus' was not found" in text_of(answer)
    assert "Standard" in text_of(answer)


async def test_find_users_matches_part_of_a_name(mcp: Client) -> None:
    """'okafor' finds Daniel Okafor, with his id and email, the email said once."""
    found = await structured(mcp, "find_users", query="okafor")

    assert found == {
        "users": [
            {
                "id": found["users"][0]["id"],
                "name": "Daniel Okafor",
                "email": "daniel.okafor@demo-org.example",
                "status": "Active",
            }
        ],
        "total": 1,
        "page": 1,
        "has_more": False,
    }


async def test_find_users_says_when_more_pages_hold_matches(mcp: Client) -> None:
    """A page smaller than the match count says has_more and names the next page."""
    first = await structured(mcp, "find_users", page_size=5)
    last = await structured(mcp, "find_users", page_size=5, page=first["total"] // 5 + 1)

    assert (first["has_more"], first["next_page"], len(first["users"])) == (True, 2, 5)
    assert last["has_more"] is False
    assert len(last["users"]) == first["total"] % 5


async def test_no_matching_user_is_an_empty_list_not_an_error(mcp: Client) -> None:
    """No match is an answer: no users, total 0."""
    found = await structured(mcp, "find_users", query="nobody-has-this-name")

    assert found == {"users": [], "total": 0, "page": 1, "has_more": False}


async def test_a_user_page_size_out_of_bounds_is_refused(mcp: Client) -> None:
    """page_size 0 is refused before any call, with the bound."""
    answer = await mcp.call_tool("find_users", {"query": "maya", "page_size": 0})

    assert answer.is_error
    assert "page_size is too small: it takes a whole number from 1 to 100." in text_of(answer)


async def test_a_user_query_that_is_not_text_is_refused(mcp: Client) -> None:
    """A list where the query belongs is a validation error."""
    answer = await mcp.call_tool("find_users", {"query": ["maya"]})

    assert answer.is_error
    assert "query has the wrong type: it takes a string of at most 200 characters." in (
        text_of(answer)
    )
