"""One declaration per operation: the registry, the errors naming it, the guard seeing it."""

from __future__ import annotations

import inspect
import json
import re
from typing import Any

import httpx2
import pytest

from case_mcp.client import OPERATIONS, CaseManagementClient, Operation
from case_mcp.errors import InvalidRequestError, NotFoundError, ServerError
from fake_datadog import BASE_URL, FakeDatadog

pytestmark = pytest.mark.anyio

CASE = "0bb969fd-0864-46a1-8e6d-35434e677004"
A_CASE = {"data": {"id": CASE, "type": "case", "attributes": {"title": "Disk full"}}}


def _client(datadog: FakeDatadog) -> CaseManagementClient:
    return CaseManagementClient(base_url=BASE_URL, transport=httpx2.MockTransport(datadog))


class Recorder:
    """A guard that records each call and can rewrite arguments and answers."""

    def __init__(self, *, rename: str | None = None, answer: Any = None) -> None:
        self.seen: list[tuple[str, str, dict[str, Any]]] = []
        self._rename = rename
        self._answer = answer

    async def before(self, operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
        self.seen.append(("before", operation.id, dict(arguments)))
        if self._rename is not None and "case_id" in arguments:
            arguments["case_id"] = self._rename
        return arguments

    async def after(self, operation: Operation, result: Any) -> Any:
        self.seen.append(("after", operation.id, {}))
        return self._answer if self._answer is not None else result


def test_every_public_method_of_the_client_is_a_declared_operation() -> None:
    """Each coroutine method a caller can use is in OPERATIONS under its own name, and back."""
    methods = {
        name
        for name, member in inspect.getmembers(CaseManagementClient)
        if not name.startswith("_") and inspect.iscoroutinefunction(member) and name != "aclose"
    }

    assert methods == set(OPERATIONS)
    assert all(operation.id == name for name, operation in OPERATIONS.items())


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_path_parameter_is_an_argument_of_its_method(name: str) -> None:
    """A declaration's path names only arguments its method takes, so the path can be filled."""
    parameters = set(inspect.signature(getattr(CaseManagementClient, name)).parameters)

    assert set(re.findall(r"\{(\w+)\}", OPERATIONS[name].path)) <= parameters


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_a_create_and_only_a_create_says_how_its_lost_answer_is_found(name: str) -> None:
    """Lost-create recovery is declared with the create, not chosen by the operation's name."""
    operation = OPERATIONS[name]

    assert (operation.finder is not None) == (operation.effect == "creates")


async def test_an_error_names_the_operation_it_came_from(datadog: FakeDatadog) -> None:
    """A failed request's error carries its declaration: id, method, path template, effect."""
    datadog.answer(404, {"errors": [{"code": "resource_not_found", "title": "case not found"}]})

    async with _client(datadog) as client:
        with pytest.raises(NotFoundError) as raised:
            await client.update_priority(CASE, "P1")

    operation = raised.value.operation
    assert operation is OPERATIONS["update_priority"]
    assert (operation.method, operation.path, operation.effect) == (
        "POST",
        "/api/v2/cases/{case_id}/priority",
        "sets",
    )


async def test_arguments_refused_before_sending_name_the_operation_too(
    datadog: FakeDatadog,
) -> None:
    """An InvalidRequestError the client raises carries the operation that refused it."""
    async with _client(datadog) as client:
        with pytest.raises(InvalidRequestError) as raised:
            await client.search_cases(page_size=0)

    assert raised.value.operation is OPERATIONS["search_cases"]
    assert datadog.requests == []


async def test_a_guard_sees_every_call_and_may_rewrite_its_arguments(
    datadog: FakeDatadog,
) -> None:
    """before() gets the bound arguments and what it returns is what is sent; after() the answer."""
    datadog.answer(200, A_CASE)
    guard = Recorder(rename="SEC-7")

    async with _client(datadog) as client:
        await client.guarded(guard).update_case_title("SEC-1", "Renamed")

    assert guard.seen == [
        ("before", "update_case_title", {"case_id": "SEC-1", "title": "Renamed"}),
        ("after", "update_case_title", {}),
    ]
    assert datadog.requests[0].url.path == "/api/v2/cases/SEC-7/title"


async def test_what_a_guard_answers_is_what_the_caller_gets(datadog: FakeDatadog) -> None:
    """after() may replace the answer (a scope keeps only what it allows)."""
    datadog.answer(200, {"data": []})

    async with _client(datadog) as client:
        projects = await client.guarded(Recorder(answer=["kept"])).get_projects()

    assert projects == ["kept"]  # type: ignore[comparison-overlap]  # the guard replaced it


async def test_a_guard_that_refuses_sends_nothing_and_its_error_names_the_operation(
    datadog: FakeDatadog,
) -> None:
    """An error raised in before() stops the call and carries the refused operation."""

    class Refuse(Recorder):
        async def before(self, operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
            raise NotFoundError(404)

    async with _client(datadog) as client:
        with pytest.raises(NotFoundError) as raised:
            await client.guarded(Refuse()).delete_project("69c0e859-8f12-5f18-b1b2-c91b48ed0c10")

    assert datadog.requests == []
    assert raised.value.operation is OPERATIONS["delete_project"]


async def test_the_unguarded_client_is_untouched_and_owns_the_connections(
    datadog: FakeDatadog,
) -> None:
    """Guarding returns a view: the origin is not guarded, and closing the view closes nothing."""
    datadog.answer(200, A_CASE)
    datadog.answer(200, A_CASE)
    guard = Recorder()

    async with _client(datadog) as client:
        view = client.guarded(guard)
        await view.aclose()
        await view.get_case(CASE)
        await client.get_case(CASE)

    assert [entry[1] for entry in guard.seen] == ["get_case", "get_case"]
    assert len(datadog.requests) == 2


async def test_a_failure_inside_a_guards_own_read_names_that_read(datadog: FakeDatadog) -> None:
    """When a guard reads through the unguarded client, the error names the read that failed."""
    datadog.answer(500, {"errors": ["boom"]})

    async with _client(datadog) as client:

        class ReadFirst(Recorder):
            async def before(
                self, operation: Operation, arguments: dict[str, Any]
            ) -> dict[str, Any]:
                await client.get_case(arguments["case_id"])
                return arguments

        with pytest.raises(ServerError) as raised:
            await client.guarded(ReadFirst()).archive_case(CASE)

    assert raised.value.operation is OPERATIONS["get_case"]


async def test_clearing_a_due_date_sends_null_as_datadog_asks(datadog: FakeDatadog) -> None:
    """update_case_due_date with None sends ``"due_date": null``, which clears it."""
    datadog.answer(200, A_CASE)

    async with _client(datadog) as client:
        await client.update_case_due_date(CASE, None)

    assert datadog.request.url.path == f"/api/v2/cases/{CASE}/due_date"
    assert json.loads(datadog.request.content) == {
        "data": {"type": "case", "attributes": {"due_date": None}}
    }
