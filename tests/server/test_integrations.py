"""Links, incidents, Jira issues, ServiceNow tickets and notebooks through the MCP tools."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import ElicitRequestParams, ElicitResult

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.sandbox._demo_org import object_id
from case_mcp.server import create_server, sandbox_client_factory
from guarded import connected, error_text, ok, state_of, with_every_toolset

pytestmark = pytest.mark.anyio

STABLE_INCIDENT = object_id("incident:46")  # declared, linked to no case
TLS_INCIDENT = object_id("incident:41")  # linked to OPS-1 and OPS-4


def linked_keys(sandbox: Sandbox, case: str) -> set[tuple[str, str, str]]:
    """The case links of a demo case as (parent key, relationship, child key)."""
    store = sandbox.store
    found = set()
    for link in store.list_case_links("CASE", case):
        if link["child_entity_type"] == "CASE" and link["parent_entity_type"] == "CASE":
            parent = store.get_case(link["parent_entity_id"])["key"]
            child = store.get_case(link["child_entity_id"])["key"]
            found.add((parent, link["relationship"], child))
    return found


async def test_a_cases_links_are_listed_both_ways_by_key_and_title(mcp: Client) -> None:
    """OPS-1 lists its incident and the postmortem it relates to; the postmortem lists the
    same link from its side, with OPS-1's title."""
    ops_1 = await ok(mcp, "list_case_links", {"case_id": "OPS-1"})
    ops_4 = await ok(mcp, "list_case_links", {"case_id": "OPS-4"})

    assert ops_1["case"] == "OPS-1"
    assert {
        "parent": "OPS-1",
        "relationship": "RELATES_TO",
        "child": f"INCIDENT:{TLS_INCIDENT}",
    } in ops_1["links"]
    assert {
        "parent": "OPS-1",
        "relationship": "RELATES_TO",
        "child": "OPS-4",
        "title": "Postmortem: api-gateway TLS handshake failures in us-east-1",
    } in ops_1["links"]
    assert {
        "parent": "OPS-1",
        "relationship": "RELATES_TO",
        "child": "OPS-4",
        "title": "TLS handshake failures on api-gateway in us-east-1",
    } in ops_4["links"]


async def test_linking_cases_by_key_shows_on_both_and_on_their_timelines(
    mcp: Client, sandbox: Sandbox
) -> None:
    """create_case_link joins two cases by key; both list it and their timelines say so."""
    made = await ok(
        mcp,
        "create_case_link",
        {"case_id": "SEC-10", "relationship": "BLOCKS", "linked_case": "OPS-25"},
    )

    assert made == {
        "parent": "SEC-10",
        "relationship": "BLOCKS",
        "child": "OPS-25",
        "title": "Upgrade prod-eu Kubernetes control plane to 1.30",
    }
    assert ("SEC-10", "BLOCKS", "OPS-25") in linked_keys(sandbox, "OPS-25")
    timeline = await ok(mcp, "get_case_timeline", {"case_id": "OPS-25", "page_size": 1})
    (entry,) = timeline["entries"]
    assert entry["type"] == "CASE_LINK_CHANGE"
    assert entry["change"]["to"]["parent"]["key"] == "SEC-10"


@pytest.mark.parametrize(
    ("arguments", "words"),
    [
        (
            {"case_id": "SEC-10", "relationship": "FOLLOWS", "linked_case": "SEC-9"},
            "'RELATES_TO', 'CAUSES', 'BLOCKS', 'DUPLICATES'",
        ),
        (
            {"case_id": "SEC-10", "relationship": "BLOCKS", "linked_case": "SEC-10"},
            "A case cannot be linked to itself",
        ),
        (
            {"case_id": "SEC-12", "relationship": "RELATES_TO", "linked_case": "SEC-5"},
            "already linked this way; list_case_links",
        ),
        (
            {"case_id": "SEC-10", "relationship": "BLOCKS", "linked_case": "SEC-999"},
            "'SEC-999' was not found. search_cases",
        ),
    ],
)
async def test_a_link_that_cannot_be_made_is_refused_saying_what_to_send(
    mcp: Client, sandbox: Sandbox, arguments: dict[str, Any], words: str
) -> None:
    """An unknown relationship, a self-link, a link that exists and an unknown case are
    refused in words that say what to do; nothing is written."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("create_case_link", arguments)

    assert words in error_text(answer)
    assert state_of(sandbox) == before


async def test_an_incident_linked_to_a_case_shows_on_the_case_once(
    mcp: Client, sandbox: Sandbox
) -> None:
    """link_incident answers the case with the incident; linking it again changes nothing."""
    arguments = {"case_id": "OPS-31", "incident_id": STABLE_INCIDENT}
    first = await ok(mcp, "link_incident", arguments)
    after_first = state_of(sandbox)
    second = await ok(mcp, "link_incident", arguments)

    assert first["incidents"] == second["incidents"] == [STABLE_INCIDENT]
    assert state_of(sandbox) == after_first
    listed = await ok(mcp, "list_case_links", {"case_id": "OPS-31"})
    assert listed["links"] == [
        {"parent": "OPS-31", "relationship": "RELATES_TO", "child": f"INCIDENT:{STABLE_INCIDENT}"}
    ]


@pytest.mark.parametrize(
    ("incident", "words"),
    [
        ("IR-46", "incident_id is not in the form required"),
        ("00000000-0000-0000-0000-00000000dead", "incident '00000000-0000-0000-0000-00000000dead'"),
    ],
)
async def test_an_incident_that_is_no_incident_is_refused(
    mcp: Client, sandbox: Sandbox, incident: str, words: str
) -> None:
    """An id that is not a UUID, or no incident's, is refused; nothing is written."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("link_incident", {"case_id": "OPS-31", "incident_id": incident})

    assert words in error_text(answer)
    assert state_of(sandbox) == before


async def test_a_jira_issue_linked_by_url_shows_on_the_case(mcp: Client, sandbox: Sandbox) -> None:
    """link_jira_issue answers the case with the issue's URL; get_case shows it too; linking
    it again (Datadog's 409 for an issue linked already) answers the same, changing nothing."""
    url = "https://demo-org.atlassian.net/browse/OPS-214"

    linked = await ok(mcp, "link_jira_issue", {"case_id": "OPS-24", "jira_issue_url": url})
    after_first = state_of(sandbox)
    again = await ok(mcp, "link_jira_issue", {"case_id": "OPS-24", "jira_issue_url": url + "/"})

    assert linked["jira_issue"] == again["jira_issue"] == url
    assert (await ok(mcp, "get_case", {"case_id": "OPS-24"}))["jira_issue"] == url
    assert state_of(sandbox) == after_first


@pytest.mark.parametrize(
    "url",
    [
        "demo-org.atlassian.net/browse/OPS-214",
        "https://demo-org.atlassian.net/projects/OPS",
        "https://demo-org.atlassian.net/browse/ops-214",
    ],
)
async def test_a_url_that_is_no_jira_issue_is_refused_naming_the_form(
    mcp: Client, sandbox: Sandbox, url: str
) -> None:
    """The refusal names the argument and the address form it takes; nothing is linked."""
    before = state_of(sandbox)

    answer = await mcp.call_tool("link_jira_issue", {"case_id": "OPS-24", "jira_issue_url": url})

    text = error_text(answer)
    assert "jira_issue_url" in text
    assert "/browse/" in text
    assert state_of(sandbox) == before


async def test_an_issue_another_case_holds_is_refused_as_a_conflict(
    mcp: Client, sandbox: Sandbox
) -> None:
    """SEC-9's issue cannot be linked to SEC-10 too: the model is told why."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(
        "link_jira_issue",
        {"case_id": "SEC-10", "jira_issue_url": "https://demo-org.atlassian.net/browse/SEC-101"},
    )

    assert "linked to another case" in error_text(answer)
    assert state_of(sandbox) == before


async def test_created_trackers_show_on_the_case_with_the_demo_sites_addresses(mcp: Client) -> None:
    """A new Jira issue, ServiceNow ticket and notebook each answer the case showing it."""
    issue = await ok(
        mcp,
        "create_case_jira_issue",
        {"case_id": "SEC-13", "jira_account_id": "1", "project_id": "10020", "issue_type_id": "3"},
    )
    ticket = await ok(
        mcp, "create_case_servicenow_ticket", {"case_id": "SEC-13", "instance_name": "demo-org"}
    )
    notebook = await ok(mcp, "create_case_notebook", {"case_id": "SEC-13"})

    assert issue["jira_issue"] == "https://demo-org.atlassian.net/browse/SEC-102"
    assert ticket["servicenow_ticket"].startswith("https://demo-org.service-now.com/")
    assert notebook["notebook"].startswith("https://app.datadoghq.com/notebook/")
    case = await ok(mcp, "get_case", {"case_id": "SEC-13"})
    assert (case["jira_issue"], case["servicenow_ticket"], case["notebook"]) == (
        issue["jira_issue"],
        ticket["servicenow_ticket"],
        notebook["notebook"],
    )


@pytest.mark.parametrize(
    ("tool", "arguments", "words"),
    [
        (
            "create_case_jira_issue",
            {"case_id": "SEC-9", "jira_account_id": "1", "project_id": "2", "issue_type_id": "3"},
            "already has a Jira issue; get_case shows it",
        ),
        (
            "create_case_servicenow_ticket",
            {"case_id": "OPS-27", "instance_name": "demo-org"},
            "already has a ServiceNow ticket",
        ),
        ("create_case_notebook", {"case_id": "SEC-10"}, "already has a notebook"),
        (
            "create_case_servicenow_ticket",
            {"case_id": "OPS-30", "instance_name": "demo org"},
            "instance_name",
        ),
    ],
)
async def test_a_second_tracker_or_a_bad_instance_is_refused(
    mcp: Client, sandbox: Sandbox, tool: str, arguments: dict[str, Any], words: str
) -> None:
    """A case holds one issue, ticket and notebook; an instance name is one host label."""
    before = state_of(sandbox)

    answer = await mcp.call_tool(tool, arguments)

    assert words in error_text(answer)
    assert state_of(sandbox) == before


@pytest.mark.parametrize("blank", ["", "  ", "10 020"])
async def test_a_jira_id_that_is_blank_or_spaced_is_refused_before_anything_is_sent(
    mcp: Client, sandbox: Sandbox, blank: str
) -> None:
    """Jira's ids are single words: the tool refuses others, naming the argument."""
    before = state_of(sandbox)
    arguments = {"case_id": "SEC-13", "jira_account_id": "1", "issue_type_id": "3"}

    answer = await mcp.call_tool("create_case_jira_issue", {**arguments, "project_id": blank})

    assert error_text(answer).startswith("Error executing tool create_case_jira_issue: project_id ")
    assert state_of(sandbox) == before


@asynccontextmanager
async def asking(sandbox: Sandbox, questions: list[str], typed: str) -> AsyncIterator[Client]:
    """A client whose person reads each confirmation question and types `typed`."""

    async def person(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        questions.append(params.message)
        return ElicitResult(action="accept", content={"key": typed})

    server = create_server(sandbox_client_factory(sandbox), with_every_toolset(ServerOptions()))
    async with Client(server, elicitation_callback=person) as client:
        yield client


async def test_deleting_a_link_shows_both_ends_by_key_and_title(sandbox: Sandbox) -> None:
    """The person is asked about SEC-12 and SEC-5 by key and title; typing the key deletes
    the link and only it."""
    questions: list[str] = []
    async with asking(sandbox, questions, "SEC-12") as client:
        answer = await ok(client, "delete_case_link", {"case_id": "SEC-12", "linked": "SEC-5"})

    (question,) = questions
    assert question.splitlines()[:4] == [
        "Remove this link?",
        'SEC-12 "DMARC reports show spoofed mail from demo-org.example"',
        "RELATES_TO",
        'SEC-5 "Phishing report: fake DocuSign invoice sent to finance"',
    ]
    assert answer["deleted"] is True
    assert answer["message"] == "Deleted the link SEC-12 RELATES_TO SEC-5."
    assert linked_keys(sandbox, "SEC-5") == set()
    assert ("OPS-26", "BLOCKS", "OPS-27") in linked_keys(sandbox, "OPS-27")


async def test_deleting_a_jira_link_shows_the_case_and_the_issue(sandbox: Sandbox) -> None:
    """The person sees SEC-9 by key and title and the issue's address; the issue goes from
    the case, which says so on its timeline."""
    questions: list[str] = []
    async with asking(sandbox, questions, "SEC-9") as client:
        answer = await ok(client, "delete_case_jira_link", {"case_id": "SEC-9"})

    (question,) = questions
    assert question.startswith(
        'Remove the link between case SEC-9 "CVE-2026-43870 in libexpat: rebuild affected images" '
        'and the Jira issue "https://demo-org.atlassian.net/browse/SEC-101"?'
    )
    assert answer["deleted"] is True
    assert sandbox.store.get_case("SEC-9")["jira_issue"] is None


async def test_cases_linked_several_ways_need_the_relationship(
    mcp: Client, sandbox: Sandbox
) -> None:
    """With two links between the same cases, the delete asks which, and deletes nothing."""
    await ok(
        mcp,
        "create_case_link",
        {"case_id": "SEC-12", "relationship": "CAUSES", "linked_case": "SEC-5"},
    )
    before = state_of(sandbox)

    answer = await mcp.call_tool("delete_case_link", {"case_id": "SEC-12", "linked": "SEC-5"})

    assert "linked several ways (CAUSES, RELATES_TO); give the relationship" in error_text(answer)
    assert state_of(sandbox) == before


async def test_links_to_cases_outside_the_projects_are_neither_shown_nor_made(
    sandbox: Sandbox,
) -> None:
    """With --projects SEC, SEC-6 lists its incident but not its OPS postmortem, a link to an
    OPS case is not found, and deleting that link finds nothing."""
    before = state_of(sandbox)
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        listed = await ok(client, "list_case_links", {"case_id": "SEC-6"})
        made = await client.call_tool(
            "create_case_link",
            {"case_id": "SEC-13", "relationship": "BLOCKS", "linked_case": "OPS-25"},
        )
        deleted = await client.call_tool(
            "delete_case_link", {"case_id": "SEC-6", "linked": "OPS-14"}
        )

    assert [link["child"] for link in listed["links"]] == [f"INCIDENT:{object_id('incident:43')}"]
    assert "'OPS-25' was not found" in error_text(made)
    assert "was not found" in error_text(deleted)
    assert state_of(sandbox) == before


async def test_read_only_mode_refuses_every_link_change(sandbox: Sandbox) -> None:
    """In read-only mode links can be listed but no link or tracker changes."""
    before = state_of(sandbox)
    calls = {
        "create_case_link": {"case_id": "SEC-13", "relationship": "BLOCKS", "linked_case": "SEC-1"},
        "link_incident": {"case_id": "OPS-31", "incident_id": STABLE_INCIDENT},
        "link_jira_issue": {
            "case_id": "OPS-24",
            "jira_issue_url": "https://demo-org.atlassian.net/browse/OPS-214",
        },
        "create_case_notebook": {"case_id": "OPS-31"},
        "delete_case_jira_link": {"case_id": "SEC-9"},
    }
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        listed = await ok(client, "list_case_links", {"case_id": "OPS-1"})
        refusals = [error_text(await client.call_tool(tool, args)) for tool, args in calls.items()]

    assert listed["links"]
    assert all(text.startswith("This server is read-only") for text in refusals)
    assert state_of(sandbox) == before


async def test_a_link_list_costs_at_most_40_percent_of_datadogs_json(
    mcp: Client, sandbox: Sandbox
) -> None:
    """list_case_links for a case linked to a case and an incident is under 40% of Datadog's
    answers for the same data: the links, and each linked case."""
    listed = await mcp.call_tool("list_case_links", {"case_id": "OPS-26"})
    text = listed.content[0].text  # type: ignore[union-attr]

    async with httpx2.AsyncClient(
        transport=sandbox.transport(),
        base_url="http://sandbox",
        headers={"DD-API-KEY": "a", "DD-APPLICATION-KEY": "b"},
    ) as http:
        case_id = sandbox.store.get_case("OPS-26")["id"]
        raw = (
            await http.get(
                "/api/v2/cases/link", params={"entity_type": "CASE", "entity_id": case_id}
            )
        ).text
        links = json.loads(raw)["data"]
        for link in links:
            attributes = link["attributes"]
            for end in ("parent", "child"):
                if attributes[f"{end}_entity_type"] == "CASE":
                    raw += (await http.get(f"/api/v2/cases/{attributes[f'{end}_entity_id']}")).text

    assert len(links) == 2
    assert len(text) <= 0.4 * len(raw), (len(text), len(raw))
