"""Saved case views, project settings and favourite projects: the sandbox's rules, over HTTP."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from datadog_api_client.model_utils import ModelNormal
from datadog_api_client.v2.model.project_columns_config import ProjectColumnsConfig
from datadog_api_client.v2.model.project_settings import ProjectSettings

from case_mcp.sandbox import Sandbox

# The shape the sandbox checks settings against is its own, not public: compared here with
# the official client's models, which are the ground truth.
from case_mcp.sandbox._project_settings import ANY_KEYS, COLUMNS_CONFIG, PROJECT_SETTINGS, TEXT_MAP

pytestmark = pytest.mark.anyio

UNKNOWN = "67d80aa3-36ff-44b9-a694-c501a7591737"


def view_body(project: str, query: str, name: str = "Open P1s", **more: Any) -> dict[str, Any]:
    attributes = {"name": name, "project_id": project, "query": query, **more}
    return {"data": {"type": "view", "attributes": attributes}}


def project_body(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "project", "attributes": attributes}}


def detail(answer: httpx2.Response) -> str:
    assert answer.status_code == 400, answer.text
    return str(answer.json()["errors"][0]["detail"])


async def save(http: httpx2.AsyncClient, project: str, query: str, **more: Any) -> dict[str, Any]:
    answer = await http.post("/api/v2/cases/views", json=view_body(project, query, **more))
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def views_of(http: httpx2.AsyncClient, project: str) -> list[dict[str, Any]]:
    answer = await http.get("/api/v2/cases/views", params={"project_id": project})
    assert answer.status_code == 200, answer.text
    data: list[dict[str, Any]] = answer.json()["data"]
    return data


# Views ----------------------------------------------------------------------------------------


async def test_a_view_keeps_its_query_in_its_project_and_names_who_saved_it(
    http: httpx2.AsyncClient, org: dict[str, str], sandbox: Sandbox
) -> None:
    """A saved view is listed in its own project only, with its query as sent."""
    view = await save(http, org["sec"], 'priority:(p1 OR p2) status:"in progress"')

    assert view["attributes"] == {
        "created_at": "2026-09-01T08:00:00.000000Z",
        "name": "Open P1s",
        "query": 'priority:(p1 OR p2) status:"in progress"',
    }
    assert view["relationships"] == {
        "created_by": {"data": {"id": sandbox.ACTOR_ID, "type": "user"}},
        "project": {"data": {"id": org["sec"], "type": "project"}},
    }
    assert [v["id"] for v in await views_of(http, org["sec"])] == [view["id"]]
    assert await views_of(http, org["ops"]) == []


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("priority:p9", "'p9' is not a priority"),
        ("(status:open", "'('"),
        ('"unclosed', '"'),
    ],
)
async def test_a_query_the_search_cannot_read_is_refused_and_nothing_is_saved(
    http: httpx2.AsyncClient, org: dict[str, str], query: str, problem: str
) -> None:
    """The 400 names what the search parser could not read; no view is saved."""
    answer = await http.post("/api/v2/cases/views", json=view_body(org["sec"], query))

    assert detail(answer).startswith(f"Invalid search query {query!r} at character ")
    assert problem in detail(answer)
    assert await views_of(http, org["sec"]) == []


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (view_body(SEC := "9e0b6a11-0000-4000-8000-00000000b001", "x", name=" "), "name must not"),
        (view_body(SEC, "x", np_rule_id="rule-1"), "np_rule_id 'rule-1' is not a notification"),
        (view_body("SEC", "x"), "project_id 'SEC' is not a project id"),
        ({"data": {"type": "view", "attributes": {"name": "n", "project_id": SEC}}}, '"query"'),
        ({"data": {"type": "case", "attributes": {}}}, 'expected one of "view"'),
    ],
)
async def test_a_view_needs_a_name_a_project_id_and_a_query(
    http: httpx2.AsyncClient, body: dict[str, Any], problem: str
) -> None:
    """Each missing or malformed attribute is a 400 that names it."""
    answer = await http.post("/api/v2/cases/views", json=body)

    assert problem in detail(answer)


async def test_unknown_projects_and_views_are_404_and_malformed_ids_400(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """As Datadog answers: a project or view that does not exist is not found."""
    missing_project = await http.post("/api/v2/cases/views", json=view_body(UNKNOWN, "x"))
    listed = await http.get("/api/v2/cases/views", params={"project_id": UNKNOWN})
    no_project = await http.get("/api/v2/cases/views")
    missing_view = await http.get(f"/api/v2/cases/views/{UNKNOWN}")
    malformed = await http.delete("/api/v2/cases/views/REPLACE.ME")

    assert missing_project.status_code == listed.status_code == missing_view.status_code == 404
    assert missing_view.json() == {
        "errors": [{"code": "resource_not_found", "title": "view not found"}]
    }
    assert 'invalid parameter "project_id" in "query"' in detail(no_project)
    assert 'invalid parameter "view_id" in "path"' in detail(malformed)


async def test_an_update_changes_only_what_it_names_and_an_empty_one_nothing(
    http: httpx2.AsyncClient, org: dict[str, str], now: list[Any], sandbox: Sandbox
) -> None:
    """Name and query change separately; no attributes leaves the view as it was."""
    view = await save(http, org["sec"], "status:open")
    path = f"/api/v2/cases/views/{view['id']}"
    now[0] = now[0].replace(hour=9)

    same = await http.put(path, json={"data": {"type": "view", "attributes": {}}})
    renamed = await http.put(path, json={"data": {"type": "view", "attributes": {"name": "Mine"}}})
    refused = await http.put(path, json={"data": {"type": "view", "attributes": {"query": "a)"}}})
    read = await http.get(path)

    assert same.json()["data"] == view
    assert renamed.json()["data"]["attributes"] == {
        "created_at": "2026-09-01T08:00:00.000000Z",
        "modified_at": "2026-09-01T09:00:00.000000Z",
        "name": "Mine",
        "query": "status:open",
    }
    assert renamed.json()["data"]["relationships"]["modified_by"] == {
        "data": {"id": sandbox.ACTOR_ID, "type": "user"}
    }
    assert "this ')' closes no '('" in detail(refused)
    assert read.json()["data"] == renamed.json()["data"]


async def test_a_deleted_view_is_gone_and_its_project_keeps_the_others(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """Deleting answers 204; again, 404."""
    first = await save(http, org["sec"], "status:open")
    second = await save(http, org["sec"], "priority:p1")

    deleted = await http.delete(f"/api/v2/cases/views/{first['id']}")
    again = await http.delete(f"/api/v2/cases/views/{first['id']}")

    assert (deleted.status_code, again.status_code) == (204, 404)
    assert [v["id"] for v in await views_of(http, org["sec"])] == [second["id"]]


async def test_a_deleted_project_takes_its_views_and_favourites_with_it(
    http: httpx2.AsyncClient, org: dict[str, str], sandbox: Sandbox
) -> None:
    """Nothing is left pointing at a project that is gone."""
    view = await save(http, org["ops"], "status:open")
    await http.post(f"/api/v2/cases/projects/{org['ops']}/favorites")

    await http.delete(f"/api/v2/cases/projects/{org['ops']}")

    assert (await http.get(f"/api/v2/cases/views/{view['id']}")).status_code == 404
    assert (await http.get("/api/v2/cases/projects/favorites")).json() == {"data": []}


# Project settings -----------------------------------------------------------------------------


async def test_settings_are_merged_into_the_projects_and_shown(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """A change names only what changes; the rest of Datadog's defaults stay."""
    path = f"/api/v2/cases/projects/{org['sec']}"
    settings = {
        "notification": {"notify_on_case_comment": False, "destinations": [1, 3]},
        "auto_close_inactive_cases": {"enabled": True, "max_inactive_time_in_secs": 86_400},
        "integration_incident": {"severity_config": {"priority_mapping": {"SEV-1": "P1"}}},
    }

    answer = await http.patch(path, json=project_body(name="Security", settings=settings))
    read = await http.get(path)

    attributes = answer.json()["data"]["attributes"]
    assert attributes["settings"]["notification"] == {
        "enabled": True,
        "destinations": [1, 3],
        "notify_on_case_assignment": True,
        "notify_on_case_unassignment": True,
        "notify_on_case_closed": True,
        "notify_on_case_priority_change": True,
        "notify_on_case_comment": False,
        "notify_on_case_comment_mention": True,
        "notify_on_case_status_change": True,
    }
    assert (
        attributes["settings"]["auto_close_inactive_cases"] == settings["auto_close_inactive_cases"]
    )
    assert read.json() == answer.json()


@pytest.mark.parametrize(
    ("attributes", "problem"),
    [
        ({"settings": {"notifications": {}}}, 'settings has no setting "notifications"; its'),
        ({"settings": {"notification": {"enabled": "yes"}}}, "notification.enabled must be true"),
        ({"settings": {"notification": {"destinations": [4]}}}, "destinations[0] must be one of"),
        (
            {"settings": {"auto_close_inactive_cases": {"max_inactive_time_in_secs": 0}}},
            "max_inactive_time_in_secs must be at least 1",
        ),
        (
            {
                "settings": {
                    "integration_incident": {"severity_config": {"priority_mapping": {"S": "P0"}}}
                }
            },
            'priority_mapping["S"] must be one of P1, P2, P3, P4, P5, NOT_DEFINED',
        ),
        (
            {"settings": {"integration_incident": {"auto_escalation_query": "priority:p0"}}},
            "auto_escalation_query: Invalid search query 'priority:p0' at character 1",
        ),
        ({"settings": {"integration_monitor": {"case_type_id": UNKNOWN}}}, "is not the id of a"),
        ({"enabled_custom_case_types": [UNKNOWN]}, "enabled_custom_case_types: "),
        ({"enabled_custom_case_types": "x"}, "enabled_custom_case_types must be a list"),
        ({"columns_config": {"columns": [{"sort": {"ascending": 1}}]}}, "ascending must be true"),
        ({"team_uuid": "sre"}, "team_uuid 'sre' is not a team id"),
        ({"name": ""}, "name must not be empty"),
    ],
)
async def test_a_setting_outside_the_official_clients_shape_is_refused_and_nothing_changes(
    http: httpx2.AsyncClient, org: dict[str, str], attributes: dict[str, Any], problem: str
) -> None:
    """Unknown names, wrong types and values outside the documented ones are 400s that say
    what is accepted; the project is as it was."""
    path = f"/api/v2/cases/projects/{org['sec']}"
    before = (await http.get(path)).json()

    answer = await http.patch(path, json=project_body(**{"name": "Renamed", **attributes}))

    assert problem in detail(answer)
    assert (await http.get(path)).json() == before


async def test_datadogs_scenarios_for_update_project_answer_their_statuses(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """The recorded 400 (wrong type) and 404 (unknown project), and an update with no
    attributes, which changes nothing."""
    wrong_type = await http.patch(
        f"/api/v2/cases/projects/{org['sec']}", json={"data": {"type": "invalid_type"}}
    )
    unknown = await http.patch(f"/api/v2/cases/projects/{UNKNOWN}", json=project_body(name="N"))
    nothing = await http.patch(
        f"/api/v2/cases/projects/{org['sec']}", json={"data": {"type": "project"}}
    )

    assert wrong_type.json() == {
        "errors": [
            {
                "status": "400",
                "title": "Bad Request",
                "detail": 'got type "invalid_type" expected one of "project"',
            }
        ]
    }
    assert unknown.json() == {
        "errors": [
            {"code": "resource_not_found", "title": "failed to get project: project not found"}
        ]
    }
    assert nothing.json()["data"]["attributes"]["name"] == "Security"


# Favourites -----------------------------------------------------------------------------------


async def test_favouriting_is_harmless_twice_and_so_is_unfavouriting(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """Both answer 204 however often they are sent; the list holds each project once."""
    base = "/api/v2/cases/projects"
    statuses = [
        (await http.post(f"{base}/{org['sec']}/favorites")).status_code,
        (await http.post(f"{base}/{org['sec']}/favorites")).status_code,
        (await http.post(f"{base}/{org['ops']}/favorites")).status_code,
        (await http.delete(f"{base}/{org['ops']}/favorites")).status_code,
        (await http.delete(f"{base}/{org['ops']}/favorites")).status_code,
    ]
    unknown = await http.post(f"{base}/{UNKNOWN}/favorites")

    assert statuses == [204] * 5
    assert (await http.get(f"{base}/favorites")).json() == {
        "data": [{"id": org["sec"], "type": "project_favorite"}]
    }
    assert unknown.status_code == 404


async def test_favourites_belong_to_the_user_who_marked_them(
    sandbox: Sandbox, org: dict[str, str]
) -> None:
    """Another user's favourites are not the caller's (the store serves each user's own; the
    sandbox's API acts as one user)."""
    store = sandbox.store
    store.favorite_case_project(org["sec"], actor_id=org["jane"])
    store.favorite_case_project(org["ops"], actor_id=sandbox.ACTOR_ID)

    assert store.list_user_case_project_favorites(org["jane"]) == [org["sec"]]
    assert store.list_user_case_project_favorites(sandbox.ACTOR_ID) == [org["ops"]]


def official_shape(model: Any) -> Any:
    """The shape of an official client's model, written as `PROJECT_SETTINGS` writes it."""
    (kind,) = model if isinstance(model, tuple) else (model,)
    if isinstance(kind, list):
        return [official_shape(kind[0])]
    if isinstance(kind, dict):
        (values,) = kind.values()
        return TEXT_MAP if values == (str,) else ANY_KEYS
    if isinstance(kind, type) and issubclass(kind, ModelNormal):
        return {name: official_shape(types) for name, types in kind.openapi_types.items()}
    return kind


def test_the_settings_shape_is_the_official_clients() -> None:
    """Every setting the sandbox checks is the official client's, with its type, and none is
    missing: the settings and the board's columns."""
    assert official_shape(ProjectSettings) == PROJECT_SETTINGS
    assert official_shape(ProjectColumnsConfig) == COLUMNS_CONFIG
