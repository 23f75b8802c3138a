"""The case operations: search, create and read cases, comment on them, read their timelines."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from case_mcp.client._http import parse
from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations, boolean, check_page_size
from case_mcp.client._recovery import find_case, find_comment
from case_mcp.errors import MalformedResponseError
from case_mcp.models import (
    Case,
    CaseComment,
    CaseCreate,
    CaseDocument,
    CasePage,
    CasePriority,
    CasesDocument,
    CustomAttributeValue,
    TimelineCell,
    TimelineDocument,
)

CaseSortField = Literal["created_at", "priority", "status"]
"""The fields search results can be sorted by."""


class CaseOperations(Operations):
    """The operations of Datadog's Case Management API on cases."""

    @operation(
        "GET",
        "/api/v2/cases",
        effect="read",
        scope=Scope(query="filter", answer="cases"),
        response=CasesDocument,
    )
    async def search_cases(
        self,
        filter: str | None = None,  # Datadog's parameter name
        *,
        page_size: int = 10,
        page_number: int = 1,
        sort_field: CaseSortField | None = None,
        sort_ascending: bool | None = None,
    ) -> CasePage:
        """Search cases, one page at a time.

        Args:
            filter: Datadog's search query, such as ``status:open priority:P1``; None for all.
            page_size: Cases per page, 1 to 100.
            page_number: The page to return, counting from 1.
            sort_field: The field to sort by; None for Datadog's default order.
            sort_ascending: Sort ascending rather than descending; None for Datadog's default.

        Raises:
            InvalidRequestError: `page_size` is outside 1..100 (nothing is sent).
        """
        check_page_size(page_size)
        # In the official client's order, so the two send the same query string.
        params = {"page[size]": str(page_size), "page[number]": str(page_number)}
        if sort_field is not None:
            params["sort[field]"] = sort_field
        if filter is not None:
            params["filter"] = filter
        if sort_ascending is not None:
            params["sort[asc]"] = boolean(sort_ascending)
        document: CasesDocument = await self._call(params=params)
        return document.to_page(page=page_number, page_size=page_size)

    @operation(
        "POST",
        "/api/v2/cases",
        effect="creates",
        scope=Scope(project="project_id"),
        request=CaseCreate,
        response=CaseDocument,
        finder=find_case,
    )
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
        """Create a case.

        Args:
            title: The case's title.
            type_id: The UUID of its case type (see `get_all_case_types`).
            project_id: The UUID of its project (the project list has it).
            priority: ``P1`` (highest) to ``P5``, or ``NOT_DEFINED``.
            description: Its description.
            assignee_id: The UUID of the user to assign it to.
            status_name: Its initial status, as its case type names it.
            custom_attributes: Custom attribute values by key.

        Raises:
            BadRequestError: A value is invalid.
            NotFoundError: The project, case type or assignee does not exist.
        """
        body = CaseCreate(
            title=title,
            type_id=type_id,
            project_id=project_id,
            priority=priority,
            description=description,
            assignee_id=assignee_id,
            status_name=status_name,
            custom_attributes=dict(custom_attributes) if custom_attributes is not None else None,
        )
        document: CaseDocument = await self._call(body)
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/{case_id}",
        effect="read",
        scope=Scope(answer="case"),
        response=CaseDocument,
    )
    async def get_case(self, case_id: str) -> Case:
        """One case.

        Args:
            case_id: The case's UUID or key (``SEC-12``).

        Raises:
            NotFoundError: No such case.
        """
        document: CaseDocument = await self._call()
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/comment",
        effect="creates",
        scope=Scope(case="case_id"),
        request=CaseComment,
        response=TimelineDocument,
        finder=find_comment,
    )
    async def comment_case(self, case_id: str, comment: str) -> TimelineCell:
        """Comment on a case.

        Args:
            case_id: The case's UUID or key.
            comment: The comment text (Markdown).

        Returns:
            The timeline cell of the new comment.

        Raises:
            BadRequestError: The comment is empty.
            NotFoundError: No such case.
        """
        _, path, response = await self._exchange(CaseComment(comment=comment))
        cells = parse(response, TimelineDocument, "POST", path).data
        if not cells:
            raise MalformedResponseError(
                f"Datadog answered {response.status_code} to POST {path} without the new comment",
                status=response.status_code,
                method="POST",
                path=path,
            )
        return cells[0]

    @operation(
        "DELETE",
        "/api/v2/cases/{case_id}/comment/{cell_id}",
        effect="deletes",
        scope=Scope(case="case_id"),
    )
    async def delete_case_comment(self, case_id: str, cell_id: str) -> None:
        """Delete a comment from a case.

        Args:
            case_id: The case's UUID or key.
            cell_id: The comment's timeline cell UUID.

        Raises:
            BadRequestError: The cell id is not a UUID.
            NotFoundError: No such case or comment.
        """
        await self._call()

    @operation(
        "GET",
        "/api/v2/cases/{case_id}/timelines",
        effect="read",
        scope=Scope(case="case_id", answer="timeline"),
        response=TimelineDocument,
    )
    async def list_case_timeline(
        self,
        case_id: str,
        *,
        page_size: int | None = None,
        page_number: int | None = None,
        sort_ascending: bool | None = None,
    ) -> list[TimelineCell]:
        """A case's timeline: its comments and other events, newest first by default.

        Args:
            case_id: The case's UUID or key.
            page_size: Cells per page; None for Datadog's default.
            page_number: The page to return, counting from 0; None for the first.
            sort_ascending: True for oldest first; None for Datadog's default (newest first).

        Raises:
            NotFoundError: No such case.
        """
        params: dict[str, str] = {}
        if page_size is not None:
            params["page[size]"] = str(page_size)
        if page_number is not None:
            params["page[number]"] = str(page_number)
        if sort_ascending is not None:
            params["sort[ascending]"] = boolean(sort_ascending)
        document: TimelineDocument = await self._call(params=params)
        return document.data
