"""The models accept what Datadog sends, keep what they do not know, and resolve users."""

from __future__ import annotations

from typing import Any

import pytest

import case_mcp.models as models
from case_mcp.errors import ErrorDetail
from case_mcp.models import (
    Case,
    CaseDocument,
    CasePage,
    CasesDocument,
    CustomAttributeValue,
    ErrorDocument,
    TimelineCell,
    User,
    UserPage,
    UserRef,
    case,
    case_type,
    case_work,
    project,
    requests,
    timeline,
    user,
)

USER_ID = "3ad549bf-eba0-11e9-a77a-0705486660d0"


def _case(**extra: Any) -> dict[str, Any]:
    return {
        "id": "c1",
        "type": "case",
        "attributes": {"key": "SEC-1", "title": "Disk full", "status": "OPEN"},
        "relationships": {
            "created_by": {"data": {"id": USER_ID, "type": "user"}},
            "assignee": {"data": None},
            "project": {"data": {"id": "p1", "type": "project"}},
        },
        **extra,
    }


def test_the_package_exports_every_public_model() -> None:
    """Each public module's names are exported by the package, whose __all__ is sorted."""
    modules = (case, case_type, case_work, project, requests, timeline, user)
    exported = {name for module in modules for name in module.__all__}

    assert exported <= set(models.__all__)
    assert all(hasattr(models, name) for name in models.__all__)
    assert models.__all__ == sorted(models.__all__)


def test_unknown_fields_are_kept_at_every_level() -> None:
    """Fields Datadog adds later survive parsing and come back out of model_dump."""
    raw = {
        "data": _case(
            future_top_level=1,
            attributes={
                "title": "Disk full",
                "sla_breach_at": "2026-01-01",
                "custom_attributes": {
                    "cost": {"type": "CURRENCY", "is_multi": False, "value": 3, "unit": "EUR"}
                },
                "insights": [{"type": "NEW_KIND", "ref": "/x", "resource_id": "r", "score": 9}],
                "created_by_author": {
                    "type": "BOT",
                    "content": {"ID": "b1", "name": "Bot", "avatar": "x.png"},
                },
            },
        ),
        "included": [{"id": USER_ID, "type": "user", "attributes": {"name": "frog", "tz": "UTC"}}],
        "links": {"self": "/api/v2/cases/c1"},
    }

    document = CaseDocument.model_validate(raw)
    dumped = document.model_dump()

    assert dumped["links"] == {"self": "/api/v2/cases/c1"}
    assert dumped["data"]["future_top_level"] == 1
    attributes = dumped["data"]["attributes"]
    assert attributes["sla_breach_at"] == "2026-01-01"
    assert attributes["custom_attributes"]["cost"]["unit"] == "EUR"
    assert attributes["insights"][0]["score"] == 9
    assert attributes["created_by_author"]["content"]["avatar"] == "x.png"
    assert dumped["included"][0]["attributes"]["tz"] == "UTC"
    assert document.data.created_by is not None
    assert document.data.created_by.model_extra == {"tz": "UTC"}
    assert CaseDocument.model_validate(dumped) == document


def test_values_outside_the_documented_enums_parse() -> None:
    """Undocumented case types, statuses, priorities and attribute types are kept as text."""
    attributes = Case.model_validate(
        {
            "id": "c1",
            "attributes": {
                "type": "ERROR_TRACKING_ISSUE",
                "status": "PENDING_APPROVAL",
                "status_group": "SG_SOMETHING_NEW",
                "status_name": "Waiting on legal",
                "priority": "P0",
                "custom_attributes": {"x": {"type": "DATE", "is_multi": False, "value": "t"}},
            },
        }
    ).attributes

    assert (attributes.type, attributes.status, attributes.status_group, attributes.priority) == (
        "ERROR_TRACKING_ISSUE",
        "PENDING_APPROVAL",
        "SG_SOMETHING_NEW",
        "P0",
    )
    assert attributes.custom_attributes["x"].type == "DATE"


def test_a_case_without_included_users_refers_to_them_by_id() -> None:
    """Outside a document, a case's users hold just their ids; unset ones are None."""
    parsed = Case.model_validate(_case())

    assert parsed.created_by == UserRef(id=USER_ID)
    assert (parsed.assignee, parsed.modified_by, parsed.project_id) == (None, None, "p1")


def test_a_user_missing_from_included_is_still_named_by_id() -> None:
    """A relationship to a user that ``included`` omits resolves to a bare reference."""
    document = CaseDocument.model_validate({"data": _case(), "included": []})

    assert document.data.created_by == UserRef(id=USER_ID)


def test_search_results_resolve_users_for_every_case() -> None:
    """Each case of a search answer gets its users from the shared ``included``."""
    raw = {
        "data": [_case(), {**_case(), "id": "c2"}],
        "included": [{"id": USER_ID, "type": "user", "attributes": {"email": "frog@example.com"}}],
        "meta": {"total_cases": 2, "page": {"current": 1, "size": 2, "total": 1}},
    }

    page = CasesDocument.model_validate(raw).to_page(page=1, page_size=10)

    assert [c.created_by.email if c.created_by else None for c in page.cases] == [
        "frog@example.com",
        "frog@example.com",
    ]
    assert (page.total, page.page_count, page.has_more) == (2, 1, False)


def test_a_dumped_case_keeps_its_resolved_users_when_parsed_again() -> None:
    """Resolution does not overwrite users a dumped case already carries."""
    resolved = CaseDocument.model_validate(
        {
            "data": _case(),
            "included": [{"id": USER_ID, "type": "user", "attributes": {"name": "frog"}}],
        }
    ).data

    again = Case.model_validate(resolved.model_dump(mode="json"))

    assert again == resolved
    assert again.created_by == UserRef(id=USER_ID, name="frog")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("eu-west-1", "eu-west-1"),
        (12.5, 12.5),
        (3, 3),
        (["a", "b"], ["a", "b"]),
        ([1, 2.4], [1, 2.4]),
        (None, None),
    ],
)
def test_a_custom_attribute_value_keeps_its_kind(value: Any, expected: Any) -> None:
    """Text, numbers (an integer stays an integer) and lists of either parse as sent."""
    parsed = CustomAttributeValue.model_validate({"type": "X", "is_multi": False, "value": value})

    assert parsed.value == expected
    assert type(parsed.value) is type(expected)
    assert parsed.model_dump(mode="json")["value"] == value


@pytest.mark.parametrize(
    ("page", "page_size", "page_count", "total", "has_more"),
    [
        (1, 10, 3, None, True),
        (3, 10, 3, None, False),
        (1, 10, None, 25, True),
        (3, 10, None, 25, False),
        (1, 10, None, None, False),
    ],
)
def test_a_case_page_knows_whether_more_follow(
    page: int, page_size: int, page_count: int | None, total: int | None, has_more: bool
) -> None:
    """has_more uses the page count, else the total, else assumes this is the last page."""
    result = CasePage(cases=[], page=page, page_size=page_size, page_count=page_count, total=total)

    assert result.has_more is has_more


@pytest.mark.parametrize(
    ("page", "filtered", "total", "has_more"),
    [(0, None, 25, True), (2, None, 25, False), (0, 5, 25, False), (0, None, None, False)],
)
def test_a_user_page_counts_from_zero(
    page: int, filtered: int | None, total: int | None, has_more: bool
) -> None:
    """has_more prefers the filtered count; pages count from 0."""
    result = UserPage(
        users=[], page=page, page_size=10, total_count=total, total_filtered_count=filtered
    )

    assert result.has_more is has_more


def test_a_timeline_cell_of_another_type_parses() -> None:
    """Cells other than comments (status changes...) parse, without a message."""
    cell = TimelineCell.model_validate(
        {
            "id": "t1",
            "type": "timeline_cell",
            "attributes": {
                "type": "STATUS_CHANGE",
                "cell_content": {"from": "OPEN", "to": "CLOSED"},
                "created_at": "2025-12-30T13:49:46.968106806Z",
            },
        }
    )

    assert (cell.attributes.type, cell.message, cell.author) == ("STATUS_CHANGE", None, None)
    assert cell.attributes.cell_content is not None
    assert cell.attributes.cell_content.model_extra == {"from": "OPEN", "to": "CLOSED"}


def test_a_user_ref_has_a_readable_label() -> None:
    """label falls back from name to email to handle to the id."""
    assert [
        UserRef(id="u", name="Ana", email="a@x").label,
        UserRef(id="u", name="", email="a@x").label,
        UserRef(id="u", handle="ana").label,
        UserRef(id="u").label,
    ] == ["Ana", "a@x", "ana", "u"]


def test_a_users_api_user_parses_with_nulls() -> None:
    """A pending user has a null name and a null last login."""
    parsed = User.model_validate(
        {"id": "u1", "type": "users", "attributes": {"name": None, "last_login_time": None}}
    )

    assert (parsed.attributes.name, parsed.attributes.last_login_time) == (None, None)


def test_both_error_body_shapes_become_details() -> None:
    """Plain strings and JSON:API error objects, even mixed, become ErrorDetails."""
    document = ErrorDocument.model_validate(
        {"errors": ["Forbidden", {"status": 404, "title": "case not found", "code": "nf"}]}
    )

    assert document.details() == (
        ErrorDetail(title="Forbidden"),
        ErrorDetail(title="case not found", status="404", code="nf"),
    )
