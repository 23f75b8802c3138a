"""Setting a case's attributes and custom attributes through the MCP tools."""

from __future__ import annotations

from typing import Any

import pytest
from mcp import Client
from mcp.types import CallToolResult, TextContent

from case_mcp.sandbox import Sandbox

pytestmark = pytest.mark.anyio


def error_text(answer: CallToolResult) -> str:
    assert answer.is_error
    content = answer.content[0]
    assert isinstance(content, TextContent)
    return content.text


async def call(mcp: Client, tool: str, arguments: dict[str, Any]) -> dict[str, Any]:
    answer = await mcp.call_tool(tool, arguments)
    assert not answer.is_error, answer.content
    assert answer.structured_content is not None
    return dict(answer.structured_content)


# Free-form attributes ----------------------------------------------------------------------


async def test_attributes_merge_by_default_keeping_the_other_names(
    mcp: Client, sandbox: Sandbox
) -> None:
    """Merging sets the names given, keeps the others, and an empty list removes a name."""
    case = await call(
        mcp,
        "update_case_attributes",
        {"case_id": "OPS-30", "attributes": {"env": ["prod", "staging"], "team": []}},
    )

    expected = {"env": ["prod", "staging"], "service": ["api-gateway"]}
    assert case["attributes"] == expected
    assert sandbox.store.get_case("OPS-30")["attributes"] == expected


async def test_attributes_replace_makes_the_map_the_whole_set(
    mcp: Client, sandbox: Sandbox
) -> None:
    """In replace mode the names not given are gone."""
    case = await call(
        mcp,
        "update_case_attributes",
        {"case_id": "OPS-30", "attributes": {"team": ["platform"]}, "mode": "replace"},
    )

    assert case["attributes"] == {"team": ["platform"]}
    assert sandbox.store.get_case("OPS-30")["attributes"] == {"team": ["platform"]}


# Custom attributes -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("case_id", "key", "value", "stored"),
    [
        ("SEC-9", "cvss_score", "9.8", 9.8),
        ("SEC-9", "cvss_score", 7, 7),
        ("OPS-30", "aws_region", "EU-WEST-1", "eu-west-1"),
        ("OPS-30", "runbook_url", "https://runbooks.example/gw", "https://runbooks.example/gw"),
        ("OPS-30", "components", "nginx", ["nginx"]),
        ("SEC-9", "attack_techniques", ["Discovery", "impact"], ["discovery", "impact"]),
        ("OPS-29", "change_window", 2026, "2026"),
    ],
    ids=["number-as-text", "number", "select", "url", "multi-from-one", "multi-select", "text"],
)
async def test_a_custom_value_is_normalised_to_what_the_attribute_takes(
    mcp: Client, sandbox: Sandbox, case_id: str, key: str, value: Any, stored: Any
) -> None:
    """Numbers in text become numbers, options take their spelling, one value fills a list."""
    case = await call(
        mcp, "update_case_custom_attribute", {"case_id": case_id, "key": key, "value": value}
    )

    assert case["custom_attributes"][key] == stored
    assert sandbox.store.get_case(case_id)["custom_attributes"][key]["value"] == stored


@pytest.mark.parametrize(
    ("case_id", "key", "value", "says"),
    [
        ("SEC-9", "cvss_score", "high", "'cvss_score' takes a number; 'high' is not a number."),
        (
            "OPS-30",
            "runbook_url",
            "runbooks/gw",
            "'runbook_url' takes an http(s) URL; 'runbooks/gw' is not an http(s) URL.",
        ),
        (
            "OPS-29",
            "risk_level",
            "extreme",
            "'risk_level' takes one of 'low', 'medium', 'high'; 'extreme' is not one of them.",
        ),
        (
            "OPS-29",
            "risk_level",
            ["low"],
            "'risk_level' takes one of 'low', 'medium', 'high', a single value, not a list.",
        ),
        (
            "SEC-9",
            "cve_ids",
            [],
            "'cve_ids' takes a list of texts; to clear it, use delete_case_custom_attribute.",
        ),
    ],
    ids=["not-a-number", "not-a-url", "not-an-option", "list-for-single", "empty-list"],
)
async def test_a_custom_value_that_does_not_fit_says_what_the_attribute_takes(
    mcp: Client, sandbox: Sandbox, case_id: str, key: str, value: Any, says: str
) -> None:
    """A misfit value is refused before Datadog, saying what fits, and the case is unchanged."""
    before = sandbox.store.get_case(case_id)["custom_attributes"]

    text = error_text(
        await mcp.call_tool(
            "update_case_custom_attribute", {"case_id": case_id, "key": key, "value": value}
        )
    )

    assert text.endswith(f"Custom attribute {says}")
    assert sandbox.store.get_case(case_id)["custom_attributes"] == before


async def test_an_unknown_custom_attribute_lists_the_keys_of_the_case_type(mcp: Client) -> None:
    """A key the case's type does not configure is refused with the keys it does."""
    text = error_text(
        await mcp.call_tool(
            "update_case_custom_attribute", {"case_id": "SEC-9", "key": "risk_level", "value": 1}
        )
    )

    assert text.endswith(
        "Case type 'Security' has no custom attribute 'risk_level'. Its custom attributes are: "
        "affected_hosts, attack_techniques, cve_ids, cvss_score, evidence_urls."
    )


async def test_delete_case_custom_attribute_says_what_was_deleted(
    token_mcp: Client, sandbox: Sandbox
) -> None:
    """Deleting a value removes it from the case and the outcome names it and its old value."""
    arguments = {"case_id": "SEC-9", "key": "cvss_score"}
    preview = await call(token_mcp, "delete_case_custom_attribute", arguments)
    token = preview["confirmation_token"]

    outcome = await call(
        token_mcp, "delete_case_custom_attribute", {**arguments, "confirmation_token": token}
    )

    assert outcome["message"] == (
        "Deleted custom attribute 'cvss_score' of SEC-9 (its value was 8.1)."
    )
    assert "cvss_score" not in sandbox.store.get_case("SEC-9")["custom_attributes"]


async def test_deleting_an_unset_custom_attribute_deletes_nothing(mcp: Client) -> None:
    """A configured attribute without a value is reported as such, not as an error."""
    outcome = await call(
        mcp, "delete_case_custom_attribute", {"case_id": "SEC-13", "key": "cvss_score"}
    )

    assert outcome == {
        "deleted": False,
        "message": "SEC-13 had no 'cvss_score' value; nothing was deleted.",
    }


async def test_deleting_an_unknown_custom_attribute_lists_the_keys(mcp: Client) -> None:
    """A key the case's type does not configure is refused with the keys it does."""
    text = error_text(
        await mcp.call_tool("delete_case_custom_attribute", {"case_id": "OPS-29", "key": "cvss"})
    )

    assert "Case type 'Change Request' has no custom attribute 'cvss'." in text
    assert "affected_services, change_window, risk_level, rollback_plan_url" in text
