"""The sandbox's rules for links, incidents, Jira issues, ServiceNow tickets and notebooks,
over HTTP: both ends of a link, what may be linked, deterministic trackers, timeline cells."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox
from case_mcp.sandbox._demo_org import load_demo_org, object_id
from case_mcp.sandbox._seed_links import case_indexes

pytestmark = pytest.mark.anyio

INCIDENT = "1c1dead0-0000-4000-8000-0000000000c1"
UNKNOWN = "00000000-0000-0000-0000-00000000dead"


@pytest.fixture
def incident(sandbox: Sandbox) -> str:
    """An incident of the test organisation."""
    sandbox.store.create_incident(
        title="Checkout errors", severity="SEV-2", state="active", incident_id=INCIDENT
    )
    return INCIDENT


def link_body(parent: str, child: str, relationship: str = "BLOCKS", **types: str) -> Any:
    return {
        "data": {
            "type": "link",
            "attributes": {
                "parent_entity_type": types.get("parent_type", "CASE"),
                "parent_entity_id": parent,
                "child_entity_type": types.get("child_type", "CASE"),
                "child_entity_id": child,
                "relationship": relationship,
            },
        }
    }


async def cells_of(http: httpx2.AsyncClient, case_id: str, kind: str) -> list[dict[str, Any]]:
    answer = await http.get(f"/api/v2/cases/{case_id}/timelines")
    assert answer.status_code == 200, answer.text
    return [
        cell["attributes"]["cell_content"]
        for cell in answer.json()["data"]
        if cell["attributes"]["type"] == kind
    ]


async def case_of(http: httpx2.AsyncClient, case_id: str) -> dict[str, Any]:
    answer = await http.get(f"/api/v2/cases/{case_id}")
    assert answer.status_code == 200, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


def detail(answer: httpx2.Response) -> str:
    return str(answer.json()["errors"][0]["detail"])


async def test_a_link_and_its_removal_are_written_on_both_cases_timelines(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Each case of a link gets a CASE_LINK_CHANGE cell naming both ends by key and title,
    when it is made and when it is removed."""
    blocker, blocked = await new_case("Rotate keys"), await new_case("Ship release")

    made = await http.post("/api/v2/cases/link", json=link_body(blocker["id"], blocked["id"]))
    link_id = made.json()["data"]["id"]
    removed = await http.delete(f"/api/v2/cases/link/{link_id}")

    assert (made.status_code, removed.status_code) == (201, 204)
    for case in (blocker, blocked):
        changes = await cells_of(http, case["id"], "CASE_LINK_CHANGE")
        assert [(change["from"] is None, change["to"] is None) for change in changes] == [
            (False, True),
            (True, False),
        ]
        shown = changes[1]["to"]
        assert shown["relationship"] == "BLOCKS"
        assert (shown["parent"]["key"], shown["child"]["key"]) == (
            blocker["attributes"]["key"],
            blocked["attributes"]["key"],
        )
        assert shown["child"]["title"] == "Ship release"


@pytest.mark.parametrize(
    ("types", "relationship", "status", "words"),
    [
        ({"parent_type": "INCIDENT", "child_type": "INCIDENT"}, "CAUSES", 400, "a case"),
        ({}, "FOLLOWS", 400, "RELATES_TO, CAUSES, BLOCKS"),
        ({"child_type": "TICKET"}, "BLOCKS", 400, "CASE, INCIDENT, PAGE, AGENT_CONVERSATION"),
        ({"child_type": "PAGE"}, "BLOCKS", 404, ""),
    ],
)
async def test_a_link_joins_existing_entities_one_a_case_with_a_known_relationship(
    http: httpx2.AsyncClient,
    new_case: Any,
    incident: str,
    types: dict[str, str],
    relationship: str,
    status: int,
    words: str,
) -> None:
    """Two incidents, an unknown relationship or entity type, and a page the organisation
    does not have are refused, and nothing is written."""
    case = await new_case()
    parent = incident if types.get("parent_type") == "INCIDENT" else case["id"]
    child = incident if types.get("child_type") == "INCIDENT" else UNKNOWN

    answer = await http.post(
        "/api/v2/cases/link", json=link_body(parent, child, relationship, **types)
    )

    assert answer.status_code == status, answer.text
    if words:
        assert words in detail(answer)
    assert await cells_of(http, case["id"], "CASE_LINK_CHANGE") == []


async def test_a_case_cannot_be_linked_to_itself_or_twice_alike(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """A self-link is a 400; the same link again a 409; another relationship is a new link."""
    one, other = await new_case(), await new_case()

    itself = await http.post("/api/v2/cases/link", json=link_body(one["id"], one["id"]))
    first = await http.post("/api/v2/cases/link", json=link_body(one["id"], other["id"]))
    again = await http.post("/api/v2/cases/link", json=link_body(one["id"], other["id"]))
    other_kind = await http.post(
        "/api/v2/cases/link", json=link_body(one["id"], other["id"], "DUPLICATES")
    )

    assert [itself.status_code, first.status_code, again.status_code] == [400, 201, 409]
    assert other_kind.status_code == 201
    listed = await http.get(
        "/api/v2/cases/link", params={"entity_type": "CASE", "entity_id": other["id"]}
    )
    assert [link["attributes"]["relationship"] for link in listed.json()["data"]] == [
        "BLOCKS",
        "DUPLICATES",
    ]


async def test_listing_needs_the_entity_and_a_known_relationship(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """A missing entity id is a 400, an unknown relationship a 400, an unknown case a 404."""
    case = await new_case()

    missing = await http.get("/api/v2/cases/link", params={"entity_type": "CASE"})
    unknown_kind = await http.get(
        "/api/v2/cases/link",
        params={"entity_type": "CASE", "entity_id": case["id"], "relationship": "NEAR"},
    )
    unknown_case = await http.get(
        "/api/v2/cases/link", params={"entity_type": "CASE", "entity_id": UNKNOWN}
    )

    assert [missing.status_code, unknown_kind.status_code, unknown_case.status_code] == [
        400,
        400,
        404,
    ]


async def test_linking_an_incident_twice_keeps_one_link(
    http: httpx2.AsyncClient, new_case: Any, incident: str
) -> None:
    """The second link of the same incident changes nothing: one link, one timeline cell,
    the incident once in the case's incidents."""
    case = await new_case()
    body = {"data": {"id": incident, "type": "incidents"}}

    first = await http.post(f"/api/v2/cases/{case['id']}/relationships/incidents", json=body)
    second = await http.post(f"/api/v2/cases/{case['id']}/relationships/incidents", json=body)

    assert (first.status_code, second.status_code) == (201, 201)
    related = second.json()["data"]["relationships"]["incidents"]["data"]
    assert related == [{"id": incident, "type": "incidents"}]
    assert len(await cells_of(http, case["id"], "CASE_LINK_CHANGE")) == 1
    listed = await http.get(
        "/api/v2/cases/link", params={"entity_type": "INCIDENT", "entity_id": incident}
    )
    assert [link["attributes"]["parent_entity_id"] for link in listed.json()["data"]] == [
        case["id"]
    ]


async def test_jira_issues_are_numbered_per_project_on_the_demo_site(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str]
) -> None:
    """Created issues take the case's project key and the next number from 101, on the demo
    organisation's Jira site, and each is written on its case's timeline."""
    cases = [
        await new_case(project=org["sec"]),
        await new_case(project=org["sec"]),
        await new_case(project=org["ops"]),
    ]
    body = {
        "data": {
            "type": "issues",
            "attributes": {"issue_type_id": "10004", "jira_account_id": "a", "project_id": "1"},
        }
    }

    for case in cases:
        answer = await http.post(f"/api/v2/cases/{case['id']}/relationships/jira_issues", json=body)
        assert (answer.status_code, answer.content) == (202, b"")

    issues = [(await case_of(http, case["id"]))["attributes"]["jira_issue"] for case in cases]
    assert [issue["result"]["issue_url"] for issue in issues] == [
        "https://demo-org.atlassian.net/browse/SEC-101",
        "https://demo-org.atlassian.net/browse/SEC-102",
        "https://demo-org.atlassian.net/browse/OPS-101",
    ]
    change = (await cells_of(http, cases[0]["id"], "JIRA_ISSUE_CHANGE"))[0]
    assert (change["from"], change["to"]) == (None, issues[0])


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("ftp://jira.example.com/browse/PROJ-1", "must start with https://"),
        ("https:///browse/PROJ-1", "has no host name"),
        ("https://jira.example.com/projects/PROJ", "is not the address of a Jira issue"),
        ("https://jira.example.com/browse/proj-1", "'proj-1', which is not a Jira issue key"),
        ("not a url", "must start with https://"),
    ],
)
async def test_a_jira_url_is_checked_and_the_refusal_says_what_is_wrong(
    http: httpx2.AsyncClient, new_case: Any, url: str, words: str
) -> None:
    """A URL that is not a Jira issue's is a 400 naming the wrong part; nothing is linked."""
    case = await new_case()
    body = {"data": {"type": "issues", "attributes": {"jira_issue_url": url}}}

    answer = await http.patch(f"/api/v2/cases/{case['id']}/relationships/jira_issues", json=body)

    assert answer.status_code == 400
    assert words in detail(answer)
    assert "jira_issue" not in (await case_of(http, case["id"]))["attributes"]


async def test_unlinking_a_jira_issue_is_written_and_leaves_the_case_without_one(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Unlinking removes the issue from the case and writes what was removed; a second
    unlink removes nothing more and writes nothing."""
    case = await new_case()
    url = "https://jira.example.com/browse/PROJ-7"
    path = f"/api/v2/cases/{case['id']}/relationships/jira_issues"
    linked = await http.patch(
        path, json={"data": {"type": "issues", "attributes": {"jira_issue_url": url}}}
    )

    first, second = await http.delete(path), await http.delete(path)

    assert (linked.status_code, first.status_code, second.status_code) == (204, 204, 204)
    assert len(await cells_of(http, case["id"], "JIRA_ISSUE_CHANGE")) == 2
    assert "jira_issue" not in (await case_of(http, case["id"]))["attributes"]
    removed = (await cells_of(http, case["id"], "JIRA_ISSUE_CHANGE"))[0]
    assert (removed["from"]["result"]["issue_key"], removed["to"]) == ("PROJ-7", None)


async def test_linking_a_jira_issue_replaces_the_cases_issue_unless_another_case_has_it(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """A second URL replaces the first and the timeline says from which to which; an issue
    a case holds already, another or the same, is a 409 naming that case, and nothing changes."""
    case, other = await new_case(), await new_case()

    def body(url: str) -> Any:
        return {"data": {"type": "issues", "attributes": {"jira_issue_url": url}}}

    first = "https://jira.example.com/browse/PROJ-1"
    second = "https://jira.example.com/browse/PROJ-2"
    path = f"/api/v2/cases/{case['id']}/relationships/jira_issues"
    statuses = [(await http.patch(path, json=body(url))).status_code for url in (first, second)]
    taken = await http.patch(
        f"/api/v2/cases/{other['id']}/relationships/jira_issues", json=body(second)
    )
    again = await http.patch(path, json=body(second))

    assert statuses == [204, 204]
    assert (taken.status_code, again.status_code) == (409, 409)
    assert case["attributes"]["key"] in detail(taken)
    assert len(await cells_of(http, case["id"], "JIRA_ISSUE_CHANGE")) == 2
    changes = await cells_of(http, case["id"], "JIRA_ISSUE_CHANGE")
    assert (changes[0]["from"]["result"]["issue_key"], changes[0]["to"]["result"]["issue_key"]) == (
        "PROJ-1",
        "PROJ-2",
    )
    assert "jira_issue" not in (await case_of(http, other["id"]))["attributes"]


async def test_a_case_holds_one_servicenow_ticket_and_one_notebook(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """The first of each is made and written on the timeline; a second is a 409."""
    case = await new_case()
    tickets = f"/api/v2/cases/{case['id']}/relationships/servicenow_tickets"
    ticket = {"data": {"type": "tickets", "attributes": {"instance_name": "demo-org"}}}
    notebooks = f"/api/v2/cases/{case['id']}/relationships/notebook"
    notebook = {"data": {"type": "notebook"}}

    statuses = [
        (await http.post(tickets, json=ticket)).status_code,
        (await http.post(notebooks, json=notebook)).status_code,
        (await http.post(tickets, json=ticket)).status_code,
        (await http.post(notebooks, json=notebook)).status_code,
    ]

    assert statuses == [202, 204, 409, 409]
    shown = await case_of(http, case["id"])
    link = shown["attributes"]["service_now_ticket"]["result"]["sys_target_link"]
    assert link.startswith("https://demo-org.service-now.com/nav_to.do?uri=incident.do")
    notebook_id = shown["relationships"]["notebook"]["data"]["id"]
    assert shown["relationships"]["notebook"]["links"]["related"].endswith(f"/{notebook_id}")
    assert len(await cells_of(http, case["id"], "SERVICENOW_TICKET_CHANGE")) == 1
    assert len(await cells_of(http, case["id"], "NOTEBOOK_CHANGE")) == 1


async def test_a_deleted_projects_cases_leave_no_links_behind(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str]
) -> None:
    """When a project goes with its cases, the links of those cases go too."""
    kept, gone = await new_case(project=org["sec"]), await new_case(project=org["ops"])
    await http.post("/api/v2/cases/link", json=link_body(kept["id"], gone["id"]))

    deleted = await http.delete(f"/api/v2/cases/projects/{org['ops']}")

    assert deleted.status_code == 204
    listed = await http.get(
        "/api/v2/cases/link", params={"entity_type": "CASE", "entity_id": kept["id"]}
    )
    assert listed.json()["data"] == []


def test_the_demo_links_join_the_cases_its_table_names() -> None:
    """Each seeded link and incident joins the cases the demo table names by key."""
    org = load_demo_org()
    with Sandbox(rate_limit=None) as sandbox:
        store = sandbox.store
        for key, index in case_indexes(org).items():
            assert store.get_case(key)["id"] == object_id(f"case:{index}")
        for link in org.links:
            parent = store.get_case(link.parent)["id"]
            children = [
                found["child_entity_id"]
                for found in store.list_case_links("CASE", parent)
                if found["relationship"] == link.relationship
            ]
            assert store.get_case(link.child)["id"] in children
        for incident in org.incidents:
            incident_id = object_id(f"incident:{incident.public_id}")
            for key in incident.cases:
                assert incident_id in store.get_case(key)["incidents"]
