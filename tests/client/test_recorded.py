"""Each operation with recorded traffic sends what Datadog's official client sent, and reads
Datadog's real answer (or its real error) correctly."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any, cast
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest

from case_mcp.client import CaseManagementClient
from case_mcp.errors import APIError, BadRequestError, NotFoundError
from case_mcp.models import (
    Case,
    CasePage,
    CasePriority,
    CaseType,
    CustomAttributeConfig,
    CustomAttributeType,
    ErrorDocument,
    TimelineCell,
)
from cassettes import CASSETTE_DIR, Exchange, load
from fake_datadog import FakeDatadog

Call = Callable[[CaseManagementClient, Exchange], Awaitable[Any]]

TYPE_ID = "00000000-0000-0000-0000-000000000001"
PROJECT_ID = "d4bbe1af-f36e-42f1-87c1-493ca35c320e"


def _segment(exchange: Exchange, index: int) -> str:
    """One segment of the recorded path (1 is ``api``), unquoted."""
    return unquote(exchange.path.split("/")[index])


def _case_id(exchange: Exchange) -> str:
    return _segment(exchange, 4)


def _call(name: str, index: int, call: Call, expected: object) -> Any:
    return pytest.param(name, index, call, expected, id=f"{name}#{index}")


SUCCESSES = [
    _call(
        "test_archive_case_returns_ok_response", 1, lambda c, x: c.archive_case(_case_id(x)), Case
    ),
    _call(
        "test_archive_case_returns_ok_response",
        0,
        lambda c, x: c.create_case(
            "My new case", type_id=TYPE_ID, project_id=PROJECT_ID, priority="P4"
        ),
        Case,
    ),
    _call(
        "test_assign_case_returns_ok_response",
        2,
        lambda c, x: c.assign_case(_case_id(x), "06fe1d45-8040-47eb-b161-837f416635e7"),
        Case,
    ),
    _call(
        "test_comment_case_returns_ok_response",
        1,
        lambda c, x: c.comment_case(_case_id(x), "Hello World !"),
        TimelineCell,
    ),
    _call(
        "test_create_a_case_returns_created_response",
        1,
        lambda c, x: c.create_case(
            "Security breach investigation in 6667abc22c9b9dc7",
            type_id=TYPE_ID,
            project_id=PROJECT_ID,
            priority="NOT_DEFINED",
            assignee_id="ace4fe48-9ec4-11f0-988b-7627cf2efb1e",
        ),
        Case,
    ),
    _call(
        "test_delete_case_comment_returns_no_content_response",
        2,
        lambda c, x: c.delete_case_comment(_case_id(x), _segment(x, 6)),
        type(None),
    ),
    _call(
        "test_delete_custom_attribute_from_case_returns_ok_response",
        3,
        lambda c, x: c.delete_case_custom_attribute(_case_id(x), "attribute_08d279361f9bcdbb"),
        Case,
    ),
    _call(
        "test_get_the_details_of_a_case_returns_ok_response",
        1,
        lambda c, x: c.get_case(_case_id(x)),
        Case,
    ),
    _call(
        "test_search_cases_returns_ok_response_with_pagination",
        0,
        lambda c, x: c.search_cases("status:closed", page_size=2, page_number=1),
        CasePage,
    ),
    _call(
        "test_search_cases_returns_ok_response_with_pagination",
        1,
        lambda c, x: c.search_cases("status:closed", page_size=2, page_number=2),
        CasePage,
    ),
    _call(
        "test_unarchive_case_returns_ok_response",
        1,
        lambda c, x: c.unarchive_case(_case_id(x)),
        Case,
    ),
    _call(
        "test_unassign_case_returns_ok_response", 1, lambda c, x: c.unassign_case(_case_id(x)), Case
    ),
    _call(
        "test_update_case_attributes_returns_ok_response",
        1,
        lambda c, x: c.update_attributes(
            _case_id(x),
            {"env": ["test"], "service": ("web-store", "web-api"), "team": ["engineer"]},
        ),
        Case,
    ),
    _call(
        "test_update_case_custom_attribute_returns_ok_response",
        3,
        lambda c, x: c.update_case_custom_attribute(
            _case_id(x),
            "attribute_661efcf8a00203e4",
            ["Abba", "The Cure"],
            type="TEXT",
            is_multi=True,
        ),
        Case,
    ),
    _call(
        "test_update_case_description_returns_ok_response",
        1,
        lambda c, x: c.update_case_description(
            _case_id(x), "Seeing some weird memory increase... Updating the description"
        ),
        Case,
    ),
    _call(
        "test_update_case_priority_returns_ok_response",
        1,
        lambda c, x: c.update_priority(_case_id(x), "P3"),
        Case,
    ),
    _call(
        "test_update_case_status_returns_ok_response",
        1,
        lambda c, x: c.update_status(_case_id(x), status="IN_PROGRESS"),
        Case,
    ),
    _call(
        "test_update_case_title_returns_ok_response",
        1,
        lambda c, x: c.update_case_title(_case_id(x), "[UPDATED] Memory leak investigation on API"),
        Case,
    ),
    _call(
        "test_get_all_case_types_returns_ok_response",
        0,
        lambda c, x: c.get_all_case_types(),
        list[CaseType],
    ),
    _call(
        "test_get_all_custom_attributes_returns_ok_response",
        0,
        lambda c, x: c.get_all_custom_attributes(),
        list[CustomAttributeConfig],
    ),
    _call(
        "test_get_all_custom_attributes_config_of_case_type_returns_ok_response",
        1,
        lambda c, x: c.get_all_custom_attribute_configs_by_case_type(_segment(x, 5)),
        list[CustomAttributeConfig],
    ),
]

FAILURES = [
    _call(
        "test_archive_case_returns_not_found_response",
        0,
        lambda c, x: c.archive_case(_case_id(x)),
        NotFoundError,
    ),
    _call(
        "test_assign_case_returns_bad_request_response",
        1,
        lambda c, x: c.assign_case(_case_id(x), "invalid-uuid"),
        BadRequestError,
    ),
    _call(
        "test_comment_case_returns_bad_request_response",
        1,
        lambda c, x: c.comment_case(_case_id(x), ""),
        BadRequestError,
    ),
    _call(
        "test_comment_case_returns_not_found_response",
        0,
        lambda c, x: c.comment_case(_case_id(x), "Hello world !"),
        NotFoundError,
    ),
    _call(
        "test_create_a_case_returns_not_found_response",
        0,
        lambda c, x: c.create_case(
            "Security breach investigation",
            type_id=TYPE_ID,
            project_id="721074c8-63df-4d8f-a43d-ab41dd24ec35",
            assignee_id="721074c8-63df-4d8f-a43d-ab41dd24ec35",
        ),
        NotFoundError,
    ),
    _call(
        "test_delete_case_comment_returns_bad_request_response",
        1,
        lambda c, x: c.delete_case_comment(_case_id(x), "not-an-uuid"),
        BadRequestError,
    ),
    _call(
        "test_delete_case_comment_returns_no_content_response",
        3,
        lambda c, x: c.delete_case_comment(_case_id(x), _segment(x, 6)),
        NotFoundError,
    ),
    _call(
        "test_delete_case_comment_returns_not_found_response",
        1,
        lambda c, x: c.delete_case_comment(_case_id(x), _segment(x, 6)),
        NotFoundError,
    ),
    _call(
        "test_delete_custom_attribute_from_case_returns_not_found_response",
        1,
        lambda c, x: c.delete_case_custom_attribute(_case_id(x), "invalid_key"),
        NotFoundError,
    ),
    _call(
        "test_get_the_details_of_a_case_returns_not_found_response",
        0,
        lambda c, x: c.get_case(_case_id(x)),
        NotFoundError,
    ),
    _call(
        "test_unarchive_case_returns_not_found_response",
        0,
        lambda c, x: c.unarchive_case(_case_id(x)),
        NotFoundError,
    ),
    _call(
        "test_unassign_case_returns_not_found_response",
        0,
        lambda c, x: c.unassign_case(_case_id(x)),
        NotFoundError,
    ),
    _call(
        "test_update_case_attributes_returns_not_found_response",
        0,
        lambda c, x: c.update_attributes(_case_id(x), {}),
        NotFoundError,
    ),
    _call(
        "test_update_case_custom_attribute_returns_bad_request_response",
        3,
        lambda c, x: c.update_case_custom_attribute(
            _case_id(x),
            "attribute_1d2a4f8f9b39a284",
            [1, 2.4],
            type=cast(CustomAttributeType, "FLOAT"),  # Datadog's test sends a wrong type
            is_multi=True,
        ),
        BadRequestError,
    ),
    _call(
        "test_update_case_custom_attribute_returns_not_found_response",
        1,
        lambda c, x: c.update_case_custom_attribute(
            _case_id(x), "invalid_key", ["Abba", "The Cure"], type="TEXT", is_multi=True
        ),
        NotFoundError,
    ),
    _call(
        "test_update_case_description_returns_not_found_response",
        0,
        lambda c, x: c.update_case_description(
            _case_id(x), "Seeing some weird memory increase... We shouldn't ignore this"
        ),
        NotFoundError,
    ),
    _call(
        "test_update_case_priority_returns_bad_request_response",
        1,
        lambda c, x: c.update_priority(_case_id(x), cast(CasePriority, "P1234")),
        BadRequestError,
    ),
    _call(
        "test_update_case_priority_returns_not_found_response",
        0,
        lambda c, x: c.update_priority(_case_id(x), "P3"),
        NotFoundError,
    ),
    _call(
        "test_update_case_status_returns_bad_request_response",
        1,
        lambda c, x: c.update_status(_case_id(x), "OPENED"),
        BadRequestError,
    ),
    _call(
        "test_update_case_status_returns_not_found_response",
        0,
        lambda c, x: c.update_status(_case_id(x), "OPEN"),
        NotFoundError,
    ),
    _call(
        "test_update_case_title_returns_bad_request_response",
        1,
        lambda c, x: c.update_case_title(_case_id(x), ""),
        BadRequestError,
    ),
    _call(
        "test_update_case_title_returns_not_found_response",
        0,
        lambda c, x: c.update_case_title(_case_id(x), "Memory leak investigation on API"),
        NotFoundError,
    ),
]


def _exchange(name: str, index: int) -> Exchange:
    return load(CASSETTE_DIR / f"{name}.yaml").exchanges[index]


def _serve(datadog: FakeDatadog, exchange: Exchange) -> None:
    datadog.answer(exchange.status, exchange.answer, {"content-type": "application/vnd.api+json"})


def _assert_sent_as_recorded(datadog: FakeDatadog, exchange: Exchange) -> None:
    request = datadog.request
    recorded = urlsplit(exchange.target)
    sent = urlsplit(request.url.raw_path.decode())
    assert (request.method, sent.path) == (exchange.method, recorded.path)
    assert parse_qsl(sent.query) == parse_qsl(recorded.query)
    if exchange.body is None:
        assert request.content == b""
    else:
        assert json.loads(request.content) == json.loads(exchange.body)
        assert request.content.decode() == exchange.body  # compact, sorted keys


@pytest.mark.anyio
@pytest.mark.parametrize(("cassette", "index", "call", "returns"), SUCCESSES)
async def test_an_operation_sends_the_recorded_request_and_reads_the_answer(
    client: CaseManagementClient,
    datadog: FakeDatadog,
    cassette: str,
    index: int,
    call: Call,
    returns: Any,
) -> None:
    """The request matches the official client's, and Datadog's answer parses as the result."""
    exchange = _exchange(cassette, index)
    _serve(datadog, exchange)

    result = await call(client, exchange)

    _assert_sent_as_recorded(datadog, exchange)
    if getattr(returns, "__origin__", None) is list:
        assert isinstance(result, list)
        assert all(isinstance(item, returns.__args__[0]) for item in result)
    else:
        assert isinstance(result, returns)


@pytest.mark.anyio
@pytest.mark.parametrize(("cassette", "index", "call", "raises"), FAILURES)
async def test_an_operation_datadog_refused_raises_with_datadogs_reasons(
    client: CaseManagementClient,
    datadog: FakeDatadog,
    cassette: str,
    index: int,
    call: Call,
    raises: type[APIError],
) -> None:
    """The request matches the official client's, and the real error answer becomes the
    right exception carrying the status, the request and what Datadog said."""
    exchange = _exchange(cassette, index)
    _serve(datadog, exchange)

    with pytest.raises(raises) as caught:
        await call(client, exchange)

    _assert_sent_as_recorded(datadog, exchange)
    error = caught.value
    assert type(error) is raises
    assert (error.status, error.method, error.path) == (
        exchange.status,
        exchange.method,
        exchange.path,
    )
    assert error.errors == ErrorDocument.model_validate_json(exchange.answer).details()
    assert error.messages


@pytest.mark.anyio
async def test_the_assigned_case_comes_back_with_its_assignee_resolved(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """assign_case returns the case with the new assignee's email, from ``included``."""
    exchange = _exchange("test_assign_case_returns_ok_response", 2)
    _serve(datadog, exchange)

    case = await client.assign_case(_case_id(exchange), "06fe1d45-8040-47eb-b161-837f416635e7")

    assert case.assignee is not None
    assert case.assignee.email == "test-assign_case_returns_ok_response-1767102585@datadoghq.com"


@pytest.mark.anyio
async def test_a_search_page_says_how_many_cases_and_pages_there_are(
    client: CaseManagementClient, datadog: FakeDatadog
) -> None:
    """search_cases turns Datadog's ``meta`` into the page's counts."""
    _serve(datadog, _exchange("test_search_cases_returns_ok_response_with_pagination", 0))

    page = await client.search_cases("status:closed", page_size=2)

    assert (page.total, page.page, page.page_size, page.page_count, page.has_more) == (
        3,
        1,
        2,
        2,
        True,
    )
    assert [case.key for case in page.cases] == ["ET-3", "ET-2"]
