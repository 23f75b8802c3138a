"""Client-side limits (in flight, per second), and Datadog's spent buckets per organisation."""

from __future__ import annotations

import anyio
import httpx2
import pytest
from pydantic import SecretStr

from case_mcp.client import (
    CaseManagementClient,
    RequestCredentials,
    RequestLimits,
    using_credentials,
)

# Unit tests of the pacing algorithms (the token bucket and Datadog's rate-limit buckets) on
# a fake clock, which the client's public API drives only in real time.
from case_mcp.client._limits import Limiter
from case_mcp.client._rate_limits import RateLimits
from case_mcp.errors import RateLimitedError, RequestLimitError
from fake_datadog import BASE_URL, FakeDatadog
from lossy import FAST

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
OTHER_CASE = "5b0f6c1e-2d4a-4f7e-9c3b-8a1d2e3f4a5b"
A_CASE = {"data": {"id": CASE, "type": "case"}}
PROJECT = "69c0e859-8f12-5f18-b1b2-c91b48ed0c10"
PROJECTS = {"data": [{"id": PROJECT, "type": "project", "attributes": {"key": "NET"}}]}

pytestmark = pytest.mark.anyio


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def take(limiter: Limiter, max_wait: float = 0.0) -> None:
    async with limiter.turn(max_wait, method="GET", path="/api/v2/cases"):
        pass


async def test_a_burst_beyond_the_bucket_is_refused_without_waiting() -> None:
    """Three go at once; the fourth would wait half a second, longer than it may."""
    clock = Clock()
    limiter = Limiter(RequestLimits(max_concurrent=10, per_second=2, burst=3), clock=clock)
    for _ in range(3):
        await take(limiter)

    with pytest.raises(RequestLimitError) as raised:
        await take(limiter)

    assert raised.value.retry_after == pytest.approx(0.5)
    clock.now += 0.5
    await take(limiter)


async def test_a_request_waits_for_its_turn_when_its_deadline_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Past the burst, a request sleeps until the bucket has a token: the sustained rate."""
    clock = Clock()
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)
        clock.now += seconds

    monkeypatch.setattr(anyio, "sleep", sleep)
    limiter = Limiter(RequestLimits(max_concurrent=10, per_second=4, burst=2), clock=clock)

    for _ in range(5):
        await take(limiter, max_wait=10)

    assert slept == [pytest.approx(0.25)] * 3


async def test_requests_in_flight_never_exceed_the_cap(datadog: FakeDatadog) -> None:
    """Twenty concurrent reads through a cap of three: never more than three at once."""
    in_flight = peak = 0

    async def slow(request: httpx2.Request) -> httpx2.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.005)
        in_flight -= 1
        return httpx2.Response(200, json=A_CASE)

    limits = RequestLimits(max_concurrent=3, per_second=10_000)
    async with (
        CaseManagementClient(
            base_url=BASE_URL, transport=httpx2.MockTransport(slow), limits=limits
        ) as client,
        anyio.create_task_group() as group,
    ):
        for _ in range(20):
            group.start_soon(client.get_case, CASE)

    assert peak == 3


def limited(datadog: FakeDatadog) -> CaseManagementClient:
    """A client with retries and the default request limits, as `from_settings` makes it."""
    return CaseManagementClient(
        base_url=BASE_URL,
        api_key="configured-api-key",
        app_key="configured-app-key",
        transport=httpx2.MockTransport(datadog),
        retry=FAST,
        limits=RequestLimits(),
    )


def spent(bucket: str, reset: int = 30) -> dict[str, str]:
    return {"X-RateLimit-Name": bucket, "X-RateLimit-Reset": str(reset)}


async def test_after_a_429_that_bucket_is_not_sent_to_until_datadogs_reset(
    datadog: FakeDatadog,
) -> None:
    """Once Datadog says a bucket is spent, its next request fails fast with Datadog's time."""
    datadog.answer(429, {"errors": ["Too many requests"]}, spent("cases_read"))

    async with limited(datadog) as client:
        with pytest.raises(RateLimitedError):
            await client.get_case(CASE)
        with pytest.raises(RateLimitedError) as held:
            await client.get_case(OTHER_CASE)

    assert len(datadog.requests) == 1
    assert held.value.held
    assert held.value.retry_after is not None
    assert 25 < held.value.retry_after <= 30
    assert held.value.limit_name == "cases_read"


async def test_a_spent_budget_on_a_success_holds_the_next_request(datadog: FakeDatadog) -> None:
    """X-RateLimit-Remaining: 0 on an answer holds that operation until X-RateLimit-Reset."""
    datadog.answer(200, A_CASE, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "40"})

    async with limited(datadog) as client:
        await client.get_case(CASE)
        with pytest.raises(RateLimitedError) as held:
            await client.get_case(CASE)

    assert len(datadog.requests) == 1
    assert held.value.retry_after is not None
    assert 35 < held.value.retry_after <= 40


async def test_a_spent_bucket_holds_only_the_operations_it_serves(datadog: FakeDatadog) -> None:
    """Another of Datadog's buckets goes on: only what the spent one served is held."""
    datadog.answer(200, A_CASE, {"X-RateLimit-Name": "cases_read", "X-RateLimit-Remaining": "5"})
    datadog.answer(429, {"errors": ["Too many requests"]}, spent("cases_read"))
    datadog.answer(200, PROJECTS, {"X-RateLimit-Name": "projects", "X-RateLimit-Remaining": "5"})

    async with limited(datadog) as client:
        await client.get_case(CASE)
        with pytest.raises(RateLimitedError):
            await client.get_case(CASE)
        projects = await client.get_projects()
        with pytest.raises(RateLimitedError):
            await client.get_case(OTHER_CASE)

    assert [project.id for project in projects] == [PROJECT]
    assert [request.url.path for request in datadog.requests] == [
        f"/api/v2/cases/{CASE}",
        f"/api/v2/cases/{CASE}",
        "/api/v2/cases/projects",
    ]


async def test_one_organisations_rate_limit_never_holds_anothers_calls(
    datadog: FakeDatadog,
) -> None:
    """Per-request credentials: tenant A's spent bucket holds A's calls, never B's."""
    tenant_a = RequestCredentials(api_key=SecretStr("a-api-key"), app_key=SecretStr("a-app"))
    tenant_b = RequestCredentials(api_key=SecretStr("b-api-key"), app_key=SecretStr("b-app"))
    datadog.answer(429, {"errors": ["Too many requests"]}, spent("cases_read", reset=600))
    datadog.answer(200, A_CASE, {"X-RateLimit-Name": "cases_read", "X-RateLimit-Remaining": "9"})

    async with limited(datadog) as client:
        with using_credentials(tenant_a), pytest.raises(RateLimitedError):
            await client.get_case(CASE)
        with using_credentials(tenant_b):
            await client.get_case(CASE)
        with using_credentials(tenant_a), pytest.raises(RateLimitedError) as held:
            await client.get_case(CASE)

    assert [request.headers["DD-API-KEY"] for request in datadog.requests] == [
        "a-api-key",
        "b-api-key",
    ]
    assert held.value.retry_after is not None
    assert held.value.retry_after > 590


def test_rate_limits_remember_a_bounded_number_of_organisations() -> None:
    """However many credentials pass, the buckets remembered stay within the bound."""
    clock = Clock()
    limits = RateLimits(capacity=8, clock=clock)
    for tenant in range(100):
        headers = httpx2.Headers(spent(f"bucket-{tenant}"))
        limits.heed(f"tenant-{tenant}", "GET /api/v2/cases/{}", 429, headers)

    assert len(limits) <= 16
    assert limits.held("tenant-99", "GET /api/v2/cases/{}") == ("bucket-99", 30.0)
    assert limits.held("tenant-0", "GET /api/v2/cases/{}") is None


def test_limits_that_cannot_work_are_refused() -> None:
    """No slot, no rate, or an empty bucket is a ValueError when the limits are made."""
    for bad in ({"max_concurrent": 0}, {"per_second": 0}, {"burst": 0}):
        with pytest.raises(ValueError, match=r"limit|burst"):
            RequestLimits(**bad)


def test_the_default_bucket_holds_six_seconds_of_the_rate() -> None:
    """Bursts of an assistant's parallel calls fit; a loop is paced to the sustained rate."""
    assert (RequestLimits().bucket, RequestLimits(per_second=0.5).bucket) == (30, 8)
