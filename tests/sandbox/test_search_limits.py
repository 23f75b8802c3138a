"""The search language's limits: whatever the query, a page of cases or a 400 saying what to fix.

Deep nesting, long runs of NOT, thousands of terms and times past the calendar once crashed
the sandbox (a RecursionError, SQLite's parser stack, an OverflowError). The parser now bounds
each, and a property test holds every query to "answered, or refused with a 400".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from case_mcp.sandbox import Sandbox

# Unit tests of the search parser's limits: the refusals name the parser's own bounds.
from case_mcp.sandbox._errors import BadRequest
from case_mcp.sandbox._search import MAX_DEPTH, MAX_LENGTH, MAX_NEGATIONS, MAX_TERMS

pytestmark = pytest.mark.anyio

# The costliest term to compile: a text search that is also a case key, an assignee pattern
# and a time on a column that may be unset, each a subquery or a guarded comparison.
COSTLY = "SEC-12 assignee:j* closed_at:>now-1d"


def nested(depth: int, negations: int, inner: str = COSTLY) -> str:
    """`inner` inside `depth` groups, each negated `negations` times and beside a facet."""
    query = inner
    for level in range(depth):
        query = f"{'NOT ' * negations}(env:e{level} OR {query})"
    return query


async def refusal(http: httpx2.AsyncClient, query: str) -> dict[str, Any]:
    """The error object of a query the sandbox refuses."""
    answer = await http.get("/api/v2/cases", params={"filter": query})
    assert answer.status_code == 400, answer.text
    (error,) = answer.json()["errors"]
    assert error.keys() == {"status", "title", "detail"}
    assert (error["status"], error["title"]) == ("400", "Bad Request")
    return dict(error)


@pytest.mark.parametrize(
    ("query", "problem"),
    [
        ("(" * 400 + "disk" + ")" * 400, f"nested more than {MAX_DEPTH} deep"),
        ("priority:(" * 100 + "p1" + ")" * 100, f"nested more than {MAX_DEPTH} deep"),
        ("NOT " * 300 + "disk", f"more than {MAX_NEGATIONS} NOT or - in a row"),
        ("-" * 300 + "disk", f"more than {MAX_NEGATIONS} NOT or - in a row"),
        ("NOT -NOT disk", f"more than {MAX_NEGATIONS} NOT or - in a row"),
        (" OR ".join(["disk"] * 500), f"more than {MAX_TERMS} terms"),
        (" ".join(["env:prod"] * 1000), f"longer than {MAX_LENGTH} characters"),
        ("created_at:>now-999999w", "reaches back more than 100 years"),
        ("modified_at:<=now-999999d", "reaches back more than 100 years"),
        ("created_at:9999-12-31", "outside the times a search can name"),
        ("created_at:>0001-01-01T00:00:00+14:00", "outside the times a search can name"),
        ("closed_at:<9999-12-31T23:59:59-14:00", "outside the times a search can name"),
    ],
)
async def test_a_query_past_a_limit_is_a_bad_request_naming_it(
    http: httpx2.AsyncClient, query: str, problem: str
) -> None:
    """Each query that once crashed the sandbox gets Datadog's 400, whose detail names the limit."""
    error = await refusal(http, query)

    assert problem in error["detail"]
    assert "Invalid search query" in error["detail"]


async def test_the_detail_quotes_a_long_query_in_part(http: httpx2.AsyncClient) -> None:
    """A refused query is not echoed whole: the detail stays short whatever was sent."""
    error = await refusal(http, " ".join(["env:prod"] * 1000))

    assert len(error["detail"]) < 500


async def test_queries_at_every_limit_are_answered(
    http: httpx2.AsyncClient, sandbox: Sandbox
) -> None:
    """The deepest, most negated, longest queries the limits allow all run."""
    deepest = nested(MAX_DEPTH, MAX_NEGATIONS)
    most_terms = " ".join(["SEC-12"] * MAX_TERMS)
    widest = " OR ".join(["assignee:j*"] * MAX_TERMS)
    longest = "env:" + "x" * (MAX_LENGTH - len("env:"))
    farthest = "created_at:>now-5217w created_at:>0001-01-02 created_at:<9999-12-30"

    for query in (deepest, most_terms, widest, longest, farthest):
        answer = await http.get("/api/v2/cases", params={"filter": query})
        assert answer.status_code == 200, (query[:80], answer.text)


# Any query, parsed and run --------------------------------------------------------------------

ATOMS = st.sampled_from(
    [
        "disk",
        "SEC-12",
        '"a \\" quoted \\\\ phrase"',
        "status:open",
        "status_group:closed",
        "priority:p1",
        "project:SEC",
        "assignee:none",
        "assignee:j*",
        'assignee:"Jane Doe"',
        "type:standard",
        "key:SEC-*",
        "archived:any",
        "service:web-*",
        "env:*",
        "created_at:2026-09-01",
        "closed_at:<=2026-09-01T08:00:00Z",
    ]
)
TIMES = st.builds(
    lambda name, op, amount, unit: f"{name}:{op}now-{amount}{unit}",
    st.sampled_from(["created_at", "modified_at", "closed_at"]),
    st.sampled_from(["", ">", ">=", "<", "<="]),
    st.integers(min_value=0, max_value=999_999),
    st.sampled_from("mhdw"),
)
DATES = st.builds(
    lambda name, moment: f"{name}:>{moment.isoformat()}",
    st.sampled_from(["created_at", "closed_at"]),
    st.datetimes(timezones=st.timezones()) | st.datetimes(),
)
TERMS = ATOMS | TIMES | DATES | st.text(max_size=12)


def _combined(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=1, max_size=4).map(" ".join),
        st.lists(children, min_size=2, max_size=4).map(" OR ".join),
        st.tuples(st.sampled_from(["NOT ", "-", "NOT -", "--"]), children).map("".join),
        children.map(lambda query: f"({query})"),
        children.map(lambda query: f"priority:({query})"),
    )


QUERIES = st.one_of(
    st.recursive(TERMS, _combined, max_leaves=40),
    st.builds(nested, st.integers(0, 3 * MAX_DEPTH), st.integers(0, 3 * MAX_NEGATIONS), ATOMS),
    st.builds(
        lambda term, count, separator: separator.join([term] * count),
        ATOMS,
        st.integers(1, 4 * MAX_TERMS),
        st.sampled_from([" ", " OR ", " AND "]),
    ),
    st.text(alphabet=st.sampled_from('()-" \\:*NOTRA'), max_size=200),
)


@pytest.fixture(scope="module")
def demo() -> Iterator[Sandbox]:
    """The demo organisation, shared by every example."""
    with Sandbox() as sandbox:
        yield sandbox


@settings(
    max_examples=300,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(query=QUERIES)
@example(query="(" * 400 + "a" + ")" * 400)
@example(query="NOT " * 300 + "a")
@example(query="-" * 300 + "a")
@example(query="created_at:>now-999999w")
@example(query=" ".join(["a"] * 2000))
@example(query="a\ud800b")
def test_every_query_is_answered_or_refused_as_a_bad_request(demo: Sandbox, query: str) -> None:
    """Any query, nested, negated, long or garbled, gets cases or a BadRequest, nothing else."""
    try:
        demo.store.search_cases(query=query, page_size=5)
    except BadRequest as error:
        refused = error.detail
    else:
        return
    assert refused.startswith("Invalid search query")


@pytest.mark.parametrize(
    ("path", "first"),
    [
        ("/api/v2/cases", 1),
        ("/api/v2/cases/SEC-1/timelines", 0),
        ("/api/v2/users", 0),
    ],
)
async def test_a_page_number_past_any_offset_is_a_bad_parameter(
    http: httpx2.AsyncClient, new_case: Any, path: str, first: int
) -> None:
    """page[number] 10**30 once overflowed SQLite's integers; it is refused, naming the bound."""
    await new_case()
    answer = await http.get(path, params={"page[number]": str(10**30)})

    assert answer.status_code == 400, answer.text
    (error,) = answer.json()["errors"]
    assert error["title"] == "Invalid Parameter"
    assert error["detail"].startswith(
        f'invalid parameter "page[number]" in "query"; expected an integer from {first} to '
    )
