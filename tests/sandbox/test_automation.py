"""The sandbox's rules for automation rules, notification rules and maintenance windows, over
HTTP: what each accepts, where it belongs, and what an update keeps."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio

UNKNOWN = "5a1e7c55-0000-4000-8000-0000000000ff"
WORKFLOW = {"type": "EXECUTE_WORKFLOW", "data": {"handle": "triage"}}


def _rule(**attributes: Any) -> dict[str, Any]:
    base = {"name": "Triage", "trigger": {"type": "CASE_CREATED"}, "action": WORKFLOW}
    return {"data": {"type": "rule", "attributes": {**base, **attributes}}}


def _notification(**attributes: Any) -> dict[str, Any]:
    base = {
        "triggers": [{"type": "CASE_CREATED", "data": {}}],
        "recipients": [{"type": "EMAIL", "data": {"email": "oncall@example.com"}}],
    }
    return {"data": {"type": "notification_rule", "attributes": {**base, **attributes}}}


def _window(**attributes: Any) -> dict[str, Any]:
    base = {
        "name": "Database migration",
        "query": "project:OPS",
        "start_at": "2026-12-12T02:00:00Z",
        "end_at": "2026-12-12T06:00:00Z",
    }
    return {"data": {"type": "maintenance_window", "attributes": {**base, **attributes}}}


def _detail(answer: httpx2.Response) -> str:
    assert answer.status_code == 400, answer.text
    detail: str = answer.json()["errors"][0]["detail"]
    return detail


async def _new_rule(http: httpx2.AsyncClient, project: str, **attributes: Any) -> dict[str, Any]:
    answer = await http.post(f"/api/v2/cases/projects/{project}/rules", json=_rule(**attributes))
    assert answer.status_code == 201, answer.text
    data: dict[str, Any] = answer.json()["data"]
    return data


async def test_a_rule_is_enabled_unless_it_says_otherwise(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """A new rule without a state is ENABLED, and answers who made it."""
    rule = await _new_rule(http, org["sec"])

    assert rule["attributes"]["state"] == "ENABLED"
    assert rule["relationships"]["created_by"]["data"]["type"] == "users"


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        ({"trigger": {"type": "case_created"}}, "CASE_CREATED"),
        ({"action": {"type": "EXECUTE_WORKFLOW", "data": {}}}, "handle"),
        ({"action": {"type": "ASSIGN_AGENT", "data": {"agent_type": "x"}}}, "assigned_agent_id"),
        ({"trigger": {"type": "STATUS_TRANSITIONED", "data": {}}}, "to_status_name"),
        (
            {"trigger": {"type": "ATTRIBUTE_VALUE_CHANGED", "data": {"field": "priority"}}},
            "change_type",
        ),
        ({"state": "ON"}, "ENABLED"),
        ({"name": " "}, "name"),
        ({"trigger": {"type": "CASE_CREATED", "data": {"colour": "red"}}}, "colour"),
    ],
)
async def test_a_rule_the_official_client_does_not_define_is_refused(
    http: httpx2.AsyncClient, org: dict[str, str], attributes: dict[str, Any], named: str
) -> None:
    """A trigger, action or state outside the official client's values, or missing the data
    its type needs, is a 400 naming what to send; nothing is stored."""
    path = f"/api/v2/cases/projects/{org['sec']}/rules"

    answer = await http.post(path, json=_rule(**attributes))

    assert named in _detail(answer)
    assert (await http.get(path)).json()["data"] == []


async def test_a_rule_belongs_to_its_project(http: httpx2.AsyncClient, org: dict[str, str]) -> None:
    """A rule is not found through another project, nor in a project that does not exist."""
    rule = await _new_rule(http, org["sec"])

    elsewhere = await http.get(f"/api/v2/cases/projects/{org['ops']}/rules/{rule['id']}")
    nowhere = await http.get(f"/api/v2/cases/projects/{UNKNOWN}/rules")

    assert elsewhere.status_code == 404
    assert elsewhere.json() == {
        "errors": [{"code": "resource_not_found", "title": "rule not found"}]
    }
    assert nowhere.status_code == 404


async def test_enabling_and_disabling_flip_the_state_and_answer_the_rule(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """Disable turns a rule off, enable on again; an update without a state keeps it."""
    rule = await _new_rule(http, org["sec"])
    path = f"/api/v2/cases/projects/{org['sec']}/rules/{rule['id']}"

    disabled = (await http.post(f"{path}/disable")).json()["data"]
    renamed = (await http.put(path, json=_rule(name="Triage everything"))).json()["data"]
    enabled = (await http.post(f"{path}/enable")).json()["data"]

    assert disabled["attributes"]["state"] == "DISABLED"
    assert renamed["attributes"] == {
        **disabled["attributes"],
        **{
            "name": "Triage everything",
            "modified_at": renamed["attributes"]["modified_at"],
        },
    }
    assert enabled["attributes"]["state"] == "ENABLED"


async def test_deleting_a_project_deletes_its_rules(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """Rules go with their project."""
    await _new_rule(http, org["ops"])

    await http.delete(f"/api/v2/cases/projects/{org['ops']}")

    answer = await http.get(f"/api/v2/cases/projects/{org['ops']}/rules")
    assert answer.status_code == 404


async def test_ids_in_the_path_are_uuids(http: httpx2.AsyncClient, org: dict[str, str]) -> None:
    """A project, rule or window id that is no UUID is Datadog's 400 Invalid Parameter."""
    for path in (
        "/api/v2/cases/projects/REPLACE.ME/rules",
        f"/api/v2/cases/projects/{org['sec']}/rules/REPLACE.ME",
        "/api/v2/maintenance_windows/REPLACE.ME",
    ):
        answer = await (http.get(path) if "windows" not in path else http.delete(path))
        assert answer.json()["errors"][0]["title"] == "Invalid Parameter", path


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        ({"triggers": []}, "triggers"),
        ({"recipients": [{"type": "CARRIER_PIGEON", "data": {}}]}, "EMAIL"),
        ({"recipients": [{"type": "EMAIL", "data": {"email": "oncall"}}]}, "oncall"),
        ({"query": "priority:P9"}, "P9"),
        ({"is_enabled": "yes"}, "is_enabled"),
    ],
)
async def test_a_notification_rule_is_checked(
    http: httpx2.AsyncClient, org: dict[str, str], attributes: dict[str, Any], named: str
) -> None:
    """Triggers and recipients of documented types, an address that is one, and a query
    the search reads; anything else is a 400 naming it."""
    path = f"/api/v2/cases/projects/{org['sec']}/notification_rules"

    assert named in _detail(await http.post(path, json=_notification(**attributes)))


async def test_a_notification_rule_update_changes_only_what_it_gives(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """An update with only is_enabled keeps the triggers, recipients and query; 204."""
    path = f"/api/v2/cases/projects/{org['sec']}/notification_rules"
    created = (await http.post(path, json=_notification(query="priority:P1"))).json()["data"]
    update = {"data": {"type": "notification_rule", "attributes": {"is_enabled": False}}}

    answer = await http.put(f"{path}/{created['id']}", json=update)

    assert answer.status_code == 204
    assert (await http.get(path)).json()["data"] == [
        {**created, "attributes": {**created["attributes"], "is_enabled": False}}
    ]


@pytest.mark.parametrize(
    ("attributes", "named"),
    [
        ({"end_at": "2026-12-12T01:00:00Z"}, "end_at must be after start_at"),
        ({"start_at": "next tuesday"}, "start_at"),
        ({"query": "status:(open"}, "("),
        ({"name": ""}, "name"),
    ],
)
async def test_a_maintenance_window_is_checked(
    http: httpx2.AsyncClient, attributes: dict[str, Any], named: str
) -> None:
    """A window ends after it starts, at ISO-8601 times, and picks cases by a readable query."""
    answer = await http.post("/api/v2/maintenance_windows", json=_window(**attributes))

    assert named in _detail(answer)


async def test_a_maintenance_window_update_keeps_what_it_does_not_give(
    http: httpx2.AsyncClient,
) -> None:
    """An empty update changes nothing; an end before the kept start is refused."""
    created = (await http.post("/api/v2/maintenance_windows", json=_window())).json()["data"]
    path = f"/api/v2/maintenance_windows/{created['id']}"

    unchanged = await http.put(
        path, json={"data": {"type": "maintenance_window", "attributes": {}}}
    )
    refused = await http.put(path, json=_window(end_at="2026-12-11T00:00:00Z"))

    assert unchanged.json()["data"] == created
    assert "end_at" in _detail(refused)
