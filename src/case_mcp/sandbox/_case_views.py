"""Saved case views: a named search in one project, kept only if the search can read it.

`CaseViews` is part of the `Store` (no HTTP here). A view's query is read by the same parser
as a case search (`_search.compile_query`), so a view never holds a query that search would
refuse; the 400 says what is wrong with it. A view belongs to one project and goes with it.
"""

from __future__ import annotations

import uuid
from typing import Any

from . import _rules, _search
from ._catalog import Catalog, decode_row
from ._errors import BadRequest, NotFound

__all__ = ["CaseViews", "check_query"]


def check_query(query: str, field: str | None = None) -> str:
    """A search query that the case search reads, or the search's own 400 saying where and
    what is wrong (``Invalid search query '...' at character 9: ...``), after `field` when
    the query is a setting's."""
    try:
        _search.compile_query(query)
    except BadRequest as error:
        if field is None:
            raise
        raise BadRequest(f"{field}: {error.detail}") from None
    return query


def _check_rule_id(np_rule_id: str | None) -> str | None:
    if np_rule_id is None:
        return None
    try:
        return str(uuid.UUID(np_rule_id))
    except ValueError:
        raise BadRequest(
            f"np_rule_id {np_rule_id!r} is not a notification rule id (a UUID)"
        ) from None


class CaseViews(Catalog):
    """The store's saved case views."""

    def list_case_views(self, project_id: str) -> list[dict[str, Any]]:
        """The views of a project, oldest first.

        Raises:
            NotFound: No such project.
        """
        self.get_project(project_id)
        rows = self.conn.execute(
            "SELECT * FROM case_views WHERE project_id = ? ORDER BY created_at, rowid",
            (project_id,),
        ).fetchall()
        return [decode_row(row) for row in rows]

    def get_case_view(self, view_id: str) -> dict[str, Any]:
        """One view.

        Raises:
            NotFound: No such view.
        """
        row = self.conn.execute("SELECT * FROM case_views WHERE id = ?", (view_id,)).fetchone()
        if row is None:
            raise NotFound("view not found")
        return decode_row(row)

    def create_case_view(
        self,
        *,
        name: str,
        project_id: str,
        query: str,
        actor_id: str,
        np_rule_id: str | None = None,
        view_id: str | None = None,
    ) -> dict[str, Any]:
        """Save a view in a project.

        Raises:
            BadRequest: A blank name, a query the search cannot read, or a rule id that is
                not a UUID.
            NotFound: No such project.
        """
        _rules.nonblank(name, "name")
        check_query(query)
        np_rule_id = _check_rule_id(np_rule_id)
        view_id = view_id or self.new_id()
        with self.transaction():
            self.get_project(project_id)
            self.conn.execute(
                "INSERT INTO case_views (id, project_id, name, query, np_rule_id, created_by,"
                " created_at) VALUES (?,?,?,?,?,?,?)",
                (view_id, project_id, name, query, np_rule_id, actor_id, self.now()),
            )
        return self.get_case_view(view_id)

    def update_case_view(
        self,
        view_id: str,
        *,
        actor_id: str,
        name: str | None = None,
        query: str | None = None,
        np_rule_id: str | None = None,
    ) -> dict[str, Any]:
        """Change what is given of a view's name, query and notification rule.

        Nothing given changes nothing (not even the modification time).

        Raises:
            BadRequest: A blank name, a query the search cannot read, or a rule id that is
                not a UUID.
            NotFound: No such view.
        """
        changes: dict[str, Any] = {}
        if name is not None:
            changes["name"] = _rules.nonblank(name, "name")
        if query is not None:
            changes["query"] = check_query(query)
        if np_rule_id is not None:
            changes["np_rule_id"] = _check_rule_id(np_rule_id)
        with self.transaction():
            self.get_case_view(view_id)
            if changes:
                changes |= {"modified_by": actor_id, "modified_at": self.now()}
                columns = ", ".join(f"{column} = ?" for column in changes)
                self.conn.execute(
                    f"UPDATE case_views SET {columns} WHERE id = ?", [*changes.values(), view_id]
                )
        return self.get_case_view(view_id)

    def delete_case_view(self, view_id: str, *, actor_id: str) -> None:
        """Delete a view; the cases it shows are not touched.

        Raises:
            NotFound: No such view.
        """
        with self.transaction():
            self.get_case_view(view_id)
            self.conn.execute("DELETE FROM case_views WHERE id = ?", (view_id,))
