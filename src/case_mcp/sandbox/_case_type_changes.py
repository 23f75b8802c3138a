"""Changing and deleting case types and their custom attribute configs.

`CaseTypeChanges` extends `CaseTypes`. Updates keep the object's id (and an attribute its key
and ``is_multi``). A deleted type stays on the cases that have it, as in Datadog's recordings.
An attribute's type may change while cases hold values of it, as Datadog's own update example
changes an existing attribute to NUMBER and expects 200: each value a case holds carries its
own type, so it still reads as it was written, and the next value set is checked against the
new type.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from . import _rules
from ._case_types import CaseTypes
from ._errors import NotFound

__all__ = ["CaseTypeChanges"]

_CONFIG_NOT_FOUND = "custom_attribute not found"


class CaseTypeChanges(CaseTypes):
    """Updates and deletes of case types and custom attribute configs."""

    def update_case_type(
        self,
        type_id: str,
        *,
        name: str,
        description: str | None = None,
        emoji: str | None = None,
    ) -> dict[str, Any]:
        """Rename a case type, or change its description or emoji (None leaves one as is).

        Raises:
            BadRequest: An empty name, or an emoji that is not a single emoji.
            NotFound: No such case type, or it is deleted.
        """
        _rules.nonblank(name, "name")
        if emoji is not None:
            _rules.check_emoji(emoji)
        with self.transaction():
            current = self.get_case_type(type_id, live=True)
            self.conn.execute(
                "UPDATE case_types SET name = ?, description = ?, emoji = ? WHERE id = ?",
                (
                    name,
                    current["description"] if description is None else description,
                    current["emoji"] if emoji is None else emoji,
                    type_id,
                ),
            )
        return self.get_case_type(type_id)

    def delete_case_type(self, type_id: str) -> None:
        """Mark a case type deleted; deleting it again changes nothing.

        Cases that have the type keep it, open ones included: Datadog deletes a type a live
        case uses with 204 (the recording of delete_case_custom_attribute does).

        Raises:
            NotFound: No such case type.
        """
        with self.transaction():
            self.get_case_type(type_id)
            self.conn.execute(
                "UPDATE case_types SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL",
                (self.now(), type_id),
            )

    def update_custom_attribute_config(
        self,
        case_type_id: str,
        config_id: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        type: str | None = None,
        options: Sequence[str] | None = None,
    ) -> dict[str, Any]:
        """Change a custom attribute config's label, description, type or options.

        Options belong to SELECT attributes: a SELECT keeps its options unless new ones are
        given; any other type has none, and options sent with it are not kept (Datadog's own
        example sends them with a NUMBER and expects 200).

        Raises:
            BadRequest: An empty display name, an unknown type, or a SELECT without options.
            NotFound: No such (live) case type, or no such config on it.
        """
        if display_name is not None:
            _rules.nonblank(display_name, "display_name")
        if type is not None:
            _rules.check_custom_attribute_type(type)
        with self.transaction():
            self.get_case_type(case_type_id, live=True)
            current = self._config_by_id(case_type_id, config_id)
            new_type = current["type"] if type is None else type
            kept: list[str] | None = None
            if new_type == "SELECT":
                kept = _rules.select_options(options if options is not None else current["options"])
            self.conn.execute(
                "UPDATE custom_attribute_configs SET display_name = ?, description = ?,"
                " type = ?, options = ? WHERE id = ?",
                (
                    current["display_name"] if display_name is None else display_name,
                    current["description"] if description is None else description,
                    new_type,
                    None if kept is None else json.dumps(kept),
                    config_id,
                ),
            )
        return self._config_by_id(case_type_id, config_id)

    def _config_by_id(self, case_type_id: str, config_id: str) -> dict[str, Any]:
        for config in self._custom_attribute_configs(case_type_id):
            if config["id"] == config_id:
                return config
        raise NotFound(_CONFIG_NOT_FOUND)
