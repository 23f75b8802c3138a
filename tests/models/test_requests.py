"""Request bodies render the JSON:API documents Datadog expects, leaving unset fields out."""

from __future__ import annotations

import pydantic
import pytest

from case_mcp.models import (
    CaseAssign,
    CaseCreate,
    CaseEmpty,
    CaseUpdateCustomAttribute,
    CaseUpdateStatus,
    CustomAttributeValue,
    ProjectCreate,
    ProjectRelationship,
)


def test_a_minimal_case_leaves_out_what_was_not_given() -> None:
    """Only the title, type, priority and project are sent when nothing else is set."""
    body = CaseCreate(title="Disk full", type_id="t1", project_id="p1").body()

    assert body == {
        "data": {
            "attributes": {"title": "Disk full", "type_id": "t1", "priority": "NOT_DEFINED"},
            "relationships": {"project": {"data": {"id": "p1", "type": "project"}}},
            "type": "case",
        }
    }


def test_a_full_case_sends_its_assignee_and_custom_attributes() -> None:
    """The assignee is a user relationship; custom attribute values are sent as given."""
    body = CaseCreate(
        title="Disk full",
        type_id="t1",
        project_id="p1",
        priority="P1",
        description="db-1",
        status_name="Open",
        assignee_id="u1",
        custom_attributes={"cost": CustomAttributeValue(type="NUMBER", is_multi=False, value=3)},
    ).body()

    assert body == {
        "data": {
            "attributes": {
                "title": "Disk full",
                "type_id": "t1",
                "priority": "P1",
                "description": "db-1",
                "status_name": "Open",
                "custom_attributes": {"cost": {"type": "NUMBER", "is_multi": False, "value": 3}},
            },
            "relationships": {
                "project": {"data": {"id": "p1", "type": "project"}},
                "assignee": {"data": {"id": "u1", "type": "user"}},
            },
            "type": "case",
        }
    }


def test_bodies_of_the_small_operations() -> None:
    """Each single-purpose body is the document the official client sends."""
    assert [
        CaseAssign(assignee_id="u1").body(),
        CaseEmpty().body(),
        CaseUpdateStatus(status_name="Approved").body(),
        CaseUpdateCustomAttribute(type="TEXT", is_multi=True, value=["a"]).body(),
        ProjectCreate(key="SEC", name="Security").body(),
        ProjectRelationship(project_id="p2").body(),
    ] == [
        {"data": {"attributes": {"assignee_id": "u1"}, "type": "case"}},
        {"data": {"type": "case"}},
        {"data": {"attributes": {"status_name": "Approved"}, "type": "case"}},
        {
            "data": {
                "attributes": {"is_multi": True, "type": "TEXT", "value": ["a"]},
                "type": "case",
            }
        },
        {"data": {"attributes": {"key": "SEC", "name": "Security"}, "type": "project"}},
        {"data": {"id": "p2", "type": "project"}},
    ]


def test_a_request_refuses_fields_it_does_not_know() -> None:
    """Unlike answers, request bodies reject unknown fields: a typo must not vanish."""
    with pytest.raises(pydantic.ValidationError):
        CaseAssign(assignee_id="u1", asignee="u2")  # type: ignore[call-arg]
