"""Datadog's own BDD scenarios for Case Management, read from ../shared/datadog/features.

The feature files come from Datadog's official Python client (tests/v2/features/), where its
authors run them against the live API. Each scenario names an operation, the objects that must
exist first ("there is a valid "case" in the system"), the request's parameters and body, and
the status Datadog answers. They are parsed with the official Gherkin parser; the steps are
matched here, and a step of a kind not listed below fails loudly instead of being ignored.

Not every check can apply to the sandbox: "the response has 3 items" counts the closed cases
of Datadog's own test organisation after paging through all of them, so it is read (the step
is known) but not kept.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gherkin.parser import Parser
from gherkin.pickles.compiler import Compiler, GherkinDocumentWithURI, Pickle

from cassettes import CASSETTE_DIR, load

FEATURE_DIR = Path(__file__).resolve().parents[2] / "shared" / "datadog" / "features"


def recorded_status(scenario: Scenario, method: str, path_template: str) -> int | None:
    """The status Datadog answered the scenario's request with, when it was recorded.

    Datadog's suite records each scenario it runs in a cassette named after it; the request
    under test is the first one to the operation's method and path (the others make its given
    objects or clean up). The recording wins over the status the scenario states: Datadog tags
    scenarios whose recording disagrees `@skip` rather than fixing them.
    """
    slug = re.sub(r"[^a-z0-9]+", "_", scenario.name.lower()).strip("_")
    path = CASSETTE_DIR / f"test_{slug}.yaml"
    if not path.exists():
        return None
    pattern = re.compile(re.sub(r"\\\{\w+\\\}", "[^/]+", re.escape(path_template)))
    for exchange in load(path).exchanges:
        if exchange.method == method and pattern.fullmatch(exchange.path):
            return exchange.status
    return None


@dataclass(frozen=True)
class Parameter:
    """A request parameter: either a value, or a path into an object made by a given step."""

    name: str
    value: Any = None
    source: str | None = None  # "case.id": the id of the "case" object


@dataclass(frozen=True)
class Check:
    """A check of the answer: the value at `path` equals `expected` (or only exists)."""

    path: str
    expected: Any = None
    exists_only: bool = False


@dataclass(frozen=True)
class Scenario:
    """One of Datadog's scenarios: one request and the status Datadog answers it with."""

    name: str
    file: str
    api: str  # "CaseManagement", "CaseManagementType" or "CaseManagementAttribute"
    operation_id: str
    generated: bool  # tagged @generated: written from the reference, never run by Datadog
    givens: tuple[str, ...] = ()  # "case", "case_type", "case_with_type", "comment", ...
    parameters: tuple[Parameter, ...] = ()
    body: str | None = None  # JSON, with {{ template }} references
    status: int = 0
    checks: tuple[Check, ...] = field(default=())

    @property
    def expects_success(self) -> bool:
        return 200 <= self.status < 300

    @property
    def test_id(self) -> str:
        return f"{self.operation_id}: {self.name}"


_STEPS: dict[str, re.Pattern[str]] = {
    name: re.compile(pattern)
    for name, pattern in {
        "key": r'a valid "\w+" key in the system',
        "api": r'an instance of "(?P<api>\w+)" API',
        "request": r'new "(?P<request>\w+)" request',
        "given_with_type": r'there is a valid "case" with a custom "case_type" in the system',
        "given": r'there is a valid "(?P<given>\w+)" in the system',
        "parameter_from": r'request contains "(?P<name>[^"]+)" parameter from "(?P<source>[^"]+)"',
        "parameter_value": r'request contains "(?P<name>[^"]+)" parameter with value (?P<value>.+)',
        "body": r"body with value (?P<body>.+)",
        "send": r"the request (with pagination )?is sent",
        "status": r"the response status is (?P<status>\d+) .+",
        "equal": r'the response "(?P<path>[^"]+)" is equal to (?P<expected>.+)',
        "has_field": r'the response "(?P<path>[^"]+)" has field "(?P<field>[^"]+)"',
        "item_count": r"the response has \d+ items",
    }.items()
}


def scenarios(directory: Path = FEATURE_DIR) -> list[Scenario]:
    """Every scenario of every feature file in `directory`, in file order."""
    found: list[Scenario] = []
    for path in sorted(directory.glob("*.feature")):
        document: GherkinDocumentWithURI = {**Parser().parse(path.read_text()), "uri": path.name}
        found.extend(_scenario(path.name, pickle) for pickle in Compiler().compile(document))
    return found


def _scenario(file: str, pickle: Pickle) -> Scenario:
    fields: dict[str, Any] = {"givens": [], "parameters": [], "checks": []}
    for text in (step["text"] for step in pickle["steps"]):
        kind, match = _match(text, pickle["name"])
        groups = match.groupdict()
        if kind == "api":
            fields["api"] = groups["api"]
        elif kind == "request":
            fields["operation_id"] = _snake_case(groups["request"])
        elif kind == "given_with_type":
            fields["givens"].append("case_with_type")  # of the case_type given before it
        elif kind == "given":
            fields["givens"].append(groups["given"])
        elif kind == "parameter_from":
            fields["parameters"].append(Parameter(groups["name"], source=groups["source"]))
        elif kind == "parameter_value":
            fields["parameters"].append(Parameter(groups["name"], json.loads(groups["value"])))
        elif kind == "body":
            fields["body"] = groups["body"]
        elif kind == "status":
            fields["status"] = int(groups["status"])
        elif kind == "equal":
            fields["checks"].append(Check(groups["path"], json.loads(groups["expected"])))
        elif kind == "has_field":
            path = f"{groups['path']}.{groups['field']}"
            fields["checks"].append(Check(path, exists_only=True))
    tags = {tag["name"] for tag in pickle["tags"]}
    return Scenario(
        name=pickle["name"],
        file=file,
        api=fields.pop("api"),
        operation_id=fields.pop("operation_id"),
        generated="@generated" in tags,
        givens=tuple(fields.pop("givens")),
        parameters=tuple(fields.pop("parameters")),
        checks=tuple(fields.pop("checks")),
        **fields,
    )


def _match(text: str, scenario: str) -> tuple[str, re.Match[str]]:
    for kind, pattern in _STEPS.items():
        match = pattern.fullmatch(text)
        if match:
            return kind, match
    raise ValueError(f"an unknown kind of step in {scenario!r}: {text!r}")


def _snake_case(name: str) -> str:
    """`AddCaseInsights` -> `add_case_insights`, as Datadog's client names its methods."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def value_at(document: Any, path: str) -> Iterator[Any]:
    """The value at a dotted `path` ("data.attributes.title") in `document`, if there is one."""
    for part in path.split("."):
        if not isinstance(document, dict) or part not in document:
            return
        document = document[part]
    yield document
