"""The handlers of the everyday work on a case beyond its fields: resolved reason, comment
edits, watchers and insights. Each is named by the Datadog operation id it serves, reads the
request and writes the answer; the rules are `_case_work.CaseWork`'s."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import answer, no_content
from ._catalog_handlers import CatalogHandlers

__all__ = ["CaseWorkHandlers"]


class CaseWorkHandlers(CatalogHandlers):
    """Resolved reasons, comment edits, watchers and insights."""

    def _one_case(self, case: dict[str, Any]) -> Response:
        users = self.store.users_by_id(_wire.case_user_ids([case]))
        return answer(_wire.case_document(case, users))

    async def _attributes(self, request: Request) -> dict[str, Any]:
        return _parse.mapping(_parse.resource(await request.body(), "case"))

    async def update_case_resolved_reason(self, request: Request) -> Response:
        reason = (await self._attributes(request)).get("security_resolved_reason")
        case = self.store.update_case_resolved_reason(
            request.path_params["case_id"], reason, actor_id=self.actor_id
        )
        return self._one_case(case)

    async def update_case_comment(self, request: Request) -> Response:
        cell_id = _parse.uuid_param(request.path_params["cell_id"], "CommentID")
        message = _parse.string(await self._attributes(request), "comment") or ""
        self.store.update_case_comment(
            request.path_params["case_id"], cell_id, message, actor_id=self.actor_id
        )
        # Datadog's client expects no body; its scenario answers 200 OK.
        return Response(status_code=200)

    async def list_case_watchers(self, request: Request) -> Response:
        watchers = self.store.list_case_watchers(request.path_params["case_id"])
        return answer(_wire.watchers_document(watchers))

    async def watch_case(self, request: Request) -> Response:
        user_id = _parse.uuid_param(request.path_params["user_uuid"], "UserUUID")
        self.store.watch_case(request.path_params["case_id"], user_id, actor_id=self.actor_id)
        return Response(status_code=201)

    async def unwatch_case(self, request: Request) -> Response:
        user_id = _parse.uuid_param(request.path_params["user_uuid"], "UserUUID")
        self.store.unwatch_case(request.path_params["case_id"], user_id, actor_id=self.actor_id)
        return no_content()

    async def add_case_insights(self, request: Request) -> Response:
        insights = (await self._attributes(request)).get("insights")
        case = self.store.add_case_insights(
            request.path_params["case_id"], insights, actor_id=self.actor_id
        )
        return self._one_case(case)

    async def remove_case_insights(self, request: Request) -> Response:
        insights = (await self._attributes(request)).get("insights")
        case = self.store.remove_case_insights(
            request.path_params["case_id"], insights, actor_id=self.actor_id
        )
        return self._one_case(case)
