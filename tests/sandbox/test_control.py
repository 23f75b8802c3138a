"""The control plane: reset, faults and rate limit over HTTP, without credentials."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Faults, RateLimit, Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture
async def control(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client without keys: the control plane needs none."""
    async with httpx2.AsyncClient(
        transport=sandbox.transport(), base_url="http://sandbox"
    ) as client:
        yield client


async def test_reset_without_seed_leaves_only_the_api_user(
    control: httpx2.AsyncClient, sandbox: Sandbox, new_case: Any
) -> None:
    """Every object is gone except the user that requests act as."""
    await new_case()

    answer = await control.post("/_sandbox/reset", json={"seed": False})

    assert (answer.status_code, answer.json()) == (200, {"reset": True, "seeded": False})
    assert sandbox.store.search_cases() == ([], 0)
    assert sandbox.store.get_projects() == []
    assert [user["id"] for user in sandbox.store.list_users()[0]] == [sandbox.ACTOR_ID]


async def test_reset_seeds_by_default(control: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    """A bare reset brings back the demo organisation."""
    answer = await control.post("/_sandbox/reset")

    assert answer.json() == {"reset": True, "seeded": True}
    assert sandbox.store.get_user(sandbox.ACTOR_ID)["name"] == "Case MCP Sandbox"


async def test_faults_are_read_and_replaced(control: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    """PUT replaces the faults (omitted settings are off); GET shows them."""
    put = await control.put(
        "/_sandbox/faults", json={"error_rate": 0.25, "seed": 3, "error_statuses": [503]}
    )
    got = await control.get("/_sandbox/faults")

    expected = {
        "latency": 0.0,
        "error_rate": 0.25,
        "error_statuses": [503],
        "malformed_rate": 0.0,
        "drop_rate": 0.0,
        "seed": 3,
    }
    assert put.json() == got.json() == expected
    assert sandbox.faults == Faults(error_rate=0.25, error_statuses=(503,), seed=3)


@pytest.mark.parametrize(
    ("settings", "detail"),
    [
        ({"error_rate": 2}, "invalid faults: error_rate must be between 0 and 1"),
        (
            {"loss": 0.1},
            "unknown setting 'loss'; settings are drop_rate, error_rate, "
            "error_statuses, latency, malformed_rate, seed",
        ),
        (
            [1, 2],
            "send a JSON object with some of: drop_rate, error_rate, error_statuses, "
            "latency, malformed_rate, seed",
        ),
    ],
)
async def test_faults_that_cannot_work_are_refused_with_a_reason(
    control: httpx2.AsyncClient, settings: Any, detail: str
) -> None:
    """A bad setting answers 400 naming it."""
    answer = await control.put("/_sandbox/faults", json=settings)

    assert (answer.status_code, answer.json()) == (
        400,
        {"errors": [{"status": "400", "title": "Bad Request", "detail": detail}]},
    )


async def test_the_rate_limit_is_read_replaced_and_removed(
    control: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """PUT an object to set a budget, null to remove it."""
    set_answer = await control.put("/_sandbox/rate_limit", json={"limit": 2})
    limit = sandbox.rate_limit
    removed = await control.put("/_sandbox/rate_limit", json=None)

    assert set_answer.json() == {"limit": 2, "period": 60, "name": "cases"}
    assert limit == RateLimit(limit=2)
    assert (removed.json(), sandbox.rate_limit) == (None, None)
    assert (await control.get("/_sandbox/rate_limit")).json() is None
