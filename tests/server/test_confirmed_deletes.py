"""The bypass matrix: no delete without a person's approval, through a real MCP client.

Each deleting tool, in both protocol eras, against every way a model might get a delete
without a person's approval: nothing is deleted, as read back from the sandbox. The two
approved paths (the right key typed into the client's prompt; a valid confirmation token)
do delete.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass
from typing import Any, Literal

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.client.session import ElicitationFnT
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, TextContent

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import TokenBook, create_server, sandbox_client_factory
from guarded import with_every_toolset
from inventory import names_of

pytestmark = pytest.mark.anyio

TOOLS = sorted(names_of("destructive"))
ERAS = {"2026-07-28": "auto", "2025-11-25": "legacy"}
# Arguments a model might add hoping to skip the confirmation, the resolved parameters'
# own names included.
BYPASS_ARGUMENTS: dict[str, Any] = {
    "confirm": True,
    "confirmed": True,
    "force": True,
    "approved": True,
    "answer": {"action": "accept", "content": {"key": "ET"}},
    "loss": None,
    "ctx": {},
}

Serve = Callable[..., AbstractAsyncContextManager[Client]]
Action = Literal["accept", "decline", "cancel"]


class Person:
    """A person answering the client's confirmation prompts, always the same way."""

    def __init__(self, action: Action, typed: str | None = None) -> None:
        self.action = action
        self.typed = typed
        self.questions: list[str] = []

    async def __call__(
        self, context: ClientRequestContext, params: ElicitRequestParams
    ) -> ElicitResult:
        self.questions.append(params.message)
        if self.action == "accept":
            return ElicitResult(action="accept", content={"key": self.typed or ""})
        return ElicitResult(action=self.action)


@dataclass(frozen=True)
class Target:
    """Something one deleting tool can destroy, and how to check it is still there."""

    tool: str
    arguments: dict[str, Any]
    other: dict[str, Any]
    key: str
    wrong_key: str
    exists: Callable[[], bool]
    others_exist: Callable[[], bool]
    change: Callable[[Client], Awaitable[None]]
    restore: Callable[[Client], Awaitable[None]] | None


async def ok(client: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, text_of(answer)
    assert answer.structured_content is not None
    return dict(answer.structured_content)


def text_of(answer: CallToolResult) -> str:
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


def edit_comment(sandbox: Sandbox, comment_id: str, text: str) -> None:
    """Edit a comment as a person can in Datadog's app (the API has no such operation)."""
    with sandbox.store.transaction():
        sandbox.store.conn.execute(
            "UPDATE timeline_cells SET content = ? WHERE id = ?",
            (json.dumps({"message": text}), comment_id),
        )


def target_for(tool: str, sandbox: Sandbox) -> Target:
    store = sandbox.store
    if tool == "delete_project":

        def project_keys() -> set[str]:
            return {project["key"] for project in store.get_projects()}

        async def file_a_case(client: Client) -> None:
            await ok(client, "create_case", {"title": "Filed meanwhile", "project": "ET"})

        async def recreate(client: Client) -> None:
            await ok(client, "create_project", {"key": "ET", "name": "Error Tracking"})

        return Target(
            tool=tool,
            arguments={"project": "ET"},
            other={"project": "APP"},
            key="ET",
            wrong_key="APP",
            exists=lambda: "ET" in project_keys(),
            others_exist=lambda: {"SEC", "OPS", "APP"} <= project_keys(),
            change=file_a_case,
            restore=recreate,
        )
    if tool == "delete_case_comment":
        mine = store.comment_case(
            "APP-2", "Posted by mistake\nsecond line", actor_id=Sandbox.ACTOR_ID
        )
        other = store.comment_case("APP-2", "Keep this one", actor_id=Sandbox.ACTOR_ID)

        def comment_ids() -> set[str]:
            return {cell["id"] for cell in store.list_case_timeline("APP-2", page_size=100)}

        async def edit(client: Client) -> None:
            edit_comment(sandbox, mine["id"], "Edited in the app meanwhile")

        return Target(
            tool=tool,
            arguments={"case_id": "APP-2", "comment_id": mine["id"]},
            other={"case_id": "APP-2", "comment_id": other["id"]},
            key="APP-2",
            wrong_key="APP-3",
            exists=lambda: mine["id"] in comment_ids(),
            others_exist=lambda: other["id"] in comment_ids(),
            change=edit,
            restore=None,  # a deleted comment cannot come back with its id
        )
    if tool == "delete_case_type":

        def live_types() -> set[str]:
            return {t["name"] for t in store.get_all_case_types() if t["deleted_at"] is None}

        async def file_a_postmortem(client: Client) -> None:
            await ok(
                client,
                "create_case",
                {"title": "Review meanwhile", "project": "OPS", "case_type": "Postmortem"},
            )

        async def recreate_type(client: Client) -> None:
            await ok(client, "create_case_type", {"name": "Postmortem"})

        return Target(
            tool=tool,
            arguments={"case_type": "Postmortem"},
            other={"case_type": "Change Request"},
            key="Postmortem",
            wrong_key="Security",
            exists=lambda: "Postmortem" in live_types(),
            others_exist=lambda: {"Security", "Change Request"} <= live_types(),
            change=file_a_postmortem,
            restore=recreate_type,
        )
    if tool == "delete_custom_attribute_config":
        security = next(t["id"] for t in store.get_all_case_types() if t["name"] == "Security")

        def keys() -> set[str]:
            return {
                config["key"]
                for config in store.get_all_custom_attribute_configs_by_case_type(security)
            }

        async def clear_a_value(client: Client) -> None:
            store.delete_case_custom_attribute("SEC-9", "affected_hosts", actor_id=Sandbox.ACTOR_ID)

        async def recreate_attribute(client: Client) -> None:
            await ok(
                client,
                "create_custom_attribute_config",
                {
                    "case_type": "Security",
                    "key": "affected_hosts",
                    "display_name": "Affected hosts",
                    "type": "TEXT",
                    "is_multi": True,
                },
            )

        return Target(
            tool=tool,
            arguments={"case_type": "Security", "key": "affected_hosts"},
            other={"case_type": "Security", "key": "cve_ids"},
            key="affected_hosts",
            wrong_key="cve_ids",
            exists=lambda: "affected_hosts" in keys(),
            others_exist=lambda: "cve_ids" in keys(),
            change=clear_a_value,
            restore=recreate_attribute,
        )
    if tool == "delete_case_view":
        # A view of its own, beside the demo's: SEC's other views must stay.
        view = store.create_case_view(
            name="Open P1s",
            project_id=store.get_projects()[0]["id"],
            query="priority:p1",
            actor_id=Sandbox.ACTOR_ID,
        )
        other = store.list_case_views(view["project_id"])[0]

        def view_ids() -> set[str]:
            return {v["id"] for v in store.list_case_views(view["project_id"])}

        async def requery(client: Client) -> None:
            await ok(client, "update_case_view", {"view_id": view["id"], "query": "priority:p2"})

        async def recreate_view(client: Client) -> None:
            store.create_case_view(
                name="Open P1s",
                project_id=view["project_id"],
                query="priority:p1",
                actor_id=Sandbox.ACTOR_ID,
                view_id=view["id"],
            )

        return Target(
            tool=tool,
            arguments={"view_id": view["id"]},
            other={"view_id": other["id"]},
            key="SEC",
            wrong_key="OPS",
            exists=lambda: view["id"] in view_ids(),
            others_exist=lambda: other["id"] in view_ids(),
            change=requery,
            restore=recreate_view,
        )
    if tool in CONFIGURATIONS:
        return configuration_target(tool, sandbox)
    if tool == "delete_case_link":
        return _link_target(sandbox)
    if tool == "delete_case_jira_link":
        return _jira_link_target(sandbox)
    assert tool == "delete_case_custom_attribute", f"{tool}: no target; add one to target_for"

    def values() -> dict[str, Any]:
        return dict(store.get_case("SEC-9")["custom_attributes"])

    async def set_score(score: float, client: Client) -> None:
        await ok(
            client,
            "update_case_custom_attribute",
            {"case_id": "SEC-9", "key": "cvss_score", "value": score},
        )

    async def rescore(client: Client) -> None:
        await set_score(9.8, client)

    async def restore(client: Client) -> None:
        await set_score(8.1, client)

    return Target(
        tool=tool,
        arguments={"case_id": "SEC-9", "key": "cvss_score"},
        other={"case_id": "SEC-9", "key": "cve_ids"},
        key="SEC-9",
        wrong_key="SEC-10",
        exists=lambda: "cvss_score" in values(),
        others_exist=lambda: "cve_ids" in values(),
        change=rescore,
        restore=restore,
    )


# The three stored configurations: a seeded one to delete and another to keep, and how to
# read what exists. SEC's rules, OPS's notification rules, the organisation's windows.
SEC = "69c0e859-8f12-5f18-b1b2-c91b48ed0c10"
OPS = "2afb2eac-f1c4-5ab6-bf2e-15e77cfe975b"
CONFIGURATIONS: dict[str, tuple[str, str, str, str]] = {
    # tool: (its id argument, the one deleted, the one kept, the key typed)
    "delete_automation_rule": (
        "rule_id",
        "0386a226-a0dd-5b09-a550-ebcac29c3933",
        "c2629960-3090-5dfb-9b95-2aca788a0cef",
        "SEC",
    ),
    "delete_notification_rule": ("rule_id", "90f5c998-67a6-5769-b5c4-18fad4d54c2a", "", "OPS"),
    "delete_maintenance_window": (
        "window_id",
        "1626d5ac-be88-5b71-86c7-524c06ac4693",
        "70ce75df-ebf4-5d71-9a56-0a9b1d4f018c",
        "1626d5ac",
    ),
}


def configuration_target(tool: str, sandbox: Sandbox) -> Target:
    """An automation rule, notification rule or maintenance window of the demo organisation."""
    store = sandbox.store
    argument, doomed, kept, key = CONFIGURATIONS[tool]
    project = {"SEC": SEC, "OPS": OPS}.get(key)
    if tool == "delete_notification_rule":
        # OPS has one notification rule; a second one is the one that must stay.
        kept = store.create_project_notification_rule(
            OPS,
            {"triggers": [{"type": "CASE_CREATED"}], "recipients": [{"type": "EMAIL"}]},
            actor_id=Sandbox.ACTOR_ID,
        )["id"]

    def ids() -> set[str]:
        if tool == "delete_automation_rule":
            return {rule["id"] for rule in store.list_case_automation_rules(SEC)}
        if tool == "delete_notification_rule":
            return {rule["id"] for rule in store.get_project_notification_rules(OPS)}
        return {window["id"] for window in store.list_maintenance_windows()}

    async def change(client: Client) -> None:
        if tool == "delete_automation_rule":
            await ok(
                client,
                "update_automation_rule",
                {"project": "SEC", "rule_id": doomed, "name": "Renamed"},
            )
        elif tool == "delete_notification_rule":
            await ok(
                client,
                "update_notification_rule",
                {"project": "OPS", "rule_id": doomed, "query": "priority:P1"},
            )
        else:
            await ok(client, "update_maintenance_window", {"window_id": doomed, "name": "Renamed"})

    named = {"project": key} if project else {}
    return Target(
        tool=tool,
        arguments={**named, argument: doomed},
        other={**named, argument: kept},
        key=key,
        wrong_key="APP" if project else kept[:8],
        exists=lambda: doomed in ids(),
        others_exist=lambda: kept in ids(),
        change=change,
        restore=None,  # a deleted configuration cannot come back with its id
    )


def _linked(sandbox: Sandbox, case: str, other: str) -> bool:
    """Whether the demo cases `case` and `other` are linked."""
    other_id = sandbox.store.get_case(other)["id"]
    return any(
        other_id in (link["parent_entity_id"], link["child_entity_id"])
        for link in sandbox.store.list_case_links("CASE", case)
    )


def _link_target(sandbox: Sandbox) -> Target:
    """SEC-12 RELATES_TO SEC-5 in the demo organisation; OPS-26 BLOCKS OPS-27 beside it."""

    async def retitle(client: Client) -> None:
        arguments = {"case_id": "SEC-5", "title": "Phishing: fake DocuSign invoice (retitled)"}
        await ok(client, "update_case_title", arguments)

    async def relink(client: Client) -> None:
        arguments = {"case_id": "SEC-12", "relationship": "RELATES_TO", "linked_case": "SEC-5"}
        await ok(client, "create_case_link", arguments)

    return Target(
        tool="delete_case_link",
        arguments={"case_id": "SEC-12", "linked": "SEC-5"},
        other={"case_id": "OPS-26", "linked": "OPS-27"},
        key="SEC-12",
        wrong_key="SEC-5",
        exists=lambda: _linked(sandbox, "SEC-12", "SEC-5"),
        others_exist=lambda: _linked(sandbox, "OPS-26", "OPS-27"),
        change=retitle,
        restore=relink,
    )


def _jira_link_target(sandbox: Sandbox) -> Target:
    """SEC-9's Jira issue SEC-101 in the demo organisation; OPS-26's DBA-87 beside it."""
    url = "https://demo-org.atlassian.net/browse/SEC-101"

    def issue_of(case: str) -> Any:
        return sandbox.store.get_case(case)["jira_issue"]

    async def link(client: Client, issue_url: str) -> None:
        await ok(client, "link_jira_issue", {"case_id": "SEC-9", "jira_issue_url": issue_url})

    async def replace(client: Client) -> None:
        await link(client, url.replace("101", "150"))

    async def relink(client: Client) -> None:
        await link(client, url)

    return Target(
        tool="delete_case_jira_link",
        arguments={"case_id": "SEC-9"},
        other={"case_id": "OPS-26"},
        key="SEC-9",
        wrong_key="SEC-10",
        exists=lambda: issue_of("SEC-9") is not None,
        others_exist=lambda: issue_of("OPS-26") is not None,
        change=replace,
        restore=relink,
    )


@pytest.fixture
def serve(sandbox: Sandbox) -> Serve:
    """Connects an MCP client of one era, with or without elicitation, to a fresh server."""

    @asynccontextmanager
    async def connect(
        era: str,
        person: ElicitationFnT | None = None,
        tokens: TokenBook | None = None,
        **options: Any,
    ) -> AsyncIterator[Client]:
        server = create_server(
            sandbox_client_factory(sandbox),
            with_every_toolset(ServerOptions(**options)),
            tokens=tokens,
        )
        async with Client(server, mode=ERAS[era], elicitation_callback=person) as client:
            assert client.protocol_version == era
            yield client

    return connect


@pytest.fixture(params=TOOLS)
def target(request: pytest.FixtureRequest, sandbox: Sandbox) -> Target:
    return target_for(request.param, sandbox)


@pytest.fixture(params=sorted(ERAS))
def era(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def token_for(client: Client, tool: str, arguments: dict[str, Any]) -> str:
    answer = await ok(client, tool, arguments)
    assert answer["deleted"] is False
    return str(answer["confirmation_token"])


def assert_kept(answer: CallToolResult, target: Target) -> None:
    """The answer says nothing was deleted, gives no token, and the target is still there."""
    assert not answer.is_error, text_of(answer)
    content = answer.structured_content
    assert content is not None
    assert content["deleted"] is False
    assert " was not deleted: " in content["message"]
    assert "confirmation_token" not in content
    assert target.exists()
    assert target.others_exist()


# Without elicitation: the confirmation token, in confirm mode token ---------------------------


async def test_a_call_without_a_token_deletes_nothing_and_returns_a_preview_and_a_token(
    serve: Serve, target: Target, era: str
) -> None:
    """The first call answers with what would be lost and a token, says a person must
    approve, and deletes nothing."""
    async with serve(era, confirm_mode="token") as client:
        answer = await ok(client, target.tool, target.arguments)

    assert answer["deleted"] is False
    assert answer["message"].endswith(
        f"was not deleted: a person must approve this delete first. Show the user the preview "
        f"of what would be lost. Only if they approve, call {target.tool} again with the same "
        "arguments and this confirmation_token; it works once, for 5 minutes."
    )
    assert answer["preview"]
    assert answer["confirmation_token"].startswith("v1.")
    assert answer["expires_at"]
    assert target.exists()


async def test_a_valid_token_deletes_exactly_the_target(
    serve: Serve, target: Target, era: str
) -> None:
    """The second call, with the same arguments and the token, deletes the target only."""
    async with serve(era, confirm_mode="token") as client:
        token = await token_for(client, target.tool, target.arguments)
        answer = await ok(client, target.tool, {**target.arguments, "confirmation_token": token})

    assert answer["deleted"] is True
    assert answer["message"].startswith("Deleted ")
    assert not target.exists()
    assert target.others_exist()


async def test_forged_tokens_delete_nothing(serve: Serve, target: Target, era: str) -> None:
    """Made-up words, an altered token and one signed with another secret are all refused."""
    async with serve(
        era, confirm_mode="token", secret="the other replica's secret, 32 characters or more"
    ) as elsewhere:
        foreign = await token_for(elsewhere, target.tool, target.arguments)
    async with serve(era, confirm_mode="token") as client:
        genuine = await token_for(client, target.tool, target.arguments)
        version, payload, signature = genuine.split(".")
        altered_signature = (
            f"{version}.{payload}.{signature[:-2]}{'AA' if signature[-2:] != 'AA' else 'BB'}"
        )
        claims = json.loads(_unpadded_b64decode(payload))
        altered_claims = (
            f"{version}.{_b64(json.dumps({**claims, 'exp': claims['exp'] + 3600}))}.{signature}"
        )
        for forged in [
            "yes",
            "confirm",
            "v1..",
            "v1.e30.AAAA",
            altered_signature,
            altered_claims,
            foreign,
        ]:
            answer = await client.call_tool(
                target.tool, {**target.arguments, "confirmation_token": forged}
            )
            assert_kept(answer, target)


async def test_a_token_is_accepted_in_its_one_spelling_only(
    serve: Serve, target: Target, era: str
) -> None:
    """Padding, other trailing bits of the last character, or spaces around it: another
    spelling of the same token is refused, and the token itself still works after."""
    async with serve(era, confirm_mode="token") as client:
        genuine = await token_for(client, target.tool, target.arguments)
        version, payload, signature = genuine.split(".")
        # 32 bytes of signature are 43 characters; the last one carries 2 bits of padding.
        last = _ALPHABET.index(signature[-1])
        other_bits = f"{signature[:-1]}{_ALPHABET[last ^ 1]}"
        respellings = [
            f"{version}.{payload}.{signature}=",
            f"{version}.{payload}{'=' * (-len(payload) % 4) or '===='}.{signature}",
            f"{version}.{payload}.{other_bits}",
            f" {genuine}",
            f"{genuine}\n",
            f"V1.{payload}.{signature}",
        ]
        assert _unpadded_b64decode(other_bits) == _unpadded_b64decode(signature)
        for respelled in respellings:
            answer = await client.call_tool(
                target.tool, {**target.arguments, "confirmation_token": respelled}
            )
            assert_kept(answer, target)
        deleted = await ok(client, target.tool, {**target.arguments, "confirmation_token": genuine})

    assert deleted["deleted"] is True


async def test_a_token_for_another_target_deletes_neither(
    serve: Serve, target: Target, era: str
) -> None:
    """A token works only with the arguments it was issued for."""
    async with serve(era, confirm_mode="token") as client:
        token = await token_for(client, target.tool, target.other)
        answer = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    assert_kept(answer, target)
    assert "was issued for another target" in text_of(answer)


async def test_a_token_for_another_tool_deletes_nothing(
    serve: Serve, target: Target, era: str
) -> None:
    """A token issued by one deleting tool does not work for another."""
    if target.tool == "delete_case_custom_attribute":
        tool, arguments = "delete_project", {"project": "APP"}
    else:
        tool, arguments = "delete_case_custom_attribute", {"case_id": "OPS-29", "key": "risk_level"}
    async with serve(era, confirm_mode="token") as client:
        token = await token_for(client, tool, arguments)
        answer = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    assert_kept(answer, target)
    assert "was issued for another tool" in text_of(answer)


async def test_an_expired_token_deletes_nothing(serve: Serve, target: Target, era: str) -> None:
    """Past its time to live, a token is refused."""
    now = [time.time()]
    book = TokenBook(clock=lambda: now[0])
    async with serve(era, tokens=book, confirm_mode="token", confirm_ttl=60) as client:
        token = await token_for(client, target.tool, target.arguments)
        now[0] += 61
        answer = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    assert_kept(answer, target)
    assert "the confirmation_token has expired" in text_of(answer)


async def test_a_used_token_does_not_delete_again(serve: Serve, target: Target, era: str) -> None:
    """After one delete, the same token deletes nothing more, even once the target is back."""
    async with serve(era, confirm_mode="token") as client:
        token = await token_for(client, target.tool, target.arguments)
        first = await ok(client, target.tool, {**target.arguments, "confirmation_token": token})
        assert first["deleted"] is True
        if target.restore is not None:
            await target.restore(client)
        again = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    if target.restore is None:
        assert again.is_error  # the comment is gone for good: not found
        assert "was not found" in text_of(again)
    else:
        assert_kept(again, target)
    if target.tool == "delete_case_custom_attribute":
        # Same case, key and value again: only the token's single use stops it.
        assert "the confirmation_token was already used" in text_of(again)
    assert target.others_exist()


async def test_a_token_does_not_survive_a_change_of_the_target(
    serve: Serve, target: Target, era: str
) -> None:
    """A token approves what the preview showed; once the target changed, it is refused."""
    async with serve(era, confirm_mode="token") as client:
        token = await token_for(client, target.tool, target.arguments)
        await target.change(client)
        answer = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    assert_kept(answer, target)
    assert "it changed since the confirmation_token was issued" in text_of(answer)


async def test_extra_arguments_like_confirm_or_force_are_refused_by_name(
    serve: Serve, target: Target, era: str
) -> None:
    """confirm, force and the like are refused, each named: nothing is previewed or deleted."""
    async with serve(era, confirm_mode="token") as client:
        answer = await client.call_tool(target.tool, {**target.arguments, **BYPASS_ARGUMENTS})

    assert answer.is_error
    assert f"{target.tool} has no argument 'confirm', 'confirmed', 'force', " in text_of(answer)
    assert target.exists()


# With elicitation: a person types the key ----------------------------------------------------


async def test_typing_the_key_in_the_clients_prompt_deletes(
    serve: Serve, target: Target, era: str
) -> None:
    """A person who types the key (case aside) confirms; the target is deleted."""
    person = Person("accept", target.key.lower())
    async with serve(era, person) as client:
        answer = await ok(client, target.tool, target.arguments)

    assert answer["deleted"] is True
    assert "confirmation_token" not in answer
    assert len(person.questions) == 1
    assert person.questions[0].splitlines()[-2].endswith(f"type the {_typed(target)}: {target.key}")
    assert not target.exists()
    assert target.others_exist()


@pytest.mark.parametrize(
    ("action", "why"),
    [("decline", "the user declined"), ("cancel", "the user cancelled the confirmation")],
)
async def test_declining_or_cancelling_the_prompt_deletes_nothing(
    serve: Serve, target: Target, era: str, action: Action, why: str
) -> None:
    """A person who says no, or closes the prompt, keeps the target; the answer says so."""
    async with serve(era, Person(action)) as client:
        answer = await client.call_tool(target.tool, target.arguments)

    assert_kept(answer, target)
    assert text_of(answer).count(f" was not deleted: {why}.") == 1


async def test_a_wrongly_typed_key_deletes_nothing(serve: Serve, target: Target, era: str) -> None:
    """Typing another key is no confirmation."""
    async with serve(era, Person("accept", target.wrong_key)) as client:
        answer = await client.call_tool(target.tool, target.arguments)

    assert_kept(answer, target)
    assert f"the key typed to confirm was not {target.key}" in text_of(answer)


async def test_a_token_does_not_replace_the_persons_answer(
    serve: Serve, target: Target, era: str
) -> None:
    """When the client can ask, a valid token is ignored: a person who declines keeps the
    target."""
    async with serve(era, confirm_mode="token") as without_prompt:
        token = await token_for(without_prompt, target.tool, target.arguments)
    person = Person("decline")
    async with serve(era, person) as client:
        answer = await client.call_tool(
            target.tool, {**target.arguments, "confirmation_token": token}
        )

    assert_kept(answer, target)
    assert len(person.questions) == 1


# What a person types to confirm each tool's delete (any other tool: the case key).
_TYPED = {
    "delete_project": "project key",
    "delete_case_view": "project key",
    "delete_automation_rule": "project key",
    "delete_notification_rule": "project key",
    "delete_maintenance_window": "first block of its id",
    "delete_case_type": "case type name",
    "delete_custom_attribute_config": "attribute key",
}


def _typed(target: Target) -> str:
    return _TYPED.get(target.tool, "case key")


_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unpadded_b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
