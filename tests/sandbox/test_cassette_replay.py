"""Every recorded Datadog scenario, replayed against a fresh sandbox, gets Datadog's answers.

Each cassette's requests are sent in order to a new seeded sandbox. Ids the recording's
organisation already had (its project) are created first and mapped; ids the scenario creates
(cases, users, case types, comments) are learned from each answer, so later requests in the
scenario name the sandbox's objects. Ids the recording never created (the scenarios' deliberate
"unknown case" ids) are sent unchanged and must be unknown here too.

The sandbox must answer with the recorded status code, and every success body must have the
recorded shape: the same keys at every level. Two allowances, both listed below with the
recordings that need them, keep the comparison honest rather than loose.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx2
import pytest

from case_mcp.sandbox import Sandbox
from cassettes import Cassette, cassette_paths, load

# The recording organisation's project, which every case scenario files its cases in.
RECORDED_PROJECT = {"id": "d4bbe1af-f36e-42f1-87c1-493ca35c320e", "key": "DDFC", "name": "DDFC"}

# Fields Datadog added to its answers between recordings: the older cassettes (August 2025)
# lack them, the newer ones (December 2025) have them, and the sandbox answers like the newest.
FIELDS_ADDED_SINCE_OLDER_RECORDINGS = frozenset(
    {
        "status_group",  # case attributes
        "status_name",  # case attributes
        "internal",  # case type attributes
        "statuses_config",  # case type attributes
        "last_login_time",  # user attributes
    }
)

# Keys that appear on an object only when its state calls for them. Lists of org content
# (search results, all case types, all custom attribute configs) hold the recording org's
# objects on one side and the demo organisation's on the other, so within list items these
# may be present on one side only. Single objects are compared strictly.
KEYS_PRESENT_ONLY_WHEN_SET = frozenset(
    {
        "archived_at",
        "closed_at",
        "modified_at",
        "deleted_at",
        "assignee",
        "modified_by",
        "description",  # custom attribute configs created without one omit it
        "type_data",  # SELECT custom attribute configs only
        "service_now_ticket",
        "jira_issue",
    }
)

# Maps whose keys are data, not schema: a case's free-form attributes and its custom
# attribute values are keyed by names the organisation chose.
USER_KEYED_MAPS = (".attributes.attributes", ".custom_attributes")

HEADERS = {"DD-API-KEY": "replay-api-key", "DD-APPLICATION-KEY": "replay-app-key"}


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    with Sandbox() as sandbox:
        yield sandbox


@pytest.fixture
async def http(sandbox: Sandbox) -> AsyncIterator[httpx2.AsyncClient]:
    async with httpx2.AsyncClient(
        transport=sandbox.transport(), base_url="https://api.datadoghq.com", headers=HEADERS
    ) as client:
        yield client


class IdMap:
    """Recorded ids (and case keys) → the sandbox's ids for the same objects."""

    def __init__(self) -> None:
        self.mapping: dict[str, str] = {}

    def translate(self, text: str) -> str:
        for recorded, ours in self.mapping.items():
            text = text.replace(recorded, ours)
        return text

    def learn(self, recorded: Any, ours: Any) -> None:
        """Pair up the `id` and `key` of the objects a scenario created or changed."""
        if isinstance(recorded, dict) and isinstance(ours, dict):
            for field in ("id", "key"):
                if isinstance(recorded.get(field), str) and isinstance(ours.get(field), str):
                    self.mapping.setdefault(recorded[field], ours[field])
            for name in ("data", "attributes"):
                if name in recorded and name in ours:
                    self.learn(recorded[name], ours[name])
        elif isinstance(recorded, list) and isinstance(ours, list) and len(recorded) == 1:
            # A one-item list is an answer about one object (a new comment), not org content.
            self.learn(recorded[0], ours[0])


def shape_differences(
    recorded: Any, ours: Any, where: str = "$", in_list: bool = False
) -> list[str]:
    """Where the sandbox's document does not have the recorded document's keys."""
    if where.endswith(USER_KEYED_MAPS) and isinstance(recorded, dict) and isinstance(ours, dict):
        # Keys chosen by users (`service`, a custom attribute's key): compare the values only.
        return shape_differences(
            list(recorded.values()), list(ours.values()), f"{where}{{*}}", in_list
        )
    if isinstance(recorded, dict) and isinstance(ours, dict):
        missing = recorded.keys() - ours.keys()
        unexpected = ours.keys() - recorded.keys() - FIELDS_ADDED_SINCE_OLDER_RECORDINGS
        if in_list:
            missing -= KEYS_PRESENT_ONLY_WHEN_SET
            unexpected -= KEYS_PRESENT_ONLY_WHEN_SET
        problems = [f"{where}: missing {sorted(missing)}"] if missing else []
        if unexpected:
            problems.append(f"{where}: unexpected {sorted(unexpected)}")
        for key in recorded.keys() & ours.keys():
            problems += shape_differences(recorded[key], ours[key], f"{where}.{key}", in_list)
        return problems
    if isinstance(recorded, list) and isinstance(ours, list):
        if not recorded or not ours:
            return []  # nothing to compare an item with
        return shape_differences(
            merge_items(recorded), merge_items(ours), f"{where}[]", in_list=True
        )
    return []


def merge_items(items: list[Any]) -> Any:
    """The union of a list's items, so a key any item has counts as the list's."""
    if not all(isinstance(item, dict) for item in items):
        return items[0]
    merged: dict[str, Any] = {}
    for item in items:
        for key, value in item.items():
            if key in merged and isinstance(merged[key], dict) and isinstance(value, dict):
                merged[key] = merge_items([merged[key], value])
            elif key in merged and isinstance(merged[key], list) and isinstance(value, list):
                merged[key] = merged[key] + value
            elif key not in merged or merged[key] is None:
                merged[key] = value
    return merged


async def replay(http: httpx2.AsyncClient, cassette: Cassette) -> list[str]:
    """Send the scenario's requests; say where the sandbox answered differently."""
    ids = IdMap()
    created = await http.post(
        "/api/v2/cases/projects",
        json={
            "data": {
                "type": "project",
                "attributes": {"key": RECORDED_PROJECT["key"], "name": RECORDED_PROJECT["name"]},
            }
        },
    )
    assert created.status_code == 201, created.text
    ids.mapping[RECORDED_PROJECT["id"]] = created.json()["data"]["id"]

    problems = []
    for number, exchange in enumerate(cassette.exchanges, start=1):
        target = ids.translate(exchange.target)
        body = ids.translate(exchange.body) if exchange.body else None
        headers = {"Content-Type": "application/json"} if body is not None else {}
        answer = await http.request(exchange.method, target, content=body, headers=headers)
        step = f"step {number} ({exchange.method} {exchange.path})"
        if answer.status_code != exchange.status:
            problems.append(
                f"{step}: answered {answer.status_code}, Datadog {exchange.status}: {answer.text}"
            )
            continue
        if 200 <= exchange.status < 300 and exchange.answer:
            recorded, ours = exchange.json_answer(), answer.json()
            problems += [f"{step}: {p}" for p in shape_differences(recorded, ours)]
            ids.learn(recorded, ours)
        elif exchange.status == 204:
            assert answer.content == b"", f"{step}: a 204 answer has a body"
    return problems


@pytest.mark.anyio
@pytest.mark.parametrize("path", cassette_paths(), ids=lambda path: path.stem)
async def test_recorded_scenario_gets_datadogs_answers(http: httpx2.AsyncClient, path: Any) -> None:
    """The sandbox answers every request of a recorded scenario with Datadog's status and shape."""
    assert await replay(http, load(path)) == []


@pytest.mark.anyio
async def test_replay_notices_a_wrong_status(http: httpx2.AsyncClient) -> None:
    """The harness itself fails a scenario whose recorded status the sandbox does not give."""
    recorded = load(cassette_paths()[0])
    tampered = Cassette(
        name="tampered",
        exchanges=tuple(
            dataclasses.replace(exchange, status=299) for exchange in recorded.exchanges
        ),
    )
    assert await replay(http, tampered) != []


def test_shape_comparison_compares_user_keyed_maps_by_their_values() -> None:
    """Different attribute names are data, but a custom attribute value missing a key is not."""
    recorded: dict[str, Any] = {
        "attributes": {"attributes": {"service": ["a"]}, "custom_attributes": {}}
    }
    ours: dict[str, Any] = {"attributes": {"attributes": {"env": ["b"]}, "custom_attributes": {}}}
    assert shape_differences(recorded, ours) == []
    recorded["attributes"]["custom_attributes"] = {"x": {"type": "TEXT", "value": "1"}}
    ours["attributes"]["custom_attributes"] = {"y": {"type": "TEXT"}}
    assert shape_differences(recorded, ours) == [
        "$.attributes.custom_attributes{*}[]: missing ['value']"
    ]


def test_shape_comparison_notices_a_missing_key() -> None:
    """A key the recording has and the sandbox lacks is reported with its path."""
    recorded = json.loads('{"data": {"attributes": {"title": "x", "comment_count": 0}}}')
    ours = json.loads('{"data": {"attributes": {"title": "x"}}}')
    assert shape_differences(recorded, ours) == ["$.data.attributes: missing ['comment_count']"]
