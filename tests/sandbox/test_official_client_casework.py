# datadog_api_client has no type annotations; calling it is the point of this module.
# mypy: disable-error-code="no-untyped-call"
"""Datadog's official client drives the resolved reason, comment edits, watchers and insights
against the sandbox over HTTP, and reads every answer into its own models."""

from __future__ import annotations

from typing import Any

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.users_api import UsersApi
from datadog_api_client.v2.model.case_comment import CaseComment
from datadog_api_client.v2.model.case_comment_attributes import CaseCommentAttributes
from datadog_api_client.v2.model.case_comment_request import CaseCommentRequest
from datadog_api_client.v2.model.case_insight import CaseInsight
from datadog_api_client.v2.model.case_insight_type import CaseInsightType
from datadog_api_client.v2.model.case_insights_attributes import CaseInsightsAttributes
from datadog_api_client.v2.model.case_insights_data import CaseInsightsData
from datadog_api_client.v2.model.case_insights_request import CaseInsightsRequest
from datadog_api_client.v2.model.case_resource_type import CaseResourceType
from datadog_api_client.v2.model.case_update_comment import CaseUpdateComment
from datadog_api_client.v2.model.case_update_comment_attributes import (
    CaseUpdateCommentAttributes,
)
from datadog_api_client.v2.model.case_update_comment_request import CaseUpdateCommentRequest
from datadog_api_client.v2.model.case_update_resolved_reason import CaseUpdateResolvedReason
from datadog_api_client.v2.model.case_update_resolved_reason_attributes import (
    CaseUpdateResolvedReasonAttributes,
)
from datadog_api_client.v2.model.case_update_resolved_reason_request import (
    CaseUpdateResolvedReasonRequest,
)
from datadog_api_client.v2.model.case_watchers_response import CaseWatchersResponse

from official_client import new_case

UNKNOWN = "3f0c8a52-0000-4000-8000-0000000000ff"


def reason(value: str) -> CaseUpdateResolvedReasonRequest:
    return CaseUpdateResolvedReasonRequest(
        data=CaseUpdateResolvedReason(
            attributes=CaseUpdateResolvedReasonAttributes(security_resolved_reason=value),
            type=CaseResourceType.CASE,
        )
    )


def comment_edit(text: str) -> CaseUpdateCommentRequest:
    return CaseUpdateCommentRequest(
        data=CaseUpdateComment(
            attributes=CaseUpdateCommentAttributes(comment=text), type=CaseResourceType.CASE
        )
    )


def insights(kind: CaseInsightType = CaseInsightType.MONITOR) -> CaseInsightsRequest:
    return CaseInsightsRequest(
        data=CaseInsightsData(
            attributes=CaseInsightsAttributes(
                insights=[
                    CaseInsight(ref="/monitors/12345?q=total", resource_id="12345", type=kind)
                ]
            ),
            type=CaseResourceType.CASE,
        )
    )


def status_of(call: Any) -> int:
    with pytest.raises(ApiException) as refused:
        call()
    return int(refused.value.status)


@pytest.fixture
def cases(api_client: ApiClient) -> CaseManagementApi:
    return CaseManagementApi(api_client)


@pytest.fixture
def case_id(cases: CaseManagementApi) -> str:
    """A new case in the demo organisation's first project."""
    return new_case(cases, cases.get_projects().data[0].id, "Suspicious login from a new ASN")


def test_official_client_sets_a_resolved_reason(cases: CaseManagementApi, case_id: str) -> None:
    """The reason comes back on the case; an undocumented one and an unknown case are refused."""
    updated = cases.update_case_resolved_reason(case_id, reason("TRUE_POSITIVE"))

    # The client's case model predates the field: it keeps it as an extra attribute.
    assert updated.data.attributes["security_resolved_reason"] == "TRUE_POSITIVE"
    found = cases.search_cases(
        filter=f"resolved_reason:true_positive key:{updated.data.attributes.key}"
    )
    assert [case.id for case in found.data] == [case_id]
    assert status_of(lambda: cases.update_case_resolved_reason(case_id, reason("FIXED"))) == 400
    assert (
        status_of(lambda: cases.update_case_resolved_reason(UNKNOWN, reason("TRUE_POSITIVE")))
        == 404
    )


def test_official_client_edits_a_comment(cases: CaseManagementApi, case_id: str) -> None:
    """The comment keeps its id and reads back edited; unknown and non-comment cells are refused."""
    posted = cases.comment_case(
        case_id,
        CaseCommentRequest(
            data=CaseComment(
                attributes=CaseCommentAttributes(comment="Blokced the ASN"),
                type=CaseResourceType.CASE,
            )
        ),
    )
    cell_id = posted.data[0].id

    cases.update_case_comment(case_id, cell_id, comment_edit("Blocked the ASN"))

    cells = cases.list_case_timeline(case_id).data
    edited = next(cell for cell in cells if cell.id == cell_id)
    assert edited.attributes.cell_content.message == "Blocked the ASN"
    assert edited.attributes.modified_at is not None
    created = next(cell for cell in cells if cell.id != cell_id)
    assert (
        status_of(lambda: cases.update_case_comment(case_id, created.id, comment_edit("x"))) == 400
    )
    assert status_of(lambda: cases.update_case_comment(case_id, UNKNOWN, comment_edit("x"))) == 404


def test_official_client_watches_and_unwatches_a_case(
    api_client: ApiClient, cases: CaseManagementApi, case_id: str
) -> None:
    """Watching lists the user, unwatching removes them; unknown users and cases are 404s."""
    user_id = UsersApi(api_client).list_users().data[0].id

    cases.watch_case(case_id, user_id)
    watchers = cases.list_case_watchers(case_id)
    assert isinstance(watchers, CaseWatchersResponse)
    assert [w.relationships.user.data.id for w in watchers.data] == [user_id]
    cases.unwatch_case(case_id, user_id)
    assert cases.list_case_watchers(case_id).data == []
    assert status_of(lambda: cases.watch_case(case_id, UNKNOWN)) == 404
    assert status_of(lambda: cases.watch_case(case_id, "not-a-uuid")) == 400
    assert status_of(lambda: cases.unwatch_case(UNKNOWN, user_id)) == 404
    assert status_of(lambda: cases.list_case_watchers(UNKNOWN)) == 404


def test_official_client_adds_and_removes_insights(cases: CaseManagementApi, case_id: str) -> None:
    """Added insights are on the case, removed ones are gone; an unknown case is a 404."""
    added = cases.add_case_insights(case_id, insights())
    assert [i["resource_id"] for i in added.data.attributes["insights"]] == ["12345"]

    removed = cases.remove_case_insights(case_id, insights())
    assert removed.data.attributes["insights"] == []
    assert status_of(lambda: cases.add_case_insights(UNKNOWN, insights())) == 404
    assert status_of(lambda: cases.remove_case_insights(UNKNOWN, insights())) == 404
