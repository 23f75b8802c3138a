"""Property-based fuzzing of every tool's arguments through an MCP client.

Arguments are drawn from each tool's own input schema (so most calls get past validation and
reach the tool's code and the sandbox), mixed with what schemas forbid: wrong types, nulls,
values past the bounds, strings of any Unicode, missing required keys and extra keys such
as ``confirm: true``. Whatever comes, a tools/call must end in a result, never in a protocol
error or a crash, and a failure must say why in our words: never the SDK's bare "Error
executing tool X", pydantic's validation report or a module path.
One sandbox per tool, not per example, and a fixed number of examples keep it fast; the
examples are derandomized so every run (and CI) draws the same ones.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from mcp import Client
from mcp.types import CallToolResult, TextContent

from case_mcp.config import ServerOptions
from case_mcp.sandbox import Sandbox
from case_mcp.server.tools import all_tools
from guarded import connected

EXAMPLES = 25

# Values a model would plausibly send, by parameter name, so the fuzz reaches real objects.
PLAUSIBLE: dict[str, list[Any]] = {
    "case_id": [
        "SEC-3",
        "OPS-1",
        "APP-2",
        "ET-1",
        "SEC-999",
        "8538cbcb-272c-51f8-9f93-5e6ff5ac238e",
    ],
    "project": ["SEC", "OPS", "ops", "NOPE", "69c0e859-8f12-5f18-b1b2-c91b48ed0c10"],
    "key": ["cvss_score", "aws_region", "affected_hosts", "risk_level", "NET", "nope"],
    "comment_id": ["84210936-5c63-570a-9a32-12cd34a78053", "368085cb-4b4c-5407-b82d-528cfe4af96b"],
    "assignee": ["maya.chen@demo-org.example", "none", "maya", "nobody@nowhere"],
    "query": ["status:open", "project:OPS", "(", ")", '"', "key:SEC-*", "created_at:>now-7d", "-"],
    "case_type": ["Security", "Standard", "Change Request", "nope"],
    "status_name": ["Open", "Approved", "Closed", "Bogus"],
    "confirmation_token": ["v1.x", "v1." + "A" * 200, "", "null"],
}
EXTRA_KEYS = ["confirm", "force", "confirmed", "dry_run", "_meta", "__proto__", "case_id"]

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=6,
)


def strings(name: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Strings for one parameter: plausible ones, pattern-shaped ones, edge lengths, any text."""
    longest = schema.get("maxLength", 300)
    choices: list[st.SearchStrategy[Any]] = [
        st.text(max_size=40),
        st.sampled_from(["", " ", "x" * longest, "x" * (longest + 1), "\x00\u202e\u200b"]),
    ]
    if name in PLAUSIBLE:
        # Twice: half the strings of such a parameter name something that exists.
        choices += [st.sampled_from(PLAUSIBLE[name])] * 2
    if "pattern" in schema:
        choices.append(st.from_regex(re.compile(schema["pattern"]), fullmatch=True))
    return st.one_of(choices)


def values(name: str, schema: Mapping[str, Any]) -> st.SearchStrategy[Any]:
    """Values that fit `schema` (a JSON Schema of a pydantic parameter), mostly."""
    if "anyOf" in schema:
        return st.one_of([values(name, option) for option in schema["anyOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "string":
        return strings(name, schema)
    if kind == "integer":
        low, high = schema.get("minimum", -(10**6)), schema.get("maximum", 10**6)
        return st.integers(min_value=low - 2, max_value=high + 2)
    if kind == "number":
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers()
    if kind == "boolean":
        return st.booleans()
    if kind == "null":
        return st.none()
    if kind == "array":
        return st.lists(values(name, schema.get("items", {})), max_size=4)
    if kind == "object":
        items = schema.get("additionalProperties")
        inner = values(name, items) if isinstance(items, Mapping) else JSON
        return st.dictionaries(st.text(max_size=12), inner, max_size=4)
    return JSON


def arguments(schema: Mapping[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """A tool's arguments: by its schema, then sometimes broken (a key dropped or added)."""
    properties: Mapping[str, Any] = schema.get("properties", {})
    required = set(schema.get("required", []))
    fitting = st.fixed_dictionaries(
        {name: values(name, spec) for name, spec in properties.items() if name in required},
        optional={
            name: values(name, spec) for name, spec in properties.items() if name not in required
        },
    )
    extra = st.dictionaries(
        st.sampled_from([*EXTRA_KEYS, *properties]) | st.text(max_size=10), JSON, max_size=2
    )
    dropped = st.sampled_from(sorted(required) or [""])
    return st.one_of(
        fitting,
        fitting,
        st.tuples(fitting, extra).map(lambda pair: {**pair[0], **pair[1]}),
        st.tuples(fitting, dropped).map(
            lambda pair: {key: value for key, value in pair[0].items() if key != pair[1]}
        ),
    )


# What a library's report or an internal name looks like: pydantic's validation report (its
# words, the rejected value, its site, the argument model's name) and module paths.
FOREIGN = re.compile(
    r"validation errors? for|input_value|input_type|errors\.pydantic\.dev|[a-z]Arguments\b"
    r"|Input should|\bcase_mcp\.|\bmcp\.server|\w+\.\w+:_?\w+"
)


def check_answer(tool: str, answer: CallToolResult) -> None:
    """A result: structured data on success, a reason in our words on failure; a delete never
    done."""
    if answer.is_error:
        (content,) = answer.content
        assert isinstance(content, TextContent)
        reason = content.text.removeprefix(f"Error executing tool {tool}").strip(" :")
        assert reason, f"{tool} failed without saying why"
        assert FOREIGN.search(reason) is None, reason
    else:
        assert isinstance(answer.structured_content, dict)
        # No token a fuzzer can forge confirms a delete.
        assert answer.structured_content.get("deleted") is not True


@pytest.fixture(scope="module")
def portal() -> Iterator[BlockingPortal]:
    with start_blocking_portal(backend="asyncio") as portal:
        yield portal


@pytest.mark.parametrize("tool", [spec.name for spec in all_tools()])
def test_fuzzed_arguments_always_get_a_result_that_says_why(
    tool: str, portal: BlockingPortal
) -> None:
    """Any arguments, fitting or not, get a result or a clear tool error, never a protocol error."""
    with (
        Sandbox(rate_limit=None) as sandbox,
        portal.wrap_async_context_manager(
            # A host: offered every tool, the ones only views call included.
            connected(sandbox, ServerOptions(confirm_mode="token"), apps=True)
        ) as client,
    ):
        schema = portal.call(input_schema, client, tool)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            derandomize=True,
            database=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        )
        @given(arguments(schema))
        def call(fuzzed: dict[str, Any]) -> None:
            check_answer(tool, portal.call(client.call_tool, tool, fuzzed))

        call()


async def input_schema(client: Client, tool: str) -> dict[str, Any]:
    (found,) = [t for t in (await client.list_tools()).tools if t.name == tool]
    return found.input_schema
