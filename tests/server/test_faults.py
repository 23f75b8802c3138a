"""Through the sandbox's faults and lost answers: reads get through, creates never double."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult

from case_mcp.client import RetryPolicy
from case_mcp.sandbox import Faults, RateLimit, Sandbox
from inventory import names_of
from lossy import LoseAnswers, Loss, no_backoff, resilient_server

pytestmark = pytest.mark.anyio

# Ten attempts: at these fault rates a read failing ten times in a row is a 1-in-170,000 event.
PATIENT = RetryPolicy(attempts=10, deadline=10, wait_initial=0, wait_max=0, wait_jitter=0)


@pytest.fixture(autouse=True)
def instant_backoff() -> Iterator[None]:
    """No real waiting between attempts."""
    with no_backoff():
        yield


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    """A demo organisation whose rate-limit window is one second (429s reset soon)."""
    with Sandbox(rate_limit=RateLimit(limit=1_000_000, period=1)) as sandbox:
        yield sandbox


def text_of(answer: CallToolResult) -> str:
    return "\n".join(getattr(block, "text", "") for block in answer.content)


def count(sandbox: Sandbox, sql: str, *parameters: object) -> int:
    row = sandbox.store.conn.execute(sql, parameters).fetchone()
    return int(row[0])


def assert_clear_tool_error(answer: CallToolResult) -> None:
    """An error the model can act on: not the SDK's bare "Error executing tool X"."""
    assert answer.is_error
    text = text_of(answer)
    assert len(text.split(":", 1)[-1].strip()) > 40, text
    assert "Traceback" not in text


async def test_reads_get_through_errors_garbled_answers_and_drops(sandbox: Sandbox) -> None:
    """With 30% of requests failing every way the sandbox can, every read still succeeds."""
    sandbox.faults = Faults(
        error_rate=0.15,
        error_statuses=(429, 500, 503),
        malformed_rate=0.05,
        drop_rate=0.1,
        seed=20261122,
    )
    calls: list[tuple[str, dict[str, Any]]] = [
        ("list_projects", {}),
        ("search_cases", {"status": "open"}),
        ("get_case", {"case_id": "SEC-1"}),
        ("get_case_timeline", {"case_id": "SEC-1"}),
        ("list_case_types", {}),
    ] * 4
    started = time.monotonic()

    async with Client(resilient_server(sandbox, retry=PATIENT)) as client:
        answers = [await client.call_tool(name, arguments) for name, arguments in calls]

    assert [text_of(answer) for answer in answers if answer.is_error] == []
    assert time.monotonic() - started < PATIENT.deadline


async def test_creates_under_faults_never_make_duplicates(sandbox: Sandbox) -> None:
    """Each create either returns its case or says the outcome is unknown; none exists twice."""
    sandbox.faults = Faults(
        error_rate=0.2, error_statuses=(429, 500, 503), malformed_rate=0.1, drop_rate=0.1, seed=11
    )
    titles = [f"Fault drill {n}" for n in range(12)]

    async with Client(resilient_server(sandbox, retry=PATIENT)) as client:
        answers = [
            await client.call_tool("create_case", {"title": title, "project": "OPS"})
            for title in titles
        ]
    sandbox.faults = Faults()

    for title, answer in zip(titles, answers, strict=True):
        stored = count(sandbox, "SELECT COUNT(*) FROM cases WHERE title = ?", title)
        if answer.is_error:
            assert_clear_tool_error(answer)
            assert "did not confirm whether the case was created" in text_of(answer)
            assert stored <= 1
        else:
            assert stored == 1
    assert any(not answer.is_error for answer in answers)


CREATES: dict[str, tuple[str, dict[str, Any], str]] = {
    # tool: (its POST path, a regular expression; its arguments; SQL counting what it made)
    "create_case": (
        "/api/v2/cases",
        {"title": "Disk full on db-7", "project": "OPS"},
        "SELECT COUNT(*) FROM cases WHERE title = 'Disk full on db-7'",
    ),
    "create_project": (
        "/api/v2/cases/projects",
        {"key": "NET", "name": "Network"},
        "SELECT COUNT(*) FROM projects WHERE key = 'NET'",
    ),
    "add_case_comment": (
        "/api/v2/cases/[^/]+/comment",
        {"case_id": "OPS-3", "comment": "Rolled back the deploy."},
        "SELECT COUNT(*) FROM timeline_cells WHERE type = 'COMMENT' "
        "AND content LIKE '%Rolled back the deploy.%'",
    ),
    "create_case_type": (
        "/api/v2/cases/types",
        {"name": "Vendor Review", "emoji": "🧾"},
        "SELECT COUNT(*) FROM case_types WHERE name = 'Vendor Review'",
    ),
    "create_custom_attribute_config": (
        "/api/v2/cases/types/[^/]+/custom_attributes",
        {"case_type": "Security", "key": "owner", "display_name": "Owner", "type": "TEXT"},
        "SELECT COUNT(*) FROM custom_attribute_configs WHERE key = 'owner'",
    ),
    "create_case_view": (
        "/api/v2/cases/views",
        {"project": "OPS", "name": "Unassigned P1s", "query": "priority:p1 assignee:none"},
        "SELECT COUNT(*) FROM case_views WHERE name = 'Unassigned P1s'",
    ),
    "create_automation_rule": (
        "/api/v2/cases/projects/[^/]+/rules",
        {
            "project": "OPS",
            "name": "Triage",
            "trigger": {
                "type": "STATUS_TRANSITIONED",
                "from_status_name": "Open",
                "to_status_name": "Closed",
            },
            "action": {"type": "EXECUTE_WORKFLOW", "handle": "triage"},
        },
        "SELECT COUNT(*) FROM configurations WHERE kind = 'rule' "
        "AND attributes LIKE '%\"Triage\"%'",
    ),
    "create_notification_rule": (
        "/api/v2/cases/projects/[^/]+/notification_rules",
        {
            "project": "APP",
            "triggers": [{"type": "CASE_CREATED"}],
            "recipients": [{"type": "EMAIL", "email": "web@demo-org.example"}],
        },
        "SELECT COUNT(*) FROM configurations WHERE kind = 'notification_rule' "
        "AND attributes LIKE '%web@demo-org.example%'",
    ),
    "create_maintenance_window": (
        "/api/v2/maintenance_windows",
        {
            "name": "Deploy",
            "query": "project:OPS",
            "start_at": "2026-12-20T01:00:00+01:00",
            "end_at": "2026-12-20T03:00:00Z",
        },
        "SELECT COUNT(*) FROM configurations WHERE kind = 'maintenance_window' "
        "AND attributes LIKE '%\"Deploy\"%'",
    ),
    "create_case_link": (
        "/api/v2/cases/link",
        {"case_id": "SEC-13", "relationship": "RELATES_TO", "linked_case": "SEC-1"},
        "SELECT COUNT(*) FROM case_links WHERE relationship = 'RELATES_TO' "
        "AND parent_entity_id = (SELECT id FROM cases WHERE key = 'SEC-13')",
    ),
    "create_case_jira_issue": (
        "/api/v2/cases/[^/]+/relationships/jira_issues",
        {"case_id": "SEC-13", "jira_account_id": "1", "project_id": "10020", "issue_type_id": "3"},
        "SELECT COUNT(*) FROM cases WHERE key = 'SEC-13' AND jira_issue IS NOT NULL",
    ),
    "create_case_servicenow_ticket": (
        "/api/v2/cases/[^/]+/relationships/servicenow_tickets",
        {"case_id": "OPS-30", "instance_name": "demo-org"},
        "SELECT COUNT(*) FROM cases WHERE key = 'OPS-30' AND service_now_ticket IS NOT NULL",
    ),
    "create_case_notebook": (
        "/api/v2/cases/[^/]+/relationships/notebook",
        {"case_id": "OPS-31"},
        "SELECT COUNT(*) FROM cases WHERE key = 'OPS-31' AND notebook IS NOT NULL",
    ),
}


def test_every_tool_that_makes_something_is_in_the_lost_answer_matrix() -> None:
    """Each tool of kind write (a create: repeating it makes another) has a row above, so
    none escapes the lost-answer tests."""
    assert sorted(names_of("write") - set(CREATES)) == []
    assert set(CREATES) == names_of("write")


@pytest.mark.parametrize("loss", ["timeout", "drop", "503", "garbled"])
@pytest.mark.parametrize("tool", sorted(CREATES))
async def test_a_create_whose_answer_is_lost_returns_what_it_made_once(
    sandbox: Sandbox, tool: str, loss: Loss
) -> None:
    """Datadog made it and the answer was lost: it is found and returned, never made twice."""
    path, arguments, made = CREATES[tool]
    wire = LoseAnswers(sandbox.transport())
    wire.lose("POST", path, loss)

    async with Client(resilient_server(sandbox, wire)) as client:
        answer = await client.call_tool(tool, arguments)

    assert not answer.is_error, text_of(answer)
    assert count(sandbox, made) == 1
    assert len([sent for sent in wire.sent if sent[0] == "POST"]) == 1


@pytest.mark.parametrize("tool", sorted(CREATES))
async def test_a_create_that_may_not_have_happened_is_reported_as_unknown(
    sandbox: Sandbox, tool: str
) -> None:
    """Dropped before Datadog acted, it is not found: the model is told to check, not retry."""
    path, arguments, made = CREATES[tool]
    wire = LoseAnswers(sandbox.transport())
    wire.lose("POST", path, "drop_before")

    async with Client(resilient_server(sandbox, wire)) as client:
        answer = await client.call_tool(tool, arguments)

    assert_clear_tool_error(answer)
    assert "Do not call" in text_of(answer)
    assert count(sandbox, made) == 0


@pytest.mark.parametrize("tool", sorted(CREATES))
async def test_a_create_whose_connection_never_opened_is_sent_again(
    sandbox: Sandbox, tool: str
) -> None:
    """A refused connection proves nothing was made, so the create is retried: made once."""
    path, arguments, made = CREATES[tool]
    wire = LoseAnswers(sandbox.transport())
    wire.lose("POST", path, "refused", times=2)

    async with Client(resilient_server(sandbox, wire)) as client:
        answer = await client.call_tool(tool, arguments)

    assert not answer.is_error, text_of(answer)
    assert count(sandbox, made) == 1


async def test_a_slow_datadog_fails_reads_clearly_within_the_deadline(sandbox: Sandbox) -> None:
    """Answers slower than the timeout: the read gives up by its deadline, and says so."""
    sandbox.faults = Faults(latency=0.2)
    policy = RetryPolicy(attempts=10, deadline=0.4, wait_initial=0, wait_max=0, wait_jitter=0)
    started = time.monotonic()

    async with Client(resilient_server(sandbox, retry=policy, timeout=0.05)) as client:
        answer = await client.call_tool("get_case", {"case_id": "SEC-1"})

    assert_clear_tool_error(answer)
    assert "Datadog did not answer in time" in text_of(answer)
    assert time.monotonic() - started < 1.5


async def test_a_create_cut_off_by_the_timeout_is_never_made_twice(sandbox: Sandbox) -> None:
    """A timed-out create is not resent; once Datadog is fast again, nothing was doubled."""
    policy = RetryPolicy(attempts=10, deadline=0.4, wait_initial=0, wait_max=0, wait_jitter=0)
    server = resilient_server(sandbox, retry=policy, timeout=0.05)

    async with Client(server) as client:
        await client.call_tool("list_projects", {})  # warm the lookups while Datadog is fast
        sandbox.faults = Faults(latency=0.2)
        answer = await client.call_tool("create_project", {"key": "NET", "name": "Network"})
        sandbox.faults = Faults()
        listed = await client.call_tool("list_projects", {})

    assert_clear_tool_error(answer)
    assert "Do not call create_project again" in text_of(answer)
    assert "list_projects" in text_of(answer)
    assert not listed.is_error
    assert count(sandbox, "SELECT COUNT(*) FROM projects WHERE key = 'NET'") == 0


async def test_the_organisations_rate_limit_is_waited_out(sandbox: Sandbox) -> None:
    """A budget of three requests a second: reads wait for the next window and get through."""

    class Clock:
        """Sandbox time that moves 0.2 s per reading, so windows end during the test."""

        def __init__(self) -> None:
            self.now = datetime(2026, 11, 22, 12, tzinfo=UTC)

        def __call__(self) -> datetime:
            self.now += timedelta(seconds=0.2)
            return self.now

    with Sandbox(rate_limit=RateLimit(limit=3, period=1), clock=Clock()) as limited:
        wire = LoseAnswers(limited.transport())
        async with Client(resilient_server(limited, wire, retry=PATIENT)) as client:
            answers = [await client.call_tool("get_case", {"case_id": "SEC-1"}) for _ in range(6)]

    assert [answer.is_error for answer in answers] == [False] * 6
    assert 429 in wire.statuses
