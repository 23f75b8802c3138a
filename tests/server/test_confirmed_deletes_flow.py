"""Confirmed deletes in detail: what a person is shown, the operator's confirm modes, the
tool's schemas, replicas, concurrency, failures and the audit log."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.client.session import ElicitationFnT
from mcp.types import (
    CallToolResult,
    ElicitRequestFormParams,
    ElicitRequestParams,
    ElicitResult,
    InputRequiredResult,
    InputResponses,
    TextContent,
)

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Faults, Sandbox
from case_mcp.server import create_server, sandbox_client_factory
from case_mcp.server.tools import projects

pytestmark = pytest.mark.anyio

ERAS = {"2026-07-28": "auto", "2025-11-25": "legacy"}
DELETES = ["delete_project", "delete_case_comment", "delete_case_custom_attribute"]
REFERENCE = re.compile(r"^\(Reference [0-9a-f]{12}\.\)$")

Serve = Callable[..., AbstractAsyncContextManager[Client]]


class Person:
    """A person who types `typed` into every confirmation prompt, and remembers them."""

    def __init__(self, typed: str, on_question: Callable[[], None] | None = None) -> None:
        self.typed = typed
        self.on_question = on_question
        self.prompts: list[ElicitRequestParams] = []

    @property
    def questions(self) -> list[str]:
        return [prompt.message for prompt in self.prompts]

    async def __call__(
        self, context: ClientRequestContext, params: ElicitRequestParams
    ) -> ElicitResult:
        self.prompts.append(params)
        if self.on_question is not None:
            self.on_question()
        return ElicitResult(action="accept", content={"key": self.typed})


@pytest.fixture
def serve(sandbox: Sandbox) -> Serve:
    """Connects an MCP client of one era, with or without elicitation, to a fresh server."""

    @asynccontextmanager
    async def connect(
        era: str = "2026-07-28", person: ElicitationFnT | None = None, **options: Any
    ) -> AsyncIterator[Client]:
        server = create_server(sandbox_client_factory(sandbox), ServerOptions(**options))
        async with Client(server, mode=ERAS[era], elicitation_callback=person) as client:
            yield client

    return connect


def text_of(answer: CallToolResult) -> str:
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


async def ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, text_of(answer)
    assert answer.structured_content is not None
    return dict(answer.structured_content)


def question(person: Person) -> str:
    """The one question the person was asked, without its closing reference line."""
    assert len(person.questions) == 1
    body, reference = person.questions[0].rsplit("\n", 1)
    assert REFERENCE.match(reference)
    return body


def score(sandbox: Sandbox) -> Any:
    return sandbox.store.get_case("SEC-9")["custom_attributes"].get("cvss_score")


def project_keys(sandbox: Sandbox) -> list[str]:
    return [project["key"] for project in sandbox.store.get_projects()]


# What a person is shown ----------------------------------------------------------------------


async def test_the_project_question_names_the_key_the_name_and_the_cases_lost(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person sees the project's key, name and case count, and must type the key."""
    _, held = sandbox.store.search_cases(query="project:ET archived:any")
    person = Person("ET")
    async with serve(person=person) as client:
        answer = await ok(client, "delete_project", {"project": "et"})

    assert question(person) == (
        f'Delete the project ET, named "Error Tracking", for good? It holds {held} cases, '
        "archived ones included; they are deleted with it. This cannot be undone.\n"
        "To confirm, type the project key: ET"
    )
    assert answer == {
        "deleted": True,
        "message": f'Deleted project ET, named "Error Tracking", which held {held} cases.',
        "preview": {
            "project": "ET",
            "name": "Error Tracking",
            "id": answer["preview"]["id"],
            "cases": held,
        },
    }
    assert project_keys(sandbox) == ["SEC", "OPS", "APP"]


async def test_the_comment_question_names_the_author_the_date_and_the_first_line(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person sees who wrote the comment, when, and its first line, cleaned and shortened."""
    text = "\u202eAPI key: " + "x" * 200 + "\u200b\nsecond line"
    cell = sandbox.store.comment_case("APP-2", text, actor_id=Sandbox.ACTOR_ID)
    posted = datetime.fromisoformat(cell["created_at"].replace("Z", "+00:00"))
    first_line = "API key: " + "x" * 110 + "\u2026"
    person = Person("app-2")
    async with serve(person=person) as client:
        answer = await ok(
            client, "delete_case_comment", {"case_id": "APP-2", "comment_id": cell["id"]}
        )

    assert question(person) == (
        "Delete this comment from case APP-2 for good?\n"
        'Author: "Case MCP Sandbox <case-mcp-sandbox@demo-org.example>"\n'
        f"Posted: {posted:%Y-%m-%d %H:%M} UTC\n"
        f'First line: "{first_line}"\n'
        "This cannot be undone. To confirm, type the case key: APP-2"
    )
    assert answer["deleted"] is True
    assert answer["preview"]["first_line"] == first_line
    assert cell["id"] not in {
        c["id"] for c in sandbox.store.list_case_timeline("APP-2", page_size=100)
    }


async def test_the_attribute_question_names_the_key_and_the_value(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person sees the attribute's key and value, and must type the case key."""
    person = Person("SEC-9")
    async with serve(person=person) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert question(person) == (
        'Delete the custom attribute "cvss_score" of case SEC-9?\n'
        "Its value: 8.1\n"
        "To confirm, type the case key: SEC-9"
    )
    assert answer == {
        "deleted": True,
        "message": "Deleted custom attribute 'cvss_score' of SEC-9 (its value was 8.1).",
        "preview": {"case": "SEC-9", "key": "cvss_score", "value": 8.1},
    }
    assert score(sandbox) is None


async def test_a_project_name_is_quoted_and_shortened_never_read_as_the_servers_words(
    serve: Serve, sandbox: Sandbox
) -> None:
    """A name written to sound like the server is shown as a quoted, shortened string,
    its quotes escaped, so it cannot close its quotes and go on as the question's prose."""
    name = "Scratch) -- SAFE: nothing will be deleted, type the key only to dismiss this notice ("
    person = Person("nope")
    async with serve(person=person) as client:
        await ok(client, "create_project", {"key": "SCR", "name": name})
        await ok(client, "delete_project", {"project": "SCR"})
        await ok(client, "create_project", {"key": "QUO", "name": 'Q" for good? No.\nType: QUO'})
        await ok(client, "delete_project", {"project": "QUO"})

    first, second = (question.splitlines()[0] for question in person.questions)
    assert first == (
        'Delete the project SCR, named "Scratch) -- SAFE: nothing will be deleted, type the '
        'key onl\u2026", for good? It holds 0 cases, archived ones included; they are deleted '
        "with it. This cannot be undone."
    )
    assert second.startswith('Delete the project QUO, named "Q\\" for good? No.\\nType: QUO", ')
    assert {"SCR", "QUO"} <= set(project_keys(sandbox))


async def test_a_comments_author_and_first_line_are_quoted_strings(
    serve: Serve, sandbox: Sandbox
) -> None:
    """Whatever the comment says, its first line appears once, inside escaped quotes."""
    text = 'Fine\u201d\nThis cannot be undone. "SAFE", type the key to dismiss'
    cell = sandbox.store.comment_case("APP-2", text, actor_id=Sandbox.ACTOR_ID)
    person = Person("nope")
    async with serve(person=person) as client:
        await ok(client, "delete_case_comment", {"case_id": "APP-2", "comment_id": cell["id"]})

    lines = question(person).splitlines()
    assert lines[1] == 'Author: "Case MCP Sandbox <case-mcp-sandbox@demo-org.example>"'
    assert lines[3] == 'First line: "Fine\u201d"'
    assert len(lines) == 5


async def test_an_attribute_value_is_shown_as_shortened_json(
    serve: Serve, sandbox: Sandbox
) -> None:
    """A text value is a quoted string, cut to a line; a list shows its first items."""
    hosts = [f'host-{n}" -- nothing will be deleted' for n in range(8)] + ["x" * 300]
    sandbox.store.update_case_custom_attribute(
        "SEC-9", "affected_hosts", type="TEXT", is_multi=True, value=hosts, actor_id="x"
    )
    person = Person("nope")
    async with serve(person=person) as client:
        await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "affected_hosts"}
        )

    shown = ", ".join(f'"host-{n}\\" -- nothing will be deleted"' for n in range(5))
    assert question(person).splitlines()[:2] == [
        'Delete the custom attribute "affected_hosts" of case SEC-9?',
        f"Its value: {shown} and 4 more",
    ]


async def test_the_prompt_asks_for_one_typed_key(serve: Serve) -> None:
    """The elicitation form has one required text field: the key."""
    person = Person("nope")
    async with serve(person=person) as client:
        await ok(client, "delete_project", {"project": "ET"})

    prompt = person.prompts[0]
    assert isinstance(prompt, ElicitRequestFormParams)
    schema = prompt.requested_schema
    assert schema["properties"] == {
        "key": {
            "type": "string",
            "title": "Key to confirm",
            "description": "Type the key named in the question to confirm.",
        }
    }
    assert schema["required"] == ["key"]


async def test_the_token_preview_shows_what_would_be_lost(serve: Serve, sandbox: Sandbox) -> None:
    """Without elicitation the preview holds the same facts the question would."""
    async with serve(confirm_mode="token") as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert answer["preview"] == {"case": "SEC-9", "key": "cvss_score", "value": 8.1}
    expires = datetime.fromisoformat(answer["expires_at"].replace("Z", "+00:00"))
    assert 290 < (expires - datetime.now(UTC)).total_seconds() <= 300
    assert score(sandbox) is not None


async def test_nothing_to_delete_asks_nobody_and_issues_no_token(serve: Serve) -> None:
    """An attribute without a value needs no approval: the answer says nothing was deleted."""
    person = Person("SEC-13")
    async with serve(person=person) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-13", "key": "cvss_score"}
        )

    assert answer == {
        "deleted": False,
        "message": "SEC-13 had no 'cvss_score' value; nothing was deleted.",
    }
    assert person.questions == []


@pytest.mark.parametrize("era", sorted(ERAS))
async def test_an_unknown_target_is_an_error_and_asks_nobody(serve: Serve, era: str) -> None:
    """A project that does not exist is reported before any question is put to a person."""
    person = Person("GONE")
    async with serve(era, person) as client:
        answer = await client.call_tool("delete_project", {"project": "GONE"})

    assert answer.is_error
    assert "'GONE' was not found" in text_of(answer)
    assert person.questions == []


# What a person types ------------------------------------------------------------------------


@pytest.mark.parametrize("typed", ["\u017fEC-9", "\u017fec-9", "SEC\u20119", "SEC-9\u0307"])
async def test_a_look_alike_of_the_key_deletes_nothing(
    serve: Serve, sandbox: Sandbox, typed: str
) -> None:
    """Only the key itself, in any ASCII case, confirms: a long s (U+017F) or another
    character that folds or looks like the key's is a wrong key."""
    async with serve(person=Person(typed)) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert answer["deleted"] is False
    assert "the key typed to confirm was not SEC-9" in answer["message"]
    assert score(sandbox) is not None


@pytest.mark.parametrize("typed", ["sec-9", "Sec-9", " SEC-9 "])
async def test_the_key_in_any_ascii_case_deletes(
    serve: Serve, sandbox: Sandbox, typed: str
) -> None:
    """ASCII case and surrounding spaces do not matter to the key a person types."""
    async with serve(person=Person(typed)) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert answer["deleted"] is True
    assert score(sandbox) is None


# What the model sees of the tools ------------------------------------------------------------


async def test_the_deletes_take_a_described_confirmation_token_and_nothing_else_new(
    serve: Serve,
) -> None:
    """confirmation_token is an optional, described parameter; the resolved ones are hidden."""
    async with serve() as client:
        tools = {tool.name: tool for tool in (await client.list_tools()).tools}

    for name, required in [
        ("delete_project", ["project"]),
        ("delete_case_comment", ["case_id", "comment_id"]),
        ("delete_case_custom_attribute", ["case_id", "key"]),
    ]:
        schema = tools[name].input_schema
        assert sorted(schema["properties"]) == sorted([*required, "confirmation_token"])
        assert schema["required"] == required
        token = schema["properties"]["confirmation_token"]
        assert "only if they approve" in token["description"]
        output = tools[name].output_schema
        assert output is not None
        assert {"deleted", "message", "preview", "confirmation_token", "expires_at"} <= set(
            output["properties"]
        )
        assert output["required"] == ["deleted", "message"]


# The operator's confirm modes ----------------------------------------------------------------


@pytest.mark.parametrize("era", sorted(ERAS))
@pytest.mark.parametrize("tool", DELETES)
async def test_by_default_a_client_that_cannot_ask_cannot_delete(
    serve: Serve, sandbox: Sandbox, era: str, tool: str
) -> None:
    """Out of the box only a person's typed key deletes: a model on a client without
    elicitation gets no token, calling twice changes nothing, and the answer says how the
    operator can allow deletes."""
    comment = sandbox.store.comment_case("APP-2", "Posted by mistake", actor_id=Sandbox.ACTOR_ID)
    arguments = {
        "delete_project": {"project": "ET"},
        "delete_case_comment": {"case_id": "APP-2", "comment_id": comment["id"]},
        "delete_case_custom_attribute": {"case_id": "SEC-9", "key": "cvss_score"},
    }[tool]
    async with serve(era) as client:
        answers = [await ok(client, tool, arguments) for _ in range(2)]

    for answer in answers:
        assert answer["deleted"] is False
        assert "confirmation_token" not in answer
        assert answer["message"].endswith(
            " was not deleted: this server deletes only after a person confirms in the "
            "client's confirmation prompt (elicitation), and this client does not offer one. "
            "Ask the user to delete it in Datadog, or from a client that supports elicitation. "
            "To allow deletes from clients without it, the operator can start the server with "
            "CASE_MCP_CONFIRM_MODE=token, which relies on the client asking the user before "
            "it runs a destructive tool."
        )
    comments = {cell["id"] for cell in sandbox.store.list_case_timeline("APP-2", page_size=100)}
    assert ("ET" in project_keys(sandbox), comment["id"] in comments, score(sandbox)) == (
        True,
        True,
        {"type": "NUMBER", "is_multi": False, "value": 8.1},
    )


@pytest.mark.parametrize("era", sorted(ERAS))
async def test_token_mode_never_asks_even_a_client_that_could(
    serve: Serve, sandbox: Sandbox, era: str
) -> None:
    """--confirm-mode token: the preview and token flow, whatever the client can do."""
    person = Person("SEC-9")
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}
    async with serve(era, person, confirm_mode="token") as client:
        first = await ok(client, "delete_case_custom_attribute", arguments)
        assert score(sandbox) is not None
        token = first["confirmation_token"]
        second = await ok(
            client, "delete_case_custom_attribute", {**arguments, "confirmation_token": token}
        )

    assert person.questions == []
    assert (first["deleted"], second["deleted"]) == (False, True)
    assert score(sandbox) is None


@pytest.mark.parametrize("era", sorted(ERAS))
async def test_elicit_mode_refuses_a_client_that_cannot_ask_even_with_a_token(
    serve: Serve, sandbox: Sandbox, era: str
) -> None:
    """--confirm-mode elicit: without a prompt there is no way to delete; tokens do not count."""
    async with serve(era, confirm_mode="auto") as auto:
        token = (await ok(auto, "delete_project", {"project": "ET"}))["confirmation_token"]
    async with serve(era, confirm_mode="elicit") as client:
        plain = await ok(client, "delete_project", {"project": "ET"})
        with_token = await ok(
            client, "delete_project", {"project": "ET", "confirmation_token": token}
        )

    for answer in (plain, with_token):
        assert answer["deleted"] is False
        assert answer["message"].startswith(
            "The project ET was not deleted: this server deletes only after a person confirms "
            "in the client's confirmation prompt (elicitation), and this client does not "
            "offer one."
        )
        assert "confirmation_token" not in answer
    assert "ET" in project_keys(sandbox)


@pytest.mark.parametrize("era", sorted(ERAS))
async def test_elicit_mode_deletes_after_the_person_types_the_key(
    serve: Serve, sandbox: Sandbox, era: str
) -> None:
    """--confirm-mode elicit with a client that can ask: the person's key is enough."""
    async with serve(era, Person("ET"), confirm_mode="elicit") as client:
        answer = await ok(client, "delete_project", {"project": "ET"})

    assert answer["deleted"] is True
    assert "ET" not in project_keys(sandbox)


async def test_no_destructive_mode_offers_no_delete(serve: Serve) -> None:
    """--no-destructive removes the three deleting tools entirely."""
    async with serve(no_destructive=True) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}

    assert names.isdisjoint(DELETES)


# Changes while a person is being asked -------------------------------------------------------


async def test_a_change_during_a_legacy_prompt_keeps_the_target(
    serve: Serve, sandbox: Sandbox
) -> None:
    """If the value changes while the person reads the question, their yes does not cover it."""

    def rescore() -> None:
        sandbox.store.update_case_custom_attribute(
            "SEC-9", "cvss_score", type="NUMBER", is_multi=False, value=9.8, actor_id="x"
        )

    person = Person("SEC-9", on_question=rescore)
    async with serve("2025-11-25", person) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert answer["deleted"] is False
    assert answer["message"] == (
        "The custom attribute 'cvss_score' of case SEC-9 was not deleted: it changed while the "
        "user was being asked, so they did not confirm what it holds now. Call again to show them."
    )
    assert score(sandbox)["value"] == 9.8


async def test_a_comment_whose_author_shows_another_name_meanwhile_is_kept(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person approved a comment by the author named in the question; if that name
    changes while they read it, their yes does not cover what would now be shown."""
    cell = sandbox.store.comment_case("APP-2", "Posted by mistake", actor_id=Sandbox.ACTOR_ID)

    def rename() -> None:
        with sandbox.store.transaction():
            sandbox.store.conn.execute(
                "UPDATE users SET name = ? WHERE id = ?", ("Security Team", Sandbox.ACTOR_ID)
            )

    person = Person("APP-2", on_question=rename)
    async with serve("2025-11-25", person) as client:
        answer = await ok(
            client, "delete_case_comment", {"case_id": "APP-2", "comment_id": cell["id"]}
        )

    assert answer["deleted"] is False
    assert "it changed while the user was being asked" in answer["message"]
    assert cell["id"] in {c["id"] for c in sandbox.store.list_case_timeline("APP-2", page_size=100)}


async def test_a_change_between_rounds_asks_the_person_again(
    serve: Serve, sandbox: Sandbox
) -> None:
    """On 2026-07-28 the retry reads the target again; a changed target is asked about anew."""
    changes = [9.8]

    def rescore_once() -> None:
        if changes:
            sandbox.store.update_case_custom_attribute(
                "SEC-9",
                "cvss_score",
                type="NUMBER",
                is_multi=False,
                value=changes.pop(),
                actor_id="x",
            )

    person = Person("SEC-9", on_question=rescore_once)
    async with serve("2026-07-28", person) as client:
        answer = await ok(
            client, "delete_case_custom_attribute", {"case_id": "SEC-9", "key": "cvss_score"}
        )

    assert [q.splitlines()[1] for q in person.questions] == ["Its value: 8.1", "Its value: 9.8"]
    assert answer["deleted"] is True
    assert answer["preview"]["value"] == 9.8


def swap_a_case(sandbox: Sandbox) -> str:
    """Move one of ET's cases to APP and one of APP's into ET: ET holds as many as before.

    Returns the id of the case moved into ET."""
    store = sandbox.store
    ids = {project["key"]: project["id"] for project in store.get_projects()}
    (leaving,), _ = store.search_cases(query="project:ET archived:any", page_size=1)
    (arriving,), _ = store.search_cases(query="project:APP archived:any", page_size=1)
    store.move_case_to_project(leaving["id"], ids["APP"], actor_id=Sandbox.ACTOR_ID)
    store.move_case_to_project(arriving["id"], ids["ET"], actor_id=Sandbox.ACTOR_ID)
    return str(arriving["id"])


def case_exists(sandbox: Sandbox, case_id: str) -> bool:
    cases, _ = sandbox.store.search_cases(query="archived:any", page_size=1000)
    return case_id in {case["id"] for case in cases}


@pytest.mark.parametrize("era", sorted(ERAS))
async def test_a_project_token_does_not_cover_a_case_swapped_in_after_the_preview(
    serve: Serve, sandbox: Sandbox, era: str
) -> None:
    """A case moved out and another moved in keep the count, but not the approval: the
    token was for the cases the preview counted, and the project stays."""
    async with serve(era, confirm_mode="token") as client:
        first = await ok(client, "delete_project", {"project": "ET"})
        arrived = swap_a_case(sandbox)
        second = await ok(
            client,
            "delete_project",
            {"project": "ET", "confirmation_token": first["confirmation_token"]},
        )

    assert first["preview"]["cases"] == second["preview"]["cases"]
    assert second["deleted"] is False
    assert "it changed since the confirmation_token was issued" in second["message"]
    assert "ET" in project_keys(sandbox)
    assert case_exists(sandbox, arrived)


async def test_a_case_swapped_in_during_a_legacy_prompt_keeps_the_project(
    serve: Serve, sandbox: Sandbox
) -> None:
    """The person approved the cases the project held when asked; one swapped meanwhile
    is not among them, so nothing is deleted."""
    arrived: list[str] = []
    person = Person("ET", on_question=lambda: arrived.append(swap_a_case(sandbox)))
    async with serve("2025-11-25", person) as client:
        answer = await ok(client, "delete_project", {"project": "ET"})

    assert answer["deleted"] is False
    assert "it changed while the user was being asked" in answer["message"]
    assert "ET" in project_keys(sandbox)
    assert case_exists(sandbox, arrived[0])


async def test_a_case_swapped_in_between_rounds_asks_the_person_again(
    serve: Serve, sandbox: Sandbox
) -> None:
    """On 2026-07-28 the person's answer covers the cases the project held when asked; after
    a swap the same-looking question is a new one, and is asked again."""
    swaps = [1]

    def swap_once() -> None:
        if swaps:
            swaps.pop()
            swap_a_case(sandbox)

    person = Person("ET", on_question=swap_once)
    async with serve("2026-07-28", person) as client:
        answer = await ok(client, "delete_project", {"project": "ET"})

    first, second = person.questions
    assert first != second
    assert first.rsplit("\n", 1)[0] == second.rsplit("\n", 1)[0]
    assert answer["deleted"] is True


async def test_every_case_of_a_project_is_read_page_by_page(
    serve: Serve, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cases are listed in pages until the last; all of them count, and are deleted."""
    monkeypatch.setattr(projects, "_PAGE", 5)
    _, held = sandbox.store.search_cases(query="project:ET archived:any")
    assert held > 10
    async with serve(confirm_mode="token") as client:
        first = await ok(client, "delete_project", {"project": "ET"})
        second = await ok(
            client,
            "delete_project",
            {"project": "ET", "confirmation_token": first["confirmation_token"]},
        )

    assert first["preview"]["cases"] == held
    assert second["deleted"] is True


async def test_a_project_with_more_cases_than_can_be_shown_is_not_deleted(
    serve: Serve, sandbox: Sandbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Fail closed: cases that cannot all be listed cannot be approved."""
    monkeypatch.setattr(projects, "_PAGE", 5)
    monkeypatch.setattr(projects, "_CASE_PAGES", 2)
    async with serve(confirm_mode="token") as client:
        answer = await client.call_tool("delete_project", {"project": "ET"})

    assert answer.is_error
    assert text_of(answer) == (
        "Error executing tool delete_project: Project ET holds more than 10 cases, too many "
        "to show for confirmation; it was not deleted. Move or delete its cases first, or "
        "delete it in Datadog."
    )
    assert "ET" in project_keys(sandbox)


async def answered_round_trip(
    client: Client, tool: str, arguments: dict[str, Any], typed: str
) -> tuple[InputResponses, str]:
    """Put the question to the client by hand; return the answer and the sealed state a
    client would send back with it."""
    asked = await client.session.call_tool(tool, arguments, allow_input_required=True)
    assert isinstance(asked, InputRequiredResult)
    assert asked.input_requests is not None
    assert asked.request_state is not None
    answers: InputResponses = {
        key: ElicitResult(action="accept", content={"key": typed}) for key in asked.input_requests
    }
    return answers, asked.request_state


async def test_a_replayed_round_trip_deletes_nothing_even_once_the_value_is_back(
    serve: Serve, sandbox: Sandbox
) -> None:
    """On 2026-07-28 a person's answer confirms one delete: the same sealed state and answer
    sent again, after the value was set back as it was, delete nothing."""
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}
    person = Person("SEC-9")
    async with serve("2026-07-28", person) as client:
        answers, state = await answered_round_trip(
            client, "delete_case_custom_attribute", arguments, "SEC-9"
        )
        first = await client.call_tool(
            "delete_case_custom_attribute", arguments, input_responses=answers, request_state=state
        )
        sandbox.store.update_case_custom_attribute(
            "SEC-9", "cvss_score", type="NUMBER", is_multi=False, value=8.1, actor_id="x"
        )
        replayed = await client.call_tool(
            "delete_case_custom_attribute", arguments, input_responses=answers, request_state=state
        )

    assert first.structured_content is not None
    assert first.structured_content["deleted"] is True
    assert replayed.structured_content is not None
    assert replayed.structured_content["deleted"] is False
    assert replayed.structured_content["message"] == (
        "The custom attribute 'cvss_score' of case SEC-9 was not deleted: the user's answer "
        "was already used; each answer confirms one delete. Call again to ask them."
    )
    assert score(sandbox)["value"] == 8.1
    assert person.questions == []


# Replicas, concurrency and failures ----------------------------------------------------------


async def test_replicas_sharing_a_secret_accept_each_others_tokens(
    serve: Serve, sandbox: Sandbox
) -> None:
    """A token issued by one server is redeemed by another with the same CASE_MCP_SECRET."""
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}
    async with serve(
        confirm_mode="token", secret="shared by the fleet, 32 characters or more"
    ) as first:
        token = (await ok(first, "delete_case_custom_attribute", arguments))["confirmation_token"]
    async with serve(
        confirm_mode="token", secret="another fleet's secret, 32 characters or more"
    ) as stranger:
        refused = await ok(
            stranger, "delete_case_custom_attribute", {**arguments, "confirmation_token": token}
        )
    async with serve(
        confirm_mode="token", secret="shared by the fleet, 32 characters or more"
    ) as second:
        accepted = await ok(
            second, "delete_case_custom_attribute", {**arguments, "confirmation_token": token}
        )

    assert refused["deleted"] is False
    assert "signature is wrong" in refused["message"]
    assert accepted["deleted"] is True
    assert score(sandbox) is None


async def test_two_calls_racing_with_one_token_delete_once(serve: Serve, sandbox: Sandbox) -> None:
    """The same token sent twice at once is redeemed by one call only."""
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}
    answers: list[dict[str, Any]] = []
    async with serve(confirm_mode="token") as client:
        token = (await ok(client, "delete_case_custom_attribute", arguments))["confirmation_token"]

        async def redeem() -> None:
            answers.append(
                await ok(
                    client,
                    "delete_case_custom_attribute",
                    {**arguments, "confirmation_token": token},
                )
            )

        async with anyio.create_task_group() as group:
            group.start_soon(redeem)
            group.start_soon(redeem)

    assert sorted(answer["deleted"] for answer in answers) == [False, True]
    assert score(sandbox) is None


async def test_a_target_that_cannot_be_read_is_not_deleted_and_the_token_still_works(
    serve: Serve, sandbox: Sandbox
) -> None:
    """Fail closed: when Datadog will not show the target, nothing is deleted."""
    async with serve(confirm_mode="token") as client:
        token = (await ok(client, "delete_project", {"project": "ET"}))["confirmation_token"]
        sandbox.faults = Faults(error_rate=1.0, error_statuses=(403,))
        failed = await client.call_tool(
            "delete_project", {"project": "ET", "confirmation_token": token}
        )
        sandbox.faults = Faults()
        assert "ET" in project_keys(sandbox)
        retried = await ok(client, "delete_project", {"project": "ET", "confirmation_token": token})

    assert failed.is_error
    assert "403" in text_of(failed)
    assert retried["deleted"] is True


# The audit log -------------------------------------------------------------------------------


async def test_each_attempt_is_one_audit_line_with_its_outcome(
    serve: Serve, sandbox: Sandbox, tmp_path: Path
) -> None:
    """Previews, refusals, a declined prompt and confirmed deletes are logged, once each."""
    log = tmp_path / "audit.jsonl"
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}

    async def decline(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        return ElicitResult(action="decline")

    async with serve(audit_log=log, confirm_mode="token") as client:
        token = (await ok(client, "delete_case_custom_attribute", arguments))["confirmation_token"]
        await ok(client, "delete_case_custom_attribute", {**arguments, "confirmation_token": "x"})
        await ok(client, "delete_case_custom_attribute", {**arguments, "confirmation_token": token})
    async with serve("2025-11-25", decline, audit_log=log) as client:
        await ok(client, "delete_project", {"project": "ET"})
    async with serve(person=Person("ET"), audit_log=log) as client:
        await ok(client, "delete_project", {"project": "ET"})

    records = [json.loads(line) for line in log.read_text().splitlines()]
    assert [
        (record["tool"], record["target"], record["outcome"], record.get("reason"))
        for record in records
    ] == [
        (
            "delete_case_custom_attribute",
            {"case": "SEC-9", "attribute": "cvss_score"},
            "confirmation_requested",
            None,
        ),
        (
            "delete_case_custom_attribute",
            {"case": "SEC-9", "attribute": "cvss_score"},
            "refused",
            "token_malformed",
        ),
        (
            "delete_case_custom_attribute",
            {"case": "SEC-9", "attribute": "cvss_score"},
            "confirmed",
            "token",
        ),
        ("delete_project", {"project": "ET"}, "not_confirmed", "declined"),
        ("delete_project", {"project": "ET"}, "confirmed", "elicitation"),
    ]
    assert token not in log.read_text()
    # The attribute's value (8.1) is never logged; the time stamps are left out of the check,
    # since a time such as 05:40:48.148 holds the same three characters.
    assert not any("8.1" in json.dumps({**record, "time": None}) for record in records)


async def test_a_blank_token_is_no_token(serve: Serve, sandbox: Sandbox) -> None:
    """An empty confirmation_token gets the preview and a token, as leaving it out does."""
    async with serve(confirm_mode="token") as client:
        answer = await ok(client, "delete_project", {"project": "ET", "confirmation_token": " "})

    assert answer["deleted"] is False
    assert answer["confirmation_token"].startswith("v1.")
    assert "ET" in project_keys(sandbox)
