"""Creating, changing and deleting case types and their custom attribute configs, over HTTP."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio

NewCase = Callable[..., Awaitable[dict[str, Any]]]

STANDARD = "00000000-0000-0000-0000-000000000001"  # the test organisation's (conftest)
TYPES = "/api/v2/cases/types"
UNKNOWN = "9fd476d7-a955-454a-851d-980c655c02d3"
# The emoji of Datadog's own update example: a man detective, light skin tone.
DETECTIVE = "\U0001f575\U0001f3fb\u200d\u2642\ufe0f"


def case_type(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "case_type", "attributes": attributes}}


def attribute(**attributes: Any) -> dict[str, Any]:
    return {"data": {"type": "custom_attribute", "attributes": attributes}}


async def new_type(http: httpx2.AsyncClient, name: str = "Investigation") -> str:
    answer = await http.post(TYPES, json=case_type(name=name, emoji="👑"))
    assert answer.status_code == 201, answer.text
    return str(answer.json()["data"]["id"])


async def configs_of(http: httpx2.AsyncClient, type_id: str) -> dict[str, dict[str, Any]]:
    answer = await http.get(f"{TYPES}/{type_id}/custom_attributes")
    assert answer.status_code == 200, answer.text
    return {config["attributes"]["key"]: config for config in answer.json()["data"]}


async def test_updating_a_case_type_keeps_its_id_and_what_is_not_sent(
    http: httpx2.AsyncClient,
) -> None:
    """A PUT renames the type and sets what it sends; the id, statuses and the rest stay."""
    type_id = await new_type(http)

    answer = await http.put(
        f"{TYPES}/{type_id}", json=case_type(name="Investigations", emoji=DETECTIVE)
    )

    assert answer.status_code == 200, answer.text
    data = answer.json()["data"]
    assert data["id"] == type_id
    assert data["attributes"]["name"] == "Investigations"
    assert data["attributes"]["emoji"] == DETECTIVE
    assert data["attributes"]["description"] == ""
    assert data["attributes"]["statuses_config"]["open"]["default"] == "Open"
    listed = {t["id"]: t for t in (await http.get(TYPES)).json()["data"]}
    assert listed[type_id] == data


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        (case_type(name=" "), "name must not be empty"),
        (case_type(name="X", emoji="notanemoji"), "emoji must be a single emoji"),
        (case_type(description="no name"), 'missing required attribute "name"'),
        ({"data": {"type": "case", "attributes": {"name": "X"}}}, 'expected one of "case_type"'),
    ],
)
async def test_an_invalid_case_type_update_is_refused_and_changes_nothing(
    http: httpx2.AsyncClient, body: dict[str, Any], detail: str
) -> None:
    """An empty name, a word for an emoji, no name or another type: 400, nothing changed."""
    type_id = await new_type(http)

    answer = await http.put(f"{TYPES}/{type_id}", json=body)

    assert answer.status_code == 400
    assert detail in answer.json()["errors"][0]["detail"]
    listed = {t["id"]: t for t in (await http.get(TYPES)).json()["data"]}
    assert listed[type_id]["attributes"]["name"] == "Investigation"


async def test_updating_an_unknown_or_deleted_case_type_is_not_found(
    http: httpx2.AsyncClient,
) -> None:
    """404 ``case_type not found`` for a type that never was, and for a deleted one."""
    deleted = await new_type(http)
    assert (await http.delete(f"{TYPES}/{deleted}")).status_code == 204

    for type_id in (UNKNOWN, deleted):
        answer = await http.put(f"{TYPES}/{type_id}", json=case_type(name="X"))
        assert answer.status_code == 404
        assert answer.json() == {
            "errors": [{"code": "resource_not_found", "title": "case_type not found"}]
        }


async def test_a_case_type_that_cases_use_is_deleted_and_stays_on_them(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """As Datadog answers: 204 with an open case of the type, which keeps its type id; the
    type is listed with its deleted_at."""
    case = await new_case("Still open")

    assert (await http.delete(f"{TYPES}/{STANDARD}")).status_code == 204

    listed = {t["id"]: t for t in (await http.get(TYPES)).json()["data"]}
    assert listed[STANDARD]["attributes"]["deleted_at"]
    kept = (await http.get(f"/api/v2/cases/{case['id']}")).json()["data"]
    assert kept["attributes"]["type_id"] == STANDARD


async def test_updating_a_custom_attribute_config_keeps_its_id_key_and_multiplicity(
    http: httpx2.AsyncClient,
) -> None:
    """A PUT changes the label, description and options it sends; id, key, is_multi stay."""
    region = (await configs_of(http, STANDARD))["aws_region"]

    answer = await http.put(
        f"{TYPES}/{STANDARD}/custom_attributes/{region['id']}",
        json=attribute(
            display_name="Region",
            description="Where it runs",
            type_data={"options": [{"value": "us-east-1"}, {"value": "ap-south-1"}]},
        ),
    )

    assert answer.status_code == 200, answer.text
    assert answer.json()["data"] == {
        "id": region["id"],
        "type": "custom_attribute",
        "attributes": {
            "case_type": "STANDARD",
            "case_type_id": STANDARD,
            "description": "Where it runs",
            "display_name": "Region",
            "is_multi": False,
            "key": "aws_region",
            "type": "SELECT",
            "type_data": {"options": [{"value": "us-east-1"}, {"value": "ap-south-1"}]},
        },
    }
    assert (await configs_of(http, STANDARD))["aws_region"] == answer.json()["data"]


async def test_datadogs_own_update_example_answers_200_and_keeps_no_options_on_a_number(
    http: httpx2.AsyncClient,
) -> None:
    """Datadog's example sends options with a NUMBER and expects 200: only SELECTs keep any."""
    components = (await configs_of(http, STANDARD))["components"]

    answer = await http.put(
        f"{TYPES}/{STANDARD}/custom_attributes/{components['id']}",
        json=attribute(
            description="Updated description.",
            display_name="AWS Region",
            type="NUMBER",
            type_data={"options": [{"value": "us-east-1"}]},
        ),
    )

    assert answer.status_code == 200, answer.text
    attributes = answer.json()["data"]["attributes"]
    assert attributes["type"] == "NUMBER"
    assert "type_data" not in attributes


@pytest.mark.parametrize(
    ("key", "body", "detail"),
    [
        ("components", attribute(type="FLOAT"), "custom attribute type 'FLOAT' is not one of"),
        ("components", attribute(type="SELECT"), "a SELECT custom attribute needs"),
        ("aws_region", attribute(type_data={"options": []}), "a SELECT custom attribute needs"),
        ("aws_region", attribute(display_name=""), "display_name must not be empty"),
        ("aws_region", attribute(type_data={"options": ["x"]}), "type_data.options must be"),
    ],
)
async def test_an_invalid_custom_attribute_update_is_refused_and_changes_nothing(
    http: httpx2.AsyncClient, key: str, body: dict[str, Any], detail: str
) -> None:
    """An unknown type, a SELECT without options, an empty label: 400, nothing changed."""
    before = (await configs_of(http, STANDARD))[key]

    answer = await http.put(f"{TYPES}/{STANDARD}/custom_attributes/{before['id']}", json=body)

    assert answer.status_code == 400
    assert detail in answer.json()["errors"][0]["detail"]
    assert (await configs_of(http, STANDARD))[key] == before


async def test_a_type_change_keeps_the_values_cases_hold_and_checks_the_next(
    http: httpx2.AsyncClient, new_case: NewCase
) -> None:
    """As Datadog's example expects 200 for a change to NUMBER: a held value keeps its own
    type, and a new value must be of the new type."""
    case = await new_case(
        custom_attributes={"impact_users": {"type": "NUMBER", "is_multi": False, "value": 120}}
    )
    impact = (await configs_of(http, STANDARD))["impact_users"]

    answer = await http.put(
        f"{TYPES}/{STANDARD}/custom_attributes/{impact['id']}", json=attribute(type="TEXT")
    )

    assert answer.status_code == 200, answer.text
    held = (await http.get(f"/api/v2/cases/{case['id']}")).json()["data"]["attributes"]
    assert held["custom_attributes"]["impact_users"] == {
        "type": "NUMBER",
        "is_multi": False,
        "value": 120,
    }
    path = f"/api/v2/cases/{case['id']}/custom_attributes/impact_users"
    number = {
        "data": {"type": "case", "attributes": {"type": "NUMBER", "is_multi": False, "value": 5}}
    }
    text = {
        "data": {"type": "case", "attributes": {"type": "TEXT", "is_multi": False, "value": "many"}}
    }
    assert (await http.post(path, json=number)).status_code == 400
    assert (await http.post(path, json=text)).status_code == 200


async def test_updating_an_unknown_custom_attribute_config_is_not_found(
    http: httpx2.AsyncClient,
) -> None:
    """404 for an unknown case type and for an attribute id the type does not have."""
    region = (await configs_of(http, STANDARD))["aws_region"]
    other = await new_type(http)

    for path, title in (
        (f"{TYPES}/{UNKNOWN}/custom_attributes/{region['id']}", "case_type not found"),
        (f"{TYPES}/{other}/custom_attributes/{region['id']}", "custom_attribute not found"),
        (f"{TYPES}/{STANDARD}/custom_attributes/{UNKNOWN}", "custom_attribute not found"),
    ):
        answer = await http.put(path, json=attribute(display_name="X"))
        assert answer.status_code == 404, path
        assert answer.json() == {"errors": [{"code": "resource_not_found", "title": title}]}


async def test_an_update_with_ids_that_are_not_uuids_is_an_invalid_parameter(
    http: httpx2.AsyncClient,
) -> None:
    """Datadog's path-parameter 400, as for the delete it recorded."""
    answer = await http.put(
        f"{TYPES}/{STANDARD}/custom_attributes/not-an-uuid", json=attribute(display_name="X")
    )

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["title"] == "Invalid Parameter"
