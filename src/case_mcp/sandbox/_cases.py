"""Cases: how they are named and read, how one is opened, and the history each change leaves.

`CaseStore` extends `CaseTypeChanges` (and so `CaseTypes` and `Catalog`) with cases;
`_case_updates.CaseUpdates` adds the rule of each update and `_store.Store` completes them
with search and comments. A
case is named by its UUID, its key (``SEC-12``) or a key it had before it moved to another
project.

Timeline cells. Datadog documents only COMMENT cells. The sandbox also records every change
as a cell in the same envelope, so a case's history can be read back: CASE_CREATED,
STATUS_CHANGE, PRIORITY_CHANGE, TITLE_CHANGE, DESCRIPTION_CHANGE, DUE_DATE_CHANGE,
ASSIGNMENT_CHANGE, ARCHIVE_CHANGE, ATTRIBUTES_CHANGE, CUSTOM_ATTRIBUTE_CHANGE,
PROJECT_CHANGE, CASE_LINK_CHANGE, JIRA_ISSUE_CHANGE, SERVICENOW_TICKET_CHANGE and
NOTEBOOK_CHANGE and (see `_case_work`) RESOLVED_REASON_CHANGE, WATCHERS_CHANGE and
INSIGHTS_CHANGE, each with content ``{"field": ..., "from": ..., "to": ...}`` (users as
``{"id", "name"}``, projects as ``{"id", "key", "name", "case_key"}``, due dates as
``YYYY-MM-DD`` or null, links as ``{"id", "relationship", "parent", "child"}`` with each end's
type, id and key or public id and title). This is the sandbox's choice, not Datadog's. An
edited comment keeps its cell, with the new text and ``modified_at`` set.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from . import _rules
from ._case_type_changes import CaseTypeChanges
from ._catalog import decode_row
from ._errors import BadRequest, NotFound

__all__ = ["CaseStore", "custom_not_found"]

_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_CASE_NOT_FOUND: Final = "case not found"


def custom_not_found(key: str, command: str) -> NotFound:
    return NotFound(
        "failed to update batch: failed to apply command: failed to apply "
        f"domain.{command} command: custom attribute configuration not found",
        meta={"key": key},
    )


class CaseStore(CaseTypeChanges):
    """Cases, with the organisation they live in (see `Catalog`, `CaseTypes` and
    `CaseTypeChanges`)."""

    # Reading -------------------------------------------------------------------------------

    def _case_row(self, case_ref: str) -> sqlite3.Row:
        ref = case_ref.strip()
        if _UUID.fullmatch(ref):
            row = self.conn.execute("SELECT * FROM cases WHERE id = ?", (ref.lower(),)).fetchone()
        else:
            key = ref.upper()
            row = self.conn.execute("SELECT * FROM cases WHERE key = ?", (key,)).fetchone()
            if row is None:
                row = self.conn.execute(
                    "SELECT c.* FROM case_key_aliases a JOIN cases c ON c.id = a.case_id"
                    " WHERE a.key = ?",
                    (key,),
                ).fetchone()
        if not isinstance(row, sqlite3.Row):
            raise NotFound(_CASE_NOT_FOUND)
        return row

    def _records(self, rows: Sequence[sqlite3.Row]) -> list[dict[str, Any]]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        attributes: dict[str, dict[str, list[str]]] = {case_id: {} for case_id in ids}
        for attribute in self.conn.execute(
            f"SELECT case_id, key, value FROM case_attributes WHERE case_id IN"
            f" ({','.join('?' * len(ids))}) ORDER BY key, rowid",
            ids,
        ):
            attributes[attribute[0]].setdefault(attribute[1], []).append(attribute[2])
        wire_types = dict(self.conn.execute("SELECT id, wire_type FROM case_types").fetchall())
        records = []
        for row in rows:
            record = decode_row(row, "insights", "custom_attributes")
            record["attributes"] = attributes[row["id"]]
            record["wire_type"] = wire_types.get(row["type_id"], "TUNKNOWN")
            records.append(record)
        return records

    def get_case(self, case_ref: str) -> dict[str, Any]:
        """One case, by UUID, key or former key.

        Raises:
            NotFound: No such case.
        """
        return self._records([self._case_row(case_ref)])[0]

    # Writing helpers -----------------------------------------------------------------------

    def _add_cell(self, case_id: str, kind: str, content: dict[str, Any], actor_id: str) -> str:
        cell_id = self.new_id()
        self.conn.execute(
            "INSERT INTO timeline_cells (id, case_id, seq, type, author_id, content, created_at)"
            " VALUES (?, ?, (SELECT coalesce(max(seq), 0) + 1 FROM timeline_cells"
            " WHERE case_id = ?), ?, ?, ?, ?)",
            (cell_id, case_id, case_id, kind, actor_id, json.dumps(content), self.now()),
        )
        return cell_id

    def _set_attributes(self, case_id: str, attributes: Mapping[str, list[str]]) -> None:
        self.conn.execute("DELETE FROM case_attributes WHERE case_id = ?", (case_id,))
        self.conn.executemany(
            "INSERT INTO case_attributes (case_id, key, value) VALUES (?, ?, ?)",
            [(case_id, key, value) for key, values in attributes.items() for value in values],
        )

    # Cases ---------------------------------------------------------------------------------

    def create_case(
        self,
        *,
        title: str,
        type_id: str,
        project_id: str,
        actor_id: str,
        priority: str = "NOT_DEFINED",
        description: str = "",
        assignee_id: str | None = None,
        status: str | None = None,
        status_name: str | None = None,
        attributes: Mapping[str, list[str]] | None = None,
        custom_attributes: Mapping[str, Mapping[str, Any]] | None = None,
        creation_source: str = "MANUAL",
        insights: Iterable[Mapping[str, Any]] = (),
        case_id: str | None = None,
    ) -> dict[str, Any]:
        """Open a case in a project; its key comes from the project's counter.

        Args:
            status, status_name: The starting status (default: the type's open default).
            custom_attributes: ``{key: {"type", "is_multi", "value"}}``, as on the wire.
            insights: ``{"type", "ref", "resource_id"}`` objects of integration-made cases.

        Raises:
            BadRequest: An empty title, an invalid priority, status or attribute value.
            NotFound: No such project, assignee or custom attribute config; no such case type
                or a deleted one.
        """
        _rules.nonblank(title, "title")
        _rules.check_priority(priority)
        checked_attributes = _rules.check_attributes(attributes or {})
        case_id = case_id or self.new_id()
        with self.transaction():
            project = self.conn.execute(
                "SELECT key, next_number FROM projects WHERE id = ?", (project_id,)
            ).fetchone()
            if project is None:
                raise NotFound("project not found")
            case_type = self.get_case_type(type_id, live=True)
            if assignee_id is not None:
                self.get_user(assignee_id)
            if status is None and status_name is None:
                value, name, group = _rules.default_status(case_type["statuses_config"])
            else:
                value, name, group = _rules.resolve_status(
                    case_type["statuses_config"], case_type["name"], status, status_name
                )
            custom = {
                key: self._checked_custom(type_id, key, item, "CreateCase")
                for key, item in (custom_attributes or {}).items()
            }
            key = f"{project['key']}-{project['next_number']}"
            public_id = self.conn.execute(
                "SELECT coalesce(max(public_id), 0) + 1 FROM cases"
            ).fetchone()[0]
            now = self.now()
            self.conn.execute(
                "UPDATE projects SET next_number = next_number + 1 WHERE id = ?", (project_id,)
            )
            self.conn.execute(
                "INSERT INTO cases (id, key, project_id, public_id, title, description, status,"
                " status_name, status_group, priority, priority_rank, type_id, assignee_id,"
                " created_by, created_at, closed_at, creation_source, insights, custom_attributes)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    case_id,
                    key,
                    project_id,
                    public_id,
                    title,
                    description,
                    value,
                    name,
                    group,
                    priority,
                    _rules.PRIORITY_RANKS[priority],
                    type_id,
                    assignee_id,
                    actor_id,
                    now,
                    now if group == "SG_CLOSED" else None,
                    creation_source,
                    json.dumps([dict(insight) for insight in insights]),
                    json.dumps(custom),
                ),
            )
            self._set_attributes(case_id, checked_attributes)
            created = {"key": key, "title": title, "status": value, "priority": priority}
            self._add_cell(
                case_id, "CASE_CREATED", {"field": "case", "from": None, "to": created}, actor_id
            )
        return self.get_case(case_id)

    def _checked_custom(
        self, type_id: str, key: str, item: Mapping[str, Any], command: str
    ) -> dict[str, Any]:
        config = self._custom_config(type_id, key)
        if config is None:
            raise custom_not_found(key, command)
        if not {"type", "is_multi", "value"} <= item.keys():
            raise BadRequest(f"custom attribute {key!r} needs type, is_multi and value")
        value = _rules.check_custom_value(
            key, config, item["type"], item["is_multi"], item["value"]
        )
        return {"type": item["type"], "is_multi": item["is_multi"], "value": value}
