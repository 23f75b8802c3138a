"""Seeding the demo organisation's incidents, case links and trackers (`DemoOrg.incidents`,
``links`` and ``tracking``), each once the cases it joins exist.

The table names cases by their final keys; `case_indexes` finds which row of the case table
each key is, so each event can be dated after its cases were opened (a case moved to another
project takes the next number there, and its first project's number is spent).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import count
from typing import Any, Final

from ._demo_org import DemoOrg, object_id
from ._store import Store

__all__ = ["add_links", "case_indexes"]

Schedule = Callable[..., None]
"""Runs a store call at a moment: ``schedule(moment, call, *args, **kwargs)``."""

# Who files the links of each project's cases.
_LINKERS: Final = {"SEC": "daniel", "OPS": "maya", "APP": "aiko", "ET": "aiko"}
# The demo organisation's Jira Cloud account, project and issue type (Task).
_JIRA: Final = {"jira_account_id": "demo-org", "project_id": "10020", "issue_type_id": "10004"}


def case_indexes(org: DemoOrg) -> dict[str, int]:
    """The row of the case table that each final case key is."""
    numbers: Counter[str] = Counter()
    indexes = {}
    for index, case in enumerate(org.cases):
        if case.moved_from:
            numbers[case.moved_from] += 1
        numbers[case.project] += 1
        indexes[f"{case.project}-{numbers[case.project]}"] = index
    return indexes


def _own_ids(store: Store, schedule: Schedule) -> Schedule:
    """`schedule`, with each call drawing ids from a sequence of its own: the rest of the
    organisation keeps the ids it had before these were added (tests and docs name some)."""
    numbers = count()

    def scheduled(moment: datetime, call: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        def run() -> object:
            new_id = store.new_id
            store.new_id = lambda: object_id(f"link-object:{next(numbers)}")
            try:
                return call(*args, **kwargs)
            finally:
                store.new_id = new_id

        schedule(moment, run)

    return scheduled


def add_links(
    store: Store, org: DemoOrg, schedule: Schedule, opened: Callable[[int], datetime]
) -> None:
    """Schedule the incidents, links and trackers of `org` on `store`."""
    indexes = case_indexes(org)
    schedule = _own_ids(store, schedule)

    def after(*keys: str, hours: float) -> datetime:
        return max(opened(indexes[key]) for key in keys) + timedelta(hours=hours)

    def linker(key: str) -> str:
        return object_id(f"user:{_LINKERS[key.split('-')[0]]}")

    for number, incident in enumerate(org.incidents):
        incident_id = object_id(f"incident:{incident.public_id}")
        declared = (
            after(incident.cases[0], hours=0.5) if incident.cases else opened(len(org.cases) - 1)
        )
        schedule(
            declared,
            store.create_incident,
            title=incident.title,
            severity=incident.severity,
            state=incident.state,
            public_id=incident.public_id,
            incident_id=incident_id,
        )
        for key in incident.cases:
            when = max(declared, after(key, hours=0)) + timedelta(hours=1, minutes=number)
            schedule(when, store.link_incident, key, incident_id, actor_id=linker(key))
    for link in org.links:
        schedule(
            after(link.parent, link.child, hours=2),
            store.create_case_link,
            parent_entity_type="CASE",
            parent_entity_id=link.parent,
            child_entity_type="CASE",
            child_entity_id=link.child,
            relationship=link.relationship,
            actor_id=linker(link.parent),
        )
    for tracked in org.tracking:
        _track(
            store,
            schedule,
            after(tracked.case, hours=3),
            tracked.case,
            linker(tracked.case),
            tracked,
        )


def _track(
    store: Store, schedule: Schedule, when: datetime, key: str, actor: str, tracked: Any
) -> None:
    if tracked.jira_issue == "create":
        schedule(when, store.create_case_jira_issue, key, **_JIRA, actor_id=actor)
    elif tracked.jira_issue:
        schedule(when, store.link_jira_issue_to_case, key, tracked.jira_issue, actor_id=actor)
    if tracked.service_now:
        schedule(
            when,
            store.create_case_service_now_ticket,
            key,
            instance_name=tracked.service_now,
            assignment_group="Database Administration",
            actor_id=actor,
        )
    if tracked.notebook:
        schedule(when, store.create_case_notebook, key, actor_id=actor)
