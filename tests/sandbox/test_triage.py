"""Counting cases by group and bulk changes over HTTP: the sandbox's rules (see `_triage`)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

# The test organisation's (tests/sandbox/conftest.py).
JANE = "5a1e7c55-0000-4000-8000-00000000a001"
OPS = "9e0b6a11-0000-4000-8000-00000000b002"
CHANGE_REQUEST = "00000000-0000-0000-0000-000000000004"
NewCase = Callable[..., Awaitable[dict[str, Any]]]


def bulk(case_ids: list[str], action: str, **payload: str) -> dict[str, Any]:
    attributes: dict[str, Any] = {"case_ids": case_ids, "type": action}
    if payload:
        attributes["payload"] = payload
    return {"data": {"type": "bulk", "attributes": attributes}}


async def counts(http: httpx2.AsyncClient, **params: str) -> dict[str, dict[str, int]]:
    answer = await http.get("/api/v2/cases/count", params=params)
    assert answer.status_code == 200, answer.text
    return {
        group["group"]: {value["value"]: value["count"] for value in group["group_values"]}
        for group in answer.json()["data"]["attributes"]["groups"]
    }


async def aggregated(
    http: httpx2.AsyncClient, query: str, groups: list[str], limit: int = 10
) -> dict[str, Any]:
    body = {
        "data": {
            "type": "aggregate",
            "attributes": {"query_filter": query, "group_by": {"groups": groups, "limit": limit}},
        }
    }
    answer = await http.post("/api/v2/cases/aggregate", json=body)
    assert answer.status_code == 200, answer.text
    attributes: dict[str, Any] = answer.json()["data"]["attributes"]
    return {
        "total": attributes["total"],
        "groups": {group["group"]: group["value"][0] for group in attributes["groups"]},
    }


def timeline_kinds(sandbox: Sandbox, case_id: str) -> list[str]:
    return [cell["type"] for cell in sandbox.store.list_case_timeline(case_id, page_size=100)]


async def test_counts_group_by_fields_and_attributes_over_the_search_language(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """status, priority, project, assignee and any attribute group the cases a query matches;
    a case counts under each value of a multi-valued attribute, and not without one."""
    await new_case("a", priority="P1", assignee=JANE)
    await new_case("b", priority="P1")
    await new_case("c", priority="P2", project=OPS)
    web = await new_case("d", priority="P4")
    await http.post(
        f"/api/v2/cases/{web['id']}/attributes",
        json={"data": {"type": "case", "attributes": {"attributes": {"team": ["web", "sre"]}}}},
    )

    found = await counts(
        http, query_filter="-priority:p4", group_bys="priority,project,assignee,status"
    )
    teams = await counts(http, group_bys="team")

    assert found == {
        "priority": {"P1": 2, "P2": 1},
        "project": {"SEC": 2, "OPS": 1},
        "assignee": {JANE: 1, "none": 2},
        "status": {"OPEN": 3},
    }
    assert teams == {"team": {"sre": 1, "web": 1}}


async def test_an_aggregate_groups_by_combined_fields_with_the_total(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """Each group is one combination of the fields' values; the total counts every match,
    archived cases left out as search leaves them out."""
    await new_case("a", priority="P1")
    await new_case("b", priority="P1")
    await new_case("c", priority="P2", project=OPS)
    archived = await new_case("d", priority="P2")
    await http.post(f"/api/v2/cases/{archived['id']}/archive", json={"data": {"type": "case"}})

    answer = await aggregated(http, "", ["project", "priority"])
    limited = await aggregated(http, "", ["priority"], limit=1)

    assert answer == {"total": 3, "groups": {"SEC,P1": 2, "OPS,P2": 1}}
    assert limited == {"total": 3, "groups": {"P1": 2}}


@pytest.mark.parametrize(
    ("params", "wrong"),
    [
        ({"query_filter": "status:nope"}, "is not a case status"),
        ({"group_bys": "bad field!"}, "cannot group by"),
        ({"limit": "0"}, "limit"),
    ],
)
async def test_a_count_that_cannot_be_read_is_a_400_that_says_why(
    http: httpx2.AsyncClient, params: dict[str, str], wrong: str
) -> None:
    """An unreadable query, a field that is not one, and a limit out of bounds are refused."""
    answer = await http.get("/api/v2/cases/count", params=params)

    assert answer.status_code == 400
    assert wrong in str(answer.json()["errors"][0])


async def test_a_bulk_update_changes_every_case_and_writes_each_timeline(
    http: httpx2.AsyncClient, new_case: NewCase, sandbox: Sandbox
) -> None:
    """Every case named takes the change, each with its own timeline entry; a case named twice
    changes once, and one that already has the value gets no entry."""
    first, second, already = [await new_case(title) for title in ("a", "b", "c")]
    await http.post(
        f"/api/v2/cases/{already['id']}/priority",
        json={"data": {"type": "case", "attributes": {"priority": "P1"}}},
    )
    before = timeline_kinds(sandbox, already["id"])
    keys = [first["attributes"]["key"], second["id"], first["id"], already["id"]]

    answer = await http.post("/api/v2/cases/bulk", json=bulk(keys, "priority", priority="P1"))

    assert answer.status_code == 200, answer.text
    for case in (first, second, already):
        assert sandbox.store.get_case(case["id"])["priority"] == "P1"
    assert timeline_kinds(sandbox, first["id"]) == ["PRIORITY_CHANGE", "CASE_CREATED"]
    assert timeline_kinds(sandbox, second["id"]) == ["PRIORITY_CHANGE", "CASE_CREATED"]
    assert timeline_kinds(sandbox, already["id"]) == before


async def test_one_case_that_cannot_change_leaves_every_case_as_it_was(
    http: httpx2.AsyncClient, new_case: NewCase, sandbox: Sandbox
) -> None:
    """A status one case's type does not offer is a 400 naming that case, and no case changed,
    not even those before it."""
    standard = await new_case("standard")
    change = await new_case("change request", type_id=CHANGE_REQUEST)
    key = change["attributes"]["key"]

    answer = await http.post(
        "/api/v2/cases/bulk",
        json=bulk([standard["id"], key], "status", status="IN_PROGRESS"),
    )

    assert answer.status_code == 400
    assert f"case {key} could not be changed" in answer.json()["errors"][0]["detail"]
    assert sandbox.store.get_case(standard["id"])["status"] == "OPEN"
    assert timeline_kinds(sandbox, standard["id"]) == ["CASE_CREATED"]


@pytest.mark.parametrize(
    "unknown", ["SEC-999", "7e57ab1e-0000-4000-8000-0000000000ff", "case-id-1"]
)
async def test_an_unknown_case_is_a_404_naming_it_and_nothing_changes(
    http: httpx2.AsyncClient, new_case: NewCase, sandbox: Sandbox, unknown: str
) -> None:
    """An id that names no case, whatever its form (Datadog's example is case-id-1), is not
    found, named in the error's meta, as get_case answers it."""
    case = await new_case("known")

    answer = await http.post(
        "/api/v2/cases/bulk", json=bulk([case["id"], unknown], "assign", assignee_id=JANE)
    )

    assert answer.status_code == 404
    assert answer.json()["errors"][0]["meta"] == {"case_id": unknown}
    assert sandbox.store.get_case(case["id"])["assignee_id"] is None


@pytest.mark.parametrize(
    ("body", "wrong"),
    [
        (bulk(["SEC-1"], "close"), "is not one of priority, status"),
        (bulk(["SEC-1"], "priority"), 'needs payload {"priority"'),
        (bulk(["SEC-1"], "assign", assignee_id="nobody"), "is not a user"),
        (bulk(["SEC-1"], "update_project", project_id="nope"), "is not a project"),
        (bulk(["SEC-1"], "jira"), "no jira integration"),
        (bulk([], "archive"), "case_ids must name 1 to 500 cases"),
    ],
)
async def test_a_bulk_update_that_cannot_apply_is_a_400_that_says_why(
    http: httpx2.AsyncClient, new_case: NewCase, body: dict[str, Any], wrong: str
) -> None:
    """An unknown action, a missing or invalid payload and malformed ids are refused."""
    await new_case("SEC-1")

    answer = await http.post("/api/v2/cases/bulk", json=body)

    assert answer.status_code == 400
    assert wrong in answer.json()["errors"][0]["detail"]


async def test_a_bulk_move_gives_each_case_a_key_in_the_project(
    http: httpx2.AsyncClient, new_case: NewCase, sandbox: Sandbox
) -> None:
    """update_project moves every case, each with its PROJECT_CHANGE entry and a new key."""
    cases = [await new_case(title) for title in ("a", "b")]

    answer = await http.post(
        "/api/v2/cases/bulk",
        json=bulk([case["id"] for case in cases], "update_project", project_id=OPS),
    )

    assert answer.status_code == 200, answer.text
    moved = [sandbox.store.get_case(case["id"]) for case in cases]
    assert [case["key"] for case in moved] == ["OPS-1", "OPS-2"]
    assert timeline_kinds(sandbox, cases[0]["id"])[0] == "PROJECT_CHANGE"
