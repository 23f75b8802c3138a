"""Each operation the sandbox serves is Datadog's: its id, method and path, from route to store."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.api_client import Endpoint
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi
from datadog_api_client.v2.api.users_api import UsersApi

from case_mcp.sandbox import Operation, Sandbox

pytestmark = pytest.mark.anyio

KEYS = {"DD-API-KEY": "operations-test", "DD-APPLICATION-KEY": "operations-test"}
ROUTING_ERRORS = ({"errors": ["Not found"]}, {"errors": ["Method not allowed"]})


def official_endpoints() -> dict[str, tuple[str, str]]:
    """Datadog's own client: operation id -> (method, path template)."""
    with ApiClient(Configuration()) as client:
        apis = [
            CaseManagementApi(client),
            CaseManagementAttributeApi(client),
            CaseManagementTypeApi(client),
            UsersApi(client),
        ]
        endpoints = [value for api in apis for value in vars(api).values()]
    return {
        endpoint.settings["operation_id"]: (
            endpoint.settings["http_method"],
            endpoint.settings["endpoint_path"],
        )
        for endpoint in endpoints
        if isinstance(endpoint, Endpoint)
    }


@pytest.fixture
async def http() -> AsyncIterator[httpx2.AsyncClient]:
    """A client of a seeded sandbox's API."""
    with Sandbox(rate_limit=None) as sandbox:
        async with httpx2.AsyncClient(
            transport=sandbox.transport(), base_url="http://sandbox", headers=KEYS
        ) as client:
            yield client


def test_each_operation_is_where_datadogs_client_sends_it() -> None:
    """Every operation id, method and path template is exactly as Datadog's client has it."""
    official = official_endpoints()
    ours = {
        operation.operation_id: (operation.method, operation.path)
        for operation in Sandbox.OPERATIONS
    }
    assert len(ours) == len(Sandbox.OPERATIONS)
    assert {op: official.get(op) for op in ours} == ours


def test_each_operation_has_a_store_method_of_its_name() -> None:
    """The rule of an operation is the store method named by its operation id."""
    with Sandbox(seed=False) as sandbox:
        missing = [
            op.operation_id
            for op in Sandbox.OPERATIONS
            if not hasattr(sandbox.store, op.operation_id)
        ]
    assert missing == []


def placeholder_path(operation: Operation) -> str:
    return re.sub(r"\{[a-z_]+\}", "no-such-object", operation.path)


@pytest.mark.parametrize("operation", Sandbox.OPERATIONS, ids=lambda op: op.operation_id)
async def test_each_operation_is_routed(http: httpx2.AsyncClient, operation: Operation) -> None:
    """A request to each operation reaches its handler, never the unknown-route answers."""
    body: Any = {} if operation.method in ("POST", "PUT", "PATCH") else None
    answer = await http.request(operation.method, placeholder_path(operation), json=body)
    assert not answer.content or answer.json() not in ROUTING_ERRORS


async def case_key(http: httpx2.AsyncClient) -> str:
    """The key of a live case of the seeded organisation."""
    found = (await http.get("/api/v2/cases", params={"page[size]": 1})).json()
    return str(found["data"][0]["attributes"]["key"])


def due_date_body(due_date: object) -> dict[str, Any]:
    return {"data": {"type": "case", "attributes": {"due_date": due_date}}}


async def test_update_case_due_date_sets_and_clears_it(http: httpx2.AsyncClient) -> None:
    """A due date is set as a YYYY-MM-DD date, cleared by null; each change is in the timeline."""
    key = await case_key(http)
    path = f"/api/v2/cases/{key}/due_date"

    set_answer = await http.post(path, json=due_date_body("2026-12-31"))
    cleared = await http.post(path, json=due_date_body(None))

    assert set_answer.status_code == 200
    assert set_answer.json()["data"]["attributes"]["due_date"] == "2026-12-31"
    assert cleared.status_code == 200
    assert "due_date" not in cleared.json()["data"]["attributes"]
    cells = (await http.get(f"/api/v2/cases/{key}/timelines", params={"page[size]": 2})).json()[
        "data"
    ]
    changes = [cell["attributes"]["cell_content"] for cell in cells]
    assert changes == [
        {"field": "due_date", "from": "2026-12-31", "to": None},
        {"field": "due_date", "from": None, "to": "2026-12-31"},
    ]


@pytest.mark.parametrize("due_date", ["31/12/2026", "2026-02-30", "2026-12-31T00:00:00Z", 20261231])
async def test_update_case_due_date_refuses_what_is_not_a_date(
    http: httpx2.AsyncClient, due_date: object
) -> None:
    """Anything but a calendar date written YYYY-MM-DD (or null) is a 400 that says so."""
    key = await case_key(http)

    answer = await http.post(f"/api/v2/cases/{key}/due_date", json=due_date_body(due_date))

    assert answer.status_code == 400
    assert "YYYY-MM-DD" in str(answer.json()["errors"])
    assert "due_date" not in (await http.get(f"/api/v2/cases/{key}")).json()["data"]["attributes"]
