"""Case types and the custom attributes configured on them.

`CaseTypes` extends `Catalog` (users and projects); `_cases.CaseStore` builds on it. No HTTP
here: methods take and return plain values and raise `_errors` types.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import _rules
from ._catalog import Catalog, decode_row
from ._errors import BadRequest, Conflict, NotFound

__all__ = ["CaseTypes"]


class CaseTypes(Catalog):
    """The case types of the organisation and their custom attribute configs."""

    # Case types ----------------------------------------------------------------------------

    def create_case_type(
        self,
        *,
        name: str,
        description: str = "",
        emoji: str = "",
        internal: bool = False,
        wire_type: str = "TUNKNOWN",
        statuses_config: dict[str, Any] | None = None,
        type_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a case type (custom types get Datadog's default Open/In Progress/Closed).

        Raises:
            BadRequest: An empty name, or an emoji that is not a single emoji.
        """
        _rules.nonblank(name, "name")
        _rules.check_emoji(emoji)
        config = statuses_config if statuses_config is not None else _rules.DEFAULT_STATUSES_CONFIG
        if not _rules.status_options(config):
            raise BadRequest("statuses_config must offer at least one status")
        type_id = type_id or self.new_id()
        with self.transaction():
            self.conn.execute(
                "INSERT INTO case_types (id, name, description, emoji, internal, wire_type,"
                " statuses_config) VALUES (?,?,?,?,?,?,?)",
                (type_id, name, description, emoji, int(internal), wire_type, json.dumps(config)),
            )
        return self.get_case_type(type_id)

    def get_case_type(self, type_id: str, *, live: bool = False) -> dict[str, Any]:
        """One case type, deleted or not (only live ones when `live`).

        Raises:
            NotFound: No such case type.
        """
        row = self.conn.execute("SELECT * FROM case_types WHERE id = ?", (type_id,)).fetchone()
        if row is None or (live and row["deleted_at"] is not None):
            raise NotFound("case_type not found")
        return decode_row(row, "statuses_config", bool_columns=("internal",))

    def get_all_case_types(self) -> list[dict[str, Any]]:
        """Every case type, deleted ones included (with `deleted_at`), in creation order."""
        rows = self.conn.execute("SELECT * FROM case_types ORDER BY rowid").fetchall()
        return [decode_row(row, "statuses_config", bool_columns=("internal",)) for row in rows]

    # Custom attribute configs --------------------------------------------------------------

    def create_custom_attribute_config(
        self,
        case_type_id: str,
        *,
        key: str,
        display_name: str,
        type: str,
        is_multi: bool,
        description: str | None = None,
        options: Sequence[str] | None = None,
        config_id: str | None = None,
    ) -> dict[str, Any]:
        """Declare a custom attribute on a case type.

        Raises:
            BadRequest: An invalid key, name, type, or options (SELECT needs them; others not).
            NotFound: No such (live) case type.
            Conflict: The case type already has an attribute with that key.
        """
        if not key or len(key) > 100 or not all(char.isalnum() or char in "_-." for char in key):
            raise BadRequest(
                f"custom attribute key {key!r} must be 1 to 100 letters, digits, '_', '-' or '.'"
            )
        _rules.nonblank(display_name, "display_name")
        _rules.check_custom_attribute_type(type)
        if type == "SELECT":
            _rules.select_options(options)
        elif options:
            raise BadRequest(f"only SELECT custom attributes take options, not {type}")
        config_id = config_id or self.new_id()
        with self.transaction():
            self.get_case_type(case_type_id, live=True)
            taken = self.conn.execute(
                "SELECT 1 FROM custom_attribute_configs WHERE case_type_id = ? AND key = ?",
                (case_type_id, key),
            ).fetchone()
            if taken:
                raise Conflict(f"case type {case_type_id} already has a custom attribute {key!r}")
            self.conn.execute(
                "INSERT INTO custom_attribute_configs (id, case_type_id, key, display_name,"
                " description, type, is_multi, options) VALUES (?,?,?,?,?,?,?,?)",
                (
                    config_id,
                    case_type_id,
                    key,
                    display_name,
                    description,
                    type,
                    int(is_multi),
                    json.dumps(list(options)) if type == "SELECT" and options else None,
                ),
            )
        return next(
            config
            for config in self._custom_attribute_configs(case_type_id)
            if config["id"] == config_id
        )

    def get_all_custom_attributes(self) -> list[dict[str, Any]]:
        """The custom attribute configs of every case type, by case type id.

        Each record carries `wire_type`, the case type's wire type, which Datadog reports as
        the config's ``case_type``.
        """
        return self._custom_attribute_configs(None)

    def get_all_custom_attribute_configs_by_case_type(
        self, case_type_id: str
    ) -> list[dict[str, Any]]:
        """The custom attribute configs of one case type (records as `get_all_custom_attributes`).

        Raises:
            NotFound: `case_type_id` names no case type.
        """
        self.get_case_type(case_type_id)
        return self._custom_attribute_configs(case_type_id)

    def _custom_attribute_configs(self, case_type_id: str | None) -> list[dict[str, Any]]:
        select = (
            "SELECT a.*, t.wire_type FROM custom_attribute_configs a"
            " JOIN case_types t ON t.id = a.case_type_id"
        )
        if case_type_id is None:
            rows = self.conn.execute(f"{select} ORDER BY a.case_type_id, a.rowid").fetchall()
        else:
            rows = self.conn.execute(
                f"{select} WHERE a.case_type_id = ? ORDER BY a.rowid", (case_type_id,)
            ).fetchall()
        return [decode_row(row, "options", bool_columns=("is_multi",)) for row in rows]

    def delete_custom_attribute_config(self, case_type_id: str, config_id: str) -> None:
        """Remove a custom attribute config (values already set on cases stay).

        Raises:
            NotFound: No such case type, or no such config on it.
        """
        with self.transaction():
            self.get_case_type(case_type_id)
            deleted = self.conn.execute(
                "DELETE FROM custom_attribute_configs WHERE id = ? AND case_type_id = ?",
                (config_id, case_type_id),
            ).rowcount
            if not deleted:
                raise NotFound("custom_attribute not found")

    def _custom_config(self, case_type_id: str, key: str) -> dict[str, Any] | None:
        row = self.conn.execute(
            "SELECT * FROM custom_attribute_configs WHERE case_type_id = ? AND key = ?",
            (case_type_id, key),
        ).fetchone()
        return None if row is None else decode_row(row, "options", bool_columns=("is_multi",))
