"""The sandbox answers Datadog's own scenarios with Datadog's statuses.

Every scenario of ../shared/datadog/features (tests/features.py reads them) whose operation
the sandbox routes is replayed on a fresh demo sandbox: the objects its given steps name are
made through the API, the request is built from the official client's own description of the
operation (method, path, where each parameter goes) and sent as written, and the answer must
have the scenario's status, or the status Datadog's recording of it shows where they differ
(the recording wins). A successful answer must also deserialise into the official
client's response model, and the scenario's own checks of the answer must hold.

The ids in bodies name objects of Datadog's own test organisation (a project, the ends of a
link, an assignee, the cases of a bulk change). Except in a "Not Found" scenario, each becomes
an existing object of the kind its key or its sibling `type` names; ids of other systems
(Jira's, a monitor's) stay.

Scenarios tagged `@generated` were written by Datadog's generator from the reference, one per
documented status, and never run against Datadog. Their ids are `REPLACE.ME` and their bodies
name example objects that exist nowhere, so they are read the way they are meant:

- a scenario that expects success gets existing objects of the right kind for `REPLACE.ME`;
- a "Not Found" one gets ids that name nothing for `REPLACE.ME`;
- a "Bad Request" one gets existing objects, and its body as written;
- a "Conflict" one is the successful request sent a second time.

Where a failure scenario (generated, or tagged `@skip` by Datadog) has the very same request as
the operation's success, no server can give both answers; that scenario is skipped, saying so.
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from datadog_api_client import ApiClient, Configuration
from datadog_api_client.api_client import Endpoint
from datadog_api_client.v2.api.case_management_api import CaseManagementApi
from datadog_api_client.v2.api.case_management_attribute_api import CaseManagementAttributeApi
from datadog_api_client.v2.api.case_management_type_api import CaseManagementTypeApi

from case_mcp.sandbox import Sandbox
from features import Scenario, recorded_status, scenarios, value_at

APIS: dict[str, Callable[[ApiClient], object]] = {
    "CaseManagement": CaseManagementApi,
    "CaseManagementType": CaseManagementTypeApi,
    "CaseManagementAttribute": CaseManagementAttributeApi,
}
KEYS = {"DD-API-KEY": "scenario-api-key", "DD-APPLICATION-KEY": "scenario-app-key"}
STANDARD_TYPE_ID = "00000000-0000-0000-0000-000000000001"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
NAMES_NOTHING = "00000000-0000-4000-8000-0000000d0404"

NOT_IN_THE_DEMO = {
    'Create a project returns "CREATED" response': "the demo organisation has a project with "
    "the scenario's key, SEC, and keys are unique (Datadog's test organisation had none)",
}
"""Scenarios whose request meets the demo organisation's own data, and why."""

SCENARIOS = scenarios()
ROUTED = {operation.operation_id for operation in Sandbox.OPERATIONS}


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: tuple[tuple[str, str], ...]
    body: Any


def endpoint_of(scenario: Scenario) -> Endpoint:
    """The official client's description of the scenario's operation."""
    api = APIS[scenario.api](ApiClient(Configuration()))
    endpoint: Endpoint = getattr(api, f"_{scenario.operation_id}_endpoint")
    return endpoint


class World:
    """A fresh demo sandbox, the objects the scenario's given steps made, and a client."""

    def __init__(self, http: httpx2.AsyncClient) -> None:
        self.http = http
        self.made: dict[str, Any] = {}
        self.found: dict[str, str] = {}
        self.unique = uuid.uuid4().hex[:10]

    async def call(self, method: str, path: str, body: Any = None, expect: int = 200) -> Any:
        answer = await self.http.request(method, path, json=body)
        assert answer.status_code == expect, (method, path, body, answer.text)
        return answer.json() if answer.content else None

    # The objects of given steps, made as Datadog's own test suite makes them ---------------

    async def give_once(self, name: str) -> None:
        if name not in self.made:
            await self.give(name)

    async def give(self, name: str) -> None:
        self.made[name] = await getattr(self, f"_given_{name}")()

    async def _given_case(self, type_id: str = STANDARD_TYPE_ID) -> Any:
        attributes = {"title": f"Scenario case {self.unique}", "type_id": type_id}
        project = {"data": {"id": await self.first("project"), "type": "project"}}
        body = {"data": {"type": "case", "attributes": attributes}}
        body["data"]["relationships"] = {"project": project}
        return (await self.call("POST", "/api/v2/cases", body, expect=201))["data"]

    async def _given_case_with_type(self) -> Any:
        return await self._given_case(type_id=self.made["case_type"]["id"])

    async def _given_case_type(self) -> Any:
        attributes = {"name": f"World {self.unique}", "emoji": "🌍"}
        body = {"data": {"type": "case_type", "attributes": attributes}}
        return (await self.call("POST", "/api/v2/cases/types", body, expect=201))["data"]

    async def _given_comment(self) -> Any:
        body = {"data": {"type": "case", "attributes": {"comment": "A scenario's comment"}}}
        cells = await self.call("POST", f"/api/v2/cases/{self.made['case']['id']}/comment", body)
        return cells["data"][0] if isinstance(cells["data"], list) else cells["data"]

    async def _given_custom_attribute(self) -> Any:
        attributes = {  # as Datadog's suite makes it (its cassettes show the request)
            "display_name": f"Attribute {self.unique}",
            "key": f"attribute_{self.unique}",
            "type": "TEXT",
            "is_multi": True,
        }
        body = {"data": {"type": "custom_attribute", "attributes": attributes}}
        path = f"/api/v2/cases/types/{self.made['case_type']['id']}/custom_attributes"
        return (await self.call("POST", path, body, expect=201))["data"]

    async def _given_user(self) -> Any:
        return {"data": (await self.call("GET", "/api/v2/users"))["data"][0]}

    # Existing objects, for the generated scenarios' placeholders --------------------------

    async def first(self, kind: str) -> str:
        """The id of an existing object of `kind` ("project", "case", "user", ...)."""
        lists = {
            "project": "/api/v2/cases/projects",
            "case": "/api/v2/cases",
            "user": "/api/v2/users",
        }
        return str((await self.call("GET", lists[kind]))["data"][0]["id"])

    async def existing(self, parameter: str) -> str:
        """An existing object for a path parameter named `parameter`, the same one each time
        (so that two scenarios' requests compare equal when they name the same kind)."""
        if parameter not in self.found:
            self.found[parameter] = await self._find_existing(parameter)
        return self.found[parameter]

    async def _find_existing(self, parameter: str) -> str:
        if parameter == "case_id":
            return str(self.made["case"]["id"]) if "case" in self.made else await self.first("case")
        if parameter in ("project_id", "user_uuid"):
            return await self.first("project" if parameter == "project_id" else "user")
        if parameter == "view_id":
            project = await self.first("project")
            views = await self.call("GET", f"/api/v2/cases/views?project_id={project}")
            return str(views["data"][0]["id"])
        if parameter == "cell_id":
            self.made.setdefault("case", {"id": await self.existing("case_id")})
            return str((await self._given_comment())["id"])
        if parameter == "case_type_id":
            await self.give_once("case_type")
            return str(self.made["case_type"]["id"])
        if parameter in ("custom_attribute_id", "custom_attribute_key"):
            await self.give_once("case_type")
            await self.give_once("custom_attribute")
            made = self.made["custom_attribute"]
            return str(made["id"] if parameter.endswith("_id") else made["attributes"]["key"])
        if parameter in ("rule_id", "notification_rule_id"):
            return await self._find_project_rule(parameter)
        if parameter == "maintenance_window_id":
            return str((await self.call("GET", "/api/v2/maintenance_windows"))["data"][0]["id"])
        if parameter == "entity_type":
            return "CASE"
        if parameter in ("entity_id", "link_id"):
            return await self._find_linked_case(parameter)
        raise LookupError(f"no way to find an existing object for {parameter!r} yet")

    async def _find_project_rule(self, parameter: str) -> str:
        """A rule of some project, which becomes the project the request names."""
        rules = "rules" if parameter == "rule_id" else "notification_rules"
        for project in (await self.call("GET", "/api/v2/cases/projects"))["data"]:
            path = f"/api/v2/cases/projects/{project['id']}/{rules}"
            listed = (await self.call("GET", path))["data"]
            if listed:
                self.found["project_id"] = str(project["id"])
                return str(listed[0]["id"])
        raise LookupError(f"no project has {rules}")

    async def _find_linked_case(self, parameter: str) -> str:
        """A case that has links (`entity_id`), or the first of its links (`link_id`)."""
        for case in (await self.call("GET", "/api/v2/cases?page[size]=100"))["data"]:
            query = f"entity_type=CASE&entity_id={case['id']}"
            links = (await self.call("GET", f"/api/v2/cases/link?{query}"))["data"]
            if links:
                return str(case["id"] if parameter == "entity_id" else links[0]["id"])
        raise LookupError("no case has links")

    async def existing_in_body(self, key: str, kind: str | None) -> str | None:
        """An existing object for an example id in a body, by its key or its resource type."""
        if key == "project_id" or kind == "project":
            return await self.first("project")
        if kind == "user":
            return await self.first("user")
        if kind == "incidents":  # the API lists no incidents; the cases name theirs
            for case in (await self.call("GET", "/api/v2/cases?page[size]=100"))["data"]:
                incidents = case.get("relationships", {}).get("incidents", {}).get("data")
                if incidents:
                    return str(incidents[0]["id"])
        if kind == "CASE":
            cases = (await self.call("GET", "/api/v2/cases"))["data"]
            return str(cases[0 if key.startswith("parent") else 1]["id"])
        return None

    # Templates ---------------------------------------------------------------------------

    async def render(self, text: str) -> str:
        """`text` with its templates filled in: made objects' fields, unique names, uuids."""
        template = re.compile(r"\{\{\s*([\w.]+)\s*\}\}")
        for name in template.findall(text):
            root = name.partition(".")[0]
            if root not in ("unique", "unique_hash", "uuid"):
                await self.give_once(root)

        def value(match: re.Match[str]) -> str:
            name = match.group(1)
            if name in ("unique", "unique_hash"):
                return f"scenario-{self.unique}"
            if name == "uuid":
                return str(uuid.uuid4())
            root, _, path = name.partition(".")
            return str(next(value_at(self.made[root], path)))

        return template.sub(value, text)


async def request_for(scenario: Scenario, world: World, *, existing: bool) -> Request:
    """The scenario's request; placeholders become existing objects when `existing`, else
    ids that name nothing (the example ids in a body stay as written)."""
    endpoint = endpoint_of(scenario)
    wire_names = {
        name: (spec.get("attribute", name), spec["location"])
        for name, spec in endpoint.params_map.items()
    }
    by_wire_name = {attribute: (attribute, where) for attribute, where in wire_names.values()}
    path, query = str(endpoint.settings["endpoint_path"]), []
    # A rule's id fixes the project it is found in, so it is looked up before the project.
    parameters = sorted(scenario.parameters, key=lambda p: not p.name.endswith("rule_id"))
    for parameter in parameters:
        attribute, where = wire_names.get(parameter.name) or by_wire_name[parameter.name]
        value = parameter.value
        if existing and isinstance(value, str) and UUID.fullmatch(value):
            value = await world.existing(attribute)  # an object of Datadog's test organisation
        if parameter.source == "REPLACE.ME":
            value = await world.existing(attribute) if existing else _names_nothing(attribute)
        elif parameter.source is not None:
            root, _, rest = parameter.source.partition(".")
            value = next(value_at(world.made[root], rest))
        if where == "path":
            path = path.replace(f"{{{attribute}}}", str(value))
        else:
            query.append((attribute, json.dumps(value) if isinstance(value, bool) else str(value)))
    body = json.loads(await world.render(scenario.body)) if scenario.body is not None else None
    if existing and body is not None:
        body = await _with_existing_objects(body, world)
    return Request(str(endpoint.settings["http_method"]), path, tuple(query), body)


def _names_nothing(parameter: str) -> str:
    if parameter == "entity_type":
        return "CASE"  # a kind that exists: what names nothing is the entity's id
    return NAMES_NOTHING if parameter.endswith(("_id", "_uuid")) else "no_such_key"


async def _with_existing_objects(document: Any, world: World) -> Any:
    """`document` with each example id replaced by an existing object of the kind its key
    or its sibling `type` names; ids of other systems (Jira's, a monitor's) stay."""
    if isinstance(document, list):
        return [await _with_existing_objects(item, world) for item in document]
    if not isinstance(document, dict):
        return document
    changed: dict[str, Any] = {}
    for key, value in document.items():
        if key == "case_ids" and isinstance(value, list):  # "case-id-1": placeholders
            cases = (await world.call("GET", "/api/v2/cases"))["data"]
            changed[key] = [str(case["id"]) for case in cases[: len(value)]]
            continue
        if isinstance(value, str) and UUID.fullmatch(value) and value != STANDARD_TYPE_ID:
            # A link's ends say their kind beside them (parent_entity_type); a resource object
            # ({"id": ..., "type": "project"}) in its type.
            entity_type = document.get(key.removesuffix("_id") + "_type")
            kind = entity_type if isinstance(entity_type, str) else document.get("type")
            changed[key] = await world.existing_in_body(key, kind) or value
        else:
            changed[key] = await _with_existing_objects(value, world)
    return changed


@asynccontextmanager
async def world_of_a_fresh_sandbox() -> AsyncIterator[World]:
    with Sandbox(rate_limit=None) as sandbox:
        async with httpx2.AsyncClient(
            transport=sandbox.transport(), base_url="http://sandbox", headers=KEYS
        ) as http:
            yield World(http)


async def send(world: World, request: Request) -> httpx2.Response:
    return await world.http.request(
        request.method, request.path, params=list(request.query), json=request.body
    )


def success_of(scenario: Scenario) -> Scenario | None:
    """The scenario of the same operation that expects success, if there is one."""
    return next(
        (
            other
            for other in SCENARIOS
            if other.operation_id == scenario.operation_id and other.expects_success
        ),
        None,
    )


REPLAYED = [scenario for scenario in SCENARIOS if scenario.operation_id in ROUTED]


@pytest.mark.anyio
@pytest.mark.parametrize("scenario", REPLAYED, ids=lambda scenario: scenario.test_id)
async def test_the_sandbox_answers_datadogs_scenario_with_its_status(scenario: Scenario) -> None:
    """The scenario's request gets the status Datadog answers it with (as recorded, where it
    was), and an answer that Datadog's client reads into its model."""
    if scenario.name in NOT_IN_THE_DEMO:
        pytest.skip(NOT_IN_THE_DEMO[scenario.name])
    endpoint = endpoint_of(scenario)
    method, template = endpoint.settings["http_method"], endpoint.settings["endpoint_path"]
    status = recorded_status(scenario, method, template) or scenario.status
    async with world_of_a_fresh_sandbox() as world:
        for name in scenario.givens:
            await world.give(name)
        request = await request_for(scenario, world, existing=status != 404)
        if status >= 300 and status != 409:
            success = success_of(scenario)
            for name in success.givens if success else ():
                await world.give_once(name)
            if success and request == await request_for(success, world, existing=True):
                pytest.skip(
                    f"Datadog's scenarios give the same request for {status} as for success; "
                    "a request cannot have both answers"
                )
        if status == 409:
            first = await send(world, request)
            assert 200 <= first.status_code < 300, first.text

        answer = await send(world, request)

        assert answer.status_code == status, (request, answer.text)
        if status < 300 and answer.content:
            _read_by_the_official_client(scenario, answer.text)
        document = answer.json() if answer.content else None
        for check in scenario.checks:
            found = list(value_at(document, check.path))
            assert found, (check.path, document)
            if not check.exists_only:
                assert found[0] == await world.render(str(check.expected)), check


def _read_by_the_official_client(scenario: Scenario, text: str) -> None:
    endpoint = endpoint_of(scenario)
    response_type = endpoint.settings["response_type"]
    if response_type is not None:
        ApiClient(Configuration()).deserialize(text, response_type, True)


def test_every_operation_of_the_reference_has_a_scenario() -> None:
    """Datadog's scenarios cover all 75 operations, so replaying them judges every route."""
    assert len({scenario.operation_id for scenario in SCENARIOS}) == 75


def test_every_routed_operation_is_judged_by_at_least_one_scenario_it_can_reproduce() -> None:
    """No routed operation escapes the replay (Datadog's users' operations are not in it)."""
    judged = {scenario.operation_id for scenario in REPLAYED}
    users = {"list_users", "create_user", "disable_user", "get_user"}
    assert ROUTED - users <= judged
