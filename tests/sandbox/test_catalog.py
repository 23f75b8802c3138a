"""Projects, case types, custom attribute configs and users, in Datadog's documents."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio

STANDARD = "00000000-0000-0000-0000-000000000001"
DEFAULT_STATUSES = {
    "open": {"status_options": [{"name": "Open"}], "default": "Open"},
    "in_progress": {"status_options": [{"name": "In Progress"}], "default": "In Progress"},
    "closed": {"status_options": [{"name": "Closed"}], "default": "Closed"},
}


def resource(kind: str, **attributes: Any) -> dict[str, Any]:
    return {"data": {"type": kind, "attributes": attributes}}


async def test_a_project_is_created_renamed_listed_and_deleted(http: httpx2.AsyncClient) -> None:
    """Projects answer 201, 200, 200 and 204 with Datadog's project document."""
    created = await http.post(
        "/api/v2/cases/projects", json=resource("project", key="WEB", name="Web Platform")
    )
    project_id = created.json()["data"]["id"]
    renamed = await http.patch(
        f"/api/v2/cases/projects/{project_id}", json=resource("project", name="Web")
    )
    listed = await http.get("/api/v2/cases/projects")
    deleted = await http.delete(f"/api/v2/cases/projects/{project_id}")

    assert created.status_code == 201
    assert renamed.json() == {
        "data": {
            "id": project_id,
            "type": "project",
            "attributes": {
                "key": "WEB",
                "name": "Web",
                "restricted": False,
                "settings": {
                    "notification": {
                        "enabled": True,
                        "destinations": [1],
                        "notify_on_case_assignment": True,
                        "notify_on_case_unassignment": True,
                        "notify_on_case_closed": True,
                        "notify_on_case_priority_change": True,
                        "notify_on_case_comment": True,
                        "notify_on_case_comment_mention": True,
                        "notify_on_case_status_change": True,
                    }
                },
            },
        }
    }
    assert [project["attributes"]["key"] for project in listed.json()["data"]] == [
        "SEC",
        "OPS",
        "WEB",
    ]
    assert deleted.status_code == 204
    assert (await http.get(f"/api/v2/cases/projects/{project_id}")).status_code == 404


async def test_a_new_case_type_gets_datadogs_default_statuses(http: httpx2.AsyncClient) -> None:
    """A created case type is custom (not internal) with Open, In Progress and Closed."""
    answer = await http.post(
        "/api/v2/cases/types",
        json=resource("case_type", name="Investigation", description="Deep dives", emoji="👑"),
    )

    type_id = answer.json()["data"]["id"]
    assert (answer.status_code, answer.json()) == (
        201,
        {
            "data": {
                "id": type_id,
                "type": "case_type",
                "attributes": {
                    "description": "Deep dives",
                    "emoji": "👑",
                    "internal": False,
                    "name": "Investigation",
                    "statuses_config": DEFAULT_STATUSES,
                },
            }
        },
    )


@pytest.mark.parametrize("emoji", ["🌍", "🏳️‍🌈", "👍🏽", "🇫🇷", "1️⃣", ""])
async def test_single_emoji_of_every_build_are_accepted(
    http: httpx2.AsyncClient, emoji: str
) -> None:
    """Joined, modified, flag and keycap emoji count as one; so does none."""
    answer = await http.post(
        "/api/v2/cases/types", json=resource("case_type", name="T", emoji=emoji)
    )

    assert answer.status_code == 201, answer.text


@pytest.mark.parametrize("emoji", ["👑👑", "a", "🌍x", ":crown:"])
async def test_anything_but_a_single_emoji_is_refused(http: httpx2.AsyncClient, emoji: str) -> None:
    """Two emoji, letters or shortcodes are not an emoji."""
    answer = await http.post(
        "/api/v2/cases/types", json=resource("case_type", name="T", emoji=emoji)
    )

    assert answer.status_code == 400


async def test_deleting_a_case_type_twice_answers_204_and_lists_it_as_deleted(
    http: httpx2.AsyncClient, now: Any
) -> None:
    """Case types are deleted softly: the list still shows them, with deleted_at."""
    created = await http.post("/api/v2/cases/types", json=resource("case_type", name="World"))
    type_id = created.json()["data"]["id"]

    answers = [await http.delete(f"/api/v2/cases/types/{type_id}") for _ in range(2)]
    listed = (await http.get("/api/v2/cases/types")).json()["data"]

    assert [answer.status_code for answer in answers] == [204, 204]
    deleted = next(kind for kind in listed if kind["id"] == type_id)
    assert deleted["attributes"]["deleted_at"] == "2026-09-01T08:00:00.000000Z"


async def test_a_select_custom_attribute_config_carries_its_options(
    http: httpx2.AsyncClient,
) -> None:
    """A SELECT config answers 201 with type_data options and its case type's wire type."""
    answer = await http.post(
        f"/api/v2/cases/types/{STANDARD}/custom_attributes",
        json=resource(
            "custom_attribute",
            key="severity_source",
            display_name="Severity source",
            type="SELECT",
            is_multi=False,
            description="Who set the severity",
            type_data={"options": [{"value": "monitor"}, {"value": "human"}]},
        ),
    )

    config_id = answer.json()["data"]["id"]
    assert (answer.status_code, answer.json()) == (
        201,
        {
            "data": {
                "id": config_id,
                "type": "custom_attribute",
                "attributes": {
                    "case_type": "STANDARD",
                    "case_type_id": STANDARD,
                    "description": "Who set the severity",
                    "display_name": "Severity source",
                    "is_multi": False,
                    "key": "severity_source",
                    "type": "SELECT",
                    "type_data": {"options": [{"value": "monitor"}, {"value": "human"}]},
                },
            }
        },
    )


async def test_custom_attribute_configs_are_listed_per_type_and_deleted(
    http: httpx2.AsyncClient,
) -> None:
    """A config shows in its type's list and the list of all, until deleted (204)."""
    per_type = (await http.get(f"/api/v2/cases/types/{STANDARD}/custom_attributes")).json()
    every = (await http.get("/api/v2/cases/types/custom_attributes")).json()
    config_id = per_type["data"][0]["id"]

    deleted = await http.delete(f"/api/v2/cases/types/{STANDARD}/custom_attributes/{config_id}")
    after = (await http.get(f"/api/v2/cases/types/{STANDARD}/custom_attributes")).json()

    keys = [config["attributes"]["key"] for config in per_type["data"]]
    assert keys == ["aws_region", "components", "runbook_url", "impact_users"]
    assert every == per_type
    assert deleted.status_code == 204
    assert config_id not in [config["id"] for config in after["data"]]


async def test_a_created_user_is_pending_with_the_users_api_document(
    http: httpx2.AsyncClient,
) -> None:
    """POST /users answers 201 in plain JSON; the invited user is Pending, without a name."""
    answer = await http.post(
        "/api/v2/users",
        json=resource("users", email="Oncall-Bot@Example.com", title="Bot"),
    )

    user = answer.json()["data"]
    assert answer.status_code == 201
    assert answer.headers["content-type"] == "application/json"
    assert user["attributes"] | {"icon": "…"} == {
        "name": None,
        "handle": "oncall-bot@example.com",
        "created_at": "2026-09-01T08:00:00.000000+00:00",
        "modified_at": "2026-09-01T08:00:00.000000+00:00",
        "email": "oncall-bot@example.com",
        "icon": "…",
        "title": "Bot",
        "verified": False,
        "service_account": False,
        "disabled": False,
        "allowed_login_methods": [],
        "status": "Pending",
        "last_login_time": None,
    }
    assert user["attributes"]["icon"].startswith("https://secure.gravatar.com/avatar/")


async def test_users_are_filtered_and_paged_from_page_zero(
    http: httpx2.AsyncClient, org: dict[str, str]
) -> None:
    """filter matches name, email or handle; filter[status] and pages from 0 narrow it."""
    by_name = await http.get("/api/v2/users", params={"filter": "jane"})
    pending = await http.get("/api/v2/users", params={"filter[status]": "Pending"})
    second_page = await http.get("/api/v2/users", params={"page[size]": 1, "page[number]": 1})

    assert [user["id"] for user in by_name.json()["data"]] == [org["jane"]]
    assert by_name.json()["meta"] == {"page": {"total_count": 3, "total_filtered_count": 1}}
    assert [user["id"] for user in pending.json()["data"]] == [org["pending"]]
    assert len(second_page.json()["data"]) == 1


async def test_deleting_a_user_disables_them(
    http: httpx2.AsyncClient, org: dict[str, str], sandbox: Sandbox
) -> None:
    """DELETE /users/{id} answers 204; the user stays, Disabled."""
    answer = await http.delete(f"/api/v2/users/{org['jane']}")
    user = (await http.get(f"/api/v2/users/{org['jane']}")).json()["data"]["attributes"]

    assert answer.status_code == 204
    assert (user["status"], user["disabled"]) == ("Disabled", True)
