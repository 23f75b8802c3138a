"""Case types and the custom attributes configured on them."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel

__all__ = [
    "CaseType",
    "CaseTypeAttributes",
    "CustomAttributeConfig",
    "CustomAttributeConfigAttributes",
    "CustomAttributeType",
    "StatusGroupConfig",
    "StatusOption",
    "StatusesConfig",
]

CustomAttributeType = Literal["URL", "TEXT", "NUMBER", "SELECT"]
"""The documented custom attribute types; others parse as plain strings."""


class StatusOption(DatadogModel):
    """One status a case type offers within a status group (``Pending Approval``)."""

    name: str


class StatusGroupConfig(DatadogModel):
    """The statuses of one status group and the one a case enters the group with.

    Attributes:
        status_options: The status names of this group.
        default: The status name a case gets when it moves into this group.
    """

    status_options: list[StatusOption] = Field(default_factory=list)
    default: str | None = None


class StatusesConfig(DatadogModel):
    """The status names a case type uses, by status group (open, in progress, closed)."""

    open: StatusGroupConfig | None = None
    in_progress: StatusGroupConfig | None = None
    closed: StatusGroupConfig | None = None


class CaseTypeAttributes(DatadogModel):
    """The attributes of a case type.

    Attributes:
        internal: True for Datadog's built-in types (Standard, Security, Error Tracking...).
        statuses_config: The status names of the type, when Datadog sent them.
        deleted_at: When the type was deleted, for deleted types.
    """

    name: str | None = None
    description: str | None = None
    emoji: str | None = None
    internal: bool | None = None
    statuses_config: StatusesConfig | None = None
    deleted_at: datetime | None = None


class CaseType(DatadogModel):
    """A case type: what kind of work a case is, and the statuses it moves through."""

    id: str
    type: str = "case_type"
    attributes: CaseTypeAttributes = Field(default_factory=CaseTypeAttributes)

    @property
    def name(self) -> str | None:
        """The case type's display name."""
        return self.attributes.name


class CustomAttributeConfigAttributes(DatadogModel):
    """The definition of a custom attribute on a case type.

    Attributes:
        key: The key cases store the value under.
        type: ``URL``, ``TEXT``, ``NUMBER`` or ``SELECT`` as documented (see
            `CustomAttributeType`); other types parse too.
        is_multi: Whether values are lists.
        case_type_id: The case type the attribute belongs to.
    """

    key: str | None = None
    display_name: str | None = None
    description: str | None = None
    type: str | None = None
    is_multi: bool | None = None
    case_type_id: str | None = None
    case_type: str | None = None


class CustomAttributeConfig(DatadogModel):
    """A custom attribute configured on a case type."""

    id: str
    type: str = "custom_attribute"
    attributes: CustomAttributeConfigAttributes = Field(
        default_factory=CustomAttributeConfigAttributes
    )

    @property
    def key(self) -> str | None:
        """The key cases store this attribute's value under."""
        return self.attributes.key
