"""Retries: what is sent again, how long it waits, when it stops, and what is never resent."""

from __future__ import annotations

import contextlib
import inspect
import re
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import UnionType
from typing import Any, Literal, get_args, get_origin, get_type_hints

import anyio
import httpx2
import pytest
import stamina
from stamina.instrumentation import RetryDetails, set_on_retry_hooks

from case_mcp.client import OPERATIONS as DECLARED
from case_mcp.client import CaseManagementClient, Effect, RetryPolicy
from case_mcp.config import Settings
from case_mcp.errors import (
    ConfigurationError,
    MalformedResponseError,
    NetworkError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
    UnknownOutcomeError,
)
from case_mcp.models import Insight, RulePart
from fake_datadog import API_KEY, APP_KEY, BASE_URL, FakeDatadog
from lossy import FAST, no_backoff

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
PROJECT = "69c0e859-8f12-5f18-b1b2-c91b48ed0c10"
A_CASE = {"data": {"id": CASE, "type": "case"}}
A_PROJECT = {"id": PROJECT, "type": "project", "attributes": {"key": "NET", "name": "Network"}}

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting between attempts; the number of attempts stays the policy's."""
    with no_backoff():
        yield


def resilient(
    datadog: FakeDatadog, *, retry: RetryPolicy | None = FAST, timeout: float = 30.0
) -> CaseManagementClient:
    return CaseManagementClient(
        base_url=BASE_URL,
        api_key=API_KEY,
        app_key=APP_KEY,
        timeout=timeout,
        transport=httpx2.MockTransport(datadog),
        retry=retry,
    )


def answer_error(datadog: FakeDatadog, failure: str) -> None:
    """Queue one failure of the kind named."""
    if failure in ("500", "503"):
        datadog.answer(int(failure), {"errors": ["Service Unavailable"]})
    elif failure == "429":
        datadog.answer(429, {"errors": ["Too many requests"]}, {"X-RateLimit-Reset": "1"})
    elif failure == "malformed":
        datadog.answer(200, b'{"data":{"id":"')
    else:
        datadog.fail(
            {
                "timeout": httpx2.ReadTimeout("timed out"),
                "reset": httpx2.ReadError("connection reset"),
                "dropped": httpx2.RemoteProtocolError("peer closed connection"),
            }[failure]
        )


FAILURES = ["500", "503", "429", "malformed", "timeout", "reset", "dropped"]


@pytest.mark.parametrize("failure", FAILURES)
async def test_a_read_is_retried_until_it_succeeds(datadog: FakeDatadog, failure: str) -> None:
    """Two failures of any transient kind, then the answer: the read returns it."""
    answer_error(datadog, failure)
    answer_error(datadog, failure)
    datadog.answer(200, A_CASE)

    async with resilient(datadog) as client:
        case = await client.get_case(CASE)

    assert case.id == CASE
    assert len(datadog.requests) == 3


@pytest.mark.parametrize("failure", FAILURES)
async def test_an_idempotent_write_is_retried_until_it_succeeds(
    datadog: FakeDatadog, failure: str
) -> None:
    """Setting a priority twice leaves it as setting it once, so it is sent again."""
    answer_error(datadog, failure)
    datadog.answer(200, A_CASE)

    async with resilient(datadog) as client:
        await client.update_priority(CASE, "P1")

    assert [request.url.path for request in datadog.requests] == [
        f"/api/v2/cases/{CASE}/priority"
    ] * 2


@pytest.mark.parametrize("failure", ["500", "503", "malformed", "timeout", "reset", "dropped"])
async def test_a_create_whose_answer_is_lost_is_never_sent_again(
    datadog: FakeDatadog, failure: str
) -> None:
    """The project may exist now: it is looked for, not created twice; not found, it says so."""
    answer_error(datadog, failure)
    datadog.answer(200, {"data": []})  # the project list, without the new project

    async with resilient(datadog) as client:
        with pytest.raises(UnknownOutcomeError) as raised:
            await client.create_project("NET", "Network")

    sent = [(request.method, request.url.path) for request in datadog.requests]
    assert sent == [("POST", "/api/v2/cases/projects"), ("GET", "/api/v2/cases/projects")]
    assert raised.value.operation is DECLARED["create_project"]
    assert raised.value.checked is True


async def test_a_lost_create_answer_is_replaced_by_what_was_created(
    datadog: FakeDatadog,
) -> None:
    """When the project turns up in the list, it is the answer: created once, returned once."""
    answer_error(datadog, "timeout")
    datadog.answer(200, {"data": [A_PROJECT]})

    async with resilient(datadog) as client:
        project = await client.create_project("NET", "Network")

    assert project.id == PROJECT
    assert [request.method for request in datadog.requests] == ["POST", "GET"]


@pytest.mark.parametrize(
    "failure",
    [
        httpx2.ConnectError("[Errno 111] Connection refused"),
        httpx2.ConnectTimeout("timed out"),
    ],
    ids=["refused", "connect-timeout"],
)
async def test_a_create_that_never_left_is_sent_again(
    datadog: FakeDatadog, failure: Exception
) -> None:
    """A connection that never opened proves nothing was created, so the create is retried."""
    datadog.fail(failure)
    datadog.answer(201, {"data": A_PROJECT})

    async with resilient(datadog) as client:
        project = await client.create_project("NET", "Network")

    assert project.id == PROJECT
    assert [request.method for request in datadog.requests] == ["POST", "POST"]


async def test_a_rate_limited_create_is_sent_again(datadog: FakeDatadog) -> None:
    """A 429 means Datadog did nothing, so even a create is retried after it."""
    answer_error(datadog, "429")
    datadog.answer(201, {"data": A_PROJECT})

    async with resilient(datadog) as client:
        await client.create_project("NET", "Network")

    assert [request.method for request in datadog.requests] == ["POST", "POST"]


async def test_the_wait_after_a_429_is_datadogs_reset_time(datadog: FakeDatadog) -> None:
    """X-RateLimit-Reset (before Retry-After) sets the wait, not the exponential backoff."""
    waits: list[float] = []

    def record(details: RetryDetails) -> None:
        waits.append(details.wait_for)

    datadog.answer(429, b"", {"X-RateLimit-Reset": "0.03", "Retry-After": "7"})
    datadog.answer(200, A_CASE)
    set_on_retry_hooks([record])
    try:
        with stamina.set_testing(False):  # a real, 30 ms wait
            async with resilient(datadog) as client:
                await client.get_case(CASE)
    finally:
        set_on_retry_hooks(None)

    assert waits == [pytest.approx(0.03)]


async def test_a_429_whose_reset_is_past_the_deadline_fails_at_once(
    datadog: FakeDatadog,
) -> None:
    """Waiting 60 s inside a 5 s deadline is pointless: the 429 is raised with its wait."""
    datadog.answer(429, b"", {"X-RateLimit-Reset": "60"})

    async with resilient(datadog) as client:
        with pytest.raises(RateLimitedError) as raised:
            await client.get_case(CASE)

    assert (raised.value.retry_after, raised.value.attempts, len(datadog.requests)) == (60, 1, 1)


async def test_retries_stop_after_the_policys_attempts(datadog: FakeDatadog) -> None:
    """A Datadog that keeps failing gets `attempts` requests, and the error says how many."""
    for _ in range(3):
        answer_error(datadog, "503")
    policy = RetryPolicy(attempts=3, deadline=5, wait_initial=0, wait_max=0, wait_jitter=0)

    async with resilient(datadog, retry=policy) as client:
        with pytest.raises(ServerError) as raised:
            await client.get_case(CASE)

    assert (raised.value.status, raised.value.attempts, len(datadog.requests)) == (503, 3, 3)


async def test_a_hung_datadog_is_given_up_on_within_the_deadline(datadog: FakeDatadog) -> None:
    """Attempts that never answer are cut at the timeout, and all of them at the deadline."""

    async def hang(request: httpx2.Request) -> httpx2.Response:
        datadog.requests.append(request)
        await anyio.sleep(10)
        raise AssertionError("unreachable")

    policy = RetryPolicy(attempts=50, deadline=0.3, wait_initial=0, wait_max=0, wait_jitter=0)
    client = CaseManagementClient(
        base_url=BASE_URL, timeout=0.05, transport=httpx2.MockTransport(hang), retry=policy
    )
    started = time.monotonic()

    async with client:
        with pytest.raises(RequestTimeoutError) as raised:
            await client.get_projects()

    assert time.monotonic() - started < 0.6
    assert raised.value.attempts == len(datadog.requests) >= 3


async def test_a_delete_whose_answer_was_lost_is_done_when_the_retry_finds_nothing(
    datadog: FakeDatadog,
) -> None:
    """The first attempt deleted the comment; the retry's 404 means done, not "not found"."""
    answer_error(datadog, "reset")
    datadog.answer(404, {"errors": [{"code": "resource_not_found", "title": "not found"}]})

    async with resilient(datadog) as client:
        await client.delete_case_comment(CASE, PROJECT)

    assert [request.method for request in datadog.requests] == ["DELETE", "DELETE"]


async def test_without_a_policy_each_request_is_sent_once(datadog: FakeDatadog) -> None:
    """The bare client reports each failure as it comes: one request, one error."""
    answer_error(datadog, "503")

    async with resilient(datadog, retry=None) as client:
        with pytest.raises(ServerError) as raised:
            await client.get_case(CASE)

    assert (raised.value.attempts, len(datadog.requests)) == (1, 1)


async def test_the_settings_turn_retries_on(
    datadog: FakeDatadog, monkeypatch: pytest.MonkeyPatch
) -> None:
    """CASE_MCP_RETRY_ATTEMPTS is the number of requests a failing read gets."""
    monkeypatch.setenv("CASE_MCP_RETRY_ATTEMPTS", "2")
    for failure in ("503", "malformed"):
        answer_error(datadog, failure)
    settings = Settings.load(api_key=API_KEY, app_key=APP_KEY)

    async with CaseManagementClient.from_settings(
        settings, transport=httpx2.MockTransport(datadog)
    ) as client:
        with pytest.raises(MalformedResponseError) as raised:
            await client.get_case(CASE)

    assert (settings.retry_attempts, settings.retry_deadline) == (2, 30.0)
    assert raised.value.attempts == len(datadog.requests) == 2


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CASE_MCP_RETRY_ATTEMPTS", "0"),
        ("CASE_MCP_RETRY_DEADLINE", "-1"),
        ("CASE_MCP_MAX_CONCURRENT_REQUESTS", "none"),
        ("CASE_MCP_MAX_REQUESTS_PER_SECOND", "0"),
    ],
)
def test_a_bad_retry_or_limit_setting_names_its_variable(
    monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    """A value that cannot work stops start-up with the variable's name."""
    monkeypatch.setenv(variable, value)

    with pytest.raises(ConfigurationError, match=variable):
        Settings.load()


async def test_network_errors_that_are_not_timeouts_keep_their_type(
    datadog: FakeDatadog,
) -> None:
    """After the retries, a dropped connection is still a NetworkError, not a timeout."""
    for _ in range(5):
        answer_error(datadog, "reset")

    async with resilient(datadog) as client:
        with pytest.raises(NetworkError) as raised:
            await client.get_projects()

    assert type(raised.value) is NetworkError
    assert raised.value.attempts == 5


# What repeating an operation does, as Datadog's operation id says: get, list, search, count
# and aggregate read; create and comment make another; delete and unlink remove nothing more;
# every other verb sets state.
READ_VERBS = ("get_", "list_", "search_", "count_", "aggregate_")
CREATE_VERBS = ("create_", "comment_")
DELETE_VERBS = ("delete_", "unlink_")


def effect_named(name: str) -> Effect:
    """The effect an operation id promises."""
    if name.startswith(READ_VERBS):
        return "read"
    if name.startswith(CREATE_VERBS):
        return "creates"
    if name.startswith(DELETE_VERBS):
        return "deletes"
    return "sets"


def dummy(annotation: Any) -> Any:
    """A value of `annotation` the client sends without complaint: an id, a choice, nothing."""
    if annotation is str:
        return CASE
    if annotation is bool:
        return False
    if get_origin(annotation) is Literal:
        return get_args(annotation)[0]
    if isinstance(annotation, UnionType):
        options = get_args(annotation)
        return None if type(None) in options else dummy(options[0])
    if annotation is Insight:
        return Insight(type="MONITOR", ref="/monitors/1", resource_id="1")
    if get_origin(annotation) is Mapping:
        return {}
    if get_origin(annotation) is Sequence:
        return [dummy(get_args(annotation)[0])]
    if annotation is datetime:
        return datetime(2026, 6, 1, tzinfo=UTC)
    if annotation is RulePart:
        return RulePart(type="CASE_CREATED")
    raise AssertionError(f"no dummy value of {annotation!r}; add one")


# Arguments a call needs that its signature does not say: one of two optional ones.
NEEDS: dict[str, dict[str, Any]] = {"update_status": {"status": "OPEN"}}


def dummy_call(name: str) -> Callable[[CaseManagementClient], Awaitable[Any]]:
    """A call of the client's operation `name` with a dummy value for each required argument,
    and what `NEEDS` says it needs besides."""
    method = inspect.unwrap(getattr(CaseManagementClient, name))
    hints = get_type_hints(method)
    required = {
        parameter.name: dummy(hints[parameter.name])
        for parameter in list(inspect.signature(method).parameters.values())[1:]
        if parameter.default is inspect.Parameter.empty
    }
    return lambda client: getattr(client, name)(**required, **NEEDS.get(name, {}))


def test_every_client_operation_is_declared() -> None:
    """Each public coroutine of the client is a declared operation, so none escapes retries."""
    public = {
        name
        for name, member in inspect.getmembers(CaseManagementClient)
        if inspect.iscoroutinefunction(member) and not name.startswith("_") and name != "aclose"
    }

    assert public == set(DECLARED)


@pytest.mark.parametrize("name", sorted(DECLARED))
async def test_each_operation_is_classified_by_what_repeating_it_does(
    datadog: FakeDatadog, name: str
) -> None:
    """Each operation is declared read, sets (safe to repeat), deletes or creates, as its
    operation id says, and sends the method and path it declares."""
    declared = DECLARED[name]
    datadog.answer(200, b"{}")

    # "{}" is not every operation's document; only the request sent matters here.
    async with resilient(datadog, retry=None) as client:
        with contextlib.suppress(MalformedResponseError):
            await dummy_call(name)(client)

    request = datadog.requests[0]
    template = re.sub(r"\{\w+\}", "[^/]+", declared.path)
    assert declared.effect == effect_named(name), name
    assert request.method == declared.method
    assert re.fullmatch(template, request.url.raw_path.decode().split("?")[0])
