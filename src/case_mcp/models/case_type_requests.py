"""Request bodies of the case type and custom attribute configuration operations.

As in `case_mcp.models.requests`, each is named after Datadog's request type and renders
exactly what Datadog's official client sends; unset optional fields are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from case_mcp.models.requests import RequestBody

__all__ = [
    "CaseTypeCreate",
    "CaseTypeUpdate",
    "CustomAttributeConfigCreate",
    "CustomAttributeConfigUpdate",
]


def _present(**fields: Any) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _type_data(options: Sequence[str] | None) -> dict[str, Any] | None:
    if options is None:
        return None
    return {"options": [{"value": option} for option in options]}


class CaseTypeCreate(RequestBody):
    """``POST /api/v2/cases/types``: a new case type."""

    name: str
    description: str | None = None
    emoji: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = _present(description=self.description, emoji=self.emoji, name=self.name)
        return {"data": {"attributes": attributes, "type": "case_type"}}


class CaseTypeUpdate(RequestBody):
    """``PUT /api/v2/cases/types/{case_type_id}``: the type's name, description and emoji.

    Datadog's model requires the name, so a change of the description alone sends the
    current name with it.
    """

    name: str
    description: str | None = None
    emoji: str | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = _present(description=self.description, emoji=self.emoji, name=self.name)
        return {"data": {"attributes": attributes, "type": "case_type"}}


class CustomAttributeConfigCreate(RequestBody):
    """``POST /api/v2/cases/types/{case_type_id}/custom_attributes``: a new attribute.

    `options` (a SELECT's allowed values) goes in ``type_data``, as the update sends it.
    """

    key: str
    display_name: str
    type: str
    is_multi: bool
    description: str | None = None
    options: tuple[str, ...] | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = _present(
            description=self.description,
            display_name=self.display_name,
            is_multi=self.is_multi,
            key=self.key,
            type=self.type,
            type_data=_type_data(self.options),
        )
        return {"data": {"attributes": attributes, "type": "custom_attribute"}}


class CustomAttributeConfigUpdate(RequestBody):
    """``PUT /api/v2/cases/types/{case_type_id}/custom_attributes/{custom_attribute_id}``.

    Every field is optional; only those given change.
    """

    description: str | None = None
    display_name: str | None = None
    type: str | None = None
    options: tuple[str, ...] | None = None

    def body(self) -> dict[str, Any]:
        """The JSON document to send."""
        attributes = _present(
            description=self.description,
            display_name=self.display_name,
            type=self.type,
            type_data=_type_data(self.options),
        )
        return {"data": {"attributes": attributes, "type": "custom_attribute"}}
