"""search_cases with queries past the search language's limits: told what to fix, asked once.

Such queries once crashed the sandbox: the model read a bare "Error executing tool
search_cases", and the client sent the query five times, since a 500 is retried. They are a
400 now, which names the limit and is never retried.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import httpx2
import pytest
from mcp import Client

from case_mcp.sandbox import Sandbox
from guarded import error_text
from lossy import LoseAnswers, no_backoff, resilient_server

pytestmark = pytest.mark.anyio


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting, should a retry happen."""
    with no_backoff():
        yield


def transport(sandbox: Sandbox, served: Literal["in_process", "over_http"]) -> LoseAnswers:
    """The sandbox in process, or as a server answers: a crash becomes a 500 response."""
    if served == "in_process":
        return LoseAnswers(sandbox.transport())
    return LoseAnswers(httpx2.ASGITransport(app=sandbox.app, raise_app_exceptions=False))


@pytest.mark.parametrize("served", ["in_process", "over_http"])
@pytest.mark.parametrize(
    ("query", "what_to_fix"),
    [
        (
            "(" * 400 + "disk" + ")" * 400,
            "its ( ) groups are nested more than 10 deep: remove the parentheses around "
            "single terms, or split it into several searches",
        ),
        (
            "-" * 300 + "disk",
            "it has more than 2 NOT or - in a row before a term: one excludes the term",
        ),
        (
            "NOT " * 200 + "disk",
            "it has more than 2 NOT or - in a row before a term: one excludes the term",
        ),
        (
            "created_at:>now-999999w",
            "a relative time (now-<n><m|h|d|w>) in it reaches back more than 100 years: "
            "use a nearer one, or a date",
        ),
        (
            "created_at:9999-12-31",
            "a time in it is outside the years 1 to 9999 (UTC)",
        ),
        (
            " ".join(["a"] * 300),
            "it has more than 100 terms: split it into several searches",
        ),
    ],
)
async def test_a_query_past_a_limit_says_what_to_fix_and_is_sent_once(
    sandbox: Sandbox,
    served: Literal["in_process", "over_http"],
    query: str,
    what_to_fix: str,
) -> None:
    """The model reads which limit the query broke; the 400 is not retried."""
    wire = transport(sandbox, served)

    async with Client(resilient_server(sandbox, wire)) as client:
        text = error_text(await client.call_tool("search_cases", {"query": query}))

    assert "Datadog rejected the request (400): the search query is not valid" in text
    assert what_to_fix in text
    assert text.endswith("Fix that argument and retry.")
    assert wire.sent.count(("GET", "/api/v2/cases")) == 1
    assert 500 not in wire.statuses
