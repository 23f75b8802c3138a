"""A case's timeline: comments as Datadog answers them, and a cell for every change."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


def body(attributes: dict[str, Any] | None = None, kind: str = "case") -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind}
    if attributes is not None:
        data["attributes"] = attributes
    return {"data": data}


async def cells(http: httpx2.AsyncClient, case_id: str, **params: Any) -> list[dict[str, Any]]:
    answer = await http.get(f"/api/v2/cases/{case_id}/timelines", params=params)
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


async def test_a_comment_answers_like_datadog(
    http: httpx2.AsyncClient, new_case: Any, sandbox: Sandbox, now: list[datetime]
) -> None:
    """Commenting answers {"data": [cell]} with the author, content and its JSON string."""
    case = await new_case()
    now[0] = datetime(2026, 9, 1, 8, 5, tzinfo=UTC)

    answer = await http.post(
        f"/api/v2/cases/{case['id']}/comment", json=body({"comment": "Rolled back 2026.09.14"})
    )

    cell = answer.json()["data"][0]
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "data": [
                {
                    "id": cell["id"],
                    "type": "timeline_cell",
                    "attributes": {
                        "author": {
                            "type": "USER",
                            "content": {
                                "ID": sandbox.ACTOR_ID,
                                "name": "Case MCP Sandbox",
                                "email": "case-mcp-sandbox@demo-org.example",
                                "handle": sandbox.ACTOR_ID,
                                "active": True,
                            },
                        },
                        "cell_content": {"message": "Rolled back 2026.09.14"},
                        "content": '{"message":"Rolled back 2026.09.14"}',
                        "created_at": "2026-09-01T08:05:00.000000Z",
                        "type": "COMMENT",
                    },
                }
            ]
        },
    )


async def test_comments_count_on_the_case(http: httpx2.AsyncClient, new_case: Any) -> None:
    """comment_count follows comments added and deleted."""
    case = await new_case()
    path = f"/api/v2/cases/{case['id']}"
    first = await http.post(f"{path}/comment", json=body({"comment": "one"}))
    await http.post(f"{path}/comment", json=body({"comment": "two"}))
    await http.delete(f"{path}/comment/{first.json()['data'][0]['id']}")

    assert (await http.get(path)).json()["data"]["attributes"]["comment_count"] == 1


async def test_a_deleted_comment_is_gone_and_a_second_delete_is_not_found(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Delete answers 204, then 404 "timeline cell not found", as Datadog does."""
    case = await new_case()
    comment = await http.post(f"/api/v2/cases/{case['id']}/comment", json=body({"comment": "x"}))
    path = f"/api/v2/cases/{case['id']}/comment/{comment.json()['data'][0]['id']}"

    first = await http.delete(path)
    second = await http.delete(path)

    assert (first.status_code, first.content) == (204, b"")
    assert (second.status_code, second.json()) == (
        404,
        {"errors": [{"code": "resource_not_found", "title": "timeline cell not found"}]},
    )
    assert [cell["attributes"]["type"] for cell in await cells(http, case["id"])] == [
        "CASE_CREATED"
    ]


async def test_a_change_record_cannot_be_deleted_as_a_comment(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """Only COMMENT cells can be deleted; the answer says what the cell is."""
    case = await new_case()
    created = (await cells(http, case["id"]))[0]

    answer = await http.delete(f"/api/v2/cases/{case['id']}/comment/{created['id']}")

    assert (answer.status_code, answer.json()) == (
        400,
        {
            "errors": [
                {
                    "status": "400",
                    "title": "Bad Request",
                    "detail": f"timeline cell {created['id']} is a CASE_CREATED record; "
                    "only COMMENT cells can be deleted",
                }
            ]
        },
    )


async def test_every_kind_of_change_is_recorded_with_from_and_to(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str]
) -> None:
    """Each change adds one cell naming the field, the old and the new value."""
    case = await new_case("Old title")
    path = f"/api/v2/cases/{case['id']}"
    await http.post(f"{path}/title", json=body({"title": "New title"}))
    await http.post(f"{path}/description", json=body({"description": "Since 14:00."}))
    await http.post(f"{path}/status", json=body({"status": "IN_PROGRESS"}))
    await http.post(f"{path}/priority", json=body({"priority": "P1"}))
    await http.post(f"{path}/assign", json=body({"assignee_id": org["jane"]}))
    await http.post(f"{path}/archive", json=body())
    await http.post(f"{path}/attributes", json=body({"attributes": {"env": ["prod"]}}))
    await http.post(
        f"{path}/custom_attributes/impact_users",
        json=body({"type": "NUMBER", "is_multi": False, "value": 40}),
    )
    await http.patch(
        f"{path}/relationships/project", json={"data": {"id": org["ops"], "type": "project"}}
    )

    recorded = [
        (cell["attributes"]["type"], cell["attributes"]["cell_content"])
        for cell in await cells(http, case["id"], **{"sort[ascending]": "true"})
    ]

    sec = {"id": org["sec"], "key": "SEC", "name": "Security", "case_key": "SEC-1"}
    ops = {"id": org["ops"], "key": "OPS", "name": "Operations", "case_key": "OPS-1"}
    assert recorded == [
        (
            "CASE_CREATED",
            {
                "field": "case",
                "from": None,
                "to": {
                    "key": "SEC-1",
                    "title": "Old title",
                    "status": "OPEN",
                    "priority": "NOT_DEFINED",
                },
            },
        ),
        ("TITLE_CHANGE", {"field": "title", "from": "Old title", "to": "New title"}),
        ("DESCRIPTION_CHANGE", {"field": "description", "from": "", "to": "Since 14:00."}),
        ("STATUS_CHANGE", {"field": "status", "from": "OPEN", "to": "IN_PROGRESS"}),
        ("PRIORITY_CHANGE", {"field": "priority", "from": "NOT_DEFINED", "to": "P1"}),
        (
            "ASSIGNMENT_CHANGE",
            {"field": "assignee", "from": None, "to": {"id": org["jane"], "name": "Jane Doe"}},
        ),
        ("ARCHIVE_CHANGE", {"field": "archived", "from": False, "to": True}),
        ("ATTRIBUTES_CHANGE", {"field": "attributes", "from": {}, "to": {"env": ["prod"]}}),
        (
            "CUSTOM_ATTRIBUTE_CHANGE",
            {"field": "custom_attributes.impact_users", "from": None, "to": 40},
        ),
        ("PROJECT_CHANGE", {"field": "project", "from": sec, "to": ops}),
    ]


async def test_the_timeline_pages_newest_first_by_default(
    http: httpx2.AsyncClient, new_case: Any
) -> None:
    """page[size] and a zero-based page[number] page the timeline, newest first by default."""
    case = await new_case()
    for number in range(1, 4):
        await http.post(f"/api/v2/cases/{case['id']}/comment", json=body({"comment": f"#{number}"}))

    def messages(page: list[dict[str, Any]]) -> list[Any]:
        return [cell["attributes"]["cell_content"].get("message") for cell in page]

    first = await cells(http, case["id"], **{"page[size]": 2})
    second = await cells(http, case["id"], **{"page[size]": 2, "page[number]": 1})

    assert messages(first) == ["#3", "#2"]
    assert messages(second) == ["#1", None]  # the creation record comes last
