"""Creating and changing cases through the MCP tools, read back from the sandbox."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from case_mcp.client import CaseManagementClient
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server

pytestmark = pytest.mark.anyio

MAYA = "maya.chen@demo-org.example"
STANDARD = "00000000-0000-0000-0000-000000000001"


def error_text(answer: CallToolResult) -> str:
    assert answer.is_error
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


async def call(mcp: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    answer = await mcp.call_tool(tool, arguments)
    assert not answer.is_error, answer.content
    assert answer.structured_content is not None
    return dict(answer.structured_content)


@asynccontextmanager
async def connected(sandbox: Sandbox) -> AsyncIterator[Client]:
    server = create_server(
        lambda: CaseManagementClient(
            base_url="http://sandbox.invalid",
            api_key="test-api-key",
            app_key="test-app-key",
            transport=sandbox.transport(),
        )
    )
    async with Client(server) as client:
        yield client


# create_case -------------------------------------------------------------------------------


async def test_create_case_files_a_standard_case_with_its_assignee_and_values(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A new case lands in the project, typed Standard, assigned, its custom values normalised."""
    case = await call(
        mcp,
        "create_case",
        {
            "title": "Checkout 5xx above 2%",
            "project": "ops",
            "priority": "P2",
            "description": "Since the 14:05 deploy.",
            "assignee": MAYA,
            "custom_attributes": {"impact_users": "120", "aws_region": "US-EAST-1"},
        },
    )

    stored = sandbox.store.get_case(case["key"])
    assert case["key"].startswith("OPS-")
    assert (case["type"], case["priority"], case["status"]) == ("Standard", "P2", "Open")
    assert "status_name" not in case  # one name for the status
    assert case["assignee"] == MAYA
    assert case["custom_attributes"] == {"impact_users": 120, "aws_region": "us-east-1"}
    assert (stored["title"], stored["description"], stored["type_id"]) == (
        "Checkout 5xx above 2%",
        "Since the 14:05 deploy.",
        STANDARD,
    )
    assert stored["custom_attributes"] == {
        "impact_users": {"type": "NUMBER", "is_multi": False, "value": 120},
        "aws_region": {"type": "SELECT", "is_multi": False, "value": "us-east-1"},
    }


async def test_create_case_takes_a_case_type_by_name(mcp: Client) -> None:
    """The case type may be named in any case; its statuses and attributes then apply."""
    case = await call(
        mcp,
        "create_case",
        {
            "title": "Rotate the VPN certificates",
            "project": "OPS",
            "case_type": "change request",
            "custom_attributes": {"risk_level": "low", "affected_services": "vpn"},
        },
    )

    assert case["type"] == "Change Request"
    assert case["custom_attributes"] == {"risk_level": "low", "affected_services": ["vpn"]}


async def test_create_case_without_a_project_names_the_projects_to_choose_from(
    mcp: Client, sandbox: Sandbox
) -> None:
    """With several projects and none given, the error lists them and nothing is created."""
    before = sandbox.store.search_cases(query="archived:true OR -archived:true")[1]

    text = error_text(await mcp.call_tool("create_case", {"title": "Somewhere"}))

    assert "APP (Web Platform), ET (Error Tracking), OPS (Operations), SEC (" in text
    assert sandbox.store.search_cases(query="archived:true OR -archived:true")[1] == before


async def test_create_case_without_a_project_uses_the_only_project() -> None:
    """An organisation with a single project needs no project argument."""
    with Sandbox(seed=False, rate_limit=None) as sandbox:
        sandbox.store.create_case_type(
            name="Standard", type_id=STANDARD, internal=True, wire_type="STANDARD"
        )
        sandbox.store.create_project(key="ONLY", name="The only one", actor_id=Sandbox.ACTOR_ID)
        async with connected(sandbox) as mcp:
            case = await call(mcp, "create_case", {"title": "First case"})

    assert case["key"] == "ONLY-1"
    assert case["key"].startswith("ONLY-")


async def test_create_case_in_an_unknown_project_lists_the_project_keys(mcp: Client) -> None:
    """A project that does not exist is named back, with the keys that do."""
    text = error_text(await mcp.call_tool("create_case", {"title": "x", "project": "NOPE"}))

    assert "'NOPE' was not found" in text
    assert "APP, ET, OPS, SEC" in text


async def test_create_case_with_an_unknown_case_type_lists_the_types(mcp: Client) -> None:
    """A case type that does not exist is named back, with the names that do."""
    text = error_text(
        await mcp.call_tool("create_case", {"title": "x", "project": "OPS", "case_type": "Bug"})
    )

    assert "Case type 'Bug' was not found" in text
    assert "Postmortem, Security, Standard" in text


async def test_create_case_with_an_unknown_assignee_says_how_to_find_people(mcp: Client) -> None:
    """An assignee nobody matches is refused with a pointer to find_users."""
    text = error_text(
        await mcp.call_tool(
            "create_case", {"title": "x", "project": "OPS", "assignee": "nobody@nowhere.example"}
        )
    )

    assert "No user matches 'nobody@nowhere.example'" in text
    assert "find_users" in text


async def test_create_case_refuses_a_custom_value_that_does_not_fit(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A SELECT value outside its options is refused, naming the options; no case is made."""
    before = sandbox.store.search_cases(query="project:OPS")[1]

    text = error_text(
        await mcp.call_tool(
            "create_case",
            {"title": "x", "project": "OPS", "custom_attributes": {"aws_region": "mars-1"}},
        )
    )

    assert "'aws_region' takes one of 'us-east-1', 'us-west-2'" in text
    assert "'mars-1' is not one of them" in text
    assert sandbox.store.search_cases(query="project:OPS")[1] == before


# Title, description, priority --------------------------------------------------------------


async def test_update_case_title_retitles_the_case(mcp: Client, sandbox: Sandbox) -> None:
    """The new title is stored and returned."""
    case = await call(mcp, "update_case_title", {"case_id": "OPS-21", "title": "Too many pages"})

    assert case["title"] == sandbox.store.get_case("OPS-21")["title"] == "Too many pages"


async def test_update_case_description_replaces_the_description(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The description is replaced, not appended to."""
    case = await call(
        mcp, "update_case_description", {"case_id": "OPS-21", "description": "Only this."}
    )

    assert case["description"] == sandbox.store.get_case("OPS-21")["description"] == "Only this."


async def test_update_case_priority_sets_the_priority(mcp: Client, sandbox: Sandbox) -> None:
    """The new priority is stored and returned."""
    case = await call(mcp, "update_case_priority", {"case_id": "APP-8", "priority": "P1"})

    assert case["priority"] == sandbox.store.get_case("APP-8")["priority"] == "P1"


# Status ------------------------------------------------------------------------------------


async def test_a_status_group_moves_the_case_to_its_types_default_status(
    mcp: Client, sandbox: Sandbox
) -> None:
    """IN_PROGRESS on a Change Request means its in-progress default, Pending Approval."""
    case = await call(mcp, "update_case_status", {"case_id": "OPS-29", "status": "IN_PROGRESS"})

    stored = sandbox.store.get_case("OPS-29")
    assert case["status"] == "Pending Approval"
    assert "status_name" not in case  # one name for the status
    assert (stored["status_name"], stored["status_group"]) == ("Pending Approval", "SG_IN_PROGRESS")


async def test_a_status_name_is_matched_whatever_its_case(mcp: Client, sandbox: Sandbox) -> None:
    """'approved' is the Change Request status 'Approved'."""
    case = await call(mcp, "update_case_status", {"case_id": "OPS-29", "status_name": "approved"})

    assert case["status"] == sandbox.store.get_case("OPS-29")["status_name"] == "Approved"


async def test_closing_a_case_sets_when_it_was_closed(mcp: Client) -> None:
    """CLOSED on a Standard case closes it, with a closed_at date."""
    case = await call(mcp, "update_case_status", {"case_id": "OPS-21", "status": "CLOSED"})

    assert case["status"] == "Closed"
    assert case["closed_at"]


async def test_an_unknown_status_name_lists_the_statuses_of_the_case_type(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A status the type does not offer is refused with the type's statuses by group."""
    text = error_text(
        await mcp.call_tool("update_case_status", {"case_id": "OPS-29", "status_name": "Done"})
    )

    assert text.endswith(
        "Case type 'Change Request' has no status 'Done'. Its statuses are open: 'Open'; "
        "in progress: 'Pending Approval', 'Approved', 'Implementing'; "
        "closed: 'Completed', 'Cancelled', 'Declined'."
    )
    assert sandbox.store.get_case("OPS-29")["status_name"] == "Open"


@pytest.mark.parametrize(
    "arguments", [{}, {"status": "OPEN", "status_name": "Open"}], ids=["neither", "both"]
)
async def test_update_case_status_needs_exactly_one_of_status_and_name(
    mcp: Client, arguments: dict[str, str]
) -> None:
    """Neither or both of status and status_name is refused, saying what to give."""
    text = error_text(await mcp.call_tool("update_case_status", {"case_id": "OPS-29", **arguments}))

    assert "Give either status (OPEN, IN_PROGRESS or CLOSED) or status_name." in text


# Assignee ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [MAYA, "MAYA.CHEN@demo-org.example", "a44c22d9-7b77-5b11-819e-a99378a52dec"],
    ids=["email", "email-any-case", "uuid"],
)
async def test_assign_case_takes_an_email_or_a_user_id(
    mcp: Client, sandbox: Sandbox, who: str
) -> None:
    """The assignee may be named by email (any case) or by user id."""
    case = await call(mcp, "assign_case", {"case_id": "OPS-21", "assignee": who})

    assert case["assignee"] == MAYA  # the email spells Maya Chen
    assert sandbox.store.get_case("OPS-21")["assignee_id"] == "a44c22d9-7b77-5b11-819e-a99378a52dec"


async def test_assign_case_to_an_unknown_user_id_says_so(mcp: Client) -> None:
    """A user id that does not exist is refused as a user, not as a missing case."""
    text = error_text(
        await mcp.call_tool(
            "assign_case",
            {"case_id": "OPS-21", "assignee": "00000000-0000-0000-0000-0000000000ff"},
        )
    )

    assert "No user has the id '00000000-0000-0000-0000-0000000000ff'" in text


async def test_unassign_case_leaves_the_case_without_assignee(
    mcp: Client, sandbox: Sandbox
) -> None:
    """After unassigning, the case has no assignee and the answer names none."""
    case = await call(mcp, "unassign_case", {"case_id": "OPS-26"})

    assert "assignee" not in case
    assert sandbox.store.get_case("OPS-26")["assignee_id"] is None


# Archive, project --------------------------------------------------------------------------


async def test_archive_and_unarchive_take_a_case_out_of_searches_and_back(
    mcp: Client, sandbox: Sandbox
) -> None:
    """An archived case has archived_at and leaves searches; unarchiving reverses both."""
    archived = await call(mcp, "archive_case", {"case_id": "APP-8"})
    hidden = await call(mcp, "search_cases", {"query": "key:APP-8"})

    restored = await call(mcp, "unarchive_case", {"case_id": "APP-8"})
    shown = await call(mcp, "search_cases", {"query": "key:APP-8"})

    assert archived["archived_at"]
    assert hidden["total"] == 0
    assert "archived_at" not in restored
    assert shown["total"] == 1
    assert sandbox.store.get_case("APP-8")["archived_at"] is None


async def test_move_case_to_project_gives_a_new_key_and_keeps_the_old_one(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The moved case has a key in its new project; the old key still finds it."""
    case = await call(mcp, "move_case_to_project", {"case_id": "OPS-21", "project": "app"})
    again = await call(mcp, "get_case", {"case_id": "OPS-21"})

    assert case["key"] == "APP-11"
    assert again["key"] == "APP-11"
    app = next(p for p in sandbox.store.get_projects() if p["key"] == "APP")
    assert sandbox.store.get_case("OPS-21")["project_id"] == app["id"]


async def test_move_case_to_an_unknown_project_lists_the_project_keys(mcp: Client) -> None:
    """A target project that does not exist is named back with the keys that do."""
    text = error_text(
        await mcp.call_tool("move_case_to_project", {"case_id": "OPS-21", "project": "NOPE"})
    )

    assert "Project 'NOPE' was not found" in text
    assert "APP, ET, OPS, SEC" in text
