"""The case search language, driven through GET /api/v2/cases?filter=... on a small org.

Each test opens a few cases in the conftest's organisation (projects SEC and OPS, Jane, the
Standard and Change Request types) and checks which of them a query finds.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from case_mcp.sandbox import Sandbox, _search

# Unit tests of the search language's parser and of the server's query writer, which are
# private algorithms: the parser's errors and the writer are reached through them directly.
from case_mcp.sandbox._errors import BadRequest
from case_mcp.sandbox._search import compile_query
from case_mcp.sandbox._search_tokens import tokenize
from case_mcp.server.tools._search_query import facet

pytestmark = pytest.mark.anyio


async def found(http: httpx2.AsyncClient, query: str) -> set[str]:
    """The titles of the cases a query finds."""
    answer = await http.get("/api/v2/cases", params={"filter": query, "page[size]": 100})
    assert answer.status_code == 200, answer.text
    return {case["attributes"]["title"] for case in answer.json()["data"]}


async def refusal(http: httpx2.AsyncClient, query: str) -> dict[str, Any]:
    """The error object of a query the sandbox refuses."""
    answer = await http.get("/api/v2/cases", params={"filter": query})
    assert answer.status_code == 400, answer.text
    errors: list[dict[str, Any]] = answer.json()["errors"]
    assert len(errors) == 1
    return errors[0]


@pytest.fixture
async def incidents(new_case: Any, sandbox: Sandbox, org: dict[str, str]) -> dict[str, str]:
    """Four cases with different texts, statuses, priorities, attributes and people."""
    store, actor = sandbox.store, sandbox.ACTOR_ID
    checkout = await new_case(
        "Elevated 5xx on checkout-api",
        description="Errors started after deploy 2026.09.14.",
        priority="P1",
        assignee=org["jane"],
    )
    flaky = await new_case("Flaky test in the payments suite", project=org["ops"], priority="P3")
    login = await new_case(
        "Login latency above SLO",
        description="p99 of the web-api login route is 2.4 s.",
        priority="P2",
    )
    disk = await new_case("Disk almost full on db-3", project=org["ops"])
    for case, attributes in (
        (checkout, {"service": ["checkout-api"], "env": ["prod"]}),
        (flaky, {"service": ["payments-worker"], "env": ["staging"]}),
        (login, {"service": ["web-api", "web-gateway"], "team": ["sre"]}),
    ):
        store.update_attributes(case["id"], attributes, actor_id=actor)
    store.update_status(login["id"], status="IN_PROGRESS", actor_id=actor)
    store.update_status(flaky["id"], status="CLOSED", actor_id=actor)
    return {
        "checkout": checkout["attributes"]["title"],
        "flaky": flaky["attributes"]["title"],
        "login": login["attributes"]["title"],
        "disk": disk["attributes"]["title"],
    }


async def test_an_empty_query_finds_every_live_case(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """No filter lists every case that is not archived."""
    assert await found(http, "") == set(incidents.values())


async def test_words_match_the_title_or_description_in_any_case(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """A free word is a case-insensitive substring of the title or the description."""
    assert await found(http, "CHECKOUT") == {incidents["checkout"]}
    assert await found(http, "deploy") == {incidents["checkout"]}
    assert await found(http, "web-api") == {incidents["login"]}


async def test_every_word_must_match(http: httpx2.AsyncClient, incidents: dict[str, str]) -> None:
    """Words separated by spaces are all required, in any order."""
    assert await found(http, "suite flaky") == {incidents["flaky"]}
    assert await found(http, "flaky checkout") == set()


async def test_a_quoted_phrase_matches_as_one_piece_of_text(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """A phrase in quotes must appear as written, spaces included."""
    assert await found(http, '"test in the"') == {incidents["flaky"]}
    assert await found(http, '"in test"') == set()


async def test_status_takes_a_value_or_a_name(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """status: accepts values and names, in any case, quoted when they have spaces."""
    for query in ("status:in_progress", 'status:"In Progress"', "status:IN_PROGRESS"):
        assert await found(http, query) == {incidents["login"]}, query
    assert await found(http, "status:closed") == {incidents["flaky"]}


async def test_status_group_finds_every_status_of_the_group(
    http: httpx2.AsyncClient,
    sandbox: Sandbox,
    new_case: Any,
    incidents: dict[str, str],
    org: dict[str, str],
) -> None:
    """status_group:closed finds a Completed change request, which status:closed does not."""
    change = await new_case("Rotate certificates", type_id=org["change_request"])
    sandbox.store.update_status(change["id"], status_name="Completed", actor_id=sandbox.ACTOR_ID)
    assert await found(http, "status_group:closed") == {incidents["flaky"], "Rotate certificates"}
    assert await found(http, "status:closed") == {incidents["flaky"]}
    assert await found(http, "status:completed") == {"Rotate certificates"}


async def test_priority_project_and_type_facets(
    http: httpx2.AsyncClient, incidents: dict[str, str], org: dict[str, str]
) -> None:
    """priority:, project: (key or id) and type: (name, id or wire type) narrow the search."""
    assert await found(http, "priority:p1") == {incidents["checkout"]}
    assert await found(http, "priority:not_defined") == {incidents["disk"]}
    assert await found(http, "project:ops") == {incidents["flaky"], incidents["disk"]}
    assert await found(http, f"project:{org['sec']}") == {incidents["checkout"], incidents["login"]}
    for query in ("type:standard", "type:STANDARD", "type:00000000-0000-0000-0000-000000000001"):
        assert await found(http, query) == set(incidents.values()), query
    assert await found(http, 'type:"change request"') == set()


async def test_assignee_is_found_by_id_email_handle_or_name(
    http: httpx2.AsyncClient, incidents: dict[str, str], org: dict[str, str]
) -> None:
    """assignee: takes any of a user's names, and none finds unassigned cases."""
    for query in (f"assignee:{org['jane']}", "assignee:JANE@example.com", "assignee:jane",
                  'assignee:"jane doe"', "assignee:*"):  # fmt: skip
        assert await found(http, query) == {incidents["checkout"]}, query
    assert await found(http, "assignee:none") == set(incidents.values()) - {incidents["checkout"]}


async def test_excluding_an_assignee_keeps_unassigned_cases(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """-assignee:jane finds every case Jane does not have, assigned or not."""
    assert await found(http, "-assignee:jane") == set(incidents.values()) - {incidents["checkout"]}


async def test_other_names_are_case_attributes(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """service:, env:, team: and any other name match the attributes map, values in any case."""
    assert await found(http, "service:CHECKOUT-API") == {incidents["checkout"]}
    assert await found(http, "service:web-gateway") == {incidents["login"]}
    assert await found(http, "env:prod") == {incidents["checkout"]}
    assert await found(http, "team:sre service:web-api") == {incidents["login"]}
    assert await found(http, "service:web") == set()


async def test_a_star_matches_any_text_in_a_value(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """service:web-* finds web-api; env:* finds the cases that have an env at all."""
    assert await found(http, "service:web-*") == {incidents["login"]}
    assert await found(http, "service:*-worker") == {incidents["flaky"]}
    assert await found(http, "env:*") == {incidents["checkout"], incidents["flaky"]}


async def test_a_minus_excludes_facets_words_and_phrases(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """-status:closed, -env:prod (cases without env included) and -"..." exclude."""
    everything = set(incidents.values())
    assert await found(http, "-status:closed") == everything - {incidents["flaky"]}
    assert await found(http, "-env:prod") == everything - {incidents["checkout"]}
    assert await found(http, '-"flaky test" -checkout') == {incidents["login"], incidents["disk"]}
    assert await found(http, "NOT priority:p1") == everything - {incidents["checkout"]}


async def test_or_and_parentheses_combine_terms(
    http: httpx2.AsyncClient, incidents: dict[str, str]
) -> None:
    """OR takes either side, binds looser than AND, and parentheses group."""
    assert await found(http, "priority:p1 OR priority:p2") == {
        incidents["checkout"],
        incidents["login"],
    }
    assert await found(http, "priority:(p1 OR p3)") == {incidents["checkout"], incidents["flaky"]}
    assert await found(http, "disk OR login project:ops") == {incidents["disk"]}
    assert await found(http, "(disk OR login) project:sec") == {incidents["login"]}


async def test_key_finds_a_case_by_its_current_or_former_key(
    http: httpx2.AsyncClient, sandbox: Sandbox, incidents: dict[str, str], org: dict[str, str]
) -> None:
    """key: matches a case's key, and the key it had before a move; a bare key word too."""
    sandbox.store.move_case_to_project("SEC-1", org["ops"], actor_id=sandbox.ACTOR_ID)
    for query in ("key:SEC-1", "key:ops-3", "sec-1", "OPS-3"):
        assert await found(http, query) == {incidents["checkout"]}, query
    assert await found(http, "key:OPS-*") == {
        incidents["checkout"],
        incidents["flaky"],
        incidents["disk"],
    }


async def test_archived_cases_come_back_only_when_the_query_names_archived(
    http: httpx2.AsyncClient, sandbox: Sandbox, incidents: dict[str, str]
) -> None:
    """archived:true finds only archived cases, archived:any every case, and no mention none."""
    sandbox.store.archive_case("OPS-2", actor_id=sandbox.ACTOR_ID)
    everything = set(incidents.values())
    assert await found(http, "disk") == set()
    assert await found(http, "archived:true") == {incidents["disk"]}
    assert await found(http, "archived:false") == everything - {incidents["disk"]}
    assert await found(http, "archived:any project:ops") == {incidents["flaky"], incidents["disk"]}
    assert await found(http, "-archived:true") == everything - {incidents["disk"]}


async def test_times_compare_with_dates_times_and_now(
    http: httpx2.AsyncClient, now: list[datetime], new_case: Any
) -> None:
    """created_at: and closed_at: take >, >=, <, <= with dates, UTC times or now-<n><unit>."""
    await new_case("Older")
    now[0] = now[0] + timedelta(days=10)
    await new_case("Newer")
    assert await found(http, "created_at:>=2026-09-05") == {"Newer"}
    assert await found(http, "created_at:<2026-09-05T00:00:00Z") == {"Older"}
    assert await found(http, "created_at:2026-09-01") == {"Older"}
    assert await found(http, "created_at:>now-2d") == {"Newer"}
    assert await found(http, "created_at:<=now-1w") == {"Older"}
    assert await found(http, "closed_at:*") == set()
    assert await found(http, "-closed_at:>2026-01-01") == {"Older", "Newer"}


async def test_due_date_compares_with_dates_and_finds_cases_with_none(
    http: httpx2.AsyncClient, sandbox: Sandbox, new_case: Any
) -> None:
    """due_date: takes a date, a comparison with one, * (has one) or none (has none)."""
    store, actor = sandbox.store, sandbox.ACTOR_ID
    for title, due_date in (("Due at year end", "2026-12-31"), ("Due in autumn", "2026-10-01")):
        case = await new_case(title)
        store.update_case_due_date(case["id"], due_date, actor_id=actor)
    await new_case("No due date")
    assert await found(http, "due_date:2026-12-31") == {"Due at year end"}
    assert await found(http, "due_date:<2026-12-31") == {"Due in autumn"}
    assert await found(http, "due_date:>=2026-10-01") == {"Due at year end", "Due in autumn"}
    assert await found(http, "due_date:*") == {"Due at year end", "Due in autumn"}
    assert await found(http, "due_date:none") == {"No due date"}
    assert await found(http, "-due_date:<2026-12-31") == {"Due at year end", "No due date"}


async def test_resolved_reason_is_a_facet(
    http: httpx2.AsyncClient, sandbox: Sandbox, new_case: Any
) -> None:
    """resolved_reason: takes a documented reason in any case, * (has one) or none."""
    store, actor = sandbox.store, sandbox.ACTOR_ID
    for title, reason in (("Benign scan", "BENIGN_POSITIVE"), ("Real intrusion", "TRUE_POSITIVE")):
        case = await new_case(title)
        store.update_case_resolved_reason(case["id"], reason, actor_id=actor)
    await new_case("Still open")
    assert await found(http, "resolved_reason:true_positive") == {"Real intrusion"}
    assert await found(http, "resolved_reason:*_POSITIVE") == {"Benign scan", "Real intrusion"}
    assert await found(http, "resolved_reason:*") == {"Benign scan", "Real intrusion"}
    assert await found(http, "resolved_reason:none") == {"Still open"}
    assert await found(http, "-resolved_reason:benign_positive") == {"Real intrusion", "Still open"}


async def test_creation_source_is_a_facet(http: httpx2.AsyncClient, new_case: Any) -> None:
    """creation_source: matches how the case was opened, in any case."""
    await new_case("Typed by hand")
    assert await found(http, "creation_source:manual") == {"Typed by hand"}
    assert await found(http, "creation_source:error_tracking") == set()


async def test_values_are_data_never_sql(http: httpx2.AsyncClient, new_case: Any) -> None:
    """Quotes, SQL and LIKE wildcards in a query are matched literally."""
    await new_case("100% CPU on worker_1")
    await new_case("100 CPU on workerX1")
    assert await found(http, '"\'; DROP TABLE cases; --"') == set()
    assert await found(http, "100%") == {"100% CPU on worker_1"}
    assert await found(http, "worker_1") == {"100% CPU on worker_1"}
    assert await found(http, "") == {"100% CPU on worker_1", "100 CPU on workerX1"}


@pytest.mark.parametrize(
    ("query", "hint"),
    [
        ('"unterminated', 'another "'),
        ("status:", "status:<value>"),
        ("status:opened", "in_progress"),
        ("priority:p9", "not_defined"),
        ("status_group:done", "in_progress"),
        ("archived:maybe", "archived:any"),
        ("created_at:>yesterday", "now-7d"),
        ("due_date:>next-week", "due_date:<=2026-12-31"),
        ("due_date:2026-02-30", "YYYY-MM-DD"),
        ("resolved_reason:fixed", "false_positive, true_positive, benign_positive"),
        ("(disk", "')'"),
        ("disk)", "'('"),
        ("disk OR", "term"),
        ("- disk", "-status:closed"),
    ],
)
async def test_an_unreadable_query_is_refused_saying_how_to_write_it(
    http: httpx2.AsyncClient, query: str, hint: str
) -> None:
    """A 400 in Datadog's Bad Request shape whose detail names the problem and the fix."""
    error = await refusal(http, query)
    assert error.keys() == {"status", "title", "detail"}
    assert (error["status"], error["title"]) == ("400", "Bad Request")
    assert hint in error["detail"]


def test_every_value_is_a_sql_parameter() -> None:
    """User text reaches SQL only through parameters."""
    sql, params = compile_query("service:o'hara \"x' OR 1=1\" -env:prod'")
    for text in ("hara", "1=1", "prod"):
        assert text not in sql
    phrase = '"x\' OR 1=1"'  # the trigram index's query, then LIKE's patterns
    assert params == ["service", "o'hara", phrase, "%x' OR 1=1%", "%x' OR 1=1%", "env", "prod'"]


def test_the_documented_examples_compile() -> None:
    """Every example in the syntax documentation is a valid query."""
    doc = _search.__doc__ or ""
    examples = [line.strip() for line in doc.split("Examples:")[1].splitlines() if line.strip()]
    assert len(examples) >= 5
    for example in examples:
        compile_query(example)


def test_refusals_are_bad_requests() -> None:
    """compile_query raises the sandbox's BadRequest, which answers 400."""
    with pytest.raises(BadRequest):
        compile_query("status:")


@settings(max_examples=200, derandomize=True, database=None)
@given(name=st.sampled_from(["assignee", "project", "priority", "status_group"]), value=st.text())
def test_every_value_written_into_a_query_is_read_back_as_that_one_value(
    name: str, value: str
) -> None:
    """The search language reads a facet the server writes as one term holding the value."""
    tokens = tokenize(facet(name, value))

    assert [(token.kind, token.name, token.text) for token in tokens] == [("facet", name, value)]
