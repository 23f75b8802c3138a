"""Free-text search terms, which a trigram index serves and LIKE decides.

The index (``cases_text``) only narrows the cases that LIKE then checks, so these tests pin
what LIKE alone found before the index existed: short terms, wildcards, quotes, case, and
that every write keeps the index in step with the cases.
"""

from __future__ import annotations

from typing import Any

import pytest

from case_mcp.sandbox import Sandbox


def titles(sandbox: Sandbox, query: str) -> set[str]:
    """The titles of the cases a query finds, through the store."""
    cases, total = sandbox.store.search_cases(query=query, page_size=100)
    assert total == len(cases)
    return {case["title"] for case in cases}


def index_in_step(sandbox: Sandbox) -> None:
    """Fail unless the trigram index holds exactly the text of the cases table."""
    sandbox.store.conn.execute(
        "INSERT INTO cases_text (cases_text, rank) VALUES ('integrity-check', 1)"
    )


def open_case(sandbox: Sandbox, org: dict[str, str], title: str, **fields: Any) -> str:
    """Open a case in SEC through the store; returns its id."""
    case = sandbox.store.create_case(
        title=title,
        type_id=org["standard"],
        project_id=fields.pop("project", org["sec"]),
        actor_id=sandbox.ACTOR_ID,
        **fields,
    )
    case_id: str = case["id"]
    return case_id


@pytest.fixture
def texts(sandbox: Sandbox, org: dict[str, str]) -> Sandbox:
    """Cases whose titles hold short words, quotes, wildcard-like and non-ASCII text."""
    open_case(sandbox, org, "Elevated 5xx on checkout-api", description="After deploy db-3.")
    open_case(sandbox, org, 'Alert "disk full" on db-7')
    open_case(sandbox, org, "Literal a*b in a rate rule", description="100% of 50_000")
    open_case(sandbox, org, "Échec du déploiement", project=org["ops"])
    open_case(sandbox, org, "Flaky test in payments")
    return sandbox


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("5x", {"Elevated 5xx on checkout-api"}),
        ("db", {"Elevated 5xx on checkout-api", 'Alert "disk full" on db-7'}),
        (
            '"a"',
            {
                "Elevated 5xx on checkout-api",
                'Alert "disk full" on db-7',
                "Literal a*b in a rate rule",
                "Flaky test in payments",
            },
        ),
        ("fl*ky", {"Flaky test in payments"}),
        ("che*api", {"Elevated 5xx on checkout-api"}),
        ("ele*5xx*api", {"Elevated 5xx on checkout-api"}),
    ],
    ids=["two-chars", "description", "one-char-phrase", "short-parts", "wildcard", "parts"],
)
def test_terms_the_index_cannot_serve_whole_still_find_what_like_finds(
    texts: Sandbox, query: str, expected: set[str]
) -> None:
    """Terms under three characters, and wildcards between short parts, match as before."""
    assert titles(texts, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("CHECKOUT-API", {"Elevated 5xx on checkout-api"}),
        ('"DISK FULL"', {'Alert "disk full" on db-7'}),
        ("ÉCHEC", {"Échec du déploiement"}),
        ("déPLOIEMENT", {"Échec du déploiement"}),
        ("échec", set()),
        ("DÉPLOIEMENT", set()),
    ],
    ids=["ascii-word", "ascii-phrase", "accent-as-written", "ascii-folded", "é-for-É", "É-for-é"],
)
def test_case_is_ignored_for_ascii_letters_only_as_like_does(
    texts: Sandbox, query: str, expected: set[str]
) -> None:
    """ASCII letters match in any case; other letters only as written (SQLite's LIKE)."""
    assert titles(texts, query) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ('"\\"disk full\\""', {'Alert "disk full" on db-7'}),
        ('"\\"disk"', {'Alert "disk full" on db-7'}),
        ('"a*b"', {"Literal a*b in a rate rule"}),
        ('"100%"', {"Literal a*b in a rate rule"}),
        ('"50_000"', {"Literal a*b in a rate rule"}),
        ('"5_000"', set()),
        ('"full OR disk"', set()),
        ('"NEAR(disk"', set()),
        ('"on db-"', {'Alert "disk full" on db-7'}),
        ('"disk\x00full"', set()),
        ('"on db-7\x00full"', {'Alert "disk full" on db-7'}),
        ("00\x00", {"Literal a*b in a rate rule"}),
    ],
    ids=[
        "quoted-quotes",
        "one-quote",
        "star",
        "percent",
        "underscore",
        "underscore-literal",
        "or-is-text",
        "near-is-text",
        "spaces",
        "nul-in-phrase",
        "nul-ends-like",
        "nul-in-word",
    ],
)
def test_a_phrase_is_literal_text_whatever_characters_it_holds(
    texts: Sandbox, query: str, expected: set[str]
) -> None:
    """Quotes, *, %, _ and words of the index's own syntax in a phrase match themselves.

    A NUL ends the text that SQLite's LIKE compares, and the end of the title or description
    must then follow: odd, but what the search always did.
    """
    assert titles(texts, query) == expected


def test_a_negated_word_leaves_out_exactly_the_cases_it_finds(texts: Sandbox) -> None:
    """-word finds every case the word does not, short or long."""
    every = titles(texts, "")
    for word in ("checkout", "db", '"disk full"'):
        assert titles(texts, f"-{word}") == every - titles(texts, word)


def test_title_and_description_changes_move_the_case_in_the_index(
    sandbox: Sandbox, org: dict[str, str]
) -> None:
    """After an edit the new text finds the case and the old text no longer does."""
    case_id = open_case(sandbox, org, "Kafka consumer lag", description="orders topic")
    store, actor = sandbox.store, sandbox.ACTOR_ID

    store.update_case_title(case_id, "Redis eviction storm", actor_id=actor)
    store.update_case_description(case_id, "sessions keyspace", actor_id=actor)

    assert titles(sandbox, "consumer") == titles(sandbox, '"orders topic"') == set()
    assert titles(sandbox, "eviction") == titles(sandbox, "keyspace") == {"Redis eviction storm"}
    index_in_step(sandbox)


def test_other_changes_leave_the_case_findable_by_its_text(
    sandbox: Sandbox, org: dict[str, str]
) -> None:
    """Status, priority and project changes keep the text index right."""
    case_id = open_case(sandbox, org, "Kafka consumer lag")
    store, actor = sandbox.store, sandbox.ACTOR_ID

    store.update_priority(case_id, "P1", actor_id=actor)
    store.update_status(case_id, status="CLOSED", actor_id=actor)
    store.move_case_to_project(case_id, org["ops"], actor_id=actor)

    assert titles(sandbox, "consumer lag") == {"Kafka consumer lag"}
    index_in_step(sandbox)


def test_deleted_cases_leave_the_index(sandbox: Sandbox, org: dict[str, str]) -> None:
    """Cases deleted with their project, or by a reset, are no longer in the index."""
    open_case(sandbox, org, "Kafka consumer lag", project=org["ops"])
    open_case(sandbox, org, "Consumer group rebalancing")

    sandbox.store.delete_project(org["ops"], actor_id=sandbox.ACTOR_ID)

    assert titles(sandbox, "consumer") == {"Consumer group rebalancing"}
    index_in_step(sandbox)
    sandbox.reset(seed=False)
    index_in_step(sandbox)


def test_the_seeded_demo_is_indexed(now: Any) -> None:
    """A seeded sandbox's index holds its cases' text from the start."""
    with Sandbox(rate_limit=None) as sandbox:
        index_in_step(sandbox)
        assert "Access key of ci-deployer used from an unfamiliar ASN" in titles(
            sandbox, "ci-deployer"
        )


def test_over_the_demo_cases_a_phrase_finds_what_like_alone_finds() -> None:
    """For pieces of every demo title, in both cases, the search equals a LIKE scan."""
    with Sandbox(rate_limit=None) as sandbox:
        conn = sandbox.store.conn
        texts = [row[0] for row in conn.execute("SELECT title || ' ' || description FROM cases")]
        pieces = {
            text[start : start + size] for text in texts for start in (0, 7) for size in (2, 4, 11)
        }
        scan = (
            "SELECT title FROM cases WHERE archived_at IS NULL"
            " AND (title LIKE ? ESCAPE '\\' OR description LIKE ? ESCAPE '\\')"
        )
        for piece in sorted(pieces):
            for text in (piece, piece.upper()):
                escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
                expected = {row[0] for row in conn.execute(scan, [f"%{escaped}%"] * 2)}
                quoted = text.replace("\\", "\\\\").replace('"', '\\"')
                assert titles(sandbox, f'"{quoted}"') == expected, text
