"""The sandbox's state and business rules, complete: no HTTP here.

`Store` is `Catalog` (users, projects), `CaseTypes` and `CaseTypeChanges` (case types, custom
attribute configs), `CaseStore` (reading and opening cases), `CaseUpdates` (the rule of each
update), `CaseWork` (resolved reasons, comment edits, watchers, insights), `CaseLinks` and
`CaseIntegrations` (links, incidents, Jira, ServiceNow, notebooks), `CaseTriage` (counts by
group, bulk changes), `CaseViews` (saved views), `ProjectSettingsStore` (project settings,
favourite projects), `AutomationStore` (automation rules, notification rules, maintenance
windows) and, here, search, timelines and comments. A method that serves a Datadog operation
is named by its operation id (`assign_case`, `list_case_timeline`), as its route and handler
are. Every mutating method runs in one transaction, so a rejected request changes nothing, and
takes `actor_id`, the user making the change. Methods return plain dicts (rows, JSON columns
decoded) and raise `_errors` types.

Search order. ``sort_field`` is created_at, priority or status; descending (the default) puts
the largest first: the newest case, the most urgent priority (P1 first, NOT_DEFINED last), the
furthest status (closed first). Ascending reverses that. Ties go by creation time in the same
direction.
"""

from __future__ import annotations

from typing import Any, Final

from . import _rules, _search
from ._automation import AutomationStore
from ._case_views import CaseViews
from ._case_work import CaseWork
from ._catalog import decode_row
from ._errors import BadRequest, NotFound
from ._integrations import CaseIntegrations
from ._project_settings import ProjectSettingsStore
from ._triage import CaseTriage

__all__ = ["SORT_FIELDS", "Store"]

SORT_FIELDS: Final = ("created_at", "priority", "status")
_STATUS_ORDER: Final = (
    # Written exactly as the cases_status_order index, so that SQLite can use it.
    "CASE status_group WHEN 'SG_OPEN' THEN 1 WHEN 'SG_IN_PROGRESS' THEN 2 ELSE 3 END"
)


class Store(
    CaseTriage, CaseWork, CaseIntegrations, CaseViews, ProjectSettingsStore, AutomationStore
):
    """The sandbox's state: the organisation, its cases, their timelines and comments, and
    the projects' views, settings and automation."""

    def search_cases(
        self,
        *,
        query: str = "",
        sort_field: str = "created_at",
        ascending: bool = False,
        page_size: int = 10,
        page_number: int = 1,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of the cases a query matches (pages count from 1) and how many match.

        Args:
            query: Search text in the syntax of `_search` (archived cases need archived:true).
            sort_field: created_at, priority or status (see the module docstring for order).
            ascending: Smallest first instead of largest first.
            page_size: Cases per page.
            page_number: The page, from 1.

        Raises:
            BadRequest: The query cannot be read, or an unknown sort field.
        """
        if sort_field not in SORT_FIELDS:
            raise BadRequest(
                f"cannot sort cases by {sort_field!r}; use one of {', '.join(SORT_FIELDS)}"
            )
        where, params = _search.compile_query(query, now=self.clock())
        direction = "ASC" if ascending else "DESC"
        # Rank 1 is P1, the most urgent: descending urgency is ascending rank.
        rank_direction = "DESC" if ascending else "ASC"
        order = {
            "created_at": f"c.created_at {direction}",
            "priority": f"c.priority_rank {rank_direction}, c.created_at {direction}",
            "status": f"{_STATUS_ORDER} {direction}, c.created_at {direction}",
        }[sort_field]
        count = self.conn.execute(f"SELECT count(*) FROM cases c WHERE {where}", params)
        total = count.fetchone()[0]
        rows = self.conn.execute(
            f"SELECT c.* FROM cases c WHERE {where} ORDER BY {order}, c.public_id {direction}"
            " LIMIT ? OFFSET ?",
            [*params, page_size, page_size * (page_number - 1)],
        ).fetchall()
        return self._records(rows), int(total)

    def list_case_timeline(
        self, case_ref: str, *, page_size: int = 25, page_number: int = 0, ascending: bool = False
    ) -> list[dict[str, Any]]:
        """A page of a case's timeline (deleted comments left out), newest first by default.

        Pages count from 0 here, as Datadog's timeline endpoint does (unlike case search).

        Raises:
            NotFound: No such case.
        """
        case_id = self._case_row(case_ref)["id"]
        rows = self.conn.execute(
            "SELECT * FROM timeline_cells WHERE case_id = ? AND deleted_at IS NULL"
            f" ORDER BY seq {'ASC' if ascending else 'DESC'} LIMIT ? OFFSET ?",
            (case_id, page_size, page_size * page_number),
        ).fetchall()
        return [decode_row(row, "content") for row in rows]

    # Comments ------------------------------------------------------------------------------

    def comment_case(self, case_ref: str, message: str, *, actor_id: str) -> dict[str, Any]:
        """Add a comment to a case's timeline; returns the new cell.

        Raises:
            BadRequest: An empty comment.
            NotFound: No such case.
        """
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            _rules.nonblank(message, "comment")
            cell_id = self._add_cell(case_id, "COMMENT", {"message": message}, actor_id)
            self.conn.execute(
                "UPDATE cases SET comment_count = comment_count + 1 WHERE id = ?", (case_id,)
            )
        return self._cell(cell_id)

    def _cell(self, cell_id: str) -> dict[str, Any]:
        row = self.conn.execute("SELECT * FROM timeline_cells WHERE id = ?", (cell_id,)).fetchone()
        return decode_row(row, "content")

    def delete_case_comment(self, case_ref: str, cell_id: str, *, actor_id: str) -> None:
        """Delete a comment of a case.

        Raises:
            BadRequest: The cell is a change record, not a comment.
            NotFound: No such case, no such comment on it, or the comment is already deleted.
        """
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            row = self.conn.execute(
                "SELECT * FROM timeline_cells WHERE id = ? AND case_id = ?",
                (cell_id.lower(), case_id),
            ).fetchone()
            if row is None:
                raise NotFound("failed to get timeline cell: timeline cell not found")
            if row["deleted_at"] is not None:
                raise NotFound("timeline cell not found")
            if row["type"] != "COMMENT":
                raise BadRequest(
                    f"timeline cell {row['id']} is a {row['type']} record; only COMMENT cells "
                    "can be deleted"
                )
            now = self.now()
            self.conn.execute(
                "UPDATE timeline_cells SET deleted_at = ?, modified_at = ? WHERE id = ?",
                (now, now, row["id"]),
            )
            self.conn.execute(
                "UPDATE cases SET comment_count = comment_count - 1 WHERE id = ?", (case_id,)
            )
