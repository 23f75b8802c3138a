"""Triage: counting the cases a search matches by group, and one change to many cases at once."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.errors import InvalidRequestError
from case_mcp.models import (
    CaseAggregate,
    CaseAggregateDocument,
    CaseAggregation,
    CaseBulkAction,
    CaseBulkUpdate,
    CaseCountDocument,
    CaseCounts,
)


class TriageOperations(Operations):
    """The operations of Datadog's Case Management API that count or change cases in bulk."""

    @operation(
        "POST",
        "/api/v2/cases/aggregate",
        effect="read",
        scope=Scope(query="query_filter"),
        request=CaseAggregate,
        response=CaseAggregateDocument,
    )
    async def aggregate_cases(
        self, query_filter: str, groups: Sequence[str], *, limit: int = 100
    ) -> CaseAggregation:
        """Count the cases a search matches, grouped by the values of one or more fields.

        Args:
            query_filter: A search query in the syntax of `search_cases` ("" for every case).
            groups: The fields to group by: ``status``, ``priority``, ``project``,
                ``assignee`` or an attribute name.
            limit: The most groups to return (Datadog allows up to 1000).

        Raises:
            BadRequestError: The query cannot be read, or a group or limit is invalid.
        """
        body = CaseAggregate(query_filter=query_filter, groups=tuple(groups), limit=limit)
        document: CaseAggregateDocument = await self._call(body)
        return document.data

    @operation(
        "GET",
        "/api/v2/cases/count",
        effect="read",
        scope=Scope(query="query_filter"),
        response=CaseCountDocument,
    )
    async def count_cases(
        self,
        query_filter: str | None = None,
        group_bys: Sequence[str] | None = None,
        *,
        limit: int | None = None,
    ) -> CaseCounts:
        """Count the cases a search matches, with the counts of each field's values.

        Args:
            query_filter: A search query in the syntax of `search_cases`; None for every case.
            group_bys: The fields to count by (sent comma-separated); None for none.
            limit: The most values to return per field; None for Datadog's default.

        Raises:
            BadRequestError: The query cannot be read, or a field or limit is invalid.
        """
        # In the official client's order, so the two send the same query string.
        params: dict[str, str] = {}
        if query_filter is not None:
            params["query_filter"] = query_filter
        if group_bys is not None:
            params["group_bys"] = ",".join(group_bys)
        if limit is not None:
            params["limit"] = str(limit)
        document: CaseCountDocument = await self._call(params=params)
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/bulk",
        effect="sets",
        scope=Scope(cases="case_ids"),
        request=CaseBulkUpdate,
    )
    async def bulk_update_cases(
        self,
        case_ids: Sequence[str],
        type: CaseBulkAction,  # Datadog's attribute name
        payload: Mapping[str, str] | None = None,
    ) -> None:
        """Apply one action to many cases, all or none of them.

        Args:
            case_ids: The cases' UUIDs or keys.
            type: The action: ``priority`` (payload ``{"priority": "P1"}``), ``status``
                (``{"status": "CLOSED"}``), ``assign`` (``{"assignee_id": <uuid>}``),
                ``unassign``, ``archive``, ``unarchive``, ``update_project``
                (``{"project_id": <uuid>}``), or an integration (``jira``, ``servicenow``,
                ``linear``).
            payload: The action's parameters.

        Raises:
            InvalidRequestError: No case is named (nothing is sent).
            BadRequestError: The action or its payload is invalid, or a case cannot take it;
                nothing was changed.
            NotFoundError: A case does not exist; nothing was changed.
        """
        if not case_ids:
            raise InvalidRequestError("bulk_update_cases needs at least one case")
        body = CaseBulkUpdate(case_ids=tuple(case_ids), type=type, payload=payload)
        await self._call(body)
