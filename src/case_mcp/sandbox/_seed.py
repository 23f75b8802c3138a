"""Seeding: the demo organisation of ``demo_org.json``, built through the store with histories.

`seed_demo_org` creates the people, case types, custom attributes and projects, then turns each
case of the table into dated events: opening, assignment, corrections, custom attributes, the
walk through its statuses with comments on the way, sometimes a rename, a move to another
project or an archive. The events of all cases run in time order on a scripted clock, so the
timelines interleave as real ones would. Ids are uuid5 names, timeline cells included (the
store's id source is swapped too), so every run builds the same organisation.

Variety comes from each case's position in the table: one case in three is opened at the
wrong priority and corrected, one in seven is handed over by a first responder, every other
unassigned case is picked up and put back, every other case gets its custom attributes after
opening, and the number of comments (0 to 6) follows its position and status. The saved
views and the API user's favourite projects come last.

The teammate of a case's responder watches it (and Maya, the incident commander, every P1),
and a closed security case gets the resolved reason its last comment gives. Those were added
after the rest, so their cells take ids of their own (`_Script.on_the_side`) and every other
id stayed as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial
from itertools import count
from typing import Any, Final, NamedTuple

from ._demo_org import DOMAIN, Case, DemoOrg, load_demo_org, object_id
from ._seed_links import add_links
from ._store import Store

__all__ = ["ACTOR_ID", "seed_demo_org"]

ACTOR_ID: Final = object_id("user:case-mcp-sandbox")
"""The organisation's API user (a service account): every sandbox request acts as it."""

_START: Final = datetime(2026, 9, 1, 8, 0, tzinfo=UTC)
_CONTRACT_ENDS: Final = datetime(2026, 11, 16, 17, 0, tzinfo=UTC)
_PRIORITIES: Final = ("P1", "P2", "P3", "P4", "P5")
_USUAL_SOURCE: Final = {"ERR": "ERROR_TRACKING", "EVT": "MONITOR"}
_HOURS_TO_CLOSE: Final = {"P1": 6, "P2": 20, "P3": 48, "P4": 96, "P5": 144, "NOT_DEFINED": 30}
_WORKFLOWS: Final = {  # the statuses a case walks through to end in its status
    "Open": (),
    "In Progress": ("In Progress",),
    "Closed": ("In Progress", "Closed"),
    "Pending Approval": ("Pending Approval",),
    "Approved": ("Pending Approval", "Approved"),
    "Implementing": ("Pending Approval", "Approved", "Implementing"),
    "Completed": ("Pending Approval", "Approved", "Implementing", "Completed"),
    "Cancelled": ("Pending Approval", "Cancelled"),
    "Declined": ("Pending Approval", "Declined"),
}
_CLOSING: Final = frozenset({"Closed", "Completed", "Cancelled", "Declined"})


def _user(alias: str) -> str:
    return object_id(f"user:{alias}")


def _attributes(tags: str) -> dict[str, list[str]]:
    attributes: dict[str, list[str]] = {}
    for tag in tags.split():
        name, _, value = tag.partition(":")
        attributes.setdefault(name, []).append(value)
    return attributes


def _team(org: DemoOrg, case: Case) -> tuple[str, ...]:
    """The people who answer a case: its team's, else its assignee's, else SRE."""
    teams = org.teams
    name = _attributes(case.tags).get("team", [""])[0]
    if name not in teams:
        name = next((team for team, people in teams.items() if case.assignee in people), "sre")
    return teams[name]


def _resolved_reason(last_word: str) -> str:
    """The resolved reason a security case's closing comment gives."""
    text = last_word.lower()
    if "false positive" in text:
        return "FALSE_POSITIVE"
    return "BENIGN_POSITIVE" if "benign" in text else "TRUE_POSITIVE"


def _insights(case: Case, source: str, index: int) -> list[dict[str, str]]:
    """What an integration links its case to, shaped like Datadog's search answers."""
    resource = object_id(f"insight:{index}")
    if source == "ERROR_TRACKING":
        ref = f"/error-tracking?issueId={resource}"
    elif source == "SECURITY_SIGNAL":
        resource = "AQAAAZ" + resource.replace("-", "")[:26]
        ref = f"/security?event={resource}"
    elif source == "MONITOR":
        monitors = (case.custom or {}).get("monitor_ids") or [148_000_000 + index * 104_729]
        resource = str(monitors[0])
        ref = f"/monitors/{resource}"
    else:
        return []
    return [{"type": source, "ref": ref, "resource_id": resource}]


def _opened(index: int) -> datetime:
    """When the case of row `index` of the table was opened."""
    return _START + timedelta(
        hours=26 * index, minutes=index * 37 % 180, microseconds=index * 7919 % 1_000_000
    )


class _Event(NamedTuple):
    at: datetime
    order: int  # when it was scripted: breaks ties in time
    run: Callable[[], object]


class _Script:
    """Dated store calls for each case; `run` plays them in time order on the scripted clock."""

    def __init__(self, store: Store, org: DemoOrg) -> None:
        self.store = store
        self.org = org
        self.moment = _START
        self.events: list[_Event] = []
        self.configs = {
            (config.case_type, config.key): (config.type, config.is_multi)
            for config in org.custom_attributes
        }

    def at(self, moment: datetime, call: Callable[..., object], *args: Any, **kwargs: Any) -> None:
        self.events.append(_Event(moment, len(self.events), partial(call, *args, **kwargs)))

    def run(self) -> None:
        for event in sorted(self.events, key=lambda event: (event.at, event.order)):
            self.moment = event.at
            event.run()

    def on_the_side(self, key: str, call: Callable[..., object]) -> Callable[..., object]:
        """`call`, making ids of its own (``key:0``, ``key:1``...): the watchers and resolved
        reasons came after the rest of the organisation, whose ids stay as they were."""

        def run(*args: Any, **kwargs: Any) -> object:
            store, ids = self.store, count()
            new_id = store.new_id
            store.new_id = lambda: object_id(f"{key}:{next(ids)}")
            try:
                return call(*args, **kwargs)
            finally:
                store.new_id = new_id

        return run

    def custom(self, case: Case, key: str) -> dict[str, Any]:
        """One custom attribute of a case, as the API takes it."""
        type_, is_multi = self.configs[case.type, key]
        return {"type": type_, "is_multi": is_multi, "value": (case.custom or {})[key]}

    def add_case(self, index: int, case: Case) -> None:
        store, case_id = self.store, object_id(f"case:{index}")
        opened = _opened(index)

        def later(minutes: float, call: Callable[..., object], *args: Any, **kwargs: Any) -> None:
            self.at(opened + timedelta(minutes=minutes), call, case_id, *args, **kwargs)

        team = _team(self.org, case)
        owner = _user(case.assignee or team[0])
        mate = _user(next(person for person in team if _user(person) != owner))
        source = case.source or _USUAL_SOURCE.get(case.type, "MANUAL")
        creator = ACTOR_ID if source != "MANUAL" else mate if index % 2 else owner
        attributes = _attributes(case.tags)
        region_later = index % 5 == 0 and "region" in attributes  # learnt during triage
        custom_now = () if index % 2 else tuple(case.custom or ())  # else set after opening
        priority = case.priority
        if priority in _PRIORITIES and index % 3 == 0:  # opened one level off, corrected soon
            rank = _PRIORITIES.index(priority)
            priority = _PRIORITIES[rank + 1 if rank < 2 else rank - 1]
        self.at(
            opened,
            store.create_case,
            title=case.was or case.title,
            type_id=self.org.case_types[case.type].id,
            project_id=object_id(f"project:{case.moved_from or case.project}"),
            actor_id=creator,
            priority=priority,
            description=case.description,
            attributes={k: v for k, v in attributes.items() if k != "region" or not region_later},
            custom_attributes={k: self.custom(case, k) for k in custom_now},
            creation_source=source,
            insights=_insights(case, source, index),
            case_id=case_id,
        )
        if case.assignee and index % 7 == 3:  # a teammate takes it first, then hands it over
            later(8, store.assign_case, mate, actor_id=mate)
            later(190, store.assign_case, owner, actor_id=mate)
        elif case.assignee:
            later(12, store.assign_case, owner, actor_id=owner if index % 2 else mate)
        elif index % 2:  # taken from the queue, then put back
            later(10, store.assign_case, owner, actor_id=owner)
            later(300, store.unassign_case, actor_id=owner)
        if region_later:
            later(30, store.update_attributes, attributes, actor_id=owner)
        if case.was:
            later(35, store.update_case_title, case.title, actor_id=owner)
        if priority != case.priority:
            later(40, store.update_priority, case.priority, actor_id=owner)
        if case.moved_from:
            later(
                45, store.move_case_to_project, object_id(f"project:{case.project}"), actor_id=owner
            )
        for key in [key for key in case.custom or {} if key not in custom_now]:
            later(
                90,
                store.update_case_custom_attribute,
                key,
                actor_id=owner,
                **self.custom(case, key),
            )
        self.add_history(index, case, case_id, (owner, mate), opened)

    def add_history(
        self, index: int, case: Case, case_id: str, people: tuple[str, str], opened: datetime
    ) -> None:
        """The walk through the case's statuses, its comments on the way, and its archiving."""
        store, (owner, mate) = self.store, people
        steps = _WORKFLOWS[case.status]
        closes = case.status in _CLOSING
        duration = timedelta(hours=_HOURS_TO_CLOSE[case.priority])
        for number, status in enumerate(steps):
            # Work starts within the hour; later steps spread to the close, or come daily.
            when = opened + timedelta(minutes=50) + (
                (duration - timedelta(minutes=50)) * number / (len(steps) - 1)
                if closes else timedelta(days=number)
            )  # fmt: skip
            self.at(when, store.update_status, case_id, status_name=status, actor_id=owner)
        if case.archived:
            archived = opened + duration + timedelta(days=9)
            self.at(archived, store.archive_case, case_id, actor_id=_user("maya"))

        comments = 2 + index % 5 if closes else 1 + index % 4 if steps else index % 3
        if case.type == "ERR":
            comments = min(comments, 3)
        attributes = _attributes(case.tags)
        defaults = {"service": "the service", "env": "prod", "region": "the region"}
        fields = {name: attributes.get(name, [default])[0] for name, default in defaults.items()}
        first, last = timedelta(minutes=20), (duration if closes else timedelta(hours=20))
        last_word = ""
        for number in range(comments):
            closing = closes and number == comments - 1
            if closing:
                phase = "resolve"
            elif number == 0 or not steps:
                phase = "triage"
            else:
                phase = "progress"
            texts = self.org.comments[self.org.case_types[case.type].comments][phase]
            text = case.note if closing and case.note else texts[(index + number) % len(texts)]
            author = owner if number % 2 == 0 or closing else mate
            when = opened + first + (last - first - timedelta(minutes=10)) * number / comments
            if closing:  # the last word comes just before the close
                when = opened + duration - timedelta(minutes=10)
            self.at(when, store.comment_case, case_id, text.format(**fields), actor_id=author)
            last_word = text if closing else last_word
        self.add_followers(case, case_id, people, opened, last_word)

    def add_followers(
        self, case: Case, case_id: str, people: tuple[str, str], opened: datetime, last_word: str
    ) -> None:
        """The teammate watches the case from the start (and Maya, the incident commander, a
        P1's); a closed security case gets the resolved reason its last comment gives."""
        (owner, mate), maya = people, _user("maya")
        watchers = [mate] if mate != _user("omar") else []  # he left before most cases closed
        if case.priority == "P1" and maya not in (owner, mate):
            watchers.append(maya)
        for minutes, user in enumerate(watchers, start=15):
            watch = self.on_the_side(f"watch:{case_id}:{user}", self.store.watch_case)
            self.at(opened + timedelta(minutes=minutes), watch, case_id, user, actor_id=user)
        if case.type == "SEC" and case.status in _CLOSING:
            closed = opened + timedelta(hours=_HOURS_TO_CLOSE[case.priority])
            reason = self.on_the_side(f"reason:{case_id}", self.store.update_case_resolved_reason)
            self.at(closed, reason, case_id, _resolved_reason(last_word), actor_id=owner)


@contextmanager
def _scripted(store: Store, script: _Script) -> Iterator[None]:
    """Run the store on the script's clock and ids; give it its own back afterwards."""
    clock, new_id = store.clock, store.new_id
    counter = count()
    store.clock = lambda: script.moment
    store.new_id = lambda: object_id(f"object:{next(counter)}")
    try:
        yield
    finally:
        store.clock, store.new_id = clock, new_id


def seed_demo_org(store: Store) -> None:
    """Fill an empty store with the demo organisation, identically on every run.

    Args:
        store: A store with no objects yet. Its clock and id source are the seed's own while
            it runs, and its own again afterwards.

    Raises:
        case_mcp.sandbox._errors.Conflict: The store already holds the demo organisation's
            users; nothing was written.
    """
    org = load_demo_org()
    script = _Script(store, org)
    with _scripted(store, script), store.transaction():
        store.create_user(
            email=f"case-mcp-sandbox@{DOMAIN}",
            name="Case MCP Sandbox",
            handle=ACTOR_ID,  # as Datadog shows service accounts: the handle is the id
            service_account=True,
            user_id=ACTOR_ID,
        )
        for alias, user in org.users.items():
            local = user.name.lower().replace(" ", ".") if user.name else alias
            store.create_user(
                email=f"{local}@{DOMAIN}",
                name=user.name,
                title=user.title or None,
                status=user.status,
                user_id=_user(alias),
            )
        for case_type in org.case_types.values():
            store.create_case_type(
                name=case_type.name,
                description=case_type.description,
                emoji=case_type.emoji,
                internal=case_type.internal,
                wire_type=case_type.wire_type,
                statuses_config=dict(case_type.statuses),
                type_id=case_type.id,
            )
        for config in org.custom_attributes:
            store.create_custom_attribute_config(
                org.case_types[config.case_type].id,
                key=config.key,
                display_name=config.display_name,
                type=config.type,
                is_multi=config.is_multi,
                options=list(config.options) or None,
                config_id=object_id(f"custom-attribute:{config.case_type}:{config.key}"),
            )
        for key, name in org.projects.items():
            store.create_project(
                key=key, name=name, actor_id=ACTOR_ID, project_id=object_id(f"project:{key}")
            )
        for index, case in enumerate(org.cases):
            script.add_case(index, case)
        # Omar's contract has ended: his account is disabled, his cases keep his name.
        script.at(_CONTRACT_ENDS, store.disable_user, _user("omar"))
        add_links(store, org, script.at, _opened)
        script.run()
        # Saved once the work above was done, as people save the searches they repeat.
        for index, view in enumerate(org.views):
            store.create_case_view(
                name=view.name,
                project_id=object_id(f"project:{view.project}"),
                query=view.query,
                actor_id=_user(view.owner),
                view_id=object_id(f"view:{index}"),
            )
        for key in org.favorites:
            store.favorite_case_project(object_id(f"project:{key}"), actor_id=ACTOR_ID)
        _seed_automation(store, org)


def _seed_automation(store: Store, org: DemoOrg) -> None:
    """The projects' automation, configured once the histories are written."""
    project = {key: object_id(f"project:{key}") for key in org.projects}
    for rule in org.automation["rules"]:
        store.create_case_automation_rule(
            project[rule.project or ""], rule.attributes, actor_id=ACTOR_ID, rule_id=rule.id
        )
    for notification in org.automation["notification_rules"]:
        store.create_project_notification_rule(
            project[notification.project or ""],
            notification.attributes,
            actor_id=ACTOR_ID,
            notification_rule_id=notification.id,
        )
    for window in org.automation["maintenance_windows"]:
        store.create_maintenance_window(window.attributes, actor_id=ACTOR_ID, window_id=window.id)
