"""The demo organisation's content, read from the data file ``demo_org.json`` beside this module.

Demo Org (``@demo-org.example``) is a small online shop's engineering organisation: SRE,
platform, data, payments, web and security people; a former contractor (``omar``) whose
account `_seed` disables when his contract ends; an invitee (``jordan``) who never logged in,
so Datadog shows no name. It uses Datadog's five built-in case types and a custom Postmortem
type, with custom attributes of every kind, and files its work in four projects, two of
which (SEC, OPS) have automation rules and notification rules; two maintenance windows, one
past and one to come, complete its automation. ``cases``
holds 65 cases opened between September and November 2026, in that order: outages and monitor
alerts, security signals and vulnerability reports, change requests in every status,
postmortems and Error Tracking issues. `_seed` turns them into histories. Six incidents were
declared along the way (``incidents``, each linked to the cases it names), some cases are linked
to others (``links``), and some are tracked in Jira, ServiceNow or a notebook (``tracking``);
`_seed_links` adds them once both ends exist. ``views`` are the searches its people saved in
their projects, and ``favorites`` the projects the API user (the sandbox's caller) marked as
favourites. The order of every
list and object in the file is the order things are created in, so it fixes ids and case keys;
ids the file does not give are uuid5 names (`object_id`).

The built-in case types are Datadog's exactly as GET /api/v2/cases/types lists them. The wire
types STANDARD and ERROR_TRACKING_ISSUE are recorded in Datadog's answers; EVENT_MANAGEMENT,
SECURITY and CHANGE_REQUEST are our best guess. A case's team (its ``team:`` attribute)
answers it: the first member takes unassigned work, the others comment and hand over.

Why JSON: the standard library reads it in C, in about 0.2 ms, where ``tomllib`` (which reads
better by hand, with comments) costs about 5 ms; seeding runs at the first call of a cold
start. The fields are documented here instead, on the classes below.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.resources import files
from typing import Any, Final

from ._rules import DEFAULT_STATUSES_CONFIG

__all__ = [
    "DOMAIN",
    "Case",
    "CaseType",
    "Configuration",
    "CustomAttribute",
    "DemoOrg",
    "Incident",
    "Link",
    "SavedView",
    "Tracking",
    "User",
    "load_demo_org",
    "object_id",
]

DOMAIN: Final = "demo-org.example"
_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_DNS, DOMAIN)
_DATA_FILE: Final = "demo_org.json"


def object_id(name: str) -> str:
    """The id of a seeded object, from a name such as ``case:12`` (the same on every run)."""
    return str(uuid.uuid5(_NAMESPACE, name))


@dataclass(frozen=True, kw_only=True)
class User:
    name: str  # empty for an invitee who never logged in, as Datadog shows them
    title: str
    status: str


@dataclass(frozen=True, kw_only=True)
class CaseType:
    id: str
    name: str
    description: str
    wire_type: str
    comments: str  # a key of `DemoOrg.comments`: the stock comments of its cases
    statuses: Mapping[str, Any] = field(default_factory=lambda: DEFAULT_STATUSES_CONFIG)
    emoji: str = ""
    internal: bool = True


@dataclass(frozen=True, kw_only=True)
class CustomAttribute:
    case_type: str  # a key of `DemoOrg.case_types`
    key: str
    display_name: str
    type: str
    is_multi: bool
    options: tuple[str, ...] = ()  # a SELECT attribute's choices


@dataclass(frozen=True, kw_only=True)
class Case:
    project: str  # a key of `DemoOrg.projects`
    type: str  # a key of `DemoOrg.case_types`
    priority: str
    status: str  # the status name it ends in
    tags: str  # its attributes, as "name:value name:value"
    title: str
    assignee: str | None = None  # a key of `DemoOrg.users`
    description: str = ""
    custom: Mapping[str, Any] | None = None  # custom attribute values by key
    source: str = ""  # its creation source, when not its type's usual one
    was: str = ""  # the title it was opened with, when renamed later
    moved_from: str = ""  # the project it was filed in first
    archived: bool = False
    note: str = ""  # its last comment, when no stock comment fits


@dataclass(frozen=True, kw_only=True)
class SavedView:
    project: str  # a key of `DemoOrg.projects`
    owner: str  # a key of `DemoOrg.users`: who saved it
    name: str
    query: str  # in the case search syntax (`_search`)


@dataclass(frozen=True, kw_only=True)
class Configuration:
    """An automation rule, a notification rule or a maintenance window, as the API takes it."""

    id: str
    attributes: Mapping[str, Any]  # the request's attributes
    project: str | None = None  # a key of `DemoOrg.projects`; None for a maintenance window


@dataclass(frozen=True, kw_only=True)
class Incident:
    public_id: int
    title: str
    severity: str  # SEV-1 (worst) to SEV-5
    state: str  # active, stable or resolved
    cases: tuple[str, ...]  # the keys of the cases linked to it, in the order linked


@dataclass(frozen=True, kw_only=True)
class Link:
    parent: str  # a case key
    relationship: str  # one of the official client's relationships (BLOCKS, CAUSES...)
    child: str  # a case key


@dataclass(frozen=True, kw_only=True)
class Tracking:
    case: str  # a case key
    jira_issue: str = ""  # "create" to create its issue, or the URL of an issue to link
    service_now: str = ""  # the ServiceNow instance to create its ticket on
    notebook: bool = False  # whether it has an investigation notebook


@dataclass(frozen=True, kw_only=True)
class DemoOrg:
    """Everything in ``demo_org.json``, typed; mappings keep the file's order."""

    users: Mapping[str, User]
    teams: Mapping[str, tuple[str, ...]]
    case_types: Mapping[str, CaseType]
    custom_attributes: tuple[CustomAttribute, ...]
    projects: Mapping[str, str]
    cases: tuple[Case, ...]
    views: tuple[SavedView, ...]
    favorites: tuple[str, ...]  # keys of `projects`
    incidents: tuple[Incident, ...]
    links: tuple[Link, ...]
    tracking: tuple[Tracking, ...]
    # comment set -> moment (triage, progress, resolve) -> texts with {service}, {env}, {region}
    comments: Mapping[str, Mapping[str, tuple[str, ...]]]
    # rules, notification_rules, maintenance_windows -> what each project and the
    # organisation have configured, so the automation tools have something to show
    automation: Mapping[str, tuple[Configuration, ...]]


@cache
def load_demo_org() -> DemoOrg:
    """The demo organisation, read from the package's data file (once per process).

    Raises:
        TypeError: An object of the file has a key its kind does not know, or lacks one it
            needs.
    """
    data = json.loads(files(__package__).joinpath(_DATA_FILE).read_text(encoding="utf-8"))
    return DemoOrg(
        users={alias: User(**user) for alias, user in data["users"].items()},
        teams={name: tuple(people) for name, people in data["teams"].items()},
        case_types={key: CaseType(**kind) for key, kind in data["case_types"].items()},
        custom_attributes=tuple(
            CustomAttribute(**{**config, "options": tuple(config.get("options", ()))})
            for config in data["custom_attributes"]
        ),
        projects=data["projects"],
        cases=tuple(Case(**case) for case in data["cases"]),
        views=tuple(SavedView(**view) for view in data["views"]),
        favorites=tuple(data["favorites"]),
        incidents=tuple(
            Incident(**{**incident, "cases": tuple(incident["cases"])})
            for incident in data["incidents"]
        ),
        links=tuple(Link(**link) for link in data["links"]),
        tracking=tuple(Tracking(**tracked) for tracked in data["tracking"]),
        comments={
            name: {moment: tuple(texts) for moment, texts in moments.items()}
            for name, moments in data["comments"].items()
        },
        automation={
            kind: tuple(Configuration(**config) for config in configs)
            for kind, configs in data["automation"].items()
        },
    )
