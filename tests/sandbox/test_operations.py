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
