"""Project scope: a client that sees and touches only the cases of some projects.

With ``--projects SEC,OPS`` every tool, resource and completion talks to Datadog through a
`ScopedClient` (the server state holds it instead of the plain client), so the scope is
enforced in one place rather than tool by tool:

- a case outside the scope is not found: reading it, changing it, commenting on it or
  reading its timeline raises the same `NotFoundError` as a case that does not exist, so a
  model learns nothing from the difference (not even that the key exists). Every change is
  preceded by a read of the case, so nothing outside the scope is ever changed;
- the timeline of a case moved into the scope says that it came from a project outside the
  scope, and not which (`_scope_timeline`);
- searches get the scope added as a filter (``(query) (project:"OPS" OR project:"SEC")``),
  and the answer is checked again case by case in case Datadog reads the query otherwise;
- the project list holds only the scoped projects, so a project outside the scope is
  unknown to `Lookup` (list_projects, get_project, create_case, move_case_to_project);
- creating a case or moving one is allowed only into a scoped project, and creating a
  project only under a scoped key; deleting a project only inside the scope.

Organisation-wide lookups (case types, custom attribute definitions, users) are not case
data and pass through. The class overrides every public operation of the client and never
initialises the inherited session: an operation added to the client later, and not
classified here, fails instead of reaching Datadog unscoped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Final

from case_mcp.client import CaseManagementClient, CaseSortField
from case_mcp.config import AuthKind
from case_mcp.errors import ConfigurationError, InvalidRequestError, NotFoundError
from case_mcp.models import (
    Case,
    CasePage,
    CasePriority,
    CaseType,
    CustomAttributeConfig,
    CustomAttributeData,
    CustomAttributeType,
    CustomAttributeValue,
    Project,
    TimelineCell,
    User,
    UserPage,
)
from case_mcp.server import _audit
from case_mcp.server._scope_timeline import confine
from case_mcp.server._search_query import facet

__all__ = ["ScopedClient", "check_scope", "scoped"]

# Datadog's project keys: a letter, then letters or digits (create_project's own rule).
_PROJECT_KEY: Final = re.compile(r"^[A-Z][A-Z0-9]{0,49}$")


def check_scope(projects: frozenset[str] | None) -> None:
    """Check that the scoped project keys can be written into a search query.

    Raises:
        ConfigurationError: A key is not a project key (letters and digits, from a letter).
    """
    bad = sorted(key for key in projects or () if not _PROJECT_KEY.match(key))
    if bad:
        raise ConfigurationError(
            f"CASE_MCP_PROJECTS / --projects: {', '.join(map(repr, bad))} "
            "is not a project key (a letter, then letters or digits, e.g. SEC)."
        )


def scoped(client: CaseManagementClient, projects: frozenset[str] | None) -> CaseManagementClient:
    """`client` itself when there is no scope, else a `ScopedClient` over it."""
    return client if projects is None else ScopedClient(client, projects)


def _not_found() -> NotFoundError:
    # Exactly what the client raises for an id Datadog does not know, so every caller
    # reports it in the same words. The audit record says why.
    _audit.note_refusal("out_of_scope")
    return NotFoundError(404)


class ScopedClient(CaseManagementClient):
    """A `CaseManagementClient` limited to the cases of the projects with these keys.

    Args:
        inner: The client that talks to Datadog; it stays open and owned by the caller.
        projects: The upper-case keys of the projects in scope.

    Raises:
        ConfigurationError: A key is not a project key.
    """

    def __init__(self, inner: CaseManagementClient, projects: frozenset[str]) -> None:
        # The inherited session is deliberately left unset (see the module docstring).
        check_scope(projects)
        self._inner = inner
        self._keys = frozenset(key.upper() for key in projects)
        self._ids: frozenset[str] | None = None
        keys = sorted(self._keys)
        # The plainest form of Datadog's search syntax: a term, or a group of ORed terms.
        terms = [facet("project", key) for key in keys]
        self._filter = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"

    # Scope -------------------------------------------------------------------------------

    @property
    def projects(self) -> frozenset[str]:
        """The keys of the projects in scope."""
        return self._keys

    def _keep(self, projects: list[Project]) -> list[Project]:
        return [p for p in projects if (p.attributes.key or "").upper() in self._keys]

    async def _in_scope(self, project_id: str | None) -> bool:
        if project_id is None:
            return False
        if self._ids is None or project_id not in self._ids:
            # Project ids are stable, but a scoped project may be created or re-created
            # (same key, new id) while the server runs: look again before saying no.
            self._ids = frozenset(p.id for p in self._keep(await self._inner.get_projects()))
        return project_id in self._ids

    async def _case(self, case_id: str) -> Case:
        case = await self._inner.get_case(case_id)
        if not await self._in_scope(case.project_id):
            raise _not_found()
        return case

    async def _project(self, project_id: str) -> None:
        if not await self._in_scope(project_id):
            raise _not_found()

    # Client plumbing ---------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        return self._inner.base_url

    @property
    def auth_kind(self) -> AuthKind:
        return self._inner.auth_kind

    def __repr__(self) -> str:
        return f"ScopedClient({self._inner!r}, projects={sorted(self._keys)!r})"

    async def aclose(self) -> None:
        """Nothing to close: the inner client belongs to whoever opened it."""

    # Cases -------------------------------------------------------------------------------

    async def search_cases(
        self,
        filter: str | None = None,
        *,
        page_size: int = 10,
        page_number: int = 1,
        sort_field: CaseSortField | None = None,
        sort_ascending: bool | None = None,
    ) -> CasePage:
        query = self._filter
        if filter is not None and filter.strip():
            _check_grouping(filter)
            query = f"({filter}) {self._filter}"
        page = await self._inner.search_cases(
            query,
            page_size=page_size,
            page_number=page_number,
            sort_field=sort_field,
            sort_ascending=sort_ascending,
        )
        kept = [case for case in page.cases if await self._in_scope(case.project_id)]
        if len(kept) == len(page.cases):
            return page
        # Datadog read the query differently from ours: say only what is certain.
        return page.model_copy(update={"cases": kept, "total": None, "page_count": None})

    async def create_case(
        self,
        title: str,
        *,
        type_id: str,
        project_id: str,
        priority: CasePriority = "NOT_DEFINED",
        description: str | None = None,
        assignee_id: str | None = None,
        status_name: str | None = None,
        custom_attributes: Mapping[str, CustomAttributeValue] | None = None,
    ) -> Case:
        await self._project(project_id)
        return await self._inner.create_case(
            title,
            type_id=type_id,
            project_id=project_id,
            priority=priority,
            description=description,
            assignee_id=assignee_id,
            status_name=status_name,
            custom_attributes=custom_attributes,
        )

    async def get_case(self, case_id: str) -> Case:
        return await self._case(case_id)

    async def update_case_title(self, case_id: str, title: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_case_title(case.id, title)

    async def update_case_description(self, case_id: str, description: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_case_description(case.id, description)

    async def update_status(
        self, case_id: str, status: str | None = None, status_name: str | None = None
    ) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_status(case.id, status, status_name)

    async def update_priority(self, case_id: str, priority: CasePriority) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_priority(case.id, priority)

    async def assign_case(self, case_id: str, assignee_id: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.assign_case(case.id, assignee_id)

    async def unassign_case(self, case_id: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.unassign_case(case.id)

    async def archive_case(self, case_id: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.archive_case(case.id)

    async def unarchive_case(self, case_id: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.unarchive_case(case.id)

    async def update_attributes(
        self, case_id: str, attributes: Mapping[str, Sequence[str]]
    ) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_attributes(case.id, attributes)

    async def comment_case(self, case_id: str, comment: str) -> TimelineCell:
        case = await self._case(case_id)
        return await self._inner.comment_case(case.id, comment)

    async def delete_case_comment(self, case_id: str, cell_id: str) -> None:
        case = await self._case(case_id)
        await self._inner.delete_case_comment(case.id, cell_id)

    async def update_case_custom_attribute(
        self,
        case_id: str,
        key: str,
        value: CustomAttributeData,
        *,
        type: CustomAttributeType,
        is_multi: bool,
    ) -> Case:
        case = await self._case(case_id)
        return await self._inner.update_case_custom_attribute(
            case.id, key, value, type=type, is_multi=is_multi
        )

    async def delete_case_custom_attribute(self, case_id: str, key: str) -> Case:
        case = await self._case(case_id)
        return await self._inner.delete_case_custom_attribute(case.id, key)

    async def move_case_to_project(self, case_id: str, project_id: str) -> Case:
        case = await self._case(case_id)
        await self._project(project_id)
        return await self._inner.move_case_to_project(case.id, project_id)

    async def list_case_timeline(
        self,
        case_id: str,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        sort_ascending: bool | None = None,
    ) -> list[TimelineCell]:
        case = await self._case(case_id)
        cells = await self._inner.list_case_timeline(
            case.id, page_size=page_size, page_number=page_number, sort_ascending=sort_ascending
        )
        return [confine(cell, self._keys) for cell in cells]

    # Projects ----------------------------------------------------------------------------

    async def get_projects(self) -> list[Project]:
        projects = self._keep(await self._inner.get_projects())
        self._ids = frozenset(p.id for p in projects)
        return projects

    async def get_project(self, project_id: str) -> Project:
        project = await self._inner.get_project(project_id)
        if (project.attributes.key or "").upper() not in self._keys:
            raise _not_found()
        return project

    async def create_project(self, key: str, name: str) -> Project:
        if key.upper() not in self._keys:
            _audit.note_refusal("out_of_scope")
            raise InvalidRequestError(
                f"This server only works with the projects {', '.join(sorted(self._keys))}; "
                f"it cannot create a project with the key {key.upper()!r}."
            )
        project = await self._inner.create_project(key, name)
        self._ids = None
        return project

    async def delete_project(self, project_id: str) -> None:
        await self._project(project_id)
        await self._inner.delete_project(project_id)
        self._ids = None

    # The organisation's setup: not case data, the same for every scope -------------------

    async def get_all_case_types(self) -> list[CaseType]:
        return await self._inner.get_all_case_types()

    async def get_all_custom_attributes(self) -> list[CustomAttributeConfig]:
        return await self._inner.get_all_custom_attributes()

    async def get_all_custom_attribute_configs_by_case_type(
        self, case_type_id: str
    ) -> list[CustomAttributeConfig]:
        return await self._inner.get_all_custom_attribute_configs_by_case_type(case_type_id)

    async def list_users(
        self, filter: str | None = None, *, page_size: int = 10, page_number: int = 0
    ) -> UserPage:
        return await self._inner.list_users(filter, page_size=page_size, page_number=page_number)

    async def get_user(self, user_id: str) -> User:
        return await self._inner.get_user(user_id)


def _check_grouping(query: str) -> None:
    """Refuse a query whose parentheses could close the group the scope is added after.

    ``x) OR (project:OTHER`` would otherwise read as ``(x) OR (project:OTHER) project:SEC``.
    Quoted text is skipped the way the search syntax reads it (a backslash escapes).
    """
    depth = 0
    quoted = escaped = False
    for char in query:
        if escaped:
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif not quoted and char == "(":
            depth += 1
        elif not quoted and char == ")":
            depth -= 1
            if depth < 0:
                break
    if depth != 0 or quoted:
        raise InvalidRequestError(
            "The search query's parentheses or quotes are unbalanced; close each ( and \"."
        )
