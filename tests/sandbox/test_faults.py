"""Injected faults: latency, error answers, malformed bodies and dropped connections."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import pytest

# The latency is recorded by replacing the faults module's sleep: tests never sleep.
from case_mcp.sandbox import Faults, Sandbox, _faults

pytestmark = pytest.mark.anyio


async def test_latency_waits_before_every_api_answer(
    http: httpx2.AsyncClient, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each API request sleeps the configured latency first; the control plane does not."""
    slept: list[float] = []

    async def record(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr(_faults, "sleep", record)
    sandbox.faults.latency = 0.25

    await http.get("/api/v2/cases")
    await http.get("/_sandbox/faults")

    assert slept == [0.25]


@pytest.mark.parametrize(
    ("status", "body"),
    [
        (429, {"errors": ["Too many requests"]}),
        (500, {"errors": ["Internal Server Error"]}),
        (503, {"errors": ["Service Unavailable"]}),
    ],
)
async def test_an_injected_error_has_datadogs_body(
    http: httpx2.AsyncClient, sandbox: Sandbox, status: int, body: dict[str, Any]
) -> None:
    """Injected errors answer with the chosen status and Datadog's body for it."""
    sandbox.faults = Faults(error_rate=1.0, error_statuses=(status,))

    answer = await http.get("/api/v2/cases")

    assert (answer.status_code, answer.json()) == (status, body)


async def test_an_injected_429_carries_the_rate_limit_headers(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """A fault 429 looks like a real one: Remaining 0 and a reset time."""
    sandbox.faults = Faults(error_rate=1.0, error_statuses=(429,))

    answer = await http.get("/api/v2/cases")

    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert int(answer.headers["x-ratelimit-reset"]) > 0


async def test_a_faulted_request_never_reaches_the_store(
    http: httpx2.AsyncClient, sandbox: Sandbox, new_case: Any
) -> None:
    """A request answered with an injected error changes nothing, so retrying is safe."""
    sandbox.faults = Faults(error_rate=1.0, error_statuses=(503,))
    case = await http.post(
        "/api/v2/cases/types", json={"data": {"type": "case_type", "attributes": {"name": "X"}}}
    )
    sandbox.faults = Faults()

    assert case.status_code == 503
    names = [kind["name"] for kind in sandbox.store.get_all_case_types()]
    assert names == ["Standard", "Change Request"]


async def test_a_malformed_answer_is_200_with_truncated_json(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """The body claims JSON:API and stops mid-document."""
    sandbox.faults.malformed_rate = 1.0

    answer = await http.get("/api/v2/cases")

    assert (answer.status_code, answer.headers["content-type"]) == (200, "application/vnd.api+json")
    with pytest.raises(json.JSONDecodeError):
        answer.json()


async def test_a_dropped_connection_is_a_read_error_in_process(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """SandboxTransport turns a drop into httpx2.ReadError, a transport error."""
    sandbox.faults.drop_rate = 1.0

    with pytest.raises(httpx2.ReadError):
        await http.get("/api/v2/cases")


async def test_a_seeded_fault_sequence_repeats(http: httpx2.AsyncClient, sandbox: Sandbox) -> None:
    """The same seed gives the same faults on the same requests."""

    async def statuses() -> list[int]:
        sandbox.faults = Faults(error_rate=0.5, error_statuses=(500, 503), seed=7)
        return [(await http.get("/api/v2/cases")).status_code for _ in range(12)]

    first, second = await statuses(), await statuses()

    assert first == second
    assert {200, 500, 503} <= set(first)


async def test_the_control_plane_is_never_faulted(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """With every request set to fail, /_sandbox/ still answers, so faults can be turned off."""
    sandbox.faults = Faults(error_rate=1.0)

    answer = await http.put("/_sandbox/faults", json={})

    assert answer.status_code == 200
    assert (await http.get("/api/v2/cases")).status_code == 200


@pytest.mark.parametrize(
    "settings",
    [
        {"latency": -1},
        {"error_rate": 1.5},
        {"error_rate": 0.6, "drop_rate": 0.6},
        {"error_statuses": (200,)},
        {"error_statuses": ()},
        {"seed": "seven"},
    ],
)
def test_faults_that_cannot_work_are_refused(settings: dict[str, Any]) -> None:
    """Rates are shares that add up to at most 1; statuses are errors; latency is not negative."""
    with pytest.raises(ValueError):  # noqa: PT011 - the message is checked by the control plane
        Faults(**settings)
