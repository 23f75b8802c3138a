"""Datadog's official client counts cases by group and changes many at once against the sandbox,
and reads every answer, refusals included, into its own models."""

from __future__ import annotations

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.case_aggregate_group_by import CaseAggregateGroupBy
from datadog_api_client.v2.model.case_aggregate_request import CaseAggregateRequest
from datadog_api_client.v2.model.case_aggregate_request_attributes import (
    CaseAggregateRequestAttributes,
)
from datadog_api_client.v2.model.case_aggregate_request_data import CaseAggregateRequestData
from datadog_api_client.v2.model.case_aggregate_resource_type import CaseAggregateResourceType
from datadog_api_client.v2.model.case_aggregate_response import CaseAggregateResponse
from datadog_api_client.v2.model.case_bulk_action_type import CaseBulkActionType
from datadog_api_client.v2.model.case_bulk_resource_type import CaseBulkResourceType
from datadog_api_client.v2.model.case_bulk_update_request import CaseBulkUpdateRequest
from datadog_api_client.v2.model.case_bulk_update_request_attributes import (
    CaseBulkUpdateRequestAttributes,
)
from datadog_api_client.v2.model.case_bulk_update_request_data import CaseBulkUpdateRequestData
from datadog_api_client.v2.model.case_count_response import CaseCountResponse

from official_client import new_case

UNKNOWN_CASE = "7e57ab1e-0000-4000-8000-0000000000ff"


def aggregate(query: str, groups: list[str], limit: int = 14) -> CaseAggregateRequest:
    return CaseAggregateRequest(
        data=CaseAggregateRequestData(
            attributes=CaseAggregateRequestAttributes(
                group_by=CaseAggregateGroupBy(groups=groups, limit=limit), query_filter=query
            ),
            type=CaseAggregateResourceType.AGGREGATE,
        )
    )


def bulk(case_ids: list[str], action: CaseBulkActionType, **payload: str) -> CaseBulkUpdateRequest:
    attributes = CaseBulkUpdateRequestAttributes(case_ids=case_ids, type=action)
    if payload:
        attributes.payload = payload
    return CaseBulkUpdateRequest(
        data=CaseBulkUpdateRequestData(attributes=attributes, type=CaseBulkResourceType.BULK)
    )


def test_official_client_aggregates_cases_by_status(api_client: ApiClient) -> None:
    """The aggregate of a project's cases by status adds up to its total, which is what a
    search of the same query counts."""
    cases = CaseManagementApi(api_client)

    answer = cases.aggregate_cases(aggregate("project:SEC", ["status"]))

    assert isinstance(answer, CaseAggregateResponse)
    attributes = answer.data.attributes
    searched = len(cases.search_cases(filter="project:SEC", page_size=100).data)
    assert attributes.total == searched > 0
    assert sum(group.value[0] for group in attributes.groups) == attributes.total
    assert {group.group for group in attributes.groups} <= {"OPEN", "IN_PROGRESS", "CLOSED"}


def test_official_client_counts_cases_by_several_fields(api_client: ApiClient) -> None:
    """One count answers a group per field named, each value with its count."""
    cases = CaseManagementApi(api_client)

    answer = cases.count_cases(
        query_filter="-status_group:closed", group_bys="priority,project", limit=3
    )
    bare = cases.count_cases()

    assert isinstance(answer, CaseCountResponse)
    assert [group.group for group in answer.data.attributes.groups] == ["priority", "project"]
    for group in answer.data.attributes.groups:
        assert 0 < len(group.group_values) <= 3
        counts = [value.count for value in group.group_values]
        assert counts == sorted(counts, reverse=True)
    assert bare.data.attributes.groups == []


def test_official_client_gets_a_400_for_an_unreadable_count_query(api_client: ApiClient) -> None:
    """A query the search language cannot read is refused, in either operation."""
    cases = CaseManagementApi(api_client)

    with pytest.raises(ApiException) as aggregated:
        cases.aggregate_cases(aggregate("status:(open", ["status"]))
    with pytest.raises(ApiException) as counted:
        cases.count_cases(query_filter="priority:p9", group_bys="status")

    assert aggregated.value.status == counted.value.status == 400


def test_official_client_bulk_updates_cases(api_client: ApiClient) -> None:
    """A bulk priority change answers 200 and every case named has the new priority."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    ids = [new_case(cases, project_id, f"Bulk triage {n}") for n in range(3)]

    cases.bulk_update_cases(bulk(ids, CaseBulkActionType.PRIORITY, priority="P1"))
    cases.bulk_update_cases(bulk(ids[:1], CaseBulkActionType.ARCHIVE))

    priorities = {str(cases.get_case(case_id).data.attributes.priority) for case_id in ids}
    assert priorities == {"P1"}
    assert cases.get_case(ids[0]).data.attributes.archived_at is not None


@pytest.mark.parametrize("unknown", [UNKNOWN_CASE, "case-id-1"])
def test_official_client_gets_a_404_for_a_bulk_update_of_an_unknown_case(
    api_client: ApiClient, unknown: str
) -> None:
    """An unknown case among those named (Datadog's example id case-id-1 too) is a 404, and
    the known ones are left as they were."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    known = new_case(cases, project_id, "Bulk triage, not found")

    with pytest.raises(NotFoundException):
        cases.bulk_update_cases(bulk([known, unknown], CaseBulkActionType.PRIORITY, priority="P1"))

    assert str(cases.get_case(known).data.attributes.priority) == "P3"


def test_official_client_gets_a_400_for_an_invalid_bulk_update(api_client: ApiClient) -> None:
    """A priority outside the enum, or an action Datadog does not define, is a 400."""
    cases = CaseManagementApi(api_client)
    project_id = cases.get_projects().data[0].id
    known = new_case(cases, project_id, "Bulk triage, bad request")

    with pytest.raises(ApiException) as priority:
        cases.bulk_update_cases(bulk([known], CaseBulkActionType.PRIORITY, priority="P9"))
    with pytest.raises(ApiException) as jira:
        cases.bulk_update_cases(bulk([known], CaseBulkActionType.JIRA))

    assert priority.value.status == jira.value.status == 400
    assert str(cases.get_case(known).data.attributes.priority) == "P3"
