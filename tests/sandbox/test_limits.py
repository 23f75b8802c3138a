"""Rate limits: Datadog's X-RateLimit-* headers on every API answer, and the 429 budget."""

from __future__ import annotations

from datetime import datetime, timedelta

import httpx2
import pytest

from case_mcp.sandbox import RateLimit, Sandbox

pytestmark = pytest.mark.anyio


def limit_headers(answer: httpx2.Response) -> dict[str, str]:
    return {name: value for name, value in answer.headers.items() if name.startswith("x-ratelimit")}


async def test_every_api_answer_carries_the_rate_limit_headers(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """Limit, period, remaining, seconds to reset and name, on successes and errors."""
    sandbox.rate_limit = RateLimit(limit=5, period=10, name="cases")

    answers = [await http.get("/api/v2/cases"), await http.get("/api/v2/cases/NOPE-1")]

    assert [limit_headers(answer) for answer in answers] == [
        {
            "x-ratelimit-limit": "5",
            "x-ratelimit-period": "10",
            "x-ratelimit-remaining": str(remaining),
            "x-ratelimit-reset": "10",
            "x-ratelimit-name": "cases",
        }
        for remaining in (4, 3)
    ]


async def test_a_request_over_the_budget_is_answered_429(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """Past the limit, Datadog's 429 body comes with Remaining 0."""
    sandbox.rate_limit = RateLimit(limit=2, period=60)
    for _ in range(2):
        assert (await http.get("/api/v2/cases")).status_code == 200

    refused = await http.get("/api/v2/cases")

    assert (refused.status_code, refused.json()) == (429, {"errors": ["Too many requests"]})
    assert limit_headers(refused)["x-ratelimit-remaining"] == "0"


async def test_the_budget_comes_back_when_the_window_ends(
    http: httpx2.AsyncClient, sandbox: Sandbox, now: list[datetime]
) -> None:
    """The window is fixed: Reset counts down, and at zero a fresh budget starts."""
    sandbox.rate_limit = RateLimit(limit=1, period=60)
    await http.get("/api/v2/cases")
    now[0] += timedelta(seconds=45)
    refused = await http.get("/api/v2/cases")
    now[0] += timedelta(seconds=15)

    allowed = await http.get("/api/v2/cases")

    assert (refused.status_code, limit_headers(refused)["x-ratelimit-reset"]) == (429, "15")
    assert (allowed.status_code, limit_headers(allowed)["x-ratelimit-remaining"]) == (200, "0")


async def test_without_a_budget_the_headers_still_go_out(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """rate_limit=None never refuses, and announces a very large limit."""
    sandbox.rate_limit = None

    answer = await http.get("/api/v2/cases")

    assert limit_headers(answer)["x-ratelimit-limit"] == "1000000000"


async def test_the_control_plane_is_not_rate_limited(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """With the budget spent, /_sandbox/ still answers, without rate-limit headers."""
    sandbox.rate_limit = RateLimit(limit=1, period=60)
    await http.get("/api/v2/cases")

    answer = await http.get("/_sandbox/faults")

    assert (answer.status_code, limit_headers(answer)) == (200, {})


@pytest.mark.parametrize("settings", [{"limit": 0}, {"period": 0}, {"name": ""}, {"limit": 1.5}])
def test_a_rate_limit_that_cannot_work_is_refused(settings: dict[str, object]) -> None:
    """A budget needs a positive whole limit and period, and a name."""
    with pytest.raises(ValueError, match="rate limit"):
        RateLimit(**settings)  # type: ignore[arg-type]
