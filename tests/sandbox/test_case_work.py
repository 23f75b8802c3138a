"""The sandbox's rules for resolved reasons, comment edits, watchers and insights, over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio

NewCase = Callable[..., Awaitable[dict[str, Any]]]
UNKNOWN_USER = "5a1e7c55-0000-4000-8000-00000000ffff"


def case_body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "case", "attributes": attributes}}


def insight(kind: str = "MONITOR", resource_id: str = "12345") -> dict[str, str]:
    return {"type": kind, "ref": f"/monitors/{resource_id}?q=total", "resource_id": resource_id}


async def latest_cells(http: httpx2.AsyncClient, key: str, count: int) -> list[dict[str, Any]]:
    answer = await http.get(f"/api/v2/cases/{key}/timelines", params={"page[size]": count})
    cells: list[dict[str, Any]] = answer.json()["data"]
    return cells


async def test_a_resolved_reason_is_shown_on_the_case_and_in_the_timeline(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """A documented reason is set on the case, searchable, and its change is in the timeline."""
    key = (await new_case())["attributes"]["key"]

    answer = await http.post(
        f"/api/v2/cases/{key}/resolved_reason",
        json=case_body(security_resolved_reason="FALSE_POSITIVE"),
    )
    found = await http.get("/api/v2/cases", params={"filter": "resolved_reason:false_positive"})
    other = await http.get("/api/v2/cases", params={"filter": "resolved_reason:TRUE_POSITIVE"})

    assert answer.status_code == 200
    assert answer.json()["data"]["attributes"]["security_resolved_reason"] == "FALSE_POSITIVE"
    assert [case["attributes"]["key"] for case in found.json()["data"]] == [key]
    assert other.json()["data"] == []
    cell = (await latest_cells(http, key, 1))[0]["attributes"]
    assert (cell["type"], cell["cell_content"]) == (
        "RESOLVED_REASON_CHANGE",
        {"field": "resolved_reason", "from": None, "to": "FALSE_POSITIVE"},
    )


@pytest.mark.parametrize("reason", ["MAYBE", "false_positive", "", 3])
async def test_a_resolved_reason_outside_the_documented_ones_is_refused(
    http: httpx2.AsyncClient, new_case: NewCase, reason: object
) -> None:
    """Anything but FALSE_POSITIVE, TRUE_POSITIVE or BENIGN_POSITIVE is a 400 naming them."""
    key = (await new_case())["attributes"]["key"]

    answer = await http.post(
        f"/api/v2/cases/{key}/resolved_reason", json=case_body(security_resolved_reason=reason)
    )

    assert answer.status_code == 400
    assert "FALSE_POSITIVE, TRUE_POSITIVE, BENIGN_POSITIVE" in answer.text
    case = (await http.get(f"/api/v2/cases/{key}")).json()["data"]["attributes"]
    assert "security_resolved_reason" not in case


async def test_an_edited_comment_keeps_its_id_and_shows_as_edited(
    http: httpx2.AsyncClient, new_case: NewCase, now: list[Any]
) -> None:
    """The comment's text changes in place and its cell gains modified_at; nothing else moves."""
    key = (await new_case())["attributes"]["key"]
    posted = await http.post(f"/api/v2/cases/{key}/comment", json=case_body(comment="Rolled bak"))
    cell_id = posted.json()["data"][0]["id"]

    answer = await http.put(
        f"/api/v2/cases/{key}/comment/{cell_id}", json=case_body(comment="Rolled back")
    )

    assert answer.status_code == 200
    assert answer.content == b""
    cells = await latest_cells(http, key, 2)
    assert cells[0]["id"] == cell_id
    edited = cells[0]["attributes"]
    assert edited["cell_content"] == {"message": "Rolled back"}
    assert edited["modified_at"] == now[0].strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    assert cells[1]["attributes"]["type"] == "CASE_CREATED"


async def test_only_a_comment_can_be_edited(http: httpx2.AsyncClient, new_case: NewCase) -> None:
    """A change record is not a comment: editing it is a 400 that says what it is."""
    key = (await new_case())["attributes"]["key"]
    created = (await latest_cells(http, key, 1))[0]["id"]

    answer = await http.put(
        f"/api/v2/cases/{key}/comment/{created}", json=case_body(comment="Rewritten history")
    )

    assert answer.status_code == 400
    assert "CASE_CREATED" in answer.text
    assert "COMMENT" in answer.text


async def test_editing_a_missing_or_deleted_comment_is_not_found(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """An unknown id, a deleted comment or a blank text are refused, and nothing changes."""
    key = (await new_case())["attributes"]["key"]
    posted = await http.post(f"/api/v2/cases/{key}/comment", json=case_body(comment="Kept"))
    cell_id = posted.json()["data"][0]["id"]
    path = f"/api/v2/cases/{key}/comment"

    blank = await http.put(f"{path}/{cell_id}", json=case_body(comment="  "))
    unknown = await http.put(f"{path}/{UNKNOWN_USER}", json=case_body(comment="x"))
    malformed = await http.put(f"{path}/not-a-uuid", json=case_body(comment="x"))
    await http.delete(f"{path}/{cell_id}")
    deleted = await http.put(f"{path}/{cell_id}", json=case_body(comment="x"))

    assert [blank.status_code, unknown.status_code, malformed.status_code] == [400, 404, 400]
    assert deleted.status_code == 404


async def test_watchers_are_users_of_the_organisation_listed_per_case(
    http: httpx2.AsyncClient, new_case: NewCase, org: dict[str, str]
) -> None:
    """Watching adds the user to that case's watchers (once), unwatching removes them, and
    each change is in the timeline."""
    key = (await new_case())["attributes"]["key"]
    other = (await new_case("Another case"))["attributes"]["key"]
    path = f"/api/v2/cases/{key}/watchers"

    first = await http.post(f"{path}/{org['jane']}")
    again = await http.post(f"{path}/{org['jane']}")
    watching = (await http.get(path)).json()
    elsewhere = (await http.get(f"/api/v2/cases/{other}/watchers")).json()
    removed = await http.delete(f"{path}/{org['jane']}")
    removed_again = await http.delete(f"{path}/{org['jane']}")
    after = (await http.get(path)).json()

    assert [first.status_code, again.status_code] == [201, 201]
    assert watching == {
        "data": [
            {
                "id": org["jane"],
                "type": "watcher",
                "relationships": {"user": {"data": {"id": org["jane"], "type": "users"}}},
            }
        ]
    }
    assert elsewhere == {"data": []}
    assert [removed.status_code, removed_again.status_code] == [204, 204]
    assert after == {"data": []}
    changes = [cell["attributes"]["cell_content"] for cell in await latest_cells(http, key, 3)]
    jane = {"id": org["jane"], "name": "Jane Doe"}
    assert changes[:2] == [
        {"field": "watchers", "from": jane, "to": None},
        {"field": "watchers", "from": None, "to": jane},
    ]
    assert changes[2]["field"] == "case"


async def test_only_users_of_the_organisation_can_watch(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """An unknown user is a 404, an id that is no UUID a 400, an unknown case a 404."""
    key = (await new_case())["attributes"]["key"]

    unknown = await http.post(f"/api/v2/cases/{key}/watchers/{UNKNOWN_USER}")
    malformed = await http.post(f"/api/v2/cases/{key}/watchers/jane")
    no_case = await http.get("/api/v2/cases/NOPE-1/watchers")

    assert unknown.status_code == 404
    assert unknown.json() == {"errors": [{"code": "resource_not_found", "title": "user not found"}]}
    assert malformed.status_code == 400
    assert no_case.status_code == 404


async def test_insights_are_added_once_shown_on_the_case_and_removed(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """Added insights are listed on the case (a repeat is not doubled); removing one by type
    and resource id removes it; both changes are in the timeline."""
    key = (await new_case())["attributes"]["key"]
    path = f"/api/v2/cases/{key}/insights"
    signal = {"type": "SECURITY_SIGNAL", "ref": "/security/signal?id=AbC", "resource_id": "AbC"}

    added = await http.put(path, json=case_body(insights=[insight(), signal]))
    repeated = await http.put(path, json=case_body(insights=[insight()]))
    removed = await http.request("DELETE", path, json=case_body(insights=[insight()]))

    assert added.status_code == 200
    assert added.json()["data"]["attributes"]["insights"] == [insight(), signal]
    assert repeated.json()["data"]["attributes"]["insights"] == [insight(), signal]
    assert removed.status_code == 200
    assert removed.json()["data"]["attributes"]["insights"] == [signal]
    changes = [cell["attributes"]["cell_content"] for cell in await latest_cells(http, key, 2)]
    assert changes == [
        {"field": "insights", "from": [insight(), signal], "to": [signal]},
        {"field": "insights", "from": [], "to": [insight(), signal]},
    ]


@pytest.mark.parametrize(
    "insights",
    [
        [insight("DASHBOARD")],
        [{"type": "MONITOR", "ref": "/monitors/1"}],
        [],
        [insight(resource_id=str(n)) for n in range(101)],
    ],
    ids=["unknown-type", "no-resource-id", "none", "too-many"],
)
async def test_an_invalid_insight_is_refused(
    http: httpx2.AsyncClient, new_case: NewCase, insights: list[dict[str, str]]
) -> None:
    """A type outside Datadog's CaseInsightType, a missing field, or not 1 to 100 insights is
    a 400, and the case keeps its insights."""
    key = (await new_case())["attributes"]["key"]

    answer = await http.put(f"/api/v2/cases/{key}/insights", json=case_body(insights=insights))

    assert answer.status_code == 400
    case = (await http.get(f"/api/v2/cases/{key}")).json()["data"]["attributes"]
    assert case["insights"] == []
