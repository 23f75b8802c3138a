"""Cases through the API: documents, lookups by id or key, and the rules of each change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

STANDARD = "00000000-0000-0000-0000-000000000001"
CHANGE_REQUEST = "00000000-0000-0000-0000-000000000004"


def body(attributes: dict[str, Any] | None = None, kind: str = "case") -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind}
    if attributes is not None:
        data["attributes"] = attributes
    return {"data": data}


async def test_created_case_has_datadogs_document(
    http: httpx2.AsyncClient, sandbox: Sandbox, org: dict[str, str]
) -> None:
    """A new case answers 201 with exactly the keys and values Datadog sends."""
    request = {
        "data": {
            "type": "case",
            "attributes": {
                "title": "Elevated 5xx on checkout-api",
                "type_id": STANDARD,
                "priority": "P2",
            },
            "relationships": {"project": {"data": {"id": org["sec"], "type": "project"}}},
        }
    }
    answer = await http.post("/api/v2/cases", json=request)

    assert answer.status_code == 201
    assert answer.headers["content-type"] == "application/vnd.api+json"
    case_id = answer.json()["data"]["id"]
    actor = sandbox.ACTOR_ID
    assert answer.json() == {
        "data": {
            "id": case_id,
            "type": "case",
            "attributes": {
                "attributes": {},
                "comment_count": 0,
                "created_at": "2026-09-01T08:00:00.000000Z",
                "creation_source": "MANUAL",
                "custom_attributes": {},
                "description": "",
                "insights": [],
                "internal_id": case_id,
                "key": "SEC-1",
                "merge_status": "NOT_MERGED",
                "priority": "P2",
                "public_id": "1",
                "status": "OPEN",
                "status_group": "SG_OPEN",
                "status_name": "Open",
                "title": "Elevated 5xx on checkout-api",
                "type": "STANDARD",
                "type_id": STANDARD,
            },
            "relationships": {
                "created_by": {"data": {"id": actor, "type": "user"}},
                "project": {"data": {"id": org["sec"], "type": "project"}},
            },
        },
        "included": [
            {
                "id": actor,
                "type": "user",
                "attributes": {
                    "active": True,
                    "email": "case-mcp-sandbox@demo-org.example",
                    "handle": actor,
                    "name": "Case MCP Sandbox",
                },
            }
        ],
    }


async def test_case_keys_count_per_project_and_public_ids_per_org(
    new_case: Any, org: dict[str, str]
) -> None:
    """Keys number each project's cases from 1; public ids number the organisation's."""
    cases = [
        await new_case(project=org["sec"]),
        await new_case(project=org["ops"]),
        await new_case(project=org["sec"]),
    ]

    keys = [(case["attributes"]["key"], case["attributes"]["public_id"]) for case in cases]
    assert keys == [("SEC-1", "1"), ("OPS-1", "2"), ("SEC-2", "3")]


async def test_a_case_is_found_by_uuid_key_and_lowercase_key(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Every case endpoint takes the case's UUID or its key, in any case."""
    case = await new_case()

    found = [
        (await http.get(f"/api/v2/cases/{ref}")).json()["data"]["id"]
        for ref in (case["id"], case["id"].upper(), "SEC-1", "sec-1")
    ]
    assert found == [case["id"]] * 4


async def test_a_moved_case_gets_a_new_key_and_keeps_its_old_one(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str]
) -> None:
    """Moving a case numbers it in the new project; the old key still finds it."""
    case = await new_case()
    await new_case(project=org["ops"])

    moved = await http.patch(
        f"/api/v2/cases/{case['id']}/relationships/project",
        json={"data": {"id": org["ops"], "type": "project"}},
    )

    assert moved.status_code == 200
    assert moved.json()["data"]["attributes"]["key"] == "OPS-2"
    assert moved.json()["data"]["relationships"]["project"]["data"]["id"] == org["ops"]
    by_old_key = await http.post("/api/v2/cases/SEC-1/priority", json=body({"priority": "P1"}))
    assert by_old_key.json()["data"]["attributes"]["key"] == "OPS-2"


async def test_moving_to_an_unknown_project_is_not_found(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """A move names an existing project or answers Datadog's 404."""
    case = await new_case()

    answer = await http.patch(
        f"/api/v2/cases/{case['id']}/relationships/project",
        json={"data": {"id": "67d80aa3-36ff-44b9-a694-c501a7591737", "type": "project"}},
    )

    assert (answer.status_code, answer.json()) == (
        404,
        {"errors": [{"code": "resource_not_found", "title": "project not found"}]},
    )


async def test_each_change_moves_modified_at_and_modified_by(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime], sandbox: Sandbox
) -> None:
    """A change stamps the case with its time and author."""
    case = await new_case()
    now[0] = datetime(2026, 9, 1, 9, 30, tzinfo=UTC)

    changed = await http.post(f"/api/v2/cases/{case['id']}/title", json=body({"title": "New"}))

    document = changed.json()["data"]
    assert document["attributes"]["modified_at"] == "2026-09-01T09:30:00.000000Z"
    assert document["relationships"]["modified_by"] == {
        "data": {"id": sandbox.ACTOR_ID, "type": "user"}
    }


async def test_a_change_to_the_same_value_changes_nothing(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Unarchiving a live case (as Datadog shows) or repeating a title leaves it untouched."""
    case = await new_case("Same title")

    for path, attributes in (("unarchive", None), ("title", {"title": "Same title"})):
        answer = await http.post(f"/api/v2/cases/{case['id']}/{path}", json=body(attributes))
        assert answer.json()["data"] == case


async def test_closing_sets_closed_at_and_reopening_clears_it(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """closed_at marks when a case entered the closed group, and goes when it leaves."""
    case = await new_case()
    now[0] = datetime(2026, 9, 2, tzinfo=UTC)

    closed = await http.post(f"/api/v2/cases/{case['id']}/status", json=body({"status": "CLOSED"}))
    reopened = await http.post(
        f"/api/v2/cases/{case['id']}/status", json=body({"status_name": "in progress"})
    )

    assert closed.json()["data"]["attributes"]["closed_at"] == "2026-09-02T00:00:00.000000Z"
    attributes = reopened.json()["data"]["attributes"]
    assert "closed_at" not in attributes
    assert (attributes["status"], attributes["status_name"], attributes["status_group"]) == (
        "IN_PROGRESS",
        "In Progress",
        "SG_IN_PROGRESS",
    )


async def test_a_change_request_moves_through_its_own_statuses(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """A type's statuses are its status names upper-snake-cased, in their groups."""
    request = {
        "data": {
            "type": "case",
            "attributes": {"title": "Rotate TLS certificates", "type_id": CHANGE_REQUEST},
            "relationships": {"project": {"data": {"id": org["ops"], "type": "project"}}},
        }
    }
    case = (await http.post("/api/v2/cases", json=request)).json()["data"]

    approved = await http.post(
        f"/api/v2/cases/{case['id']}/status", json=body({"status": "PENDING_APPROVAL"})
    )
    declined = await http.post(
        f"/api/v2/cases/{case['id']}/status", json=body({"status_name": "Declined"})
    )

    assert approved.json()["data"]["attributes"]["status_group"] == "SG_IN_PROGRESS"
    attributes = declined.json()["data"]["attributes"]
    assert (attributes["status"], attributes["status_group"]) == ("DECLINED", "SG_CLOSED")
    assert "closed_at" in attributes


async def test_a_status_the_type_does_not_offer_is_refused_with_its_statuses(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """A Standard case cannot be APPROVED; the answer lists what it can be."""
    case = await new_case()

    answer = await http.post(
        f"/api/v2/cases/{case['id']}/status", json=body({"status": "APPROVED"})
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["detail"] == (
        "status APPROVED is not a status of case type 'Standard'; "
        "its statuses are OPEN, IN_PROGRESS, CLOSED"
    )


async def test_assigning_and_unassigning_show_in_relationships_and_included(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str], sandbox: Sandbox
) -> None:
    """An assignee appears as a relationship and an included user, Pending users inactive."""
    case = await new_case()

    assigned = await http.post(
        f"/api/v2/cases/{case['id']}/assign", json=body({"assignee_id": org["pending"]})
    )
    unassigned = await http.post(f"/api/v2/cases/{case['id']}/unassign", json=body())

    document = assigned.json()
    assert document["data"]["relationships"]["assignee"] == {
        "data": {"id": org["pending"], "type": "user"}
    }
    assert document["included"][1] == {
        "id": org["pending"],
        "type": "user",
        "attributes": {
            "active": False,
            "email": "new.hire@example.com",
            "handle": "new.hire@example.com",
            "name": "",
        },
    }
    assert "assignee" not in unassigned.json()["data"]["relationships"]


async def test_assigning_an_unknown_user_is_not_found(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """An assignee must be a user of the organisation."""
    case = await new_case()

    answer = await http.post(
        f"/api/v2/cases/{case['id']}/assign",
        json=body({"assignee_id": "67d80aa3-36ff-44b9-a694-c501a7591737"}),
    )

    assert (answer.status_code, answer.json()) == (
        404,
        {"errors": [{"code": "resource_not_found", "title": "user not found"}]},
    )


async def test_archiving_sets_archived_at_and_unarchiving_clears_it(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """archived_at is present exactly while a case is archived; both are idempotent."""
    case = await new_case()

    first = await http.post(f"/api/v2/cases/{case['id']}/archive", json=body())
    second = await http.post(f"/api/v2/cases/{case['id']}/archive", json=body())
    restored = await http.post(f"/api/v2/cases/{case['id']}/unarchive", json=body())

    assert first.json()["data"] == second.json()["data"]
    assert "archived_at" in first.json()["data"]["attributes"]
    assert "archived_at" not in restored.json()["data"]["attributes"]


async def test_updating_attributes_replaces_the_whole_map(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """The attributes endpoint sets the map; names not sent are gone."""
    case = await new_case()
    path = f"/api/v2/cases/{case['id']}/attributes"
    await http.post(path, json=body({"attributes": {"service": ["web-store", "web-api"]}}))

    answer = await http.post(path, json=body({"attributes": {"env": ["prod"], "team": ["sre"]}}))

    assert answer.json()["data"]["attributes"]["attributes"] == {
        "env": ["prod"],
        "team": ["sre"],
    }


@pytest.mark.parametrize(
    ("key", "kind", "is_multi", "value"),
    [
        ("aws_region", "SELECT", False, "eu-west-1"),
        ("components", "TEXT", True, ["api-gateway", "checkout"]),
        ("runbook_url", "URL", False, "https://runbooks.example.com/checkout"),
        ("impact_users", "NUMBER", False, 1250),
    ],
)
async def test_custom_attributes_of_every_type_are_set_and_cleared(
    http: httpx2.AsyncClient, new_case: Any, key: str, kind: str, is_multi: bool, value: Any
) -> None:
    """A configured custom attribute takes a fitting value and can be cleared again."""
    case = await new_case()
    path = f"/api/v2/cases/{case['id']}/custom_attributes/{key}"

    set_answer = await http.post(
        path, json=body({"type": kind, "is_multi": is_multi, "value": value})
    )
    cleared = await http.delete(path)

    assert set_answer.json()["data"]["attributes"]["custom_attributes"] == {
        key: {"type": kind, "is_multi": is_multi, "value": value}
    }
    assert cleared.json()["data"]["attributes"]["custom_attributes"] == {}


@pytest.mark.parametrize(
    ("key", "kind", "is_multi", "value", "detail"),
    [
        (
            "aws_region",
            "SELECT",
            False,
            "mars-1",
            "custom attribute 'aws_region' is SELECT: 'mars-1' is not one of its options "
            "('us-east-1', 'eu-west-1')",
        ),
        (
            "runbook_url",
            "URL",
            False,
            "runbooks/checkout",
            "custom attribute 'runbook_url' is URL: 'runbooks/checkout' is not an http(s) URL",
        ),
        (
            "impact_users",
            "NUMBER",
            False,
            "many",
            "custom attribute 'impact_users' is NUMBER: 'many' is not a number",
        ),
        (
            "components",
            "TEXT",
            True,
            "one",
            "custom attribute 'components' is TEXT (multi): value must be a list",
        ),
        (
            "components",
            "TEXT",
            False,
            "one",
            "custom attribute 'components' is configured as type TEXT with is_multi true; send "
            "those (got type TEXT with is_multi false)",
        ),
    ],
)
async def test_a_custom_attribute_value_that_does_not_fit_is_refused(
    http: httpx2.AsyncClient,
    new_case: Any,
    key: str,
    kind: str,
    is_multi: bool,
    value: Any,
    detail: str,
) -> None:
    """The answer says what the configuration expects."""
    case = await new_case()

    answer = await http.post(
        f"/api/v2/cases/{case['id']}/custom_attributes/{key}",
        json=body({"type": kind, "is_multi": is_multi, "value": value}),
    )

    assert (answer.status_code, answer.json()) == (
        400,
        {"errors": [{"status": "400", "title": "Bad Request", "detail": detail}]},
    )


async def test_a_case_made_with_the_legacy_type_field_is_standard(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """``"type": "STANDARD"`` instead of type_id, as an older recording sends, still works."""
    request = {
        "data": {
            "type": "case",
            "attributes": {"title": "Legacy", "type": "STANDARD", "priority": "P4"},
            "relationships": {"project": {"data": {"id": org["sec"], "type": "project"}}},
        }
    }

    answer = await http.post("/api/v2/cases", json=request)

    assert answer.status_code == 201
    assert answer.json()["data"]["attributes"]["type_id"] == STANDARD


async def test_deleting_a_project_deletes_its_cases(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str]
) -> None:
    """A project's cases go with it."""
    case = await new_case(project=org["ops"])

    deleted = await http.delete(f"/api/v2/cases/projects/{org['ops']}")

    assert (deleted.status_code, deleted.content) == (204, b"")
    assert (await http.get(f"/api/v2/cases/{case['id']}")).status_code == 404
