"""Datadog's own Python client drives saved views, project settings and favourite projects
against the sandbox served over a real socket, and reads every answer into its models."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from datadog_api_client import ApiClient
from datadog_api_client.exceptions import ApiException, NotFoundException
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.model.auto_close_inactive_cases import AutoCloseInactiveCases
from datadog_api_client.v2.model.case_view_create import CaseViewCreate
from datadog_api_client.v2.model.case_view_create_attributes import CaseViewCreateAttributes
from datadog_api_client.v2.model.case_view_create_request import CaseViewCreateRequest
from datadog_api_client.v2.model.case_view_resource_type import CaseViewResourceType
from datadog_api_client.v2.model.case_view_update import CaseViewUpdate
from datadog_api_client.v2.model.case_view_update_attributes import CaseViewUpdateAttributes
from datadog_api_client.v2.model.case_view_update_request import CaseViewUpdateRequest
from datadog_api_client.v2.model.project_columns_config import ProjectColumnsConfig
from datadog_api_client.v2.model.project_columns_config_columns_items import (
    ProjectColumnsConfigColumnsItems,
)
from datadog_api_client.v2.model.project_columns_config_columns_items_sort import (
    ProjectColumnsConfigColumnsItemsSort,
)
from datadog_api_client.v2.model.project_notification_settings import (
    ProjectNotificationSettings,
)
from datadog_api_client.v2.model.project_resource_type import ProjectResourceType
from datadog_api_client.v2.model.project_settings import ProjectSettings
from datadog_api_client.v2.model.project_update import ProjectUpdate
from datadog_api_client.v2.model.project_update_attributes import ProjectUpdateAttributes
from datadog_api_client.v2.model.project_update_request import ProjectUpdateRequest

UNKNOWN = "67d80aa3-36ff-44b9-a694-c501a7591737"
VIEW = CaseViewResourceType.VIEW


@contextmanager
def bad_request() -> Iterator[Callable[[], ApiException]]:
    """Expect the official client to raise for a 400; yields the exception, once raised."""
    with pytest.raises(ApiException) as raised:
        yield lambda: raised.value
    assert raised.value.status == 400


def _project(cases: CaseManagementApi, key: str) -> str:
    return str(next(p.id for p in cases.get_projects().data if p.attributes.key == key))


def _new_view(cases: CaseManagementApi, project_id: str, query: str) -> CaseViewCreateRequest:
    return CaseViewCreateRequest(
        data=CaseViewCreate(
            attributes=CaseViewCreateAttributes(
                name="Open bugs", project_id=project_id, query=query
            ),
            type=VIEW,
        )
    )


def test_official_client_saves_reads_changes_and_deletes_a_view(api_client: ApiClient) -> None:
    """Create, list, get, update and delete a view with Datadog's client; changes stick."""
    cases = CaseManagementApi(api_client)
    project_id = _project(cases, "APP")

    created = cases.create_case_view(_new_view(cases, project_id, "status:open type:standard"))
    view_id = created.data.id
    listed = cases.list_case_views(project_id=project_id).data
    updated = cases.update_case_view(
        view_id,
        CaseViewUpdateRequest(
            data=CaseViewUpdate(
                attributes=CaseViewUpdateAttributes(name="P1 bugs", query="priority:p1"), type=VIEW
            )
        ),
    )
    unchanged = cases.update_case_view(
        view_id, CaseViewUpdateRequest(data=CaseViewUpdate(type=VIEW))
    )
    read = cases.get_case_view(view_id)
    cases.delete_case_view(view_id)

    assert created.data.attributes.name == "Open bugs"
    assert created.data.relationships.project.data.id == project_id
    assert view_id in [view.id for view in listed]
    assert (updated.data.attributes.name, updated.data.attributes.query) == (
        "P1 bugs",
        "priority:p1",
    )
    assert updated.data.attributes.modified_at >= created.data.attributes.created_at
    assert unchanged.data.attributes.to_dict() == updated.data.attributes.to_dict()
    assert read.data.attributes.query == "priority:p1"
    with pytest.raises(NotFoundException):
        cases.get_case_view(view_id)


def test_official_client_is_refused_a_bad_view_query_and_unknown_ids(api_client: ApiClient) -> None:
    """A query search cannot read and a non-UUID id are 400s; unknown ids are 404s."""
    cases = CaseManagementApi(api_client)
    project_id = _project(cases, "APP")

    with bad_request() as bad_query:
        cases.create_case_view(_new_view(cases, project_id, "priority:p9"))
    with bad_request():
        cases.get_case_view("REPLACE.ME")
    with pytest.raises(NotFoundException):
        cases.create_case_view(_new_view(cases, UNKNOWN, "status:open"))
    with pytest.raises(NotFoundException):
        cases.list_case_views(project_id=UNKNOWN)
    for call in (cases.get_case_view, cases.delete_case_view):
        with pytest.raises(NotFoundException):
            call(UNKNOWN)

    assert "Invalid search query 'priority:p9' at character 1" in str(bad_query().body)


def test_official_client_updates_a_projects_settings(api_client: ApiClient) -> None:
    """update_project merges the settings it is sent and answers them; a wrong type is a 400,
    an unknown project a 404."""
    cases = CaseManagementApi(api_client)
    project_id = _project(cases, "ET")

    def update(attributes: ProjectUpdateAttributes) -> ProjectUpdate:
        return ProjectUpdate(attributes=attributes, type=ProjectResourceType.PROJECT)

    answered = cases.update_project(
        project_id,
        ProjectUpdateRequest(
            data=update(
                ProjectUpdateAttributes(
                    name="Error Tracking triage",
                    settings=ProjectSettings(
                        notification=ProjectNotificationSettings(notify_on_case_comment=False),
                        auto_close_inactive_cases=AutoCloseInactiveCases(
                            enabled=True, max_inactive_time_in_secs=2_592_000
                        ),
                    ),
                )
            )
        ),
    )
    postmortem = "5b5fa33b-04a9-5746-914b-3bc44903d02b"  # the demo's custom case type
    board = cases.update_project(
        project_id,
        ProjectUpdateRequest(
            data=update(
                ProjectUpdateAttributes(
                    enabled_custom_case_types=[postmortem],
                    columns_config=ProjectColumnsConfig(
                        columns=[
                            ProjectColumnsConfigColumnsItems(
                                type="status",
                                sort_field="priority",
                                sort=ProjectColumnsConfigColumnsItemsSort(
                                    ascending=True, priority=1
                                ),
                            )
                        ]
                    ),
                )
            )
        ),
    )
    settings = cases.get_project(project_id).data.attributes.settings

    assert board.data.attributes.enabled_custom_case_types == [postmortem]
    assert board.data.attributes.columns_config.columns[0].sort.ascending is True
    assert answered.data.attributes.name == "Error Tracking triage"
    assert settings.notification.notify_on_case_comment is False
    assert settings.notification.notify_on_case_closed is True
    assert settings.auto_close_inactive_cases.max_inactive_time_in_secs == 2_592_000
    with bad_request():
        cases.update_project(
            project_id,
            ProjectUpdateRequest(
                data=update(
                    ProjectUpdateAttributes(
                        settings=ProjectSettings(
                            notification=ProjectNotificationSettings(destinations=[9])
                        )
                    )
                )
            ),
        )
    with pytest.raises(NotFoundException):
        cases.update_project(
            UNKNOWN,
            ProjectUpdateRequest(data=update(ProjectUpdateAttributes(name="Updated Project Name"))),
        )


def test_official_client_favourites_and_unfavourites_projects(api_client: ApiClient) -> None:
    """Favouriting twice and unfavouriting a project that is not one both answer 204; the
    list reads into the client's models; an unknown project is a 404."""
    cases = CaseManagementApi(api_client)
    app = _project(cases, "APP")

    cases.favorite_case_project(app)
    cases.favorite_case_project(app)
    marked = [favorite.id for favorite in cases.list_user_case_project_favorites().data]
    cases.unfavorite_case_project(app)
    cases.unfavorite_case_project(app)
    left = [favorite.id for favorite in cases.list_user_case_project_favorites().data]

    assert marked.count(app) == 1
    assert app not in left
    assert _project(cases, "SEC") in left
    for call in (cases.favorite_case_project, cases.unfavorite_case_project):
        with pytest.raises(NotFoundException):
            call(UNKNOWN)
        with bad_request():
            call("REPLACE.ME")
