"""The handlers of the case operations: search, create, read, each update, comments, timeline.

As in `_catalog_handlers`, a handler is named by the Datadog operation id it serves, reads the
request, applies the store method of the same name and writes the answer. Handlers call the
store synchronously, on the event loop: its queries take microseconds, a hop to a worker thread
per request would cost more than the query, and one SQLite connection serializes writers
anyway.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _rules, _wire
from ._answer import answer, no_content
from ._automation_handlers import AutomationHandlers
from ._case_type_handlers import CaseTypeHandlers
from ._case_work_handlers import CaseWorkHandlers
from ._errors import BadRequest
from ._link_handlers import LinkHandlers
from ._store import SORT_FIELDS
from ._triage_handlers import TriageHandlers
from ._view_handlers import ViewHandlers

__all__ = ["Handlers"]


async def _case_attributes(request: Request) -> dict[str, Any]:
    """The attributes of a ``{"data": {"type": "case", "attributes": ...}}`` body."""
    return _parse.mapping(_parse.resource(await request.body(), "case"))


class Handlers(
    CaseWorkHandlers,
    LinkHandlers,
    TriageHandlers,
    CaseTypeHandlers,
    ViewHandlers,
    AutomationHandlers,
):
    """Every operation's handler (the organisation's are `CatalogHandlers`, the work on a case
    beyond its fields `CaseWorkHandlers`, the links' and integrations' `LinkHandlers`, the
    counts and bulk changes `TriageHandlers`, the case type administration's
    `CaseTypeHandlers`, saved views, project settings and favourites `ViewHandlers`, the
    projects' automation `AutomationHandlers`)."""

    def _case_answer(self, case: dict[str, Any], *, status: int = 200) -> Response:
        users = self.store.users_by_id(_wire.case_user_ids([case]))
        return answer(_wire.case_document(case, users), status=status)

    # Cases -------------------------------------------------------------------------------

    async def search_cases(self, request: Request) -> Response:
        params = request.query_params
        page_size = _parse.int_query(params, "page[size]", default=10, minimum=1, maximum=100)
        page_number = _parse.int_query(
            params, "page[number]", default=1, minimum=1, maximum=_parse.LAST_PAGE
        )
        sort_field = _parse.choice_query(
            params, "sort[field]", default="created_at", choices=SORT_FIELDS
        )
        ascending = _parse.bool_query(params, "sort[asc]", default=False)
        cases, total = self.store.search_cases(
            query=params.get("filter", ""),
            sort_field=sort_field,
            ascending=ascending,
            page_size=page_size,
            page_number=page_number,
        )
        users = self.store.users_by_id(_wire.case_user_ids(cases))
        document = _wire.cases_document(
            cases, users, total=total, page_number=page_number, page_size=page_size
        )
        return answer(document)

    async def create_case(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "case")
        attributes = _parse.mapping(data)
        assignee_id = _parse.relationship(data, "assignee", "user", required=False)
        project_id = _parse.relationship(data, "project", "project", required=True)
        title = _parse.string(attributes, "title")
        custom = _parse.mapping(attributes, "custom_attributes")
        for key, item in custom.items():
            if not isinstance(item, dict):
                raise BadRequest(
                    f'custom attribute "{key}" must be an object {{"type", "is_multi", "value"}}'
                )
        case = self.store.create_case(
            title=title or "",
            type_id=self._type_id(attributes),
            project_id=project_id or "",
            actor_id=self.actor_id,
            priority=_parse.string(attributes, "priority", required=False) or "NOT_DEFINED",
            description=_parse.string(attributes, "description", required=False) or "",
            assignee_id=assignee_id,
            status=_parse.string(attributes, "status", required=False),
            status_name=_parse.string(attributes, "status_name", required=False),
            custom_attributes=custom,
        )
        return self._case_answer(case, status=201)

    def _type_id(self, attributes: dict[str, Any]) -> str:
        """The case type of a new case: `type_id`, or the older ``"type": "STANDARD"``."""
        type_id = _parse.string(attributes, "type_id", required=False)
        if type_id is not None:
            return type_id
        wire_type = _parse.string(attributes, "type", required=False)
        if wire_type is None:
            raise BadRequest(
                'missing required attribute "type_id": the id of a case type (see GET '
                "/api/v2/cases/types); Standard is 00000000-0000-0000-0000-000000000001"
            )
        live = [kind for kind in self.store.get_all_case_types() if kind["deleted_at"] is None]
        for kind in live:
            if kind["wire_type"] == wire_type:
                return str(kind["id"])
        known = sorted({kind["wire_type"] for kind in live})
        raise BadRequest(
            f'unknown case type "{wire_type}"; give "type_id" (see GET /api/v2/cases/types) '
            f"or a type of {', '.join(known)}"
        )

    async def get_case(self, request: Request) -> Response:
        return self._case_answer(self.store.get_case(request.path_params["case_id"]))

    # Case updates: POST /cases/{case_id}/<field> with one attribute, or none -----------------

    async def update_case_title(self, request: Request) -> Response:
        title = _parse.string(await _case_attributes(request), "title") or ""
        case_id = request.path_params["case_id"]
        return self._case_answer(
            self.store.update_case_title(case_id, title, actor_id=self.actor_id)
        )

    async def update_case_description(self, request: Request) -> Response:
        description = _parse.string(await _case_attributes(request), "description") or ""
        case_id = request.path_params["case_id"]
        return self._case_answer(
            self.store.update_case_description(case_id, description, actor_id=self.actor_id)
        )

    async def update_priority(self, request: Request) -> Response:
        priority = _parse.string(await _case_attributes(request), "priority") or ""
        case_id = request.path_params["case_id"]
        return self._case_answer(
            self.store.update_priority(case_id, priority, actor_id=self.actor_id)
        )

    async def update_case_due_date(self, request: Request) -> Response:
        attributes = await _case_attributes(request)
        if "due_date" not in attributes:
            raise BadRequest(
                'missing required attribute "due_date": a date written YYYY-MM-DD, or null '
                "to clear it"
            )
        case_id = request.path_params["case_id"]
        return self._case_answer(
            self.store.update_case_due_date(case_id, attributes["due_date"], actor_id=self.actor_id)
        )

    async def update_status(self, request: Request) -> Response:
        attributes = await _case_attributes(request)
        case = self.store.update_status(
            request.path_params["case_id"],
            actor_id=self.actor_id,
            status=_parse.string(attributes, "status", required=False),
            status_name=_parse.string(attributes, "status_name", required=False),
        )
        return self._case_answer(case)

    async def assign_case(self, request: Request) -> Response:
        assignee = _parse.string(await _case_attributes(request), "assignee_id") or ""
        try:
            assignee = _parse.uuid_param(assignee, "assignee_id")
        except BadRequest:
            raise BadRequest(
                f"assignee_id must be the UUID of a user (see GET /api/v2/users); got {assignee!r}"
            ) from None
        case_id = request.path_params["case_id"]
        return self._case_answer(self.store.assign_case(case_id, assignee, actor_id=self.actor_id))

    async def unassign_case(self, request: Request) -> Response:
        await _case_attributes(request)
        case_id = request.path_params["case_id"]
        return self._case_answer(self.store.unassign_case(case_id, actor_id=self.actor_id))

    async def archive_case(self, request: Request) -> Response:
        await _case_attributes(request)
        case_id = request.path_params["case_id"]
        return self._case_answer(self.store.archive_case(case_id, actor_id=self.actor_id))

    async def unarchive_case(self, request: Request) -> Response:
        await _case_attributes(request)
        case_id = request.path_params["case_id"]
        return self._case_answer(self.store.unarchive_case(case_id, actor_id=self.actor_id))

    async def update_attributes(self, request: Request) -> Response:
        attributes = _parse.string_lists(await _case_attributes(request), "attributes")
        case_id = request.path_params["case_id"]
        return self._case_answer(
            self.store.update_attributes(case_id, attributes, actor_id=self.actor_id)
        )

    async def update_case_custom_attribute(self, request: Request) -> Response:
        attributes = await _case_attributes(request)
        kind = _parse.string(attributes, "type") or ""
        if kind not in _rules.CUSTOM_ATTRIBUTE_TYPES:
            raise BadRequest(
                f"custom attribute type {kind!r} is not one of "
                f"{', '.join(_rules.CUSTOM_ATTRIBUTE_TYPES)}"
            )
        is_multi = bool(_parse.boolean(attributes, "is_multi"))
        if "value" not in attributes:
            raise BadRequest('missing required attribute "value"')
        case = self.store.update_case_custom_attribute(
            request.path_params["case_id"],
            request.path_params["custom_attribute_key"],
            type=kind,
            is_multi=is_multi,
            value=attributes["value"],
            actor_id=self.actor_id,
        )
        return self._case_answer(case)

    async def delete_case_custom_attribute(self, request: Request) -> Response:
        case = self.store.delete_case_custom_attribute(
            request.path_params["case_id"],
            request.path_params["custom_attribute_key"],
            actor_id=self.actor_id,
        )
        return self._case_answer(case)

    async def move_case_to_project(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "project")
        project_id = _parse.string(data, "id") or ""
        case = self.store.move_case_to_project(
            request.path_params["case_id"], project_id, actor_id=self.actor_id
        )
        return self._case_answer(case)

    # Comments and timeline -----------------------------------------------------------------

    async def comment_case(self, request: Request) -> Response:
        message = _parse.string(await _case_attributes(request), "comment") or ""
        cell = self.store.comment_case(
            request.path_params["case_id"], message, actor_id=self.actor_id
        )
        users = self.store.users_by_id([cell["author_id"]])
        return answer({"data": [_wire.timeline_cell_resource(cell, users)]})

    async def delete_case_comment(self, request: Request) -> Response:
        cell_id = _parse.uuid_param(request.path_params["cell_id"], "CommentID")
        self.store.delete_case_comment(
            request.path_params["case_id"], cell_id, actor_id=self.actor_id
        )
        return no_content()

    async def list_case_timeline(self, request: Request) -> Response:
        params = request.query_params
        cells = self.store.list_case_timeline(
            request.path_params["case_id"],
            page_size=_parse.int_query(params, "page[size]", default=25, minimum=1, maximum=100),
            # Zero-based, as Datadog documents for this endpoint (case search counts from 1).
            page_number=_parse.int_query(
                params, "page[number]", default=0, minimum=0, maximum=_parse.LAST_PAGE
            ),
            ascending=_parse.bool_query(params, "sort[ascending]", default=False),
        )
        users = self.store.users_by_id([cell["author_id"] for cell in cells])
        return answer({"data": [_wire.timeline_cell_resource(cell, users) for cell in cells]})
