"""Searching cases: paging meta, sort orders and their parameters, as Datadog pages them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx2
import pytest

pytestmark = pytest.mark.anyio


async def open_cases(new_case: Any, now: list[datetime], priorities: list[str]) -> list[str]:
    """Open one case per priority, a minute apart; their keys in order of creation."""
    keys = []
    for minute, priority in enumerate(priorities):
        now[0] = datetime(2026, 9, 1, 8, minute, tzinfo=UTC)
        keys.append((await new_case(f"Case {minute}", priority=priority))["attributes"]["key"])
    return keys


async def search(http: httpx2.AsyncClient, **params: Any) -> dict[str, Any]:
    answer = await http.get("/api/v2/cases", params=params)
    assert answer.status_code == 200, answer.text
    document: dict[str, Any] = answer.json()
    return document


def keys(document: dict[str, Any]) -> list[str]:
    return [case["attributes"]["key"] for case in document["data"]]


async def test_pages_report_total_cases_page_size_and_page_count(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """meta says how many cases match, which page this is, its size and how many pages."""
    await open_cases(new_case, now, ["P3"] * 5)

    first = await search(http, **{"page[size]": 2, "page[number]": 1})
    last = await search(http, **{"page[size]": 2, "page[number]": 3})
    beyond = await search(http, **{"page[size]": 2, "page[number]": 4})

    assert first["meta"] == {"total_cases": 5, "page": {"current": 1, "size": 2, "total": 3}}
    assert last["meta"] == {"total_cases": 5, "page": {"current": 3, "size": 1, "total": 3}}
    assert (beyond["data"], beyond["included"]) == ([], [])


async def test_search_results_carry_their_author_inline(
    http: httpx2.AsyncClient, new_case: Any, sandbox: Any
) -> None:
    """Each result has created_by_author, as Datadog's search answers do."""
    await new_case()

    result = (await search(http))["data"][0]["attributes"]["created_by_author"]

    assert result == {
        "type": "USER",
        "content": {
            "ID": sandbox.ACTOR_ID,
            "name": "Case MCP Sandbox",
            "email": "case-mcp-sandbox@demo-org.example",
            "handle": sandbox.ACTOR_ID,
            "active": True,
        },
    }


async def test_the_default_order_is_newest_first(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """Without sort parameters the newest case comes first; sort[asc] reverses."""
    created = await open_cases(new_case, now, ["P3", "P3", "P3"])

    assert keys(await search(http)) == created[::-1]
    assert keys(await search(http, **{"sort[asc]": "true"})) == created


async def test_priority_order_puts_the_most_urgent_first(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """sort[field]=priority lists P1 first and NOT_DEFINED last; ascending reverses."""
    created = await open_cases(new_case, now, ["P3", "NOT_DEFINED", "P1", "P5"])

    descending = await search(http, **{"sort[field]": "priority"})
    ascending = await search(http, **{"sort[field]": "priority", "sort[asc]": "true"})

    assert keys(descending) == [created[2], created[0], created[3], created[1]]
    assert keys(ascending) == [created[1], created[3], created[0], created[2]]


async def test_status_order_follows_the_workflow(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """sort[field]=status ascending lists open, then in progress, then closed cases."""
    created = await open_cases(new_case, now, ["P3", "P3", "P3"])
    for key, status in zip(created, ["CLOSED", "OPEN", "IN_PROGRESS"], strict=True):
        await http.post(
            f"/api/v2/cases/{key}/status",
            json={"data": {"type": "case", "attributes": {"status": status}}},
        )

    ascending = await search(http, **{"sort[field]": "status", "sort[asc]": "true"})

    assert keys(ascending) == [created[1], created[2], created[0]]


async def test_archived_cases_are_left_out_unless_asked_for(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime]
) -> None:
    """An archived case is found only with archived:true."""
    created = await open_cases(new_case, now, ["P3", "P3"])
    await http.post(f"/api/v2/cases/{created[0]}/archive", json={"data": {"type": "case"}})

    assert keys(await search(http)) == [created[1]]
    assert keys(await search(http, filter="archived:true")) == [created[0]]


async def test_the_filter_narrows_the_results_and_the_total(
    http: httpx2.AsyncClient, new_case: Any, now: list[datetime], org: dict[str, str]
) -> None:
    """The filter query applies to both the page and total_cases."""
    await open_cases(new_case, now, ["P1", "P2", "P1"])
    now[0] += timedelta(minutes=5)
    await new_case("Elsewhere", project=org["ops"], priority="P1")

    found = await search(http, filter="priority:p1 project:SEC")

    assert (keys(found), found["meta"]["total_cases"]) == (["SEC-3", "SEC-1"], 2)


@pytest.mark.parametrize(
    ("params", "detail"),
    [
        (
            {"page[size]": "101"},
            'invalid parameter "page[size]" in "query"; expected an integer from 1 to 100, '
            'got "101"',
        ),
        (
            {"page[size]": "0"},
            'invalid parameter "page[size]" in "query"; expected an integer from 1 to 100, got "0"',
        ),
        (
            {"page[number]": "0"},
            'invalid parameter "page[number]" in "query"; expected an integer from 1 to '
            '1000000000, got "0"',
        ),
        (
            {"sort[field]": "title"},
            'invalid parameter "sort[field]" in "query"; expected one of created_at, priority, '
            'status, got "title"',
        ),
        (
            {"sort[asc]": "yes"},
            'invalid parameter "sort[asc]" in "query"; expected true or false, got "yes"',
        ),
    ],
)
async def test_paging_and_sort_parameters_out_of_range_are_refused(
    http: httpx2.AsyncClient, params: dict[str, str], detail: str
) -> None:
    """Each bad parameter answers 400 naming it and what it accepts."""
    answer = await http.get("/api/v2/cases", params=params)

    assert (answer.status_code, answer.json()) == (
        400,
        {"errors": [{"status": "400", "title": "Invalid Parameter", "detail": detail}]},
    )
