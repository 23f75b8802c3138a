"""Users: the summary cases carry (`UserRef`) and the users API document (`User`)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import AliasChoices, Field

from case_mcp.models._base import DatadogModel

__all__ = ["User", "UserAttributes", "UserPage", "UserRef"]


class UserRef(DatadogModel):
    """A user as a case or timeline cell names it: who is assigned, who created, who wrote.

    Built from a case answer's ``included`` user resources, from a timeline cell's ``author``
    (where Datadog spells the id ``ID``), or from the bare id when Datadog included nothing
    more. An empty string means Datadog sent an empty value (it does, for deactivated users).
    """

    id: str = Field(validation_alias=AliasChoices("id", "ID"))
    name: str | None = None
    email: str | None = None
    handle: str | None = None
    active: bool | None = None

    @property
    def label(self) -> str:
        """The most readable name Datadog gave: name, else email, else handle, else the id."""
        return self.name or self.email or self.handle or self.id


class UserAttributes(DatadogModel):
    """The attributes of a user in the users API."""

    name: str | None = None
    handle: str | None = None
    email: str | None = None
    title: str | None = None
    icon: str | None = None
    status: str | None = None  # Datadog documents "Active", "Pending", "Disabled"
    disabled: bool | None = None
    verified: bool | None = None
    service_account: bool | None = None
    mfa_enabled: bool | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    last_login_time: datetime | None = None


class User(DatadogModel):
    """A user of the organisation, as ``GET /api/v2/users/{user_id}`` returns it."""

    id: str
    type: str = "users"
    attributes: UserAttributes = Field(default_factory=UserAttributes)
    relationships: dict[str, Any] | None = None


class UserPage(DatadogModel):
    """One page of ``GET /api/v2/users``.

    Attributes:
        users: The users on this page.
        page: The zero-based number of this page (the users API counts from 0).
        page_size: The page size that was asked for.
        total_count: How many users the organisation has, when Datadog said.
        total_filtered_count: How many users match the filter, when Datadog said.
    """

    users: list[User]
    page: int
    page_size: int
    total_count: int | None = None
    total_filtered_count: int | None = None

    @property
    def has_more(self) -> bool:
        """Whether a later page holds more users (False when Datadog gave no count)."""
        total = (
            self.total_filtered_count if self.total_filtered_count is not None else self.total_count
        )
        return total is not None and (self.page + 1) * self.page_size < total
