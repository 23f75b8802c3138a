"""Stored configurations: objects Datadog keeps and acts on, which the sandbox only keeps.

Automation rules, notification rules and maintenance windows share one life: they are
listed, added, read, replaced and removed, in a project or in the organisation, and nothing
else in the sandbox reads them (the sandbox runs no workflow and sends no notification). So
one table, ``configurations``, holds all three, each row tagged with its `Kind`, and
`Configurations` gives the store the five steps of that life. What each kind accepts is
checked before it is stored (`_automation_checks`); the operations themselves, named by
Datadog's operation ids, are in `_automation`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ._catalog import Catalog, decode_row
from ._errors import NotFound

__all__ = ["Configurations", "Kind"]


@dataclass(frozen=True)
class Kind:
    """One kind of stored configuration.

    Attributes:
        type: Its JSON:API resource type, which is also its tag in the table (``rule``).
        noun: How Datadog's "not found" names it (``rule``, ``maintenance window``).
        in_project: Whether it belongs to a project (else to the organisation).
    """

    type: str
    noun: str
    in_project: bool


class Configurations(Catalog):
    """The store's stored configurations: each method takes the kind it works on.

    A project-bound kind is always read through its project, so an unknown project is a 404
    (``project not found``) and a configuration of another project is not found either.
    """

    def configurations(self, kind: Kind, project_id: str | None = None) -> list[dict[str, Any]]:
        """Every configuration of a kind (in a project, for a project-bound kind), oldest first.

        Raises:
            NotFound: No such project.
        """
        self._check_project(kind, project_id)
        rows = self.conn.execute(
            "SELECT * FROM configurations WHERE kind = ? AND project_id IS ?"
            " ORDER BY created_at, rowid",
            (kind.type, project_id),
        ).fetchall()
        return [decode_row(row, "attributes") for row in rows]

    def configuration(
        self, kind: Kind, config_id: str, project_id: str | None = None
    ) -> dict[str, Any]:
        """One configuration.

        Raises:
            NotFound: No such project, or no configuration of this kind by that id in it.
        """
        self._check_project(kind, project_id)
        row = self.conn.execute(
            "SELECT * FROM configurations WHERE id = ? AND kind = ? AND project_id IS ?",
            (config_id, kind.type, project_id),
        ).fetchone()
        if row is None:
            raise NotFound(f"{kind.noun} not found")
        return decode_row(row, "attributes")

    def add_configuration(
        self,
        kind: Kind,
        attributes: dict[str, Any],
        *,
        actor_id: str,
        project_id: str | None = None,
        config_id: str | None = None,
    ) -> dict[str, Any]:
        """Store a new configuration of checked `attributes`; returns it.

        Raises:
            NotFound: No such project.
        """
        config_id = config_id or self.new_id()
        with self.transaction():
            self._check_project(kind, project_id)
            now = self.now()
            self.conn.execute(
                "INSERT INTO configurations (id, kind, project_id, attributes, created_by,"
                " modified_by, created_at, modified_at) VALUES (?,?,?,?,?,?,?,?)",
                (
                    config_id,
                    kind.type,
                    project_id,
                    json.dumps(attributes),
                    actor_id,
                    actor_id,
                    now,
                    now,
                ),
            )
        return self.configuration(kind, config_id, project_id)

    def replace_configuration(
        self,
        kind: Kind,
        config_id: str,
        attributes: dict[str, Any],
        *,
        actor_id: str,
        project_id: str | None = None,
    ) -> dict[str, Any]:
        """Replace the attributes of a configuration with checked `attributes`; returns it.

        Raises:
            NotFound: No such project or configuration.
        """
        with self.transaction():
            self.configuration(kind, config_id, project_id)
            self.conn.execute(
                "UPDATE configurations SET attributes = ?, modified_by = ?, modified_at = ?"
                " WHERE id = ?",
                (json.dumps(attributes), actor_id, self.now(), config_id),
            )
        return self.configuration(kind, config_id, project_id)

    def remove_configuration(
        self, kind: Kind, config_id: str, project_id: str | None = None
    ) -> None:
        """Delete a configuration.

        Raises:
            NotFound: No such project or configuration.
        """
        with self.transaction():
            self.configuration(kind, config_id, project_id)
            self.conn.execute("DELETE FROM configurations WHERE id = ?", (config_id,))

    def _check_project(self, kind: Kind, project_id: str | None) -> None:
        if kind.in_project != (project_id is not None):
            # A store caller's mistake, never a request's: routes always give the project.
            raise TypeError(f"a {kind.noun} is {'' if kind.in_project else 'not '}in a project")
        if project_id is not None:
            self.get_project(project_id)
