"""The demo organisation: the same on every run, big enough to explore, with real histories."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox

# Seeding an already seeded store is refused: only the seeder itself can be asked to.
from case_mcp.sandbox._errors import Conflict
from case_mcp.sandbox._seed import seed_demo_org
from cassettes import CASSETTE_DIR, load

pytestmark = pytest.mark.anyio

KEYS = {"DD-API-KEY": "seed-test", "DD-APPLICATION-KEY": "seed-test"}
DUMP = """
import json, sys
from case_mcp.sandbox import Sandbox
with Sandbox() as sandbox:
    conn = sandbox.store.conn
    tables = [t for (t,) in conn.execute(
        "SELECT name FROM pragma_table_list"
        " WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    json.dump({t: [list(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid")]
               for t in tables}, sys.stdout)
"""


def dump(sandbox: Sandbox) -> dict[str, list[list[Any]]]:
    """Every row of every table, in insertion order, as JSON would carry them."""
    conn = sandbox.store.conn
    tables = [
        name
        for (name,) in conn.execute(
            # Tables of rows; the search index's virtual and shadow tables are derived.
            "SELECT name FROM pragma_table_list"
            " WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
        )
    ]
    assert tables
    return {
        table: [list(row) for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid")]
        for table in tables
    }


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    """One seeded sandbox, shared by the read-only tests of this module."""
    with Sandbox(rate_limit=None) as sandbox:
        yield sandbox


@pytest.fixture
async def http(demo: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    """A client of the seeded sandbox's API."""
    async with httpx2.AsyncClient(
        transport=demo.transport(), base_url="http://sandbox", headers=KEYS
    ) as client:
        yield client


async def get(http: httpx2.AsyncClient, path: str, **params: Any) -> Any:
    answer = await http.get(path, params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def all_cases(http: httpx2.AsyncClient) -> list[dict[str, Any]]:
    document = await get(http, "/api/v2/cases", filter="archived:any", **{"page[size]": 100})
    cases: list[dict[str, Any]] = document["data"]
    assert document["meta"]["total_cases"] == len(cases)
    return cases


def test_two_sandboxes_hold_the_same_organisation(demo: Sandbox, tmp_path: Path) -> None:
    """Seeding writes the same rows, ids and timestamps whenever it runs.

    In-memory sandboxes copy one seeded database; a new file is seeded where it is, so this
    also shows that the copy is what seeding writes.
    """
    with Sandbox(db_path=tmp_path / "seeded-in-place.db") as other:
        assert dump(other) == dump(demo)


def test_the_organisation_does_not_depend_on_the_process() -> None:
    """A process with another hash seed builds the same organisation."""
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    result = subprocess.run(
        [sys.executable, "-c", DUMP], env=env, capture_output=True, text=True, check=True
    )
    with Sandbox() as here:
        assert json.loads(result.stdout) == json.loads(json.dumps(dump(here)))


async def test_after_seeding_the_sandbox_runs_on_its_own_clock_and_ids() -> None:
    """The seed's scripted clock and uuid5 ids end with the seed."""
    moment = datetime(2027, 1, 4, 9, 30, tzinfo=UTC)
    with Sandbox(clock=lambda: moment) as sandbox:
        async with httpx2.AsyncClient(
            transport=sandbox.transport(), base_url="http://sandbox", headers=KEYS
        ) as client:
            project = (await get(client, "/api/v2/cases/projects"))["data"][0]["id"]
            body = {
                "data": {
                    "type": "case",
                    "attributes": {"title": "After the seed", "type_id": _standard()},
                    "relationships": {"project": {"data": {"id": project, "type": "project"}}},
                }
            }
            answer = await client.post("/api/v2/cases", json=body)
    assert answer.status_code == 201, answer.text
    case = answer.json()["data"]
    assert case["attributes"]["created_at"] == "2027-01-04T09:30:00.000000Z"
    assert case["relationships"]["created_by"]["data"]["id"] == Sandbox.ACTOR_ID
    assert uuid.UUID(case["id"]).version == 4


def _standard() -> str:
    return "00000000-0000-0000-0000-000000000001"


def test_seeding_twice_is_refused_and_changes_nothing(demo: Sandbox) -> None:
    """A seeded store cannot be seeded again; the refusal leaves every row as it was."""
    before = dump(demo)
    with pytest.raises(Conflict):
        seed_demo_org(demo.store)
    assert dump(demo) == before


async def test_the_people_include_the_api_user_a_pending_and_a_disabled_user(
    http: httpx2.AsyncClient,
) -> None:
    """Ten people and the API service account; an invitee shows no name; one is disabled."""
    users = (await get(http, "/api/v2/users", **{"page[size]": 100}))["data"]
    attributes = {user["id"]: user["attributes"] for user in users}
    assert len(users) >= 11
    assert all(user["email"].endswith("@demo-org.example") for user in attributes.values())
    api_user = attributes[Sandbox.ACTOR_ID]
    assert (api_user["name"], api_user["service_account"]) == ("Case MCP Sandbox", True)
    assert Counter(user["status"] for user in attributes.values()) == {
        "Active": len(users) - 2,
        "Pending": 1,
        "Disabled": 1,
    }
    pending = next(user for user in attributes.values() if user["status"] == "Pending")
    assert pending["name"] == ""


async def test_the_builtin_case_types_are_datadogs_own(http: httpx2.AsyncClient) -> None:
    """The five built-in types match Datadog's recorded answer exactly; one custom type follows."""
    recorded = load(CASSETTE_DIR / "test_get_all_case_types_returns_ok_response.yaml")
    builtin = recorded.exchanges[0].json_answer()["data"][:5]
    types = (await get(http, "/api/v2/cases/types"))["data"]
    assert types[:5] == builtin
    assert [t["attributes"]["internal"] for t in types[5:]] == [False]


async def test_custom_attributes_of_every_type_single_and_multi(http: httpx2.AsyncClient) -> None:
    """URL, TEXT, NUMBER and SELECT attributes exist both single-valued and multi-valued."""
    configs = (await get(http, "/api/v2/cases/types/custom_attributes"))["data"]
    kinds = {(c["attributes"]["type"], c["attributes"]["is_multi"]) for c in configs}
    types = ("URL", "TEXT", "NUMBER", "SELECT")
    assert kinds == {(kind, multi) for kind in types for multi in (False, True)}


async def test_the_cases_cover_every_status_priority_type_and_project(
    http: httpx2.AsyncClient,
) -> None:
    """At least 60 cases, across every status group, change request status and priority."""
    cases = [case["attributes"] for case in await all_cases(http)]
    projects = (await get(http, "/api/v2/cases/projects"))["data"]
    types = (await get(http, "/api/v2/cases/types"))["data"]
    assert len(cases) >= 60
    assert len(projects) >= 3
    groups = Counter(case["status_group"] for case in cases)
    assert min(groups[group] for group in ("SG_OPEN", "SG_IN_PROGRESS", "SG_CLOSED")) >= 8
    assert {case["status_name"] for case in cases} >= {
        "Open", "In Progress", "Closed", "Pending Approval", "Approved", "Implementing",
        "Completed", "Cancelled", "Declined",
    }  # fmt: skip
    assert {case["priority"] for case in cases} == {"P1", "P2", "P3", "P4", "P5", "NOT_DEFINED"}
    assert {case["type_id"] for case in cases} == {t["id"] for t in types}
    assert {case["key"].split("-")[0] for case in cases} == {
        p["attributes"]["key"] for p in projects
    }


async def test_cases_carry_attributes_people_and_integration_insights(
    http: httpx2.AsyncClient,
) -> None:
    """Attributes, custom values, assignees (and not), archives, and insights of integrations."""
    cases = await all_cases(http)
    attributes = [case["attributes"] for case in cases]
    assert {name for case in attributes for name in case["attributes"]} >= {
        "service", "env", "team", "region",
    }  # fmt: skip
    assert sum(bool(case["custom_attributes"]) for case in attributes) >= 20
    assigned = sum("assignee" in case["relationships"] for case in cases)
    assert 0 < len(cases) - assigned < len(cases) // 4
    assert 2 <= sum("archived_at" in case for case in attributes) <= 6
    sources = Counter(case["creation_source"] for case in attributes)
    assert sources.keys() == {"MANUAL", "ERROR_TRACKING", "SECURITY_SIGNAL", "MONITOR"}
    for case in attributes:
        if case["creation_source"] == "MANUAL":
            assert case["insights"] == []
        else:
            [insight] = case["insights"]
            assert insight.keys() == {"type", "ref", "resource_id"}
            assert insight["type"] == case["creation_source"]


async def test_every_timeline_starts_with_the_opening_and_holds_the_comments(
    http: httpx2.AsyncClient,
) -> None:
    """Each case's history begins with its creation; its comments (0 to 6) are all there."""
    comment_counts, authors, kinds = [], set(), set()
    for case in await all_cases(http):
        cells = (
            await get(
                http,
                f"/api/v2/cases/{case['id']}/timelines",
                **{"page[size]": 100, "sort[ascending]": "true"},
            )
        )["data"]
        types = [cell["attributes"]["type"] for cell in cells]
        assert types[0] == "CASE_CREATED"
        assert types.count("COMMENT") == case["attributes"]["comment_count"]
        comment_counts.append(case["attributes"]["comment_count"])
        kinds |= set(types)
        authors |= {
            cell["attributes"]["author"]["content"]["ID"]
            for cell in cells
            if cell["attributes"]["type"] == "COMMENT"
        }
    assert (min(comment_counts), max(comment_counts)) == (0, 6)
    assert len(authors) >= 5
    assert kinds >= {
        "CASE_CREATED", "COMMENT", "STATUS_CHANGE", "PRIORITY_CHANGE", "ASSIGNMENT_CHANGE",
        "ARCHIVE_CHANGE", "ATTRIBUTES_CHANGE", "CUSTOM_ATTRIBUTE_CHANGE", "TITLE_CHANGE",
        "PROJECT_CHANGE",
    }  # fmt: skip
