"""Client-side limits: requests in flight, requests per second, and Datadog's spent budget."""

from __future__ import annotations

import anyio
import httpx2
import pytest

from case_mcp.client import CaseManagementClient, RequestLimits
from case_mcp.client._limits import Limiter
from case_mcp.errors import RateLimitedError, RequestLimitError
from fake_datadog import BASE_URL, FakeDatadog
from lossy import FAST

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
A_CASE = {"data": {"id": CASE, "type": "case"}}

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


async def test_after_a_429_nothing_is_sent_until_datadogs_reset(datadog: FakeDatadog) -> None:
    """Once Datadog says the budget is spent, the next request is held back, not sent."""
    datadog.answer(429, b"", {"X-RateLimit-Reset": "30"})
    client = CaseManagementClient(
        base_url=BASE_URL,
        transport=httpx2.MockTransport(datadog),
        retry=FAST,
        limits=RequestLimits(),
    )

    async with client:
        with pytest.raises(RateLimitedError):
            await client.get_case(CASE)
        with pytest.raises(RequestLimitError) as held:
            await client.get_case(CASE)

    assert len(datadog.requests) == 1
    assert 25 < held.value.retry_after <= 30
    assert "rate limit is spent" in str(held.value)


async def test_a_spent_budget_on_a_success_holds_the_next_request(datadog: FakeDatadog) -> None:
    """X-RateLimit-Remaining: 0 on an answer pauses requests until X-RateLimit-Reset."""
    datadog.answer(200, A_CASE, {"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "40"})
    client = CaseManagementClient(
        base_url=BASE_URL,
        transport=httpx2.MockTransport(datadog),
        retry=FAST,
        limits=RequestLimits(),
    )

    async with client:
        await client.get_case(CASE)
        with pytest.raises(RequestLimitError):
            await client.get_case(CASE)

    assert len(datadog.requests) == 1


def test_limits_that_cannot_work_are_refused() -> None:
    """No slot, no rate, or an empty bucket is a ValueError when the limits are made."""
    for bad in ({"max_concurrent": 0}, {"per_second": 0}, {"burst": 0}):
        with pytest.raises(ValueError, match=r"limit|burst"):
            RequestLimits(**bad)


def test_the_default_bucket_holds_six_seconds_of_the_rate() -> None:
    """Bursts of an assistant's parallel calls fit; a loop is paced to the sustained rate."""
    assert (RequestLimits().bucket, RequestLimits(per_second=0.5).bucket) == (30, 8)
