"""The everyday work on a case beyond its fields: the resolved reason of a security case,
editing a comment, watching a case, and the insights linked to it.

Each sets state, so repeating one changes nothing more (`Effect` ``sets``): a watcher is
watching or not, an insight listed or not, a comment holds its text. Unwatching and removing
insights are sets too: they undo what watching and adding did, and destroy nothing.
"""

from __future__ import annotations

from collections.abc import Sequence

from case_mcp.client._operation import Scope, operation
from case_mcp.client._operations import Operations
from case_mcp.models import (
    Case,
    CaseDocument,
    CaseInsights,
    CaseUpdateComment,
    CaseUpdateResolvedReason,
    CaseWatcher,
    CaseWatchersDocument,
    Insight,
)


class CaseWorkOperations(Operations):
    """Resolved reasons, comment edits, watchers and insights of Datadog's cases."""

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/resolved_reason",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateResolvedReason,
        response=CaseDocument,
    )
    async def update_case_resolved_reason(self, case_id: str, reason: str) -> Case:
        """Set why a security case was resolved.

        Args:
            case_id: The case's UUID or key.
            reason: ``FALSE_POSITIVE``, ``TRUE_POSITIVE`` or ``BENIGN_POSITIVE`` (see
                `case_mcp.models.ResolvedReason`).

        Raises:
            BadRequestError: Datadog refused the reason.
            NotFoundError: No such case.
        """
        body = CaseUpdateResolvedReason(security_resolved_reason=reason)
        document: CaseDocument = await self._call(body)
        return document.data

    @operation(
        "PUT",
        "/api/v2/cases/{case_id}/comment/{cell_id}",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseUpdateComment,
    )
    async def update_case_comment(self, case_id: str, cell_id: str, comment: str) -> None:
        """Replace a comment's text; the comment keeps its id.

        Args:
            case_id: The case's UUID or key.
            cell_id: The comment's timeline cell id.
            comment: The new text.

        Raises:
            BadRequestError: An empty text, or the cell is not a comment.
            NotFoundError: No such case, or no such comment on it.
        """
        await self._call(CaseUpdateComment(comment=comment))

    @operation(
        "GET",
        "/api/v2/cases/{case_id}/watchers",
        effect="read",
        scope=Scope(case="case_id"),
        response=CaseWatchersDocument,
    )
    async def list_case_watchers(self, case_id: str) -> list[CaseWatcher]:
        """The users who watch a case.

        Args:
            case_id: The case's UUID or key.

        Raises:
            NotFoundError: No such case.
        """
        document: CaseWatchersDocument = await self._call()
        return document.data

    @operation(
        "POST",
        "/api/v2/cases/{case_id}/watchers/{user_uuid}",
        effect="sets",
        scope=Scope(case="case_id"),
    )
    async def watch_case(self, case_id: str, user_uuid: str) -> None:
        """Make a user a watcher of a case (watching twice is watching).

        Args:
            case_id: The case's UUID or key.
            user_uuid: The user's UUID.

        Raises:
            BadRequestError: The user id is not a UUID.
            NotFoundError: No such case or user.
        """
        await self._call()

    @operation(
        "DELETE",
        "/api/v2/cases/{case_id}/watchers/{user_uuid}",
        # Not a delete: it undoes watch_case and destroys nothing, so it is retried as a set.
        effect="sets",
        scope=Scope(case="case_id"),
    )
    async def unwatch_case(self, case_id: str, user_uuid: str) -> None:
        """Stop a user watching a case (a user who does not watch it stays so).

        Args:
            case_id: The case's UUID or key.
            user_uuid: The user's UUID.

        Raises:
            BadRequestError: The user id is not a UUID.
            NotFoundError: No such case or user.
        """
        await self._call()

    @operation(
        "PUT",
        "/api/v2/cases/{case_id}/insights",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseInsights,
        response=CaseDocument,
    )
    async def add_case_insights(self, case_id: str, insights: Sequence[Insight]) -> Case:
        """Link Datadog resources (signals, monitors, incidents...) to a case as insights.

        Args:
            case_id: The case's UUID or key.
            insights: 1 to 100 insights, each with a type, ref and resource_id.

        Raises:
            BadRequestError: An insight type Datadog does not know, or a missing field.
            NotFoundError: No such case.
        """
        document: CaseDocument = await self._call(CaseInsights(insights=insights))
        return document.data

    @operation(
        "DELETE",
        "/api/v2/cases/{case_id}/insights",
        effect="sets",
        scope=Scope(case="case_id"),
        request=CaseInsights,
        response=CaseDocument,
    )
    async def remove_case_insights(self, case_id: str, insights: Sequence[Insight]) -> Case:
        """Unlink insights from a case, each named by its type and resource_id.

        Args:
            case_id: The case's UUID or key.
            insights: 1 to 100 insights to remove.

        Raises:
            BadRequestError: An invalid insight.
            NotFoundError: No such case.
        """
        document: CaseDocument = await self._call(CaseInsights(insights=insights))
        return document.data
