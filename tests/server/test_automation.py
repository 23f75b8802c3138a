"""The automation toolset through the MCP tools: automation rules, notification rules and
maintenance windows listed, created, changed, switched, refused, scoped and deleted."""

from __future__ import annotations

import httpx2
import pytest
from mcp import Client
from mcp.types import TextContent

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from guarded import connected, error_text, ok

pytestmark = pytest.mark.anyio

SEC = "69c0e859-8f12-5f18-b1b2-c91b48ed0c10"
OPS = "2afb2eac-f1c4-5ab6-bf2e-15e77cfe975b"
APP = "8c1cdca1-951a-5899-bf4c-c641686ed7a6"
ENRICH = "c2629960-3090-5dfb-9b95-2aca788a0cef"
CLOSE_OUT = "0386a226-a0dd-5b09-a550-ebcac29c3933"
OPS_NOTICE = "90f5c998-67a6-5769-b5c4-18fad4d54c2a"
MIGRATION = "70ce75df-ebf4-5d71-9a56-0a9b1d4f018c"
WORKFLOW = {"type": "EXECUTE_WORKFLOW", "handle": "triage"}


async def test_a_projects_automation_rules_are_listed_flat(mcp: Client) -> None:
    """Each rule shows its name, enabled false when it is off, and its trigger and action as
    one object each."""
    listed = await ok(mcp, "list_automation_rules", {"project": "sec"})

    assert listed["project"] == "SEC"
    assert [
        (rule["id"], rule["name"], rule.get("enabled"), rule["trigger"], rule["action"])
        for rule in listed["rules"]
    ] == [
        (
            ENRICH[:8],
            "Enrich new security cases",
            None,
            {"type": "CASE_CREATED"},
            {"type": "EXECUTE_WORKFLOW", "handle": "sec-enrich-signal"},
        ),
        (
            CLOSE_OUT[:8],
            "Write the close-out report",
            False,
            {
                "type": "STATUS_TRANSITIONED",
                "from_status_name": "In Progress",
                "to_status_name": "Closed",
            },
            {"type": "EXECUTE_WORKFLOW", "handle": "sec-close-out-report"},
        ),
    ]


async def test_a_created_rule_is_stored_in_its_project(mcp: Client, sandbox: Sandbox) -> None:
    """create_automation_rule answers the new rule, which the project's list then holds."""
    arguments = {"project": "APP", "name": "Triage", "trigger": {"type": "COMMENT_ADDED"}}
    created = await ok(
        mcp, "create_automation_rule", {**arguments, "action": WORKFLOW, "enabled": False}
    )

    app = (await ok(mcp, "get_project", {"project": "APP"}))["id"]
    stored = next(
        rule
        for rule in sandbox.store.list_case_automation_rules(app)
        if rule["id"].startswith(created["id"])
    )
    assert (created["name"], created["enabled"], created["action"]) == ("Triage", False, WORKFLOW)
    assert stored["attributes"]["state"] == "DISABLED"


async def test_an_update_changes_what_it_names_and_keeps_the_rest(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Renaming a disabled rule keeps its trigger, action and state."""
    before = sandbox.store.get_case_automation_rule(SEC, CLOSE_OUT)["attributes"]

    renamed = await ok(
        mcp, "update_automation_rule", {"project": "SEC", "rule_id": CLOSE_OUT, "name": "Report"}
    )

    after = sandbox.store.get_case_automation_rule(SEC, CLOSE_OUT)["attributes"]
    assert renamed["name"] == "Report"
    assert after == {**before, "name": "Report"}


async def test_one_tool_switches_a_rule_on_and_off(mcp: Client, sandbox: Sandbox) -> None:
    """set_automation_rule_enabled serves both enable and disable, and answers the rule."""
    arguments = {"project": "SEC", "rule_id": ENRICH}

    off = await ok(mcp, "set_automation_rule_enabled", {**arguments, "enabled": False})
    state_off = sandbox.store.get_case_automation_rule(SEC, ENRICH)["attributes"]["state"]
    on = await ok(mcp, "set_automation_rule_enabled", {**arguments, "enabled": True})

    assert (off["enabled"], state_off, on.get("enabled")) == (False, "DISABLED", None)
    assert sandbox.store.get_case_automation_rule(SEC, ENRICH)["attributes"]["state"] == "ENABLED"


@pytest.mark.parametrize(
    ("trigger", "action", "says"),
    [
        ({"type": "CASE_DELETED"}, WORKFLOW, "CASE_CREATED, STATUS_TRANSITIONED"),
        ({"handle": "x"}, WORKFLOW, 'needs a "type"'),
        ({"type": "CASE_CREATED"}, {"type": "SEND_EMAIL"}, "EXECUTE_WORKFLOW, ASSIGN_AGENT"),
    ],
)
async def test_a_trigger_or_action_datadog_does_not_know_is_refused_naming_the_types(
    mcp: Client, sandbox: Sandbox, trigger: dict[str, str], action: dict[str, str], says: str
) -> None:
    """An unknown or missing type is refused, listing the types to send; nothing is stored."""
    answer = await mcp.call_tool(
        "create_automation_rule",
        {"project": "SEC", "name": "Bad", "trigger": trigger, "action": action},
    )

    assert says in error_text(answer)
    assert len(sandbox.store.list_case_automation_rules(SEC)) == 2


async def test_notification_rules_are_created_listed_and_changed_in_part(mcp: Client) -> None:
    """A new rule shows its triggers and recipients as the short strings it was given; an
    update of enabled alone keeps them."""
    email = "email web@demo-org.example"
    created = await ok(
        mcp,
        "create_notification_rule",
        {"project": "APP", "triggers": ["CASE_CREATED"], "recipients": [email]},
    )

    paused = await ok(
        mcp,
        "update_notification_rule",
        {"project": "APP", "rule_id": created["id"], "enabled": False},
    )
    listed = await ok(mcp, "list_notification_rules", {"project": "APP"})

    assert (created["on"], created["to"]) == (["CASE_CREATED"], [email])
    assert (paused["on"], paused["to"]) == (["CASE_CREATED"], [email])
    assert (created.get("enabled"), paused["enabled"]) == (None, False)
    assert listed == {"rules": [paused]}


async def test_a_listed_notification_rule_can_be_given_back_as_it_reads(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The demo rules list their triggers and recipients as short strings, which
    create_notification_rule takes back into the same data Datadog stored."""
    sec = await ok(mcp, "list_notification_rules", {"project": "SEC"})
    ops = await ok(mcp, "list_notification_rules", {"project": "OPS"})
    rules = [*sec["rules"], *ops["rules"]]

    copied = await ok(
        mcp,
        "create_notification_rule",
        {
            "project": "APP",
            "triggers": [part for rule in rules for part in rule["on"]],
            "recipients": [part for rule in rules for part in rule["to"]],
        },
    )

    assert sec["rules"] == [
        {
            "id": "4e75ec34",
            "query": "priority:P1",
            "on": ["CASE_CREATED"],
            "to": ["slack demo-org #sec-cases"],
        }
    ]
    assert ops["rules"] == [
        {
            "id": "90f5c998",
            "on": ["STATUS_TRANSITIONED to Closed"],
            "to": ["email sre@demo-org.example"],
        }
    ]
    stored = [
        rule["attributes"]
        for rule in sandbox.store.get_project_notification_rules(SEC)
        + sandbox.store.get_project_notification_rules(OPS)
    ]
    new = sandbox.store.get_project_notification_rules(APP)[0]["attributes"]
    assert new["triggers"] == [part for rule in stored for part in rule["triggers"]]
    assert new["recipients"] == [part for rule in stored for part in rule["recipients"]]
    assert copied["on"] == ["CASE_CREATED", "STATUS_TRANSITIONED to Closed"]


async def test_a_part_a_short_string_cannot_say_is_shown_and_taken_as_an_object(
    mcp: Client,
) -> None:
    """A trigger with data beyond its short form, and a recipient of a type alone, show as
    the objects they were given, and are taken back as objects."""
    moved = {
        "type": "STATUS_TRANSITIONED",
        "from_status_name": "In Progress",
        "to_status_name": "Closed",
    }
    created = await ok(
        mcp,
        "create_notification_rule",
        {"project": "APP", "triggers": [moved], "recipients": [{"type": "EMAIL"}]},
    )

    assert (created["on"], created["to"]) == ([moved], ["EMAIL"])


async def test_a_short_string_of_no_known_form_is_refused_listing_the_forms(
    mcp: Client, sandbox: Sandbox
) -> None:
    """A recipient string that is none of the short forms is refused, naming them."""
    answer = await mcp.call_tool(
        "create_notification_rule",
        {"project": "OPS", "triggers": ["CASE_CREATED"], "recipients": ["sms +1555"]},
    )

    assert "slack <workspace> <channel>" in error_text(answer)
    assert len(sandbox.store.get_project_notification_rules(OPS)) == 1


async def test_a_recipient_of_no_known_type_is_refused(mcp: Client, sandbox: Sandbox) -> None:
    """Recipients are EMAIL, SLACK_CHANNEL, MS_TEAMS_CHANNEL, PAGERDUTY_SERVICE or HTTP."""
    answer = await mcp.call_tool(
        "create_notification_rule",
        {
            "project": "OPS",
            "triggers": [{"type": "CASE_CREATED"}],
            "recipients": [{"type": "SMS", "number": "+1555"}],
        },
    )

    assert "EMAIL, SLACK_CHANNEL" in error_text(answer)
    assert len(sandbox.store.get_project_notification_rules(OPS)) == 1


async def test_maintenance_windows_are_created_moved_and_listed(mcp: Client) -> None:
    """A window is created, its end moved, and the list shows it as a row, its moments in
    UTC to the minute, in the form the tools take back."""
    created = await ok(
        mcp,
        "create_maintenance_window",
        {
            "name": "CDN cutover",
            "query": "project:APP",
            "start_at": "2026-12-20T02:00:00+01:00",
            "end_at": "2026-12-20 03:00Z",
        },
    )
    moved = await ok(
        mcp,
        "update_maintenance_window",
        {"window_id": created["id"], "end_at": "2026-12-20T04:00:30Z"},
    )
    listed = await ok(mcp, "list_maintenance_windows", {})

    assert created["start_at"] == "2026-12-20 01:00Z"
    assert created["end_at"] == "2026-12-20 03:00Z"
    assert moved == {**created, "end_at": "2026-12-20 04:00:30Z"}
    assert [
        created["id"],
        "CDN cutover",
        "project:APP",
        "2026-12-20 01:00Z",
        "2026-12-20 04:00:30Z",
    ] in listed["windows"]
    assert listed["windows"][1] == [
        "70ce75df",
        "Orders database migration",
        "service:orders-db",
        "2026-12-12 02:00Z",
        "2026-12-12 06:00Z",
    ]


async def test_a_window_that_ends_before_it_starts_is_refused(
    mcp: Client, sandbox: Sandbox
) -> None:
    """The refusal names the fields to fix; nothing is stored."""
    answer = await mcp.call_tool(
        "update_maintenance_window",
        {"window_id": MIGRATION, "end_at": "2026-12-01T00:00:00Z"},
    )

    assert "end_at" in error_text(answer)
    assert sandbox.store.list_maintenance_windows()[1]["attributes"]["end_at"].startswith(
        "2026-12-12T06:00"
    )


async def test_a_rule_of_an_unknown_id_is_not_found_naming_the_list_tool(mcp: Client) -> None:
    """A rule id that is not the project's is not found, and the model is told where to look."""
    answer = await mcp.call_tool(
        "set_automation_rule_enabled",
        {"project": "OPS", "rule_id": ENRICH, "enabled": False},
    )

    assert "was not found. list_automation_rules" in error_text(answer)


async def test_a_project_outside_the_scope_is_not_found(sandbox: Sandbox) -> None:
    """With --projects SEC, OPS's rules can be neither read nor changed nor added to."""
    async with connected(sandbox, ServerOptions(projects=["SEC"])) as client:
        listed = await client.call_tool("list_notification_rules", {"project": "OPS"})
        created = await client.call_tool(
            "create_automation_rule",
            {
                "project": "OPS",
                "name": "X",
                "trigger": {"type": "CASE_CREATED"},
                "action": WORKFLOW,
            },
        )
        inside = await ok(client, "list_automation_rules", {"project": "SEC"})

    assert "Project 'OPS' was not found" in error_text(listed)
    assert "Project 'OPS' was not found" in error_text(created)
    assert len(sandbox.store.list_case_automation_rules(OPS)) == 1
    assert len(inside["rules"]) == 2


async def test_read_only_mode_refuses_every_automation_change(sandbox: Sandbox) -> None:
    """In read-only mode the changes are refused in words that say so; lists still work."""
    async with connected(sandbox, ServerOptions(read_only=True)) as client:
        switched = await client.call_tool(
            "set_automation_rule_enabled", {"project": "SEC", "rule_id": ENRICH, "enabled": False}
        )
        windows = await ok(client, "list_maintenance_windows", {})

    assert error_text(switched).startswith("This server is read-only")
    assert sandbox.store.get_case_automation_rule(SEC, ENRICH)["attributes"]["state"] == "ENABLED"
    assert len(windows["windows"]) == 2


async def test_the_toolset_is_off_unless_the_operator_turns_it_on(sandbox: Sandbox) -> None:
    """The automation tools are opt-in: the default toolsets do not list them."""
    async with connected(
        sandbox, ServerOptions(toolsets=["cases", "comments", "projects", "lookup"])
    ) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}

    assert not names & {"list_automation_rules", "list_maintenance_windows"}


async def test_a_delete_shows_the_name_and_project_of_what_is_lost(
    token_mcp: Client, sandbox: Sandbox
) -> None:
    """The preview names the rule, its project and what it does; the token then deletes it."""
    arguments = {"project": "SEC", "rule_id": CLOSE_OUT}
    preview = await ok(token_mcp, "delete_automation_rule", arguments)

    deleted = await ok(
        token_mcp,
        "delete_automation_rule",
        {**arguments, "confirmation_token": preview["confirmation_token"]},
    )

    assert preview["preview"]["name"] == "Write the close-out report"
    assert preview["preview"]["project"] == "SEC"
    assert "sec-close-out-report" in preview["preview"]["does"]
    assert deleted["deleted"] is True
    assert [rule["id"] for rule in sandbox.store.list_case_automation_rules(SEC)] == [ENRICH]


async def test_a_notification_rule_list_costs_at_most_40_percent_of_datadogs_json(
    mcp: Client, sandbox: Sandbox
) -> None:
    """OPS's notification rules, beside the SEC example that test_budgets measures, cost a
    model at most 40% of Datadog's JSON, as every read of issue 12 does."""
    async with httpx2.AsyncClient(
        transport=sandbox.transport(),
        base_url="http://sandbox",
        headers={"DD-API-KEY": "k", "DD-APPLICATION-KEY": "k"},
    ) as http:
        raw = (await http.get(f"/api/v2/cases/projects/{OPS}/notification_rules")).text

    answer = await mcp.call_tool("list_notification_rules", {"project": "OPS"})

    content = answer.content[0]
    assert isinstance(content, TextContent)
    assert len(content.text) <= 0.40 * len(raw), (len(content.text), len(raw))


async def test_the_tools_take_the_short_ids_the_lists_show(mcp: Client, sandbox: Sandbox) -> None:
    """Rules and windows are listed by the first block of their id, which every tool that
    changes one takes as its id."""
    rules = await ok(mcp, "list_automation_rules", {"project": "SEC"})
    notices = await ok(mcp, "list_notification_rules", {"project": "OPS"})
    windows = await ok(mcp, "list_maintenance_windows", {})
    rule, notice, window = rules["rules"][1]["id"], notices["rules"][0]["id"], MIGRATION[:8]

    await ok(mcp, "update_automation_rule", {"project": "SEC", "rule_id": rule, "name": "Report"})
    await ok(
        mcp, "set_automation_rule_enabled", {"project": "SEC", "rule_id": rule, "enabled": True}
    )
    await ok(
        mcp, "update_notification_rule", {"project": "OPS", "rule_id": notice, "enabled": False}
    )
    await ok(mcp, "update_maintenance_window", {"window_id": window, "name": "Orders DB"})

    assert (rule, notice) == (CLOSE_OUT[:8], OPS_NOTICE[:8])
    assert window in [row[0] for row in windows["windows"]]
    changed = sandbox.store.get_case_automation_rule(SEC, CLOSE_OUT)["attributes"]
    assert (changed["name"], changed["state"]) == ("Report", "ENABLED")
    assert sandbox.store.get_project_notification_rules(OPS)[0]["attributes"]["is_enabled"] is False
    assert sandbox.store.list_maintenance_windows()[1]["attributes"]["name"] == "Orders DB"


async def test_a_short_id_that_names_no_rule_is_not_found(mcp: Client) -> None:
    """A first block of an id that no rule of the project starts with is not found, naming
    the list tool."""
    answer = await mcp.call_tool(
        "update_automation_rule", {"project": "OPS", "rule_id": ENRICH[:8], "name": "x"}
    )

    assert "list_automation_rules" in error_text(answer)
