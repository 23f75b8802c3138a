"""Project scope: a client that sees and touches only the cases of some projects.

With ``--projects SEC,OPS`` every tool, resource and completion talks to Datadog through the
client guarded by a `ProjectScope` (the server state holds it instead of the plain client),
so the scope is enforced in one place rather than tool by tool. The guard reads what to do
from each operation's declared `Scope`:

- a case outside the scope is not found (``case``, and an ``answer`` that is a case): reading
  it, changing it, commenting on it or reading its timeline raises the same `NotFoundError`
  as a case that does not exist, so a model learns nothing from the difference (not even
  that the key exists). Every change is preceded by a read of the case, so nothing outside
  the scope is ever changed; a change to many cases (``cases``) is refused whole when one
  of them is outside;
- the timeline of a case moved into the scope says that it came from a project outside the
  scope, and not which (``answer="timeline"``, `_scope_timeline`);
- searches get the scope added as a filter (``query``: ``(query) (project:"OPS" OR
  project:"SEC")``), and the answer is checked again case by case in case Datadog reads the
  query otherwise;
- a link is listed only when every case it joins is in scope, made only between cases in
  scope (``entities``), and deleted only through a case in scope whose link it is, joining
  only cases in scope (``link``);
- the project list holds only the scoped projects, so a project outside the scope is
  unknown to `Lookup` (list_projects, get_project, create_case, move_case_to_project);
- creating a case or moving one is allowed only into a scoped project (``project``), and
  creating a project only under a scoped key (``new_project``); deleting a project only
  inside the scope;
- a saved case view belongs to one project: a view of a project outside the scope is not
  found, and is read before it is changed or deleted (``view``); the user's favourite
  projects are kept to the scope (``answer="favorites"``).

Organisation-wide lookups (case types, custom attribute definitions, users) are not case
data and pass through. An operation whose declaration says nothing about scope is refused
before anything is sent, so one added to the client later cannot reach Datadog unscoped.
"""

from __future__ import annotations

import re
from typing import Any, Final

from case_mcp.client import OPERATIONS, CaseManagementClient, Operation
from case_mcp.errors import ConfigurationError, InvalidRequestError, NotFoundError
from case_mcp.models import (
    Case,
    CaseLink,
    CasePage,
    CaseView,
    Project,
    ProjectFavorite,
    TimelineCell,
)
from case_mcp.server.guardrails import _audit
from case_mcp.server.guardrails._scope_timeline import confine
from case_mcp.server.tools._search_query import facet

__all__ = ["ProjectScope", "check_scope", "scoped"]

# Datadog's project keys: a letter, then letters or digits (create_project's own rule).
_PROJECT_KEY: Final = re.compile(r"^[A-Z][A-Z0-9]{0,49}$")

# The operation that lists the organisation's projects, known by what its answer holds.
_PROJECT_LIST: Final = next(op.id for op in OPERATIONS.values() if op.scope.answer == "projects")


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
    """`client` itself when there is no scope, else `client` guarded by a `ProjectScope`."""
    return client if projects is None else client.guarded(ProjectScope(client, projects))


def _not_found() -> NotFoundError:
    # Exactly what the client raises for an id Datadog does not know, so every caller
    # reports it in the same words. The audit record says why.
    _audit.note_refusal("out_of_scope")
    return NotFoundError(404)


class ProjectScope:
    """The guard that limits a client to the cases of the projects with these keys.

    Args:
        inner: The unguarded client it reads cases and projects through.
        projects: The upper-case keys of the projects in scope.

    Raises:
        ConfigurationError: A key is not a project key.
    """

    def __init__(self, inner: CaseManagementClient, projects: frozenset[str]) -> None:
        check_scope(projects)
        self._inner = inner
        self._keys = frozenset(key.upper() for key in projects)
        self._ids: frozenset[str] | None = None
        keys = sorted(self._keys)
        # The plainest form of Datadog's search syntax: a term, or a group of ORed terms.
        terms = [facet("project", key) for key in keys]
        self._filter = terms[0] if len(terms) == 1 else f"({' OR '.join(terms)})"

    @property
    def projects(self) -> frozenset[str]:
        """The keys of the projects in scope."""
        return self._keys

    def __repr__(self) -> str:
        return f"ProjectScope(projects={sorted(self._keys)!r})"

    async def before(self, operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
        """Refuse a call outside the scope; address a case by its UUID; scope a search."""
        scope = operation.scope
        if not scope.declared:
            # Fail closed: what an undeclared operation touches cannot be checked.
            raise InvalidRequestError(
                f"{operation.id} is not available on a server limited to some projects."
            )
        if scope.new_project is not None:
            self._check_new_key(str(arguments[scope.new_project]))
        if scope.case is not None:
            case = await self._case(arguments[scope.case])
            arguments[scope.case] = case.id
        if scope.cases is not None:
            # One case outside the scope refuses the whole call: nothing is sent.
            arguments[scope.cases] = [(await self._case(ref)).id for ref in arguments[scope.cases]]
        for type_argument, id_argument in scope.entities:
            if arguments.get(type_argument) == "CASE":
                arguments[id_argument] = (await self._case(arguments[id_argument])).id
        if scope.link is not None and scope.case is not None:
            await self._check_link(str(arguments[scope.link]), arguments[scope.case])
        if scope.project is not None and not await self._in_scope(arguments[scope.project]):
            raise _not_found()
        if scope.view is not None:
            view = await self._inner.get_case_view(arguments[scope.view])
            if not await self._in_scope(view.project_id):
                raise _not_found()
        if scope.query is not None:
            arguments[scope.query] = self._scoped_query(arguments[scope.query])
        return arguments

    async def after(self, operation: Operation, result: Any) -> Any:
        """Keep the answer to the scope; forget the scoped ids when a project comes or goes."""
        scope = operation.scope
        if scope.new_project is not None or (
            scope.project is not None and operation.effect == "deletes"
        ):
            self._ids = None
        if scope.answer == "cases" and isinstance(result, CasePage):
            return await self._kept_page(result)
        if scope.answer == "projects":
            projects = self._keep(result)
            self._ids = frozenset(p.id for p in projects)
            return projects
        if scope.answer == "project" and isinstance(result, Project):
            outside = (result.attributes.key or "").upper() not in self._keys
        elif scope.answer in ("case", "view") and isinstance(result, Case | CaseView):
            outside = not await self._in_scope(result.project_id)
        elif scope.answer == "favorites":
            return [
                f for f in result if isinstance(f, ProjectFavorite) and await self._in_scope(f.id)
            ]
        else:
            outside = False
        if outside:
            raise _not_found()
        if scope.answer == "timeline":
            return [confine(cell, self._keys) for cell in result if isinstance(cell, TimelineCell)]
        if scope.answer == "links":
            return [link for link in result if await self._joins_only_scoped_cases(link)]
        return result

    async def _check_link(self, link_id: str, case_id: str) -> None:
        """Refuse a link that is not the case's, or that joins a case outside the scope."""
        links = await self._inner.list_case_links("CASE", case_id)
        link = next((link for link in links if link.id.lower() == link_id.lower()), None)
        if link is None or not await self._joins_only_scoped_cases(link):
            raise _not_found()

    async def _joins_only_scoped_cases(self, link: CaseLink) -> bool:
        ends = link.attributes
        for entity_type, entity_id in (
            (ends.parent_entity_type, ends.parent_entity_id),
            (ends.child_entity_type, ends.child_entity_id),
        ):
            if entity_type == "CASE":
                try:
                    case = await self._inner.get_case(entity_id)
                except NotFoundError:
                    return False
                if not await self._in_scope(case.project_id):
                    return False
        return True

    def _check_new_key(self, key: str) -> None:
        if key.upper() not in self._keys:
            _audit.note_refusal("out_of_scope")
            raise InvalidRequestError(
                f"This server only works with the projects {', '.join(sorted(self._keys))}; "
                f"it cannot create a project with the key {key.upper()!r}."
            )

    def _scoped_query(self, query: str | None) -> str:
        if query is None or not query.strip():
            return self._filter
        _check_grouping(query)
        return f"({query}) {self._filter}"

    async def _kept_page(self, page: CasePage) -> CasePage:
        kept = [case for case in page.cases if await self._in_scope(case.project_id)]
        if len(kept) == len(page.cases):
            return page
        # Datadog read the query differently from ours: say only what is certain.
        return page.model_copy(update={"cases": kept, "total": None, "page_count": None})

    def _keep(self, projects: list[Project]) -> list[Project]:
        return [p for p in projects if (p.attributes.key or "").upper() in self._keys]

    async def _in_scope(self, project_id: str | None) -> bool:
        if project_id is None:
            return False
        if self._ids is None or project_id not in self._ids:
            # Project ids are stable, but a scoped project may be created or re-created
            # (same key, new id) while the server runs: look again before saying no.
            listed: list[Project] = await getattr(self._inner, _PROJECT_LIST)()
            self._ids = frozenset(p.id for p in self._keep(listed))
        return project_id in self._ids

    async def _case(self, case_id: str) -> Case:
        case = await self._inner.get_case(case_id)
        if not await self._in_scope(case.project_id):
            raise _not_found()
        return case


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
