"""The case operations: search, create, read, change, comment and move cases."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

from case_mcp.client._http import parse
from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations, boolean, check_page_size
from case_mcp.client._recovery import find_case, find_comment
from case_mcp.errors import InvalidRequestError, MalformedResponseError
from case_mcp.models import (
    Case,
    CaseAssign,
    CaseComment,
    CaseCreate,
    CaseDocument,
    CaseEmpty,
    CasePage,
    CasePriority,
    CasesDocument,
    CaseUpdateAttributes,
    CaseUpdateCustomAttribute,
    CaseUpdateDescription,
    CaseUpdatePriority,
    CaseUpdateStatus,
    CaseUpdateTitle,
    CustomAttributeData,
    CustomAttributeType,
    CustomAttributeValue,
    ProjectRelationship,
    RequestBody,
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
        "/api/v2/cases/{case_id}/title",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateTitle,
        response=CaseDocument,
    )
    async def update_case_title(self, case_id: str, title: str) -> Case:
        """Change a case's title.

        Args:
            case_id: The case's UUID or key.
            title: The new title.

        Raises:
            BadRequestError: The title is invalid (empty).
            NotFoundError: No such case.
        """
        return await self._case_action(CaseUpdateTitle(title=title))

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/description",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateDescription,
        response=CaseDocument,
    )
    async def update_case_description(self, case_id: str, description: str) -> Case:
        """Change a case's description.

        Args:
            case_id: The case's UUID or key.
            description: The new description.

        Raises:
            NotFoundError: No such case.
        """
        body = CaseUpdateDescription(description=description)
        return await self._case_action(body)

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/status",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateStatus,
        response=CaseDocument,
    )
    async def update_status(
        self, case_id: str, status: str | None = None, status_name: str | None = None
    ) -> Case:
        """Change a case's status, by status name (preferred) or by the deprecated status.

        Args:
            case_id: The case's UUID or key.
            status: ``OPEN``, ``IN_PROGRESS`` or ``CLOSED`` (or another status Datadog knows).
            status_name: A status name of the case's type, such as ``Pending Approval``.

        Raises:
            InvalidRequestError: Neither `status` nor `status_name` was given (nothing is sent).
            BadRequestError: The status is not one Datadog knows.
            NotFoundError: No such case.
        """
        if status is None and status_name is None:
            raise InvalidRequestError("update_status needs a status or a status_name")
        body = CaseUpdateStatus(status=status, status_name=status_name)
        return await self._case_action(body)

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/priority",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdatePriority,
        response=CaseDocument,
    )
    async def update_priority(self, case_id: str, priority: CasePriority) -> Case:
        """Change a case's priority.

        Args:
            case_id: The case's UUID or key.
            priority: ``P1`` (highest) to ``P5``, or ``NOT_DEFINED``.

        Raises:
            BadRequestError: The priority is not one Datadog knows.
            NotFoundError: No such case.
        """
        return await self._case_action(CaseUpdatePriority(priority=priority))

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/assign",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseAssign,
        response=CaseDocument,
    )
    async def assign_case(self, case_id: str, assignee_id: str) -> Case:
        """Assign a case to a user.

        Args:
            case_id: The case's UUID or key.
            assignee_id: The user's UUID.

        Raises:
            BadRequestError: The user id is not a UUID.
            NotFoundError: No such case or user.
        """
        return await self._case_action(CaseAssign(assignee_id=assignee_id))

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/unassign",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseEmpty,
        response=CaseDocument,
    )
    async def unassign_case(self, case_id: str) -> Case:
        """Remove a case's assignee.

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
        """
        return await self._case_action(CaseEmpty())

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/archive",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseEmpty,
        response=CaseDocument,
    )
    async def archive_case(self, case_id: str) -> Case:
        """Archive a case.

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
        """
        return await self._case_action(CaseEmpty())

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/unarchive",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseEmpty,
        response=CaseDocument,
    )
    async def unarchive_case(self, case_id: str) -> Case:
        """Bring an archived case back.

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
        """
        return await self._case_action(CaseEmpty())

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/attributes",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateAttributes,
        response=CaseDocument,
    )
    async def update_attributes(
        self, case_id: str, attributes: Mapping[str, Sequence[str]]
    ) -> Case:
        """Replace a case's attributes (its free-form tags, such as ``service``).

        Args:
            case_id: The case's UUID or key.
            attributes: Every attribute the case should have, each a list of values.

        Raises:
            BadRequestError: A value is not a list of strings.
            NotFoundError: No such case.
        """
        values = {key: list(items) for key, items in attributes.items()}
        return await self._case_action(CaseUpdateAttributes(attributes=values))

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
        "POST",
        "/api/v2/cases/{case_id}/custom_attributes/{key}",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateCustomAttribute,
        response=CaseDocument,
    )
    async def update_case_custom_attribute(
        self,
        case_id: str,
        key: str,
        value: CustomAttributeData,
        *,
        type: CustomAttributeType,  # Datadog's field name
        is_multi: bool,
    ) -> Case:
        """Set one custom attribute of a case.

        Args:
            case_id: The case's UUID or key.
            key: The custom attribute's key (see `get_all_custom_attribute_configs_by_case_type`).
            value: The value: text or a number, or a list of them when `is_multi`.
            type: The attribute's type, as configured: ``URL``, ``TEXT``, ``NUMBER``, ``SELECT``.
            is_multi: Whether the attribute holds a list, as configured.

        Raises:
            BadRequestError: The value does not fit the attribute's configuration.
            NotFoundError: No such case, or no such attribute on its case type.
        """
        body = CaseUpdateCustomAttribute(type=type, is_multi=is_multi, value=value)
        document: CaseDocument = await self._call(body)
        return document.data

    @operation(
        "DELETE",
        "/api/v2/cases/{case_id}/custom_attributes/{key}",
        effect="deletes",
        scope=Scope(case="case_id"),
        response=CaseDocument,
    )
    async def delete_case_custom_attribute(self, case_id: str, key: str) -> Case:
        """Remove one custom attribute's value from a case.

        Args:
            case_id: The case's UUID or key.
            key: The custom attribute's key.

        Raises:
            NotFoundError: No such case, or no such attribute on its case type.
        """
        document: CaseDocument = await self._call()
        return document.data

    @operation(
        "PATCH",
        "/api/v2/cases/{case_id}/relationships/project",
        effect="sets",
        scope=Scope(case="case_id", project="project_id"),
        request=ProjectRelationship,
        response=CaseDocument,
    )
    async def move_case_to_project(self, case_id: str, project_id: str) -> Case:
        """Move a case to another project.

        Args:
            case_id: The case's UUID or key.
            project_id: The UUID of the project to move it to.

        Raises:
            NotFoundError: No such case or project.
        """
        document: CaseDocument = await self._call(ProjectRelationship(project_id=project_id))
        return document.data

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

    async def _case_action(self, body: RequestBody) -> Case:
        document: CaseDocument = await self._call(body)
        return document.data
