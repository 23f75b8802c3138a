"""Turning what a model knows (a project key, an email, a type name) into Datadog ids.

Models hold keys and names, the API wants UUIDs for projects, users and case types. Each
lookup either returns the object or raises a `ToolError` that names what does exist, so the
model's next call can be right. Case keys need no lookup: every case endpoint takes them.

Those messages quote the organisation's setup (project keys, case type names, attribute
keys, people's names and emails), never case content; what they quote is cleaned of
invisible characters and cut short (`_shown`), since people choose their own names.
With a project scope the client lists only the scoped projects, so a project outside the
scope is "not found" in the very words of one that does not exist.
"""

from __future__ import annotations

import re
import time
from collections.abc import Awaitable, Callable
from typing import Final, Generic, TypeVar

from mcp.server.mcpserver.exceptions import ToolError

from case_mcp.client import CaseManagementClient, current_tenant
from case_mcp.errors import NotFoundError
from case_mcp.models import CaseType, CustomAttributeConfig, Project, User
from case_mcp.server.guardrails._sanitize import clean_text

_UUID: Final = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
# A person as the views write one (`_views.person`): "Maya Chen <maya.chen@example.com>".
_PERSON: Final = re.compile(r"[^<>]*<(?P<handle>[^<>\s]+)>")

# Projects and case types change rarely and every create_case needs both; a short-lived copy
# saves two API calls per tool call without serving stale data for long.
_CATALOG_TTL_SECONDS: Final = 30.0

# The longest piece of the organisation's text an error message quotes.
_QUOTED_MAX: Final = 80

T = TypeVar("T")


def _shown(text: str) -> str:
    """Organisation text for an error message: cleaned, on one line, cut short."""
    cleaned = " ".join(clean_text(text).split())
    if len(cleaned) > _QUOTED_MAX:
        cleaned = cleaned[: _QUOTED_MAX - 1] + "…"
    return cleaned


def is_uuid(value: str) -> bool:
    """Whether `value` is written as a UUID (Datadog's ids are)."""
    return bool(_UUID.match(value))


def user_handle(who: str) -> str:
    """The email or id in a person as tools show one (``Name <email>``); else `who`, stripped.

    So the assignee a case shows can be given back to any tool that takes a user.
    """
    wanted = who.strip()
    person = _PERSON.fullmatch(wanted)
    return person["handle"] if person else wanted


class _Cached(Generic[T]):
    """One list fetched from the API, reused for a short while.

    Kept per tenant: with per-request credentials (HTTP, several organisations), one
    caller's projects must never answer another's lookup.
    """

    def __init__(self, fetch: Callable[[], Awaitable[list[T]]]) -> None:
        self._fetch = fetch
        self._kept: dict[str | None, tuple[list[T], float]] = {}

    async def get(self) -> list[T]:
        tenant = current_tenant()
        kept = self._kept.get(tenant)
        if kept is None or time.monotonic() - kept[1] > _CATALOG_TTL_SECONDS:
            kept = (await self._fetch(), time.monotonic())
            self._kept[tenant] = kept
        return kept[0]

    def forget(self) -> None:
        self._kept.pop(current_tenant(), None)


class Lookup:
    """Resolves projects, users and case types by the names a model uses."""

    def __init__(self, client: CaseManagementClient) -> None:
        self._client = client
        self._projects: _Cached[Project] = _Cached(client.get_projects)
        self._case_types: _Cached[CaseType] = _Cached(client.get_all_case_types)
        self._custom_attributes: dict[str, _Cached[CustomAttributeConfig]] = {}

    async def projects(self, *, fresh: bool = False) -> list[Project]:
        """Every project: from a copy up to 30 seconds old, or `fresh` from Datadog.

        Resolving keys may use the copy (a miss reads again); what a model is shown as the
        list of projects must be fresh, since another replica or person may have changed it.
        """
        if fresh:
            self._projects.forget()
        return await self._projects.get()

    def projects_changed(self) -> None:
        """Drop the copy of the project list after a project was created or deleted."""
        self._projects.forget()

    async def project(self, key_or_id: str) -> Project:
        """The project with this key (``SEC``, any case) or UUID.

        Raises:
            ToolError: No such project; the message lists the project keys that exist.
        """
        wanted = key_or_id.strip()
        for fresh in (False, True):
            if fresh:
                self._projects.forget()
            for project in await self._projects.get():
                if project.id == wanted or (project.attributes.key or "").upper() == wanted.upper():
                    return project
        keys = ", ".join(
            sorted(_shown(p.attributes.key or p.id) for p in await self._projects.get())
        )
        raise ToolError(
            f"Project {wanted!r} was not found. Use a project key or id; the projects are: "
            f"{keys or 'none yet (create_project makes one)'}."
        )

    def case_types_changed(self, type_id: str | None = None) -> None:
        """Drop the copy of the case types, and of one type's custom attributes, after a
        change to them."""
        self._case_types.forget()
        if type_id is not None and type_id in self._custom_attributes:
            self._custom_attributes[type_id].forget()

    async def case_types(self) -> list[CaseType]:
        """Every case type that is not deleted."""
        return [t for t in await self._case_types.get() if t.attributes.deleted_at is None]

    async def case_type(self, name_or_id: str) -> CaseType:
        """The case type with this name (any case) or UUID.

        Raises:
            ToolError: No such case type; the message lists the names that exist.
        """
        wanted = name_or_id.strip()
        for fresh in (False, True):
            if fresh:
                self._case_types.forget()
            types = await self.case_types()
            for case_type in types:
                if (
                    case_type.id == wanted
                    or (case_type.attributes.name or "").lower() == wanted.lower()
                ):
                    return case_type
        names = ", ".join(sorted(_shown(t.attributes.name or t.id) for t in types))
        raise ToolError(f"Case type {wanted!r} was not found. The case types are: {names}.")

    async def case_type_name(self, type_id: str | None) -> str | None:
        """The display name of a case type id, or None when unknown."""
        case_type = await self.case_type_of(type_id)
        return case_type.attributes.name if case_type is not None else None

    async def case_type_of(self, type_id: str | None) -> CaseType | None:
        """The case type with this id, deleted ones included (old cases keep their type)."""
        if type_id is None:
            return None
        for fresh in (False, True):
            if fresh:
                self._case_types.forget()
            for case_type in await self._case_types.get():
                if case_type.id == type_id:
                    return case_type
        return None

    async def custom_attributes(self, type_id: str) -> list[CustomAttributeConfig]:
        """The custom attributes configured on a case type (none for an unknown type)."""
        cached = self._custom_attributes.get(type_id)
        if cached is None:

            async def fetch() -> list[CustomAttributeConfig]:
                try:
                    return await self._client.get_all_custom_attribute_configs_by_case_type(type_id)
                except NotFoundError:
                    return []

            cached = self._custom_attributes[type_id] = _Cached(fetch)
        return await cached.get()

    async def custom_attribute(self, case_type: CaseType, key: str) -> CustomAttributeConfig:
        """The custom attribute `key` of a case type.

        Raises:
            ToolError: The type has no such attribute; the message lists the keys it has.
        """
        wanted = key.strip()
        for fresh in (False, True):
            if fresh and case_type.id in self._custom_attributes:
                self._custom_attributes[case_type.id].forget()
            configs = await self.custom_attributes(case_type.id)
            for config in configs:
                if config.attributes.key == wanted:
                    return config
        keys = ", ".join(sorted(_shown(c.attributes.key or c.id) for c in configs))
        raise ToolError(
            f"Case type {_shown(case_type.attributes.name or case_type.id)!r} has no custom "
            "attribute "
            f"{wanted!r}. "
            + (f"Its custom attributes are: {keys}." if keys else "It has no custom attributes.")
        )

    async def user(self, who: str) -> User:
        """The user with this UUID, email or handle, or shown as ``Name <email>``.

        Raises:
            ToolError: No such user, or several match; the message says how to find one.
        """
        wanted = user_handle(who)
        if is_uuid(wanted):
            try:
                return await self._client.get_user(wanted)
            except NotFoundError:
                raise ToolError(
                    f"No user has the id {wanted!r}. find_users finds people by name or email."
                ) from None
        page = await self._client.list_users(wanted, page_size=100)
        exact = [
            user
            for user in page.users
            if wanted.lower()
            in {(user.attributes.email or "").lower(), (user.attributes.handle or "").lower()}
        ]
        if len(exact) == 1:
            return exact[0]
        if not exact and len(page.users) == 1:
            return page.users[0]
        if not page.users:
            raise ToolError(
                f"No user matches {wanted!r}. Give a user id, an email or a handle; "
                "find_users searches by name."
            )
        candidates = ", ".join(
            f"{_shown(user.attributes.name or '?')} <{_shown(user.attributes.email or '?')}>"
            for user in page.users[:5]
        )
        raise ToolError(
            f"{wanted!r} matches several users ({candidates}). Give the exact email or the id."
        )
