"""A small, known organisation in an unseeded sandbox, and an HTTP client to it.

Tests of the sandbox's behaviour build on this instead of the demo seed, so that they do not
depend on the seed's content: two projects, three users, the Standard and Change Request case
types as Datadog defines them, and custom attributes of every type on Standard.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx2
import pytest
from datadog_api_client import ApiClient

from case_mcp.sandbox import Sandbox
from official_client import official_client, served

STANDARD = "00000000-0000-0000-0000-000000000001"
CHANGE_REQUEST = "00000000-0000-0000-0000-000000000004"
JANE = "5a1e7c55-0000-4000-8000-00000000a001"
PENDING = "5a1e7c55-0000-4000-8000-00000000a002"
SEC = "9e0b6a11-0000-4000-8000-00000000b001"
OPS = "9e0b6a11-0000-4000-8000-00000000b002"
START = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
KEYS = {"DD-API-KEY": "test-api-key", "DD-APPLICATION-KEY": "test-app-key"}
CHANGE_REQUEST_STATUSES = {
    "open": {"status_options": [{"name": "Open"}], "default": "Open"},
    "in_progress": {
        "status_options": [
            {"name": "Pending Approval"},
            {"name": "Approved"},
            {"name": "Implementing"},
        ],
        "default": "Pending Approval",
    },
    "closed": {
        "status_options": [{"name": "Completed"}, {"name": "Cancelled"}, {"name": "Declined"}],
        "default": "Completed",
    },
}

NewCase = Callable[..., Awaitable[dict[str, Any]]]


@pytest.fixture
def org() -> dict[str, str]:
    """The ids of the test organisation's objects."""
    return {
        "standard": STANDARD,
        "change_request": CHANGE_REQUEST,
        "jane": JANE,
        "pending": PENDING,
        "sec": SEC,
        "ops": OPS,
    }


@pytest.fixture
def now() -> list[datetime]:
    """The sandbox's clock: set ``now[0]`` to move time."""
    return [START]


@pytest.fixture
def sandbox(now: list[datetime]) -> Iterator[Sandbox]:
    """An unseeded in-memory sandbox on a fixed clock, with the test organisation."""
    with Sandbox(seed=False, clock=lambda: now[0]) as sandbox:
        store, actor = sandbox.store, sandbox.ACTOR_ID
        store.create_user(email="jane@example.com", name="Jane Doe", handle="jane", user_id=JANE)
        store.create_user(email="new.hire@example.com", status="Pending", user_id=PENDING)
        store.create_case_type(
            name="Standard",
            description="General tasks and investigations",
            internal=True,
            wire_type="STANDARD",
            type_id=STANDARD,
        )
        store.create_case_type(
            name="Change Request",
            description="Request and track approvals",
            internal=True,
            wire_type="CHANGE_REQUEST",
            statuses_config=CHANGE_REQUEST_STATUSES,
            type_id=CHANGE_REQUEST,
        )
        for key, kind, is_multi, options in (
            ("aws_region", "SELECT", False, ["us-east-1", "eu-west-1"]),
            ("components", "TEXT", True, None),
            ("runbook_url", "URL", False, None),
            ("impact_users", "NUMBER", False, None),
        ):
            store.create_custom_attribute_config(
                STANDARD,
                key=key,
                display_name=key.replace("_", " ").title(),
                type=kind,
                is_multi=is_multi,
                options=options,
            )
        store.create_project(key="SEC", name="Security", actor_id=actor, project_id=SEC)
        store.create_project(key="OPS", name="Operations", actor_id=actor, project_id=OPS)
        yield sandbox


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the sandbox's API, in process, with keys."""
    async with httpx2.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox", headers=KEYS
    ) as client:
        yield client


@pytest.fixture
def new_case(http: httpx2.AsyncClient) -> NewCase:
    """Open a case through the API; returns its ``data`` resource."""

    async def create(
        title: str = "Checkout p99 above SLO",
        *,
        project: str = SEC,
        assignee: str | None = None,
        **attributes: Any,
    ) -> dict[str, Any]:
        relationships: dict[str, Any] = {"project": {"data": {"id": project, "type": "project"}}}
        if assignee:
            relationships["assignee"] = {"data": {"id": assignee, "type": "user"}}
        body = {
            "data": {
                "type": "case",
                "attributes": {"title": title, "type_id": STANDARD, **attributes},
                "relationships": relationships,
            }
        }
        answer = await http.post("/api/v2/cases", json=body)
        assert answer.status_code == 201, answer.text
        data: dict[str, Any] = answer.json()["data"]
        return data

    return create


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    """A demo-seeded sandbox under uvicorn on a loopback port, for the whole module."""
    with Sandbox(rate_limit=None) as sandbox, served(sandbox) as url:
        yield url


@pytest.fixture
def api_client(sandbox_url: str) -> Iterator[ApiClient]:
    """Datadog's official client, talking to `sandbox_url`."""
    with official_client(sandbox_url) as client:
        yield client
