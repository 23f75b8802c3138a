"""The handlers of the organisation's operations: projects, case types, custom attributes, users.

Creating, changing and deleting case types and custom attribute configs is in
`_case_type_handlers`.

A handler is named by the Datadog operation id it serves (see `_routes.OPERATIONS`), reads the
request with `_parse`, applies the store method of the same name, and writes the answer with
`_wire`. It holds no rules: those are the store's.
"""

from __future__ import annotations

from typing import Final

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import USERS_JSON, answer, no_content
from ._store import Store

__all__ = ["CatalogHandlers"]

_USER_SORTS: Final = ("name", "email", "created_at", "modified_at", "status")


class CatalogHandlers:
    """The organisation's handlers, bound to a store and the user that requests act as."""

    def __init__(self, store: Store, actor_id: str) -> None:
        self.store = store
        self.actor_id = actor_id

    # Projects ------------------------------------------------------------------------------

    async def get_projects(self, request: Request) -> Response:
        projects = self.store.get_projects()
        return answer({"data": [_wire.project_document(project) for project in projects]})

    async def create_project(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "project"))
        project = self.store.create_project(
            key=_parse.string(attributes, "key") or "",
            name=_parse.string(attributes, "name") or "",
            actor_id=self.actor_id,
        )
        return answer({"data": _wire.project_document(project)}, status=201)

    async def get_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        return answer({"data": _wire.project_document(self.store.get_project(project_id))})

    async def delete_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        self.store.delete_project(project_id, actor_id=self.actor_id)
        return no_content()

    # Case types ----------------------------------------------------------------------------

    async def get_all_case_types(self, request: Request) -> Response:
        kinds = self.store.get_all_case_types()
        return answer({"data": [_wire.case_type_document(kind) for kind in kinds]})

    # Custom attribute configs --------------------------------------------------------------

    async def get_all_custom_attributes(self, request: Request) -> Response:
        configs = self.store.get_all_custom_attributes()
        return answer({"data": [_wire.custom_attribute_config_document(c) for c in configs]})

    async def get_all_custom_attribute_configs_by_case_type(self, request: Request) -> Response:
        type_id = _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")
        configs = self.store.get_all_custom_attribute_configs_by_case_type(type_id)
        return answer({"data": [_wire.custom_attribute_config_document(c) for c in configs]})

    # Users ---------------------------------------------------------------------------------

    async def create_user(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "users"))
        # A user made through the API is invited: Pending until they log in.
        user = self.store.create_user(
            email=_parse.string(attributes, "email") or "",
            name=_parse.string(attributes, "name", required=False),
            title=_parse.string(attributes, "title", required=False),
            status="Pending",
        )
        return answer({"data": _wire.user_document(user)}, status=201, media_type=USERS_JSON)

    async def list_users(self, request: Request) -> Response:
        params = request.query_params
        sort = params.get("sort", "name")
        descending = sort.startswith("-")
        field = _parse.choice_query(
            {"sort": sort.removeprefix("-")}, "sort", default="name", choices=_USER_SORTS
        )
        direction = _parse.choice_query(
            params, "sort_dir", default="desc" if descending else "asc", choices=("asc", "desc")
        )
        statuses = [s.strip() for s in params.get("filter[status]", "").split(",") if s.strip()]
        users, filtered = self.store.list_users(
            query=params.get("filter") or None,
            page_size=_parse.int_query(params, "page[size]", default=10, minimum=1, maximum=100),
            page_number=_parse.int_query(
                params, "page[number]", default=0, minimum=0, maximum=_parse.LAST_PAGE
            ),
            statuses=statuses,
            sort=field,
            ascending=direction == "asc",
        )
        document = _wire.users_document(
            users, total_count=self.store.count_users(), filtered=filtered
        )
        return answer(document, media_type=USERS_JSON)

    async def get_user(self, request: Request) -> Response:
        user = self.store.get_user(request.path_params["user_id"])
        return answer({"data": _wire.user_document(user)}, media_type=USERS_JSON)

    async def disable_user(self, request: Request) -> Response:
        self.store.disable_user(request.path_params["user_id"])
        return no_content()
