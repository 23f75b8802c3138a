"""Every way a request can fail becomes the right exception of `case_mcp.errors`, with fields."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import httpx2
import pytest

from case_mcp.client import CaseManagementClient
from case_mcp.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    WrongBaseURLError,
)
from fake_datadog import FakeDatadog

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
CASE_PATH = f"/api/v2/cases/{CASE}"

pytestmark = pytest.mark.anyio


@pytest.mark.parametrize(
    ("status", "raises"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, APIError),
        (500, ServerError),
        (503, ServerError),
    ],
)
async def test_each_error_status_raises_its_exception(
    client: CaseManagementClient, datadog: FakeDatadog, status: int, raises: type[APIError]
) -> None:
    """The HTTP status picks the exception class; the fields say what and where."""
    datadog.answer(status, {"errors": ["Something went wrong"]}, {"x-request-id": "req-123"})

    with pytest.raises(raises) as caught:
        await client.get_case(CASE)

    error = caught.value
    assert type(error) is raises
    assert (error.status, error.method, error.path, error.request_id, error.errors) == (
        status,
        "GET",
        CASE_PATH,
        "req-123",
        (ErrorDetail(title="Something went wrong"),),
    )
    assert str(error) == f"Datadog answered {status} to GET {CASE_PATH}: Something went wrong"


@pytest.mark.parametrize(
    ("body", "raises"),
    [
        # Every recorded 404 of a missing Case Management object.
        ({"errors": [{"code": "resource_not_found", "title": "case not found"}]}, NotFoundError),
        # The users API names the missing user (recorded by Datadog's official client).
        ({"errors": [f"{CASE} not found"]}, NotFoundError),
        # Datadog's answer to a path that is no endpoint (/api/v2/openapi.json).
        ({"errors": ["Not found"]}, WrongBaseURLError),
        (b"<html><body><h1>404 Not Found</h1></body></html>", WrongBaseURLError),
        (b"", WrongBaseURLError),
        ({"message": "no route"}, WrongBaseURLError),
    ],
    ids=["json-api", "named", "bare", "html", "empty", "other-json"],
)
async def test_a_404_is_a_missing_object_only_in_datadogs_words(
    client: CaseManagementClient,
    datadog: FakeDatadog,
    body: dict[str, object] | bytes,
    raises: type[Exception],
) -> None:
    """A 404 that names what is missing is NotFoundError; one for an unknown route is not."""
    datadog.answer(404, body)

    with pytest.raises(raises) as caught:
        await client.get_case(CASE)

    assert type(caught.value) is raises


async def test_plain_string_errors_become_titles(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """``{"errors": ["Forbidden"]}``, the documented shape, becomes one detail per string."""
    datadog.answer(403, {"errors": ["Forbidden", "Missing scope cases_write"]})

    with pytest.raises(PermissionDeniedError) as caught:
        await client.archive_case(CASE)

    assert caught.value.messages == ("Forbidden", "Missing scope cases_write")


async def test_json_api_error_objects_keep_every_field(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """A JSON:API error object keeps its status, title, detail, code and meta."""
    datadog.answer(
        400,
        {
            "errors": [
                {
                    "status": "400",
                    "title": "Bad Request",
                    "detail": 'got type "project" expected one of "case"',
                    "code": "invalid",
                    "meta": {"field": "type"},
                }
            ]
        },
    )

    with pytest.raises(BadRequestError) as caught:
        await client.unarchive_case(CASE)

    assert caught.value.errors == (
        ErrorDetail(
            title="Bad Request",
            detail='got type "project" expected one of "case"',
            status="400",
            code="invalid",
            meta={"field": "type"},
        ),
    )
    assert caught.value.messages == ('Bad Request: got type "project" expected one of "case"',)


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><h1>502 Bad Gateway</h1></body></html>",
        b"",
        b'{"message": "upstream failed"}',
        b'{"errors": "not a list"}',
    ],
    ids=["html", "empty", "other-json", "errors-not-a-list"],
)
async def test_an_unexpected_error_body_still_raises_by_status(
    client: CaseManagementClient, datadog: FakeDatadog, body: bytes
) -> None:
    """A body that is not Datadog's error document gives the status's exception, no details."""
    datadog.answer(502, body, {"content-type": "text/html"})

    with pytest.raises(ServerError) as caught:
        await client.get_case(CASE)

    assert (caught.value.status, caught.value.errors) == (502, ())
    assert str(caught.value) == f"Datadog answered 502 to GET {CASE_PATH}"


async def test_the_error_path_has_no_query_string(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """The search text stays out of the exception: the path has no query string."""
    datadog.answer(400, {"errors": ["Bad query"]})

    with pytest.raises(BadRequestError) as caught:
        await client.search_cases("customer:acme-secret-project")

    assert caught.value.path == "/api/v2/cases"
    assert "acme-secret-project" not in str(caught.value)


@pytest.mark.parametrize(
    ("headers", "retry_after"),
    [
        ({"X-RateLimit-Reset": "7", "Retry-After": "60"}, 7.0),
        ({"Retry-After": "3"}, 3.0),
        ({"X-RateLimit-Reset": "soon", "Retry-After": "2.5"}, 2.5),
        ({}, None),
    ],
    ids=["ratelimit-reset-first", "retry-after", "unparsable-reset", "neither"],
)
async def test_rate_limited_says_when_to_retry(
    client: CaseManagementClient,
    datadog: FakeDatadog,
    headers: dict[str, str],
    retry_after: float | None,
) -> None:
    """429 raises RateLimitedError with the wait from Datadog's headers and the limit's name."""
    datadog.answer(
        429,
        {"errors": ["Too many requests"]},
        {**headers, "X-RateLimit-Name": "cases_write", "x-request-id": "req-9"},
    )

    with pytest.raises(RateLimitedError) as caught:
        await client.update_priority(CASE, "P1")

    error = caught.value
    assert (error.status, error.retry_after, error.limit_name, error.request_id) == (
        429,
        retry_after,
        "cases_write",
        "req-9",
    )


async def test_retry_after_may_be_an_http_date(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """A ``Retry-After`` HTTP date becomes the seconds from now until then."""
    then = datetime.now(UTC) + timedelta(seconds=120)
    datadog.answer(429, b"", {"Retry-After": format_datetime(then, usegmt=True)})

    with pytest.raises(RateLimitedError) as caught:
        await client.get_case(CASE)

    assert caught.value.retry_after is not None
    assert 100 < caught.value.retry_after <= 120


@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ReadTimeout("timed out"),
        httpx2.ConnectTimeout("timed out"),
        httpx2.PoolTimeout("timed out"),
    ],
    ids=["read", "connect", "pool"],
)
async def test_a_timeout_raises_request_timeout(
    client: CaseManagementClient, datadog: FakeDatadog, failure: Exception
) -> None:
    """Any httpx2 timeout becomes RequestTimeoutError, with the request it was for."""
    datadog.fail(failure)

    with pytest.raises(RequestTimeoutError) as caught:
        await client.get_case(CASE)

    assert (caught.value.method, caught.value.path) == ("GET", CASE_PATH)
    assert str(caught.value) == f"No answer from api.datadoghq.com to GET {CASE_PATH} within 30s"


@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ConnectError("[Errno 111] Connection refused"),
        httpx2.ReadError("connection reset"),
        httpx2.RemoteProtocolError("peer closed connection"),
    ],
    ids=["refused", "reset", "dropped"],
)
async def test_no_answer_raises_network_error(
    client: CaseManagementClient, datadog: FakeDatadog, failure: Exception
) -> None:
    """Transport failures other than timeouts become NetworkError (not a timeout)."""
    datadog.fail(failure)

    with pytest.raises(NetworkError) as caught:
        await client.comment_case(CASE, "hello")

    assert type(caught.value) is NetworkError
    assert (caught.value.method, caught.value.path) == ("POST", f"{CASE_PATH}/comment")


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        (b"<html>maintenance</html>", "a body that is not JSON"),
        (b"", "a body that is not JSON"),
        (b'{"data": []}', "a body that is not a CaseDocument (data: "),
        (b'{"data": {"type": "case"}}', "a body that is not a CaseDocument (data.id: "),
        (
            b'{"data": {"id": "x", "attributes": {"created_at": "yesterday"}}}',
            "a body that is not a CaseDocument (data.attributes.created_at: ",
        ),
    ],
    ids=["html", "empty", "list-for-one", "no-id", "bad-timestamp"],
)
async def test_a_success_with_a_malformed_body_raises_malformed_response(
    client: CaseManagementClient, datadog: FakeDatadog, body: bytes, reason: str
) -> None:
    """A 2xx whose body is not JSON, or not the expected document, is MalformedResponseError."""
    datadog.answer(200, body)

    with pytest.raises(MalformedResponseError) as caught:
        await client.get_case(CASE)

    error = caught.value
    assert (error.status, error.method, error.path) == (200, "GET", CASE_PATH)
    assert str(error).startswith(f"Datadog answered 200 to GET {CASE_PATH} with {reason}")


async def test_a_comment_answer_without_the_cell_is_malformed(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """comment_case needs the new cell back; an empty list is MalformedResponseError."""
    datadog.answer(200, {"data": []})

    with pytest.raises(MalformedResponseError) as caught:
        await client.comment_case(CASE, "hello")

    assert (caught.value.status, caught.value.path) == (200, f"{CASE_PATH}/comment")


async def test_a_redirect_is_not_followed(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """A 3xx is no answer of Datadog's API: following it would send the keys elsewhere."""
    datadog.answer(302, b"", {"location": "https://elsewhere.example/steal"})

    with pytest.raises(WrongBaseURLError) as caught:
        await client.get_projects()

    assert caught.value.status == 302
    assert len(datadog.requests) == 1
