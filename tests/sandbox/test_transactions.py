"""Each request is one transaction: a refused or failed request leaves no trace."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

# A failure between two writes of one transaction is injected into the store: no public
# input makes the second write fail.
from case_mcp.sandbox._store import Store

pytestmark = pytest.mark.anyio

STANDARD = "00000000-0000-0000-0000-000000000001"


class Boom(Exception):
    """A failure forced in the middle of a write."""


def case_request(project: str, **attributes: Any) -> dict[str, Any]:
    return {
        "data": {
            "type": "case",
            "attributes": {"title": "Disk full on db-7", "type_id": STANDARD, **attributes},
            "relationships": {"project": {"data": {"id": project, "type": "project"}}},
        }
    }


async def test_a_refused_create_uses_no_key_and_leaves_no_case(
    http: httpx2.AsyncClient, new_case: Any, org: dict[str, str], sandbox: Sandbox
) -> None:
    """A case refused for a bad custom attribute takes no number from the project."""
    custom = {"aws_region": {"type": "SELECT", "is_multi": False, "value": "mars-1"}}

    refused = await http.post(
        "/api/v2/cases", json=case_request(org["sec"], custom_attributes=custom)
    )
    created = await new_case()

    assert refused.status_code == 400
    assert created["attributes"]["key"] == "SEC-1"
    assert sandbox.store.search_cases()[1] == 1


async def test_a_failure_after_the_first_insert_rolls_the_case_back(
    http: httpx2.AsyncClient,
    new_case: Any,
    org: dict[str, str],
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """When writing the creation record fails, the case row and its key counter roll back."""

    def fail(*args: Any, **kwargs: Any) -> str:
        raise Boom

    with monkeypatch.context() as patch:
        patch.setattr(Store, "_add_cell", fail)
        with pytest.raises(Boom):
            await http.post("/api/v2/cases", json=case_request(org["sec"]))

    assert sandbox.store.search_cases() == ([], 0)
    assert (await new_case())["attributes"]["key"] == "SEC-1"


async def test_a_failed_move_keeps_the_key_and_adds_no_alias(
    http: httpx2.AsyncClient,
    new_case: Any,
    org: dict[str, str],
    sandbox: Sandbox,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A move that fails after writing the old key's alias leaves the case where it was."""
    case = await new_case()

    def fail(*args: Any, **kwargs: Any) -> str:
        raise Boom

    with monkeypatch.context() as patch:
        patch.setattr(Store, "_add_cell", fail)
        with pytest.raises(Boom):
            await http.patch(
                f"/api/v2/cases/{case['id']}/relationships/project",
                json={"data": {"id": org["ops"], "type": "project"}},
            )

    assert (await http.get("/api/v2/cases/SEC-1")).json()["data"] == case
    aliases = sandbox.store.conn.execute("SELECT count(*) FROM case_key_aliases").fetchone()[0]
    assert aliases == 0
    assert sandbox.store.get_project(org["ops"])["next_number"] == 1


def test_nested_transactions_roll_back_only_the_inner_block(sandbox: Sandbox) -> None:
    """A block inside a transaction is a savepoint: its failure undoes it alone."""
    store = sandbox.store

    def add_then_fail() -> None:
        with store.transaction():
            store.create_user(email="undone@example.com")
            raise Boom

    with store.transaction():
        store.create_user(email="kept@example.com")
        with pytest.raises(Boom):
            add_then_fail()

    emails = {user["email"] for user in store.list_users(page_size=100)[0]}
    assert "kept@example.com" in emails
    assert "undone@example.com" not in emails
