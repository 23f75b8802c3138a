"""The rules of each case update, one store method per Datadog operation, named by its id.

Changing a field to the value it already has is no change: nothing is written, so
``modified_at`` stays and no timeline cell is added (Datadog answers an unarchive of a case
that is not archived the same way). Datadog's recordings show custom attribute changes moving
``modified_at`` but not ``modified_by``; the store does the same.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from . import _rules
from ._cases import CaseStore, custom_not_found
from ._errors import NotFound

__all__ = ["CaseUpdates"]


class CaseUpdates(CaseStore):
    """Cases and the updates Datadog offers on them (see `CaseStore`)."""

    def _change(
        self,
        case_ref: str,
        actor_id: str,
        kind: str,
        field: str,
        old: Any,
        new: Any,
        columns: Mapping[str, Any],
        *,
        sets_modified_by: bool = True,
    ) -> dict[str, Any]:
        """Write a change of one field (unless it changes nothing) with its timeline cell."""
        with self.transaction():
            case_id = self._case_row(case_ref)["id"]
            if old != new:
                changes = {**columns, "modified_at": self.now()}
                if sets_modified_by:
                    changes["modified_by"] = actor_id
                assignments = ", ".join(f"{column} = ?" for column in changes)
                self.conn.execute(
                    f"UPDATE cases SET {assignments} WHERE id = ?", (*changes.values(), case_id)
                )
                self._add_cell(case_id, kind, {"field": field, "from": old, "to": new}, actor_id)
        return self.get_case(case_id)

    def _user_ref(self, user_id: str | None) -> dict[str, Any] | None:
        if user_id is None:
            return None
        user = self.users_by_id([user_id]).get(user_id)
        return {"id": user_id, "name": user["name"] if user else None}

    def update_case_title(self, case_ref: str, title: str, *, actor_id: str) -> dict[str, Any]:
        """Retitle a case.

        Raises:
            BadRequest: An empty title.
            NotFound: No such case.
        """
        _rules.nonblank(title, "title")
        old = self._case_row(case_ref)["title"]
        return self._change(
            case_ref, actor_id, "TITLE_CHANGE", "title", old, title, {"title": title}
        )

    def update_case_description(
        self, case_ref: str, description: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Replace a case's description (it may be empty).

        Raises:
            NotFound: No such case.
        """
        old = self._case_row(case_ref)["description"]
        return self._change(
            case_ref,
            actor_id,
            "DESCRIPTION_CHANGE",
            "description",
            old,
            description,
            {"description": description},
        )

    def update_status(
        self,
        case_ref: str,
        *,
        actor_id: str,
        status: str | None = None,
        status_name: str | None = None,
    ) -> dict[str, Any]:
        """Move a case to a status its type offers; closing sets `closed_at`, reopening clears it.

        Raises:
            BadRequest: A status outside Datadog's enum or the case type's statuses.
            NotFound: No such case.
        """
        row = self._case_row(case_ref)
        case_type = self.get_case_type(row["type_id"])
        value, name, group = _rules.resolve_status(
            case_type["statuses_config"], case_type["name"], status, status_name
        )
        closed_at = row["closed_at"]
        if group != "SG_CLOSED":
            closed_at = None
        elif row["status_group"] != "SG_CLOSED":
            closed_at = self.now()
        columns = {
            "status": value,
            "status_name": name,
            "status_group": group,
            "closed_at": closed_at,
        }
        return self._change(
            case_ref, actor_id, "STATUS_CHANGE", "status", row["status"], value, columns
        )

    def update_priority(self, case_ref: str, priority: str, *, actor_id: str) -> dict[str, Any]:
        """Set a case's priority.

        Raises:
            BadRequest: Not one of P1-P5 or NOT_DEFINED.
            NotFound: No such case.
        """
        _rules.check_priority(priority)
        old = self._case_row(case_ref)["priority"]
        return self._change(
            case_ref,
            actor_id,
            "PRIORITY_CHANGE",
            "priority",
            old,
            priority,
            {"priority": priority, "priority_rank": _rules.PRIORITY_RANKS[priority]},
        )

    def update_case_due_date(
        self, case_ref: str, due_date: str | None, *, actor_id: str
    ) -> dict[str, Any]:
        """Set a case's due date (``YYYY-MM-DD``), or clear it with None.

        Raises:
            BadRequest: Not a calendar date written ``YYYY-MM-DD``.
            NotFound: No such case.
        """
        due_date = _rules.check_due_date(due_date)
        old = self._case_row(case_ref)["due_date"]
        return self._change(
            case_ref,
            actor_id,
            "DUE_DATE_CHANGE",
            "due_date",
            old,
            due_date,
            {"due_date": due_date},
        )

    def assign_case(self, case_ref: str, assignee_id: str, *, actor_id: str) -> dict[str, Any]:
        """Assign a case to a user.

        Raises:
            NotFound: No such case, or no such user.
        """
        old = self._case_row(case_ref)["assignee_id"]
        self.get_user(assignee_id)
        return self._change(
            case_ref,
            actor_id,
            "ASSIGNMENT_CHANGE",
            "assignee",
            self._user_ref(old),
            self._user_ref(assignee_id),
            {"assignee_id": assignee_id},
        )

    def unassign_case(self, case_ref: str, *, actor_id: str) -> dict[str, Any]:
        """Leave a case without assignee.

        Raises:
            NotFound: No such case.
        """
        old = self._case_row(case_ref)["assignee_id"]
        return self._change(
            case_ref,
            actor_id,
            "ASSIGNMENT_CHANGE",
            "assignee",
            self._user_ref(old),
            None,
            {"assignee_id": None},
        )

    def archive_case(self, case_ref: str, *, actor_id: str) -> dict[str, Any]:
        """Archive a case (search leaves it out unless asked); archiving twice is harmless.

        Raises:
            NotFound: No such case.
        """
        archived = self._case_row(case_ref)["archived_at"] is not None
        return self._change(
            case_ref,
            actor_id,
            "ARCHIVE_CHANGE",
            "archived",
            archived,
            True,
            {"archived_at": self.now()},
        )

    def unarchive_case(self, case_ref: str, *, actor_id: str) -> dict[str, Any]:
        """Bring an archived case back; unarchiving a live case is harmless.

        Raises:
            NotFound: No such case.
        """
        archived = self._case_row(case_ref)["archived_at"] is not None
        return self._change(
            case_ref, actor_id, "ARCHIVE_CHANGE", "archived", archived, False, {"archived_at": None}
        )

    def update_attributes(
        self, case_ref: str, attributes: Mapping[str, list[str]], *, actor_id: str
    ) -> dict[str, Any]:
        """Replace a case's whole attributes map (names to lists of strings).

        Raises:
            BadRequest: A value that is not a list of strings.
            NotFound: No such case.
        """
        new = _rules.check_attributes(attributes)
        with self.transaction():
            old = self.get_case(case_ref)
            if old["attributes"] != new:
                self._set_attributes(old["id"], new)
            return self._change(
                case_ref, actor_id, "ATTRIBUTES_CHANGE", "attributes", old["attributes"], new, {}
            )

    def update_case_custom_attribute(
        self, case_ref: str, key: str, *, type: str, is_multi: bool, value: Any, actor_id: str
    ) -> dict[str, Any]:
        """Set one custom attribute of a case, as configured for its case type.

        Raises:
            BadRequest: The type, is_multi or value does not fit the configuration.
            NotFound: No such case, or the key is not configured for the case's type.
        """
        with self.transaction():
            case = self.get_case(case_ref)
            item = {"type": type, "is_multi": is_multi, "value": value}
            checked = self._checked_custom(case["type_id"], key, item, "UpdateCustomAttribute")
            custom = {**case["custom_attributes"], key: checked}
            return self._change(
                case_ref,
                actor_id,
                "CUSTOM_ATTRIBUTE_CHANGE",
                f"custom_attributes.{key}",
                case["custom_attributes"].get(key, {}).get("value"),
                checked["value"],
                {"custom_attributes": json.dumps(custom)},
                sets_modified_by=False,
            )

    def delete_case_custom_attribute(
        self, case_ref: str, key: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Clear one custom attribute of a case (clearing an unset one is harmless).

        Raises:
            NotFound: No such case, or the key is not configured for the case's type.
        """
        with self.transaction():
            case = self.get_case(case_ref)
            if self._custom_config(case["type_id"], key) is None:
                raise custom_not_found(key, "RemoveCustomAttribute")
            custom = dict(case["custom_attributes"])
            old = custom.pop(key, {}).get("value")
            return self._change(
                case_ref,
                actor_id,
                "CUSTOM_ATTRIBUTE_CHANGE",
                f"custom_attributes.{key}",
                old,
                None,
                {"custom_attributes": json.dumps(custom)},
                sets_modified_by=False,
            )

    def move_case_to_project(
        self, case_ref: str, project_id: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Move a case to another project: it gets a key there, and its old key keeps working.

        Raises:
            NotFound: No such case, or no such project.
        """
        with self.transaction():
            row = self._case_row(case_ref)
            target = self.conn.execute(
                "SELECT * FROM projects WHERE id = ?", (project_id,)
            ).fetchone()
            if target is None:
                raise NotFound("project not found")
            if row["project_id"] == project_id:
                return self.get_case(row["id"])
            source = self.get_project(row["project_id"])
            new_key = f"{target['key']}-{target['next_number']}"
            self.conn.execute(
                "UPDATE projects SET next_number = next_number + 1 WHERE id = ?", (project_id,)
            )
            self.conn.execute(
                "INSERT OR REPLACE INTO case_key_aliases (key, case_id) VALUES (?, ?)",
                (row["key"], row["id"]),
            )
            self.conn.execute("DELETE FROM case_key_aliases WHERE key = ?", (new_key,))
            old = {
                "id": source["id"],
                "key": source["key"],
                "name": source["name"],
                "case_key": row["key"],
            }
            new = {
                "id": target["id"],
                "key": target["key"],
                "name": target["name"],
                "case_key": new_key,
            }
            return self._change(
                row["id"],
                actor_id,
                "PROJECT_CHANGE",
                "project",
                old,
                new,
                {"project_id": project_id, "key": new_key},
            )
