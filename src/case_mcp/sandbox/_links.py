"""Case links and incidents: the rule of each link operation, named by its operation id.

A link is directional (its parent blocks, causes, duplicates... its child) and joins two
entities that exist, at least one of them a case; both ends list it. The sandbox's entities are
its cases and its incidents (`incidents`, seeded with the demo organisation); it holds no
pages or agent conversations, so a link to one is a link to something that does not exist.
Linking an incident to a case (`link_incident`) is a ``RELATES_TO`` link from the case to the
incident, which the case's ``incidents`` relationship lists. Every new or deleted link writes
a CASE_LINK_CHANGE cell on the timeline of each case it joins.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Final

from . import _link_rules
from ._cases import CaseStore
from ._errors import BadRequest, Conflict, NotFound

__all__ = ["CaseLinks"]

_LINK_NOT_FOUND: Final = "case link not found"


class CaseLinks(CaseStore):
    """Links between cases and other entities, and the organisation's incidents."""

    # Incidents -----------------------------------------------------------------------------

    def create_incident(
        self,
        *,
        title: str,
        severity: str,
        state: str,
        public_id: int | None = None,
        incident_id: str | None = None,
    ) -> dict[str, Any]:
        """Declare an incident (the sandbox's seed; Datadog's Incidents API is not served)."""
        incident_id = incident_id or self.new_id()
        with self.transaction():
            if public_id is None:
                public_id = self.conn.execute(
                    "SELECT coalesce(max(public_id), 0) + 1 FROM incidents"
                ).fetchone()[0]
            self.conn.execute(
                "INSERT INTO incidents (id, public_id, title, severity, state, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (incident_id, public_id, title, severity, state, self.now()),
            )
        return self.get_incident(incident_id)

    def get_incident(self, incident_id: str) -> dict[str, Any]:
        """One incident, by UUID.

        Raises:
            NotFound: No such incident.
        """
        row = self.conn.execute(
            "SELECT * FROM incidents WHERE id = ?", (incident_id.strip().lower(),)
        ).fetchone()
        if row is None:
            raise NotFound("incident not found")
        return dict(row)

    def incident_ids_of(self, case_ids: list[str]) -> dict[str, list[str]]:
        """The incidents linked to each case, oldest link first."""
        found: dict[str, list[str]] = {case_id: [] for case_id in case_ids}
        if not case_ids:
            return found
        marks = ",".join("?" * len(case_ids))
        rows = self.conn.execute(
            "SELECT parent_entity_id AS case_id, child_entity_id AS incident_id, created_at"
            f" FROM case_links WHERE parent_entity_type = 'CASE' AND parent_entity_id IN ({marks})"
            " AND child_entity_type = 'INCIDENT'"
            " UNION ALL SELECT child_entity_id, parent_entity_id, created_at FROM case_links"
            f" WHERE child_entity_type = 'CASE' AND child_entity_id IN ({marks})"
            " AND parent_entity_type = 'INCIDENT' ORDER BY created_at",
            [*case_ids, *case_ids],
        ).fetchall()
        for row in rows:
            if row["incident_id"] not in found[row["case_id"]]:
                found[row["case_id"]].append(row["incident_id"])
        return found

    # Links -----------------------------------------------------------------------------------

    def _entity(self, entity_type: str, entity_id: str, name: str) -> dict[str, Any]:
        """A link end that exists: ``{"type", "id", ...}`` with a case's key and title or an
        incident's public id and title (what a timeline cell shows of it)."""
        _link_rules.check_entity_type(entity_type, name)
        if entity_type == "CASE":
            row = self._case_row(entity_id)
            return {"type": "CASE", "id": row["id"], "key": row["key"], "title": row["title"]}
        if entity_type == "INCIDENT":
            incident = self.get_incident(entity_id)
            return {
                "type": "INCIDENT",
                "id": incident["id"],
                "public_id": incident["public_id"],
                "title": incident["title"],
            }
        raise NotFound(f"{entity_type.lower().replace('_', ' ')} not found")

    def list_case_links(
        self, entity_type: str, entity_id: str, *, relationship: str | None = None
    ) -> list[dict[str, Any]]:
        """The links of an entity, whichever end it is, oldest first.

        Raises:
            BadRequest: An entity type or relationship outside the official client's enums.
            NotFound: No such entity.
        """
        if relationship is not None:
            _link_rules.check_relationship(relationship)
        entity = self._entity(entity_type, entity_id, "entity_type")
        query = (
            "SELECT * FROM case_links WHERE ((parent_entity_type = ? AND parent_entity_id = ?)"
            " OR (child_entity_type = ? AND child_entity_id = ?))"
        )
        params: list[str] = [entity["type"], entity["id"]] * 2
        if relationship is not None:
            query += " AND relationship = ?"
            params.append(relationship)
        rows = self.conn.execute(f"{query} ORDER BY created_at, rowid", params).fetchall()
        return [dict(row) for row in rows]

    def create_case_link(
        self,
        *,
        parent_entity_type: str,
        parent_entity_id: str,
        child_entity_type: str,
        child_entity_id: str,
        relationship: str,
        actor_id: str,
    ) -> dict[str, Any]:
        """Link two existing entities, at least one a case.

        Raises:
            BadRequest: A type or relationship outside the enums, no case at either end, or
                an entity linked to itself.
            NotFound: Either end does not exist.
            Conflict: The same link exists already.
        """
        _link_rules.check_relationship(relationship)
        _link_rules.check_entity_type(parent_entity_type, "parent_entity_type")
        _link_rules.check_entity_type(child_entity_type, "child_entity_type")
        if "CASE" not in (parent_entity_type, child_entity_type):
            raise BadRequest("a case link needs a case at one end at least (entity type CASE)")
        with self.transaction():
            parent = self._entity(parent_entity_type, parent_entity_id, "parent_entity_type")
            child = self._entity(child_entity_type, child_entity_id, "child_entity_type")
            if parent["id"] == child["id"]:
                raise BadRequest("an entity cannot be linked to itself")
            link_id = self._insert_link(parent, child, relationship, actor_id)
        return self._link(link_id)

    def _insert_link(
        self, parent: dict[str, Any], child: dict[str, Any], relationship: str, actor_id: str
    ) -> str:
        link_id = self.new_id()
        try:
            self.conn.execute(
                "INSERT INTO case_links (id, parent_entity_type, parent_entity_id,"
                " child_entity_type, child_entity_id, relationship, created_by, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    link_id,
                    parent["type"],
                    parent["id"],
                    child["type"],
                    child["id"],
                    relationship,
                    actor_id,
                    self.now(),
                ),
            )
        except sqlite3.IntegrityError:
            raise Conflict(
                f"these entities are already linked with {relationship}; list the links of "
                "either end to see it"
            ) from None
        shown = {"id": link_id, "relationship": relationship, "parent": parent, "child": child}
        self._note_link(parent, child, None, shown, actor_id)
        return link_id

    def _note_link(
        self,
        parent: dict[str, Any],
        child: dict[str, Any],
        old: dict[str, Any] | None,
        new: dict[str, Any] | None,
        actor_id: str,
    ) -> None:
        content = {"field": "link", "from": old, "to": new}
        for end in (parent, child):
            if end["type"] == "CASE":
                self._add_cell(end["id"], "CASE_LINK_CHANGE", content, actor_id)

    def _link(self, link_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM case_links WHERE id = ?", (link_id,)).fetchone()
        if row is None:
            raise NotFound(_LINK_NOT_FOUND)
        return dict(row)

    def delete_case_link(self, link_id: str, *, actor_id: str) -> None:
        """Remove a link; both ends stop listing it.

        Raises:
            NotFound: No such link.
        """
        with self.transaction():
            link = self._link(link_id.lower())
            parent = self._end(link["parent_entity_type"], link["parent_entity_id"])
            child = self._end(link["child_entity_type"], link["child_entity_id"])
            self.conn.execute("DELETE FROM case_links WHERE id = ?", (link["id"],))
            shown = {
                "id": link["id"],
                "relationship": link["relationship"],
                "parent": parent,
                "child": child,
            }
            self._note_link(parent, child, shown, None, actor_id)

    def _end(self, entity_type: str, entity_id: str) -> dict[str, Any]:
        try:
            return self._entity(entity_type, entity_id, "entity_type")
        except NotFound:
            return {"type": entity_type, "id": entity_id}

    def link_incident(self, case_ref: str, incident_id: str, *, actor_id: str) -> dict[str, Any]:
        """Link an incident to a case; linking it again changes nothing. Returns the case.

        Raises:
            NotFound: No such case or incident.
        """
        with self.transaction():
            case = self._entity("CASE", case_ref, "case")
            incident = self._entity("INCIDENT", incident_id, "incident")
            linked = self.incident_ids_of([case["id"]])[case["id"]]
            if incident["id"] not in linked:
                self._insert_link(case, incident, "RELATES_TO", actor_id)
        return self.get_case(case["id"])
