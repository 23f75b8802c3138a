"""Triage rules: counting the cases a search matches by group, and one change to many cases.

Counting (`aggregate_cases`, `count_cases`) reads the same search language as
`search_cases` (`_search.compile_query`, archived cases left out unless the query names
them) and groups by a field:

  status, status_name, status_group, priority   the value as the case answer writes it
  project                                       the project key
  assignee                                      the assignee's UUID; "none" when unassigned
  type                                          the case type's name
  creation_source                               as the case answer writes it
  <name>                                        any other name is a case attribute: a case
                                                counts once under each of its values, and
                                                not at all without one

Groups come largest first (ties by value), at most `limit` of them. `aggregate_cases` groups
by the combination of its fields: a group's name is their values joined with ``,`` (the
sandbox's choice for several fields; one field gives its value, as Datadog's example ``OPEN``).

`bulk_update_cases` applies one action to every case named, in one transaction: all of them
change, or (on any refusal) none. Each case changes by the rule of its single-case operation
(`update_priority`, `update_status`, `assign_case`, ...), so each writes its timeline cell and
a case that already has the value is left as it is. A case that does not exist is a 404 and a
case that cannot take the change a 400, both naming the case as the request named it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Final

from . import _rules, _search
from ._case_updates import CaseUpdates
from ._errors import BadRequest, NotFound, SandboxError

__all__ = ["BULK_ACTIONS", "FIELDS", "MAX_BULK_CASES", "MAX_GROUPS", "CaseTriage"]

BULK_ACTIONS: Final = (
    "priority",
    "status",
    "assign",
    "unassign",
    "archive",
    "unarchive",
    "jira",
    "servicenow",
    "linear",
    "update_project",
)
"""The actions of Datadog's ``CaseBulkActionType``."""

# The integrations the sandbox's organisation has no account of; another part of the API
# links cases to them one at a time.
_INTEGRATIONS: Final = ("jira", "servicenow", "linear")

MAX_BULK_CASES: Final = 500
"""The most cases one bulk update may name."""

MAX_GROUPS: Final = 1000
"""The most groups a count may return (``CaseAggregateGroupBy.limit``'s maximum)."""

_NONE: Final = "none"
FIELDS: Final[Mapping[str, str]] = {
    "status": "c.status",
    "status_name": "c.status_name",
    "status_group": "c.status_group",
    "priority": "c.priority",
    "project": "(SELECT p.key FROM projects p WHERE p.id = c.project_id)",
    "assignee": f"coalesce(c.assignee_id, '{_NONE}')",
    "type": "(SELECT t.name FROM case_types t WHERE t.id = c.type_id)",
    "creation_source": "c.creation_source",
}
"""The fields counts group by, as SQL over ``cases c``; any other name is an attribute."""

_ATTRIBUTE: Final = re.compile(r"[A-Za-z0-9_.@/-]{1,200}")


def _field(name: str, index: int) -> tuple[str, str, list[object]]:
    """The SQL value of a grouped field, the join it needs (an attribute's), and its params."""
    known = FIELDS.get(name.lower())
    if known is not None:
        return known, "", []
    if not _ATTRIBUTE.fullmatch(name):
        raise BadRequest(
            f"cannot group by {name!r}: give {', '.join(FIELDS)} or an attribute name "
            "(letters, digits and _ . @ / -)"
        )
    alias = f"a{index}"
    join = f" JOIN case_attributes {alias} ON {alias}.case_id = c.id AND {alias}.key = ?"
    return f"{alias}.value", join, [name]


class CaseTriage(CaseUpdates):
    """Counts by group and bulk changes, over the cases of `CaseUpdates`."""

    def _grouped(
        self, query: str, groups: Sequence[str], limit: int
    ) -> tuple[int, list[tuple[tuple[str, ...], int]]]:
        """How many cases the query matches, and the largest `limit` groups with their counts."""
        if not 1 <= limit <= MAX_GROUPS:
            raise BadRequest(f"limit must be an integer from 1 to {MAX_GROUPS}, not {limit}")
        where, params = _search.compile_query(query, now=self.clock())
        total = self.conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", params)
        counted = int(total.fetchone()[0])
        if not groups:
            return counted, []
        columns, joins, join_params = [], "", []
        for index, name in enumerate(groups):
            column, join, extra = _field(name, index)
            columns.append(column)
            joins += join
            join_params += extra
        keys = ", ".join(f"{column} AS g{i}" for i, column in enumerate(columns))
        order = ", ".join(f"g{i}" for i in range(len(columns)))
        rows = self.conn.execute(
            f"SELECT {keys}, count(DISTINCT c.id) AS n FROM cases c{joins} WHERE {where}"
            f" GROUP BY {order} ORDER BY n DESC, {order} LIMIT ?",
            [*join_params, *params, limit],
        ).fetchall()
        return counted, [
            (tuple(str(row[i]) for i in range(len(columns))), int(row["n"])) for row in rows
        ]

    def aggregate_cases(
        self, *, query: str, groups: Sequence[str], limit: int
    ) -> tuple[int, list[tuple[str, int]]]:
        """How many cases a query matches, and its groups by the combined `groups`' values.

        Raises:
            BadRequest: The query cannot be read, a group is no field, or a limit outside
                1 to `MAX_GROUPS`.
        """
        total, rows = self._grouped(query, groups, limit)
        return total, [(",".join(values), count) for values, count in rows]

    def count_cases(
        self, *, query: str, group_bys: Sequence[str], limit: int
    ) -> list[tuple[str, list[tuple[str, int]]]]:
        """For each field of `group_bys`, its values' counts over the cases a query matches.

        Raises:
            BadRequest: As `aggregate_cases`.
        """
        self._grouped(query, [], limit)  # the query and limit are checked without a field too
        counts = []
        for field in group_bys:
            _, rows = self._grouped(query, [field], limit)
            counts.append((field, [(values[0], count) for values, count in rows]))
        return counts

    def bulk_update_cases(
        self,
        case_refs: Sequence[str],
        action: str,
        payload: Mapping[str, str],
        *,
        actor_id: str,
    ) -> list[str]:
        """Apply one action to every case named, all of them or none; returns their ids.

        Raises:
            BadRequest: An unknown action, a payload it cannot take, or a case that cannot
                take the change (named); nothing is changed.
            NotFound: An id that names no case, in any form (named, in the error's meta, as
                `get_case` answers it); nothing is changed.
        """
        change = self._bulk_change(action, payload, actor_id)
        if not 1 <= len(case_refs) <= MAX_BULK_CASES:
            raise BadRequest(f"case_ids must name 1 to {MAX_BULK_CASES} cases")
        changed: list[str] = []
        with self.transaction():
            for ref in case_refs:
                try:
                    case_id = self._case_row(ref)["id"]
                except NotFound:
                    raise NotFound("case not found", meta={"case_id": ref}) from None
                if case_id in changed:
                    continue
                try:
                    change(case_id)
                except SandboxError as refused:
                    detail = getattr(refused, "detail", None) or getattr(refused, "title", "")
                    raise BadRequest(
                        f"case {ref} could not be changed ({detail}); nothing was changed"
                    ) from None
                changed.append(case_id)
        return changed

    def _bulk_change(
        self, action: str, payload: Mapping[str, str], actor_id: str
    ) -> Callable[[str], object]:
        """The change of one case that `action` makes, its payload checked once for all."""
        if action not in BULK_ACTIONS:
            raise BadRequest(f"type {action!r} is not one of {', '.join(BULK_ACTIONS)}")
        if action in _INTEGRATIONS:
            raise BadRequest(
                f"the organisation has no {action} integration configured, so cases cannot be "
                f"sent to {action}"
            )
        actor = {"actor_id": actor_id}

        def needs(name: str, what: str) -> str:
            value = payload.get(name)
            if not isinstance(value, str) or not value.strip():
                raise BadRequest(f'a {action} update needs payload {{"{name}": {what}}}')
            return value.strip()

        if action == "priority":
            priority = needs("priority", '"P1".."P5" or "NOT_DEFINED"')
            _rules.check_priority(priority)
            return lambda case_id: self.update_priority(case_id, priority, **actor)
        if action == "status":
            status, name = payload.get("status"), payload.get("status_name")
            if status is None and name is None:
                needs("status", '"OPEN", "IN_PROGRESS", "CLOSED" (or "status_name")')
            if status is not None:
                _rules.check_status(status)
            return lambda case_id: self.update_status(
                case_id, status=status, status_name=name, **actor
            )
        if action == "assign":
            assignee = needs("assignee_id", '"<user UUID>"')
            try:
                self.get_user(assignee.lower())
            except NotFound:
                raise BadRequest(
                    f"assignee_id {assignee!r} is not a user of the organisation (see GET "
                    "/api/v2/users)"
                ) from None
            return lambda case_id: self.assign_case(case_id, assignee.lower(), **actor)
        if action == "update_project":
            project_id = needs("project_id", '"<project UUID>"')
            if not any(project["id"] == project_id for project in self.get_projects()):
                raise BadRequest(f"project_id {project_id!r} is not a project (see GET projects)")
            return lambda case_id: self.move_case_to_project(case_id, project_id, **actor)
        simple: dict[str, Callable[..., object]] = {
            "unassign": self.unassign_case,
            "archive": self.archive_case,
            "unarchive": self.unarchive_case,
        }
        return lambda case_id: simple[action](case_id, **actor)
