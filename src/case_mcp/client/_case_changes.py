"""The operations that change one thing about a case: its fields, assignee, attributes, project.

Each sets state: sending it twice leaves the case as sending it once (`Effect` ``sets``), so
each may be retried; removing a custom attribute's value is a delete.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date

from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.errors import InvalidRequestError
from case_mcp.models import (
    Case,
    CaseAssign,
    CaseDocument,
    CaseEmpty,
    CasePriority,
    CaseUpdateAttributes,
    CaseUpdateCustomAttribute,
    CaseUpdateDescription,
    CaseUpdateDueDate,
    CaseUpdatePriority,
    CaseUpdateStatus,
    CaseUpdateTitle,
    CustomAttributeData,
    CustomAttributeType,
    ProjectRelationship,
    RequestBody,
)


class CaseChangeOperations(Operations):
    """The operations of Datadog's Case Management API that change a case."""

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
        "/api/v2/cases/{case_id}/due_date",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateDueDate,
        response=CaseDocument,
    )
    async def update_case_due_date(self, case_id: str, due_date: date | None) -> Case:
        """Set the date a case should be resolved by, or clear it.

        Args:
            case_id: The case's UUID or key.
            due_date: The date, or None to clear the case's due date.

        Raises:
            BadRequestError: Datadog refused the date.
            NotFoundError: No such case.
        """
        return await self._case_action(CaseUpdateDueDate(due_date=due_date))

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

    async def _case_action(self, body: RequestBody) -> Case:
        document: CaseDocument = await self._call(body)
        return document.data
