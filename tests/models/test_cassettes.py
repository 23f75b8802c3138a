"""Every answer Datadog gave in the recorded traffic parses with the client's models."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from pydantic import BaseModel

from case_mcp.errors import ErrorDetail
from case_mcp.models import (
    CaseDocument,
    CasePage,
    CasesDocument,
    CaseTypeDocument,
    CaseTypesDocument,
    CustomAttributeConfigDocument,
    CustomAttributeConfigsDocument,
    CustomAttributeValue,
    ErrorDocument,
    ProjectDocument,
    ProjectsDocument,
    TimelineDocument,
    UserDocument,
    UserRef,
)
from cassettes import CASSETTE_DIR, Cassette, Exchange, cassette_paths, load

_ID = r"[^/]+"

# (method, path pattern, model of the answer): the first match wins.
_ROUTES: list[tuple[str, str, type[BaseModel]]] = [
    ("POST", r"/api/v2/users", UserDocument),
    ("GET", rf"/api/v2/users/{_ID}", UserDocument),
    ("GET", r"/api/v2/cases", CasesDocument),
    ("POST", r"/api/v2/cases", CaseDocument),
    ("GET", r"/api/v2/cases/types", CaseTypesDocument),
    ("POST", r"/api/v2/cases/types", CaseTypeDocument),
    ("GET", r"/api/v2/cases/types/custom_attributes", CustomAttributeConfigsDocument),
    ("GET", rf"/api/v2/cases/types/{_ID}/custom_attributes", CustomAttributeConfigsDocument),
    ("POST", rf"/api/v2/cases/types/{_ID}/custom_attributes", CustomAttributeConfigDocument),
    ("GET", r"/api/v2/cases/projects", ProjectsDocument),
    ("POST", r"/api/v2/cases/projects", ProjectDocument),
    ("GET|PATCH", rf"/api/v2/cases/projects/{_ID}", ProjectDocument),
    ("POST", rf"/api/v2/cases/{_ID}/comment", TimelineDocument),
    ("GET", rf"/api/v2/cases/{_ID}/timelines", TimelineDocument),
    ("GET", rf"/api/v2/cases/{_ID}", CaseDocument),
    ("POST|DELETE|PATCH", rf"/api/v2/cases/{_ID}/.+", CaseDocument),
]


def _model_of(exchange: Exchange) -> type[BaseModel]:
    for methods, pattern, model in _ROUTES:
        if re.fullmatch(methods, exchange.method) and re.fullmatch(pattern, exchange.path):
            return model
    raise AssertionError(f"no model for {exchange.method} {exchange.path}")


def _cassettes() -> list[Cassette]:
    return [load(path) for path in cassette_paths()]


def _answers(*, errors: bool) -> list[Any]:
    return [
        pytest.param(exchange, id=f"{cassette.name}#{index}")
        for cassette in _cassettes()
        for index, exchange in enumerate(cassette.exchanges)
        if exchange.answer and (exchange.status >= 400) == errors
    ]


def _key_paths(value: Any, prefix: str = "") -> set[str]:
    """Every key path of a JSON value, lower-cased (Datadog spells one id ``ID``)."""
    if isinstance(value, dict):
        paths = set()
        for key, item in value.items():
            path = f"{prefix}.{key}".lower()
            paths |= {path} | _key_paths(item, path)
        return paths
    if isinstance(value, list):
        return set().union(*(_key_paths(item, f"{prefix}[]") for item in value))
    return set()


def _one(cassette: str, index: int) -> Exchange:
    return load(CASSETTE_DIR / f"{cassette}.yaml").exchanges[index]


def test_the_cassettes_are_there() -> None:
    """The recorded traffic is present, so no cassette test passes vacuously."""
    assert len(cassette_paths()) >= 50


@pytest.mark.parametrize("exchange", _answers(errors=False))
def test_every_success_answer_parses_and_keeps_every_field(exchange: Exchange) -> None:
    """A success body parses with the model of its operation and loses no field on the way."""
    model = _model_of(exchange)
    document = model.model_validate_json(exchange.answer)

    dumped = document.model_dump(mode="json")
    assert _key_paths(exchange.json_answer()) <= _key_paths(dumped)
    assert model.model_validate(document.model_dump()) == document
    assert model.model_validate_json(document.model_dump_json()) == document


@pytest.mark.parametrize("exchange", _answers(errors=True))
def test_every_error_answer_parses_into_error_details(exchange: Exchange) -> None:
    """An error body parses into at least one detail with a readable message."""
    details = ErrorDocument.model_validate_json(exchange.answer).details()

    assert details
    assert all(detail.message for detail in details)


def test_a_not_found_answer_gives_its_code_and_title() -> None:
    """Datadog's JSON:API 404 object becomes a detail with the code and the title."""
    exchange = _one("test_get_the_details_of_a_case_returns_not_found_response", 0)

    details = ErrorDocument.model_validate_json(exchange.answer).details()

    assert details == (ErrorDetail(title="case not found", code="resource_not_found"),)


def test_an_error_object_keeps_its_meta() -> None:
    """The ``meta`` of an error object (the offending key) is kept."""
    exchange = _one("test_update_case_custom_attribute_returns_not_found_response", 1)

    (detail,) = ErrorDocument.model_validate_json(exchange.answer).details()

    assert (detail.code, detail.meta) == ("resource_not_found", {"key": "invalid_key"})


def test_the_assigned_case_names_its_assignee_by_email() -> None:
    """The assignee of the assign answer is resolved from ``included``, email and all."""
    exchange = _one("test_assign_case_returns_ok_response", 2)

    case = CaseDocument.model_validate_json(exchange.answer).data

    assert case.assignee == UserRef(
        id="06fe1d45-8040-47eb-b161-837f416635e7",
        name="",
        email="test-assign_case_returns_ok_response-1767102585@datadoghq.com",
        handle="test-assign_case_returns_ok_response-1767102585@datadoghq.com",
        active=False,
    )
    assert case.created_by is not None
    assert case.created_by.email == "team-intg-tools-libs-spam@datadoghq.com"
    assert case.modified_by == case.created_by
    assert case.project_id == "d4bbe1af-f36e-42f1-87c1-493ca35c320e"


def test_a_new_case_has_no_assignee_and_no_modifier() -> None:
    """Relationships Datadog leaves out resolve to None."""
    exchange = _one("test_assign_case_returns_ok_response", 0)

    case = CaseDocument.model_validate_json(exchange.answer).data

    assert (case.assignee, case.modified_by) == (None, None)
    assert case.created_by is not None
    assert case.created_by.name == "CI Account"


def test_the_first_search_page_resolves_users_and_counts_pages() -> None:
    """A search answer becomes a page with totals, resolved users and a next page."""
    exchange = _one("test_search_cases_returns_ok_response_with_pagination", 0)

    page = CasesDocument.model_validate_json(exchange.answer).to_page(page=1, page_size=2)

    assert (page.total, page.page, page.page_size, page.page_count) == (3, 1, 2, 2)
    assert page.has_more
    assert [case.key for case in page.cases] == ["ET-3", "ET-2"]
    assert [case.created_by.label if case.created_by else None for case in page.cases] == [
        "CI Account",
        "frog",
    ]
    assert page.cases[0].assignee == UserRef(
        id="87cb11a0-278c-440a-99fe-701223c80296", name="", email="", handle="", active=False
    )


def test_the_last_search_page_has_no_more() -> None:
    """The second of two pages says there is nothing after it."""
    exchange = _one("test_search_cases_returns_ok_response_with_pagination", 1)

    page = CasesDocument.model_validate_json(exchange.answer).to_page(page=2, page_size=2)

    assert isinstance(page, CasePage)
    assert (len(page.cases), page.page, page.has_more) == (1, 2, False)


def test_undocumented_values_and_fields_of_a_search_result_parse() -> None:
    """Error-tracking cases carry values and fields that Datadog does not document."""
    exchange = _one("test_search_cases_returns_ok_response_with_pagination", 0)

    attributes = CasesDocument.model_validate_json(exchange.answer).data[0].attributes

    assert (attributes.type, attributes.status_group, attributes.creation_source) == (
        "ERROR_TRACKING_ISSUE",
        "SG_CLOSED",
        "ERROR_TRACKING",
    )
    assert attributes.insights[0].type == "ERROR_TRACKING"
    assert attributes.created_by_author is not None
    assert attributes.created_by_author.content == UserRef(
        id="9919ec9b-ebc7-49ee-8dc8-03626e717cca",
        name="CI Account",
        email="team-intg-tools-libs-spam@datadoghq.com",
        handle="9919ec9b-ebc7-49ee-8dc8-03626e717cca",
        active=True,
    )


def test_nanosecond_timestamps_parse_to_the_microsecond() -> None:
    """``2026-01-24T00:47:45.477244496Z`` (nanoseconds) parses, truncated to microseconds."""
    exchange = _one("test_search_cases_returns_ok_response_with_pagination", 0)

    attributes = CasesDocument.model_validate_json(exchange.answer).data[0].attributes

    assert attributes.closed_at == datetime(2026, 1, 24, 0, 47, 45, 477244, tzinfo=UTC)


def test_a_comment_answer_is_a_cell_with_its_author() -> None:
    """The comment answer is a list of one cell whose author Datadog spells with ``ID``."""
    exchange = _one("test_comment_case_returns_ok_response", 1)

    (cell,) = TimelineDocument.model_validate_json(exchange.answer).data

    assert (cell.id, cell.attributes.type, cell.message) == (
        "2df6429f-8148-440c-a959-e6503f42709b",
        "COMMENT",
        "Hello World !",
    )
    assert cell.author is not None
    assert cell.author.id == "9919ec9b-ebc7-49ee-8dc8-03626e717cca"
    assert cell.attributes.created_at == datetime(2025, 12, 30, 13, 49, 46, 968106, tzinfo=UTC)


def test_a_custom_attribute_value_keeps_its_list() -> None:
    """A multi-valued TEXT custom attribute parses as its list of strings."""
    exchange = _one("test_update_case_custom_attribute_returns_ok_response", 3)

    case = CaseDocument.model_validate_json(exchange.answer).data

    assert case.attributes.type == "TUNKNOWN"
    assert case.attributes.custom_attributes == {
        "attribute_661efcf8a00203e4": CustomAttributeValue(
            type="TEXT", is_multi=True, value=["Abba", "The Cure"]
        )
    }


def test_built_in_case_types_carry_their_status_names() -> None:
    """The Change Request type lists its in-progress statuses and their default."""
    exchange = _one("test_get_all_case_types_returns_ok_response", 0)

    types = CaseTypesDocument.model_validate_json(exchange.answer).data
    change = next(t for t in types if t.name == "Change Request")

    assert change.attributes.internal is True
    assert change.attributes.statuses_config is not None
    in_progress = change.attributes.statuses_config.in_progress
    assert in_progress is not None
    assert [option.name for option in in_progress.status_options] == [
        "Pending Approval",
        "Approved",
        "Implementing",
    ]
    assert in_progress.default == "Pending Approval"


def test_a_project_keeps_its_undocumented_settings() -> None:
    """The project answer parses, settings included."""
    exchange = _one("test_update_a_project_returns_ok_response", 0)

    project = ProjectDocument.model_validate_json(exchange.answer).data

    assert (project.key, project.attributes.restricted) == ("DDFC", False)
    assert project.attributes.settings is not None
    assert project.attributes.settings["notification"]["enabled"] is True


def test_a_users_api_answer_parses_as_a_user() -> None:
    """The users API document parses, with null name and timestamps with offsets."""
    exchange = _one("test_assign_case_returns_ok_response", 1)

    user = UserDocument.model_validate_json(exchange.answer).data

    assert (user.type, user.attributes.name, user.attributes.status) == ("users", None, "Pending")
    assert user.attributes.created_at == datetime(2025, 12, 30, 13, 49, 46, 123532, tzinfo=UTC)
    assert user.model_extra == {}
    assert user.attributes.model_extra == {"allowed_login_methods": []}
