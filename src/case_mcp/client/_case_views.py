"""Saved case views: a named search query kept in a project."""

from __future__ import annotations

from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.client._recovery import find_case_view
from case_mcp.models import (
    CaseView,
    CaseViewCreate,
    CaseViewDocument,
    CaseViewsDocument,
    CaseViewUpdate,
)

__all__ = ["CaseViewOperations"]


class CaseViewOperations(Operations):
    """The operations on saved case views."""

    @operation(
        "GET",
        "/api/v2/cases/views",
        effect="read",
        scope=Scope(project="project_id"),
        response=CaseViewsDocument,
    )
    async def list_case_views(self, project_id: str) -> list[CaseView]:
        """The views saved in a project.

        Args:
            project_id: The project's UUID.

        Raises:
            NotFoundError: No such project.
        """
        document: CaseViewsDocument = await self._call(params={"project_id": project_id})
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/views",
        effect="creates",
        scope=Scope(project="project_id"),
        request=CaseViewCreate,
        response=CaseViewDocument,
        finder=find_case_view,
    )
    async def create_case_view(
        self, name: str, project_id: str, query: str, np_rule_id: str | None = None
    ) -> CaseView:
        """Save a view: a named case search in a project.

        Args:
            name: Its display name.
            project_id: The UUID of the project it belongs to.
            query: The case search it keeps, in the search bar's syntax.
            np_rule_id: A notification rule to link to it.

        Raises:
            BadRequestError: A blank name, or a query the search cannot read.
            NotFoundError: No such project.
        """
        body = CaseViewCreate(name=name, project_id=project_id, query=query, np_rule_id=np_rule_id)
        document: CaseViewDocument = await self._call(body)
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/views/{view_id}",
        effect="read",
        scope=Scope(answer="view"),
        response=CaseViewDocument,
    )
    async def get_case_view(self, view_id: str) -> CaseView:
        """One view.

        Args:
            view_id: The view's UUID.

        Raises:
            NotFoundError: No such view.
        """
        document: CaseViewDocument = await self._call()
        return document.data

    @operation(
        "PUT",
        "/api/v2/cases/views/{view_id}",
        effect="sets",
        scope=Scope(view="view_id"),
        request=CaseViewUpdate,
        response=CaseViewDocument,
    )
    async def update_case_view(
        self,
        view_id: str,
        *,
        name: str | None = None,
        query: str | None = None,
        np_rule_id: str | None = None,
    ) -> CaseView:
        """Change a view's name, query or notification rule; what is not given stays.

        Args:
            view_id: The view's UUID.
            name: Its new name.
            query: Its new case search.
            np_rule_id: The notification rule to link to it.

        Raises:
            BadRequestError: A blank name, or a query the search cannot read.
            NotFoundError: No such view.
        """
        body = CaseViewUpdate(name=name, query=query, np_rule_id=np_rule_id)
        document: CaseViewDocument = await self._call(body)
        return document.data

    @operation(
        "DELETE",
        "/api/v2/cases/views/{view_id}",
        effect="deletes",
        scope=Scope(view="view_id"),
    )
    async def delete_case_view(self, view_id: str) -> None:
        """Delete a view (the cases it shows are not touched).

        Args:
            view_id: The view's UUID.

        Raises:
            NotFoundError: No such view.
        """
        await self._call()
