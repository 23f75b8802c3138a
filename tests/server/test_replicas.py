"""Three `case-mcp serve --transport http` replicas behind a round-robin balancer, no stickiness.

The replicas are separate processes on loopback sharing one sandbox file, one CASE_MCP_SECRET
and one bearer token. Every HTTP request of a client goes to the next replica, so each
exchange below crosses processes: what one replica issues, another must accept.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mcp import Client
from mcp.client import ClientRequestContext
from mcp.types import CallToolResult, ElicitRequestParams, ElicitResult, TextContent

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server import offered_tools
from replicas import Replica, RoundRobin, connect, running_replicas, seeded_database

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return seeded_database(tmp_path_factory.mktemp("replicas") / "sandbox.db")


@pytest.fixture(scope="module")
def replicas(database: Path) -> Iterator[list[Replica]]:
    # auto: a client that can ask confirms by elicitation, one that cannot by token; both
    # flows are tested across the same fleet.
    flags = ["--confirm-mode", "auto"]
    with running_replicas(3, database, database.parent, flags) as running:
        yield running


@pytest.fixture
def ports(replicas: list[Replica]) -> list[int]:
    return [replica.port for replica in replicas]


def text_of(answer: CallToolResult) -> str:
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


async def ok(
    client: Client, balancer: RoundRobin, tool: str, arguments: dict[str, Any]
) -> tuple[dict[str, Any], set[int]]:
    """A successful call's structured result, and the replicas its requests went to."""
    before = len(balancer.sent_to)
    answer = await client.call_tool(tool, arguments)
    assert not answer.is_error, text_of(answer)
    assert answer.structured_content is not None
    return dict(answer.structured_content), set(balancer.sent_to[before:])


@pytest.mark.parametrize(
    ("mode", "case_id"), [("auto", "SEC-9"), ("legacy", "SEC-3")], ids=["2026-07-28", "2025-11-25"]
)
async def test_a_confirmation_token_from_one_replica_deletes_through_another(
    ports: list[int], mode: str, case_id: str
) -> None:
    """The preview's token, issued by one replica, is redeemed by another; a third sees it gone."""
    arguments = {"case_id": case_id, "key": "cvss_score"}
    async with connect(ports, mode) as (client, balancer):
        preview, issued_by = await ok(client, balancer, "delete_case_custom_attribute", arguments)
        token = preview["confirmation_token"]
        deleted, redeemed_by = await ok(
            client,
            balancer,
            "delete_case_custom_attribute",
            {**arguments, "confirmation_token": token},
        )
        after, _ = await ok(client, balancer, "delete_case_custom_attribute", arguments)

    assert preview["deleted"] is False
    assert deleted["deleted"] is True
    assert issued_by != redeemed_by
    assert after == {
        "deleted": False,
        "message": f"{case_id} had no 'cvss_score' value; nothing was deleted.",
    }


async def test_a_legacy_client_works_across_replicas_without_sticky_sessions(
    ports: list[int],
) -> None:
    """A 2025-11-25 client's handshake, listing, write and read land on all three replicas."""
    async with connect(ports, "legacy") as (client, balancer):
        era = client.protocol_version
        tools = await client.list_tools()
        comment, _ = await ok(
            client, balancer, "add_case_comment", {"case_id": "OPS-3", "comment": "seen by all"}
        )
        timelines = [
            (await ok(client, balancer, "get_case_timeline", {"case_id": "OPS-3"}))[0]
            for _ in ports
        ]

    assert era == "2025-11-25"
    assert len(tools.tools) == len(offered_tools(ServerOptions()))
    assert set(balancer.sent_to) == set(ports)
    assert all("seen by all" in str(timeline) for timeline in timelines)
    assert comment


async def test_a_question_put_by_one_replica_is_answered_through_another(
    ports: list[int], database: Path
) -> None:
    """The sealed request state of an elicitation round trip is opened by the next replica."""
    questions: list[str] = []

    async def person(context: ClientRequestContext, params: ElicitRequestParams) -> ElicitResult:
        questions.append(params.message)
        return ElicitResult(action="accept", content={"key": "ET"})

    async with connect(ports, "auto", elicitation_callback=person) as (client, balancer):
        deleted, crossed = await ok(client, balancer, "delete_project", {"project": "ET"})

    assert deleted["deleted"] is True
    assert len(questions) == 1
    assert len(crossed) >= 2
    # Read the shared file itself: each replica keeps the project list for up to 30 seconds.
    with Sandbox(db_path=database) as shared:
        assert "ET" not in {project["key"] for project in shared.store.get_projects()}
