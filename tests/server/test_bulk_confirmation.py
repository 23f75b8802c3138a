"""The bypass matrix of bulk changes: past the operator's threshold, no case changes without a
person's approval of exactly those cases and that change, through a real MCP client.

The same flow as the confirmed deletes (tests/server/test_confirmed_deletes.py), in both
protocol eras; what changed is read back from the sandbox.
"""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any, Literal

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from guarded import ok, text_of

pytestmark = pytest.mark.anyio

ERAS = {"2026-07-28": "auto", "2025-11-25": "legacy"}
CASES = ["OPS-28", "OPS-30"]
TO_P1 = {"change": "priority", "cases": CASES, "value": "P1"}
Serve = Callable[..., AbstractAsyncContextManager[Client]]


class Person:
    """A person answering the client's confirmation prompts, always the same way."""

    def __init__(self, action: Literal["accept", "decline", "cancel"], typed: str = "") -> None:
        self.action = action
        self.typed = typed
        self.questions: list[str] = []

    async def __call__(
        self, context: ClientRequestContext, params: ElicitRequestParams
    ) -> ElicitResult:
        self.questions.append(params.message)
        if self.action == "accept":
            return ElicitResult(action="accept", content={"key": self.typed})
        return ElicitResult(action=self.action)


@pytest.fixture(params=sorted(ERAS))
def era(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def serve(sandbox: Sandbox, era: str) -> Serve:
    """Connects an MCP client of the era, with or without a person, to a fresh server that
    lets one case change without approval."""

    @asynccontextmanager
    async def connect(person: Person | None = None, **options: Any) -> AsyncIterator[Client]:
        settings = ServerOptions(toolsets=["all"], **{"bulk_confirm_over": 1, **options})
        server = create_server(sandbox_client_factory(sandbox), settings)
        async with Client(server, mode=ERAS[era], elicitation_callback=person) as client:
            yield client

    return connect


def priorities(sandbox: Sandbox, keys: list[str] = CASES) -> list[str]:
    return [sandbox.store.get_case(key)["priority"] for key in keys]


def assert_not_applied(answer: CallToolResult, sandbox: Sandbox) -> None:
    """The answer says nothing was applied, gives no token, and every case is as it was."""
    assert not answer.is_error, text_of(answer)
    content = answer.structured_content
    assert content is not None
    assert content["applied"] is False
    assert " was not applied: " in content["message"]
    assert "confirmation_token" not in content
    assert priorities(sandbox) == ["P3", "P3"]


async def token_for(client: Client, arguments: dict[str, Any]) -> str:
    answer = await ok(client, "bulk_update_cases", arguments)
    assert answer["applied"] is False
    return str(answer["confirmation_token"])


# The confirmation token (confirm mode token) --------------------------------------------------


async def test_past_the_threshold_a_call_returns_the_exact_change_and_a_token(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The first call shows each case by key and title with the change, and changes nothing."""
    async with serve(confirm_mode="token") as client:
        answer = await ok(client, "bulk_update_cases", TO_P1)

    assert answer["message"].startswith(
        "The change (priority to P1) of 2 cases was not applied: a person must approve this "
        "bulk change first. Show the user the preview of what would change."
    )
    preview = answer["preview"]
    assert preview["change"] == "priority to P1"
    assert [(case["key"], case["title"], case["now"]) for case in preview["cases"]] == [
        ("OPS-28", sandbox.store.get_case("OPS-28")["title"], "P3"),
        ("OPS-30", sandbox.store.get_case("OPS-30")["title"], "P3"),
    ]
    assert answer["confirmation_token"].startswith("v1.")
    assert priorities(sandbox) == ["P3", "P3"]


async def test_a_valid_token_applies_the_change_to_exactly_those_cases(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The same call with the token changes the cases shown, and no other."""
    async with serve(confirm_mode="token") as client:
        token = await token_for(client, TO_P1)
        answer = await ok(client, "bulk_update_cases", {**TO_P1, "confirmation_token": token})

    assert answer["applied"] is True
    assert answer["message"] == "Applied priority to P1 to 2 cases: OPS-28, OPS-30."
    assert priorities(sandbox) == ["P1", "P1"]
    assert sandbox.store.get_case("OPS-21")["priority"] == "P4"


async def test_forged_tokens_apply_nothing(serve: Serve, sandbox: Sandbox) -> None:
    """Made-up words, an altered token and one signed with another secret are all refused."""
    async with serve(
        confirm_mode="token", secret="the other replica's secret, 32 characters or more"
    ) as elsewhere:
        foreign = await token_for(elsewhere, TO_P1)
    async with serve(confirm_mode="token") as client:
        genuine = await token_for(client, TO_P1)
        version, payload, signature = genuine.split(".")
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
        wider = {**claims, "target": claims["target"].replace("priority", "archive")}
        encoded = base64.urlsafe_b64encode(json.dumps(wider).encode()).decode().rstrip("=")
        for forged in ["yes", "v1..", f"{version}.{encoded}.{signature}", foreign]:
            answer = await client.call_tool(
                "bulk_update_cases", {**TO_P1, "confirmation_token": forged}
            )
            assert_not_applied(answer, sandbox)


@pytest.mark.parametrize(
    "other",
    [
        {"cases": ["OPS-28", "OPS-21"]},
        {"cases": ["OPS-28"]},
        {"value": "P2"},
        {"change": "archive", "value": None},
    ],
    ids=["another-case-set", "fewer-cases", "another-value", "another-change"],
)
async def test_a_token_for_another_case_set_or_change_applies_nothing(
    serve: Serve, sandbox: Sandbox, other: dict[str, Any]
) -> None:
    """A token approves one case set and one change: for any other it is refused."""
    async with serve(confirm_mode="token", bulk_confirm_over=0) as client:
        token = await token_for(client, {**TO_P1, **other})
        answer = await client.call_tool("bulk_update_cases", {**TO_P1, "confirmation_token": token})

    assert_not_applied(answer, sandbox)
    assert "was issued for another target" in text_of(answer)
    assert sandbox.store.get_case("OPS-21")["priority"] == "P4"


async def test_a_used_token_does_not_apply_again(serve: Serve, sandbox: Sandbox) -> None:
    """A change that leaves the cases as they were (P3 to P3) keeps them in the state the token
    approved: only its single use stops it a second time."""
    to_p3 = {**TO_P1, "value": "P3"}
    async with serve(confirm_mode="token") as client:
        token = await token_for(client, to_p3)
        first = await ok(client, "bulk_update_cases", {**to_p3, "confirmation_token": token})
        again = await client.call_tool("bulk_update_cases", {**to_p3, "confirmation_token": token})

    assert first["applied"] is True
    assert_not_applied(again, sandbox)
    assert "the confirmation_token was already used" in text_of(again)


async def test_a_token_does_not_survive_a_change_of_a_case(serve: Serve, sandbox: Sandbox) -> None:
    """Once a case changed after the preview, the approval does not cover it: refused."""
    async with serve(confirm_mode="token") as client:
        token = await token_for(client, TO_P1)
        await ok(client, "update_case_title", {"case_id": "OPS-30", "title": "Renamed meanwhile"})
        answer = await client.call_tool("bulk_update_cases", {**TO_P1, "confirmation_token": token})

    assert_not_applied(answer, sandbox)
    assert "it changed since the confirmation_token was issued" in text_of(answer)


async def test_confirm_or_force_arguments_are_refused_by_name(
    serve: Serve, sandbox: Sandbox
) -> None:
    """Arguments a model adds to skip the approval are refused; nothing changes."""
    async with serve(confirm_mode="token") as client:
        answer = await client.call_tool(
            "bulk_update_cases", {**TO_P1, "confirm": True, "force": True, "loss": None}
        )

    assert answer.is_error
    assert "bulk_update_cases has no argument 'confirm', 'force'" in text_of(answer)
    assert priorities(sandbox) == ["P3", "P3"]


# A person's answer in the client's prompt ------------------------------------------------------


async def test_typing_the_number_of_cases_applies_the_change(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person is shown each case and the change, types the count, and the change is made."""
    person = Person("accept", "2")
    async with serve(person) as client:
        answer = await ok(client, "bulk_update_cases", TO_P1)

    assert answer["applied"] is True
    (question,) = person.questions
    assert question.startswith('Apply this change to 2 cases: priority to P1?\nOPS-28 "')
    assert "To confirm, type the number of cases: 2" in question
    assert priorities(sandbox) == ["P1", "P1"]


@pytest.mark.parametrize(
    ("person", "why"),
    [
        (Person("decline"), "the user declined"),
        (Person("cancel"), "the user cancelled the confirmation"),
        (Person("accept", "3"), "the key typed to confirm was not 2, as the question asked"),
    ],
    ids=["declined", "cancelled", "wrong-number"],
)
async def test_a_person_who_does_not_confirm_keeps_every_case(
    serve: Serve, sandbox: Sandbox, person: Person, why: str
) -> None:
    """Declining, cancelling or typing another number changes no case."""
    async with serve(person) as client:
        answer = await client.call_tool("bulk_update_cases", TO_P1)

    assert_not_applied(answer, sandbox)
    assert f" was not applied: {why}." in text_of(answer)


async def test_a_token_does_not_replace_the_persons_answer(serve: Serve, sandbox: Sandbox) -> None:
    """When the client can ask, a valid token is ignored: a person who declines keeps the
    cases."""
    async with serve(confirm_mode="token") as without_prompt:
        token = await token_for(without_prompt, TO_P1)
    person = Person("decline")
    async with serve(person) as client:
        answer = await client.call_tool("bulk_update_cases", {**TO_P1, "confirmation_token": token})

    assert_not_applied(answer, sandbox)
    assert len(person.questions) == 1


async def test_without_a_prompt_the_default_mode_applies_nothing_past_the_threshold(
    serve: Serve, sandbox: Sandbox
) -> None:
    """In confirm mode elicit, a client that cannot ask a person cannot make a bulk change."""
    async with serve() as client:
        answer = await client.call_tool("bulk_update_cases", TO_P1)

    assert_not_applied(answer, sandbox)
    assert "this server applies bulk changes only after a person confirms" in text_of(answer)


# Within the threshold ---------------------------------------------------------------------------


@pytest.mark.parametrize("confirm_mode", ["elicit", "token"])
async def test_at_the_threshold_the_change_applies_without_asking(
    serve: Serve, sandbox: Sandbox, confirm_mode: str
) -> None:
    """As many cases as the threshold change at once: no question, no token."""
    person = Person("decline")
    async with serve(person, confirm_mode=confirm_mode, bulk_confirm_over=2) as client:
        answer = await ok(client, "bulk_update_cases", TO_P1)

    assert answer["applied"] is True
    assert "confirmation_token" not in answer
    assert person.questions == []
    assert priorities(sandbox) == ["P1", "P1"]
