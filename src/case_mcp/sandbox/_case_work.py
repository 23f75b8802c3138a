"""The rules of the everyday work on a case beyond its fields: the resolved reason of a security
case, editing a comment, watchers and insights. One store method per Datadog operation.

Each change writes its timeline cell, as the updates of `_case_updates` do, with content
``{"field", "from", "to"}``: RESOLVED_REASON_CHANGE (the reasons), WATCHERS_CHANGE (the user
as ``{"id", "name"}`` in ``to`` when watching, in ``from`` when unwatching) and
INSIGHTS_CHANGE (the case's insights before and after). An edited comment is its own record:
its text is replaced in place, it keeps its id, and its ``modified_at`` says it was edited.
Watching a case twice, unwatching one not watched, adding an insight listed already or
removing one not listed change nothing and write nothing.
"""

from __future__ import annotations

import json
from typing import Any

from . import _rules
from ._case_updates import CaseUpdates
from ._errors import BadRequest, NotFound

__all__ = ["CaseWork"]


def _insight_key(insight: dict[str, Any]) -> tuple[Any, Any]:
    # Datadog removes insights named by type and resource id; the ref is only where to look.
    return insight.get("type"), insight.get("resource_id")


class CaseWork(CaseUpdates):
    """Resolved reasons, comment edits, watchers and insights (see `CaseUpdates`)."""

    def update_case_resolved_reason(
        self, case_ref: str, reason: object, *, actor_id: str
    ) -> dict[str, Any]:
        """Set why a security case was resolved.

        Raises:
            BadRequest: Not one of FALSE_POSITIVE, TRUE_POSITIVE, BENIGN_POSITIVE.
            NotFound: No such case.
        """
        checked = _rules.check_resolved_reason(reason)
        old = self._case_row(case_ref)["security_resolved_reason"]
        return self._change(
            case_ref,
            actor_id,
            "RESOLVED_REASON_CHANGE",
            "resolved_reason",
            old,
            checked,
            {"security_resolved_reason": checked},
        )

    def update_case_comment(
        self, case_ref: str, cell_id: str, message: str, *, actor_id: str
    ) -> None:
        """Replace a comment's text; it keeps its id, and its ``modified_at`` marks the edit.

        Raises:
            BadRequest: An empty text, or the cell is a change record, not a comment.
            NotFound: No such case, no such cell on it, or the comment is deleted.
        """
        _rules.nonblank(message, "comment")
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            row = self.conn.execute(
                "SELECT * FROM timeline_cells WHERE id = ? AND case_id = ?",
                (cell_id.lower(), case_id),
            ).fetchone()
            if row is None or row["deleted_at"] is not None:
                raise NotFound("failed to get timeline cell: timeline cell not found")
            if row["type"] != "COMMENT":
                raise BadRequest(
                    f"timeline cell {row['id']} is a {row['type']} record; only COMMENT cells "
                    "can be edited"
                )
            if json.loads(row["content"]).get("message") == message:
                return
            self.conn.execute(
                "UPDATE timeline_cells SET content = ?, modified_at = ? WHERE id = ?",
                (json.dumps({"message": message}), self.now(), row["id"]),
            )

    def list_case_watchers(self, case_ref: str) -> list[str]:
        """The ids of the users watching a case, in the order they started.

        Raises:
            NotFound: No such case.
        """
        case_id = self._case_row(case_ref)["id"]
        rows = self.conn.execute(
            "SELECT user_id FROM case_watchers WHERE case_id = ? ORDER BY created_at, rowid",
            (case_id,),
        ).fetchall()
        return [row["user_id"] for row in rows]

    def watch_case(self, case_ref: str, user_id: str, *, actor_id: str) -> None:
        """Make a user of the organisation a watcher of a case.

        Raises:
            NotFound: No such case, or no such user.
        """
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            self.get_user(user_id)
            added = self.conn.execute(
                "INSERT OR IGNORE INTO case_watchers (case_id, user_id, created_at)"
                " VALUES (?, ?, ?)",
                (case_id, user_id, self.now()),
            ).rowcount
            if added:
                change = {"field": "watchers", "from": None, "to": self._user_ref(user_id)}
                self._add_cell(case_id, "WATCHERS_CHANGE", change, actor_id)

    def unwatch_case(self, case_ref: str, user_id: str, *, actor_id: str) -> None:
        """Stop a user watching a case.

        Raises:
            NotFound: No such case, or no such user.
        """
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            self.get_user(user_id)
            removed = self.conn.execute(
                "DELETE FROM case_watchers WHERE case_id = ? AND user_id = ?", (case_id, user_id)
            ).rowcount
            if removed:
                change = {"field": "watchers", "from": self._user_ref(user_id), "to": None}
                self._add_cell(case_id, "WATCHERS_CHANGE", change, actor_id)

    def add_case_insights(
        self, case_ref: str, insights: object, *, actor_id: str
    ) -> dict[str, Any]:
        """Add insights to a case; one already listed (same type and resource id) stays once.

        Raises:
            BadRequest: Not 1 to 100 insights, a missing field, or a type Datadog does not know.
            NotFound: No such case.
        """
        checked = _rules.check_insights(insights)
        with self.transaction():
            old: list[dict[str, Any]] = self.get_case(case_ref)["insights"]
            new = list(old)
            listed = {_insight_key(insight) for insight in old}
            for insight in checked:
                if _insight_key(insight) not in listed:
                    listed.add(_insight_key(insight))
                    new.append(insight)
            return self._insights_change(case_ref, old, new, actor_id)

    def remove_case_insights(
        self, case_ref: str, insights: object, *, actor_id: str
    ) -> dict[str, Any]:
        """Remove the insights named by type and resource id; others are left alone.

        Raises:
            BadRequest: Not 1 to 100 insights, a missing field, or a type Datadog does not know.
            NotFound: No such case.
        """
        removed = {_insight_key(insight) for insight in _rules.check_insights(insights)}
        with self.transaction():
            old: list[dict[str, Any]] = self.get_case(case_ref)["insights"]
            new = [insight for insight in old if _insight_key(insight) not in removed]
            return self._insights_change(case_ref, old, new, actor_id)

    def _insights_change(
        self, case_ref: str, old: list[dict[str, Any]], new: list[dict[str, Any]], actor_id: str
    ) -> dict[str, Any]:
        return self._change(
            case_ref,
            actor_id,
            "INSIGHTS_CHANGE",
            "insights",
            old,
            new,
            {"insights": json.dumps(new)},
        )
