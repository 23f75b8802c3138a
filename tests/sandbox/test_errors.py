"""Refused requests get Datadog's error bodies, with a detail saying what to fix."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio

UNKNOWN = "67d80aa3-36ff-44b9-a694-c501a7591737"
STANDARD = "00000000-0000-0000-0000-000000000001"


def bad_request(detail: str, title: str = "Bad Request") -> dict[str, Any]:
    return {"errors": [{"status": "400", "title": title, "detail": detail}]}


def not_found(title: str, **extra: Any) -> dict[str, Any]:
    return {"errors": [{"code": "resource_not_found", "title": title, **extra}]}


def case_request(attributes: dict[str, Any] | None = None, kind: str = "case") -> dict[str, Any]:
    data: dict[str, Any] = {"type": kind}
    if attributes is not None:
        data["attributes"] = attributes
    return {"data": data}


STATUSES = (
    "NOT_STARTED, IN_PROGRESS, CLOSED, ACKNOWLEDGED, TRIGGERED, PENDING_APPROVAL, COMPLETED, "
    "CANCELLED, DECLINED, SUNKNOWN, OPEN, RESOLVED, APPROVED, IMPLEMENTING"
)

# (method, path under /api/v2 with {case} for a fresh case's id, JSON body, status, answer)
REFUSALS: list[tuple[str, str, Any, int, dict[str, Any]]] = [
    (
        "POST",
        "cases/{case}/archive",
        case_request(kind="project"),
        400,
        bad_request('got type "project" expected one of "case"'),
    ),
    (
        "POST",
        "cases/{case}/priority",
        case_request({"priority": "P1234"}),
        400,
        {
            "errors": [
                {
                    "title": "Generic Error",
                    "detail": "invalid priority P1234. Must be one of P1, P2, P3, P4, P5, "
                    "NOT_DEFINED",
                }
            ]
        },
    ),
    (
        "POST",
        "cases/{case}/status",
        case_request({"status": "OPENED"}),
        400,
        {
            "errors": [
                {
                    "title": "Generic Error",
                    "detail": f"invalid status OPENED. Must be one of {STATUSES}",
                }
            ]
        },
    ),
    (
        "DELETE",
        "cases/{case}/comment/not-an-uuid",
        None,
        400,
        bad_request(
            'invalid parameter "CommentID" in "path"; expected type "uuid"', "Invalid Parameter"
        ),
    ),
    (
        "DELETE",
        f"cases/types/{STANDARD}/custom_attributes/not-an-uuid",
        None,
        400,
        bad_request(
            'invalid parameter "CustomAttributeId" in "path"; expected type "uuid"',
            "Invalid Parameter",
        ),
    ),
    (
        "POST",
        "cases/{case}/attributes",
        case_request({"attributes": {"service": "web-store"}}),
        400,
        bad_request('error decoding attribute "attributes": invalid type string'),
    ),
    (
        "POST",
        "cases/{case}/comment",
        case_request({"comment": "  "}),
        400,
        bad_request("comment must not be empty"),
    ),
    (
        "POST",
        "cases/{case}/title",
        case_request({"title": ""}),
        400,
        bad_request("title must not be empty"),
    ),
    (
        "POST",
        "cases/{case}/assign",
        case_request({"assignee_id": "invalid-uuid"}),
        400,
        bad_request(
            "assignee_id must be the UUID of a user (see GET /api/v2/users); got 'invalid-uuid'"
        ),
    ),
    (
        "POST",
        "cases/{case}/custom_attributes/components",
        case_request({"type": "FLOAT", "is_multi": True, "value": [1, 2.4]}),
        400,
        bad_request("custom attribute type 'FLOAT' is not one of URL, TEXT, NUMBER, SELECT"),
    ),
    (
        "POST",
        f"cases/types/{STANDARD}/custom_attributes",
        case_request(
            {"display_name": "Region", "is_multi": True, "key": "region", "type": "FLOAT"},
            "custom_attribute",
        ),
        400,
        bad_request("custom attribute type 'FLOAT' is not one of URL, TEXT, NUMBER, SELECT"),
    ),
    (
        "POST",
        "cases/types",
        case_request({"name": "Investigation", "emoji": "notanemoji"}, "case_type"),
        400,
        bad_request(
            "emoji must be a single emoji character such as 👑, or empty; got 'notanemoji'"
        ),
    ),
    (
        "POST",
        "cases/{case}/title",
        {"title": "no data"},
        400,
        bad_request(
            'the request body must be a JSON object {"data": {"type": "case", ...}}; '
            '"data" is missing or not an object'
        ),
    ),
    (
        "POST",
        "cases/{case}/title",
        case_request({}),
        400,
        bad_request('missing required attribute "title"'),
    ),
    (
        "POST",
        "cases/projects",
        case_request({"key": "CASE", "name": "Cases"}, "project"),
        400,
        bad_request('project key "CASE" is reserved by Datadog; choose another key'),
    ),
    (
        "POST",
        "cases/projects",
        case_request({"key": "sec-ops", "name": "x"}, "project"),
        400,
        bad_request(
            "invalid project key 'sec-ops': a key is 1 to 10 uppercase letters or digits "
            "starting with a letter, such as SEC or OPS2"
        ),
    ),
    (
        "POST",
        "cases/projects",
        case_request({"key": "SEC", "name": "Again"}, "project"),
        409,
        {
            "errors": [
                {
                    "status": "409",
                    "title": "Conflict",
                    "detail": "a project with key SEC already exists; choose another key",
                }
            ]
        },
    ),
    ("GET", f"cases/{UNKNOWN}", None, 404, not_found("case not found")),
    ("POST", "cases/NOPE-1/archive", case_request(), 404, not_found("case not found")),
    (
        "PATCH",
        f"cases/projects/{UNKNOWN}",
        case_request({"name": "x"}, "project"),
        404,
        not_found("failed to get project: project not found"),
    ),
    (
        "POST",
        f"cases/types/{UNKNOWN}/custom_attributes",
        case_request(
            {"display_name": "R", "is_multi": True, "key": "r", "type": "NUMBER"},
            "custom_attribute",
        ),
        404,
        not_found("case_type not found"),
    ),
    ("GET", f"users/{UNKNOWN}", None, 404, not_found("user not found")),
    (
        "DELETE",
        f"cases/{{case}}/comment/{UNKNOWN}",
        None,
        404,
        not_found("failed to get timeline cell: timeline cell not found"),
    ),
    (
        "POST",
        "cases/{case}/custom_attributes/invalid_key",
        case_request({"type": "TEXT", "is_multi": True, "value": ["Abba"]}),
        404,
        not_found(
            "failed to update batch: failed to apply command: failed to apply "
            "domain.UpdateCustomAttribute command: custom attribute configuration not found",
            meta={"key": "invalid_key"},
        ),
    ),
    (
        "DELETE",
        "cases/{case}/custom_attributes/invalid_key",
        None,
        404,
        not_found(
            "failed to update batch: failed to apply command: failed to apply "
            "domain.RemoveCustomAttribute command: custom attribute configuration not found",
            meta={"key": "invalid_key"},
        ),
    ),
    ("GET", "cases/{case}/no_such_thing", None, 404, {"errors": ["Not found"]}),
    ("PUT", "cases/{case}", None, 405, {"errors": ["Method not allowed"]}),
]


@pytest.mark.parametrize(
    ("method", "path", "json", "status", "expected"),
    REFUSALS,
    ids=[f"{method} {path} {status}" for method, path, _, status, _ in REFUSALS],
)
async def test_a_refused_request_gets_datadogs_error_body(
    http: httpx2.AsyncClient,
    new_case: Any,
    method: str,
    path: str,
    json: Any,
    status: int,
    expected: dict[str, Any],
) -> None:
    """The status and the whole body are Datadog's (plus a detail where it sends none)."""
    case = await new_case()

    answer = await http.request(method, "/api/v2/" + path.format(case=case["id"]), json=json)

    assert (answer.status_code, answer.json()) == (status, expected)


async def test_creating_a_case_with_a_wrongly_typed_relationship_is_refused(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """A relationship of the wrong type answers the recorded 400, before any lookup."""
    request = {
        "data": {
            "type": "case",
            "attributes": {"title": "Security breach investigation", "type_id": STANDARD},
            "relationships": {
                "assignee": {"data": {"id": UNKNOWN, "type": "userx"}},
                "project": {"data": {"id": UNKNOWN, "type": "project"}},
            },
        }
    }

    answer = await http.post("/api/v2/cases", json=request)

    assert (answer.status_code, answer.json()) == (
        400,
        bad_request('got type "userx" expected one of "user"'),
    )


async def test_creating_a_case_in_an_unknown_project_is_not_found(
    http: httpx2.AsyncClient,
) -> None:
    """The project is checked first, as the recording shows, then the assignee."""
    request = {
        "data": {
            "type": "case",
            "attributes": {"title": "Security breach investigation", "type_id": STANDARD},
            "relationships": {
                "assignee": {"data": {"id": UNKNOWN, "type": "user"}},
                "project": {"data": {"id": UNKNOWN, "type": "project"}},
            },
        }
    }

    answer = await http.post("/api/v2/cases", json=request)

    assert (answer.status_code, answer.json()) == (404, not_found("project not found"))


async def test_a_body_that_is_not_json_is_refused(http: httpx2.AsyncClient) -> None:
    """Invalid JSON answers 400 saying so, never a 500."""
    answer = await http.post(
        "/api/v2/cases", content=b"{not json", headers={"Content-Type": "application/json"}
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["detail"].startswith("the request body is not valid JSON")


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"DD-API-KEY": "key"},
        {"DD-API-KEY": "key", "DD-APPLICATION-KEY": " "},
        {"Authorization": "Bearer "},
    ],
)
async def test_a_request_without_credentials_is_forbidden(
    http: httpx2.AsyncClient, headers: dict[str, str]
) -> None:
    """Both keys, or a bearer token, must be present and non-empty."""
    http.headers.clear()

    answer = await http.get("/api/v2/cases", headers=headers)

    assert (answer.status_code, answer.json()) == (403, {"errors": ["Forbidden"]})


async def test_any_bearer_token_is_accepted(http: httpx2.AsyncClient) -> None:
    """The sandbox checks that credentials are there, not what they are."""
    http.headers.clear()

    answer = await http.get("/api/v2/cases", headers={"Authorization": "Bearer anything"})

    assert answer.status_code == 200


async def test_every_answer_carries_a_request_id(http: httpx2.AsyncClient) -> None:
    """x-request-id is a fresh UUID on successes and errors alike."""
    answers = [await http.get("/api/v2/cases"), await http.get("/api/v2/cases/NOPE-1")]

    ids = [answer.headers["x-request-id"] for answer in answers]
    assert len(set(ids)) == 2
    assert all(len(request_id) == 36 for request_id in ids)
