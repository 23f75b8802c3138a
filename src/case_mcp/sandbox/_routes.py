"""The Datadog API's routes: parse the request, apply it to the store, write the answer.

Authentication is Datadog's in form only: every ``/api/`` request needs non-empty
``DD-API-KEY`` and ``DD-APPLICATION-KEY`` headers, or a non-empty ``Authorization: Bearer``
token, else 403. Any non-empty value is accepted, and every request acts as the sandbox's API
user.

Handlers call the store synchronously, on the event loop: its queries take microseconds, a hop
to a worker thread per request would cost more than the query, and one SQLite connection
serializes writers anyway.
"""

from __future__ import annotations

from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.types import ASGIApp, Receive, Scope, Send

from . import _parse, _rules, _wire
from ._errors import BadRequest, Forbidden, MethodNotAllowed, RouteNotFound, SandboxError
from ._store import SORT_FIELDS, Store

__all__ = [
    "JSON_API",
    "AuthMiddleware",
    "api_routes",
    "error_response",
    "http_exception",
    "sandbox_error",
]

JSON_API: Final = "application/vnd.api+json"
# The users API answers in plain JSON, as the recordings show.
USERS_JSON: Final = "application/json"
_USER_SORTS: Final = ("name", "email", "created_at", "modified_at", "status")
# Far past any page there is, and small enough that page x size stays an SQLite integer.
_LAST_PAGE: Final = 1_000_000_000


def answer(document: Any, *, status: int = 200, media_type: str = JSON_API) -> Response:
    """A JSON answer in Datadog's compact encoding."""
    return Response(_wire.dumps(document), status_code=status, media_type=media_type)


def error_response(error: SandboxError) -> Response:
    """The Datadog-shaped answer to a refused request."""
    return answer(error.body(), status=error.status)


async def sandbox_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for `SandboxError`."""
    assert isinstance(exc, SandboxError)
    return error_response(exc)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route, wrong method) in Datadog's shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(MethodNotAllowed())
    return error_response(RouteNotFound())


def _authenticated(scope: Scope) -> bool:
    headers = {name.lower(): value.strip() for name, value in scope["headers"]}
    if headers.get(b"dd-api-key") and headers.get(b"dd-application-key"):
        return True
    scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
    return scheme.lower() == b"bearer" and bool(token.strip())


class AuthMiddleware:
    """403 ``{"errors":["Forbidden"]}`` for an ``/api/`` request without credentials."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith("/api/")
            and not _authenticated(scope)
        ):
            await error_response(Forbidden())(scope, receive, send)
            return
        await self.app(scope, receive, send)


class _Api:
    """The handlers, bound to a store and the user that requests act as."""

    def __init__(self, store: Store, actor_id: str) -> None:
        self.store = store
        self.actor_id = actor_id

    # Cases -------------------------------------------------------------------------------

    def case_answer(self, case: dict[str, Any], *, status: int = 200) -> Response:
        users = self.store.users_by_id(_wire.case_user_ids([case]))
        return answer(_wire.case_document(case, users), status=status)

    async def search_cases(self, request: Request) -> Response:
        params = request.query_params
        page_size = _parse.int_query(params, "page[size]", default=10, minimum=1, maximum=100)
        page_number = _parse.int_query(
            params, "page[number]", default=1, minimum=1, maximum=_LAST_PAGE
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
            type_id=self.type_id(attributes),
            project_id=project_id or "",
            actor_id=self.actor_id,
            priority=_parse.string(attributes, "priority", required=False) or "NOT_DEFINED",
            description=_parse.string(attributes, "description", required=False) or "",
            assignee_id=assignee_id,
            status=_parse.string(attributes, "status", required=False),
            status_name=_parse.string(attributes, "status_name", required=False),
            custom_attributes=custom,
        )
        return self.case_answer(case, status=201)

    def type_id(self, attributes: dict[str, Any]) -> str:
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
        return self.case_answer(self.store.get_case(request.path_params["case_id"]))

    async def case_update(self, request: Request) -> Response:
        """The POST /cases/{case_id}/<action> family: one attribute or none."""
        case_ref = request.path_params["case_id"]
        action = request.url.path.rsplit("/", 1)[1]
        data = _parse.resource(await request.body(), "case")
        attributes = _parse.mapping(data)
        actor = self.actor_id
        store = self.store
        if action == "title":
            case = store.update_case_title(
                case_ref, _parse.string(attributes, "title") or "", actor_id=actor
            )
        elif action == "description":
            case = store.update_case_description(
                case_ref, _parse.string(attributes, "description") or "", actor_id=actor
            )
        elif action == "priority":
            case = store.update_priority(
                case_ref, _parse.string(attributes, "priority") or "", actor_id=actor
            )
        elif action == "status":
            case = store.update_status(
                case_ref,
                actor_id=actor,
                status=_parse.string(attributes, "status", required=False),
                status_name=_parse.string(attributes, "status_name", required=False),
            )
        elif action == "assign":
            assignee = _parse.string(attributes, "assignee_id") or ""
            try:
                assignee = _parse.uuid_param(assignee, "assignee_id")
            except BadRequest:
                raise BadRequest(
                    f"assignee_id must be the UUID of a user (see GET /api/v2/users); "
                    f"got {assignee!r}"
                ) from None
            case = store.assign_case(case_ref, assignee, actor_id=actor)
        elif action == "unassign":
            case = store.unassign_case(case_ref, actor_id=actor)
        elif action == "archive":
            case = store.archive_case(case_ref, actor_id=actor)
        elif action == "unarchive":
            case = store.unarchive_case(case_ref, actor_id=actor)
        else:  # attributes
            case = store.update_attributes(
                case_ref, _parse.string_lists(attributes, "attributes"), actor_id=actor
            )
        return self.case_answer(case)

    async def update_custom_attribute(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "case")
        attributes = _parse.mapping(data)
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
            request.path_params["key"],
            type=kind,
            is_multi=is_multi,
            value=attributes["value"],
            actor_id=self.actor_id,
        )
        return self.case_answer(case)

    async def delete_custom_attribute(self, request: Request) -> Response:
        case = self.store.delete_case_custom_attribute(
            request.path_params["case_id"], request.path_params["key"], actor_id=self.actor_id
        )
        return self.case_answer(case)

    async def move_case(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "project")
        project_id = _parse.string(data, "id") or ""
        case = self.store.move_case_to_project(
            request.path_params["case_id"], project_id, actor_id=self.actor_id
        )
        return self.case_answer(case)

    # Comments and timeline -----------------------------------------------------------------

    async def comment(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "case")
        message = _parse.string(_parse.mapping(data), "comment") or ""
        cell = self.store.comment_case(
            request.path_params["case_id"], message, actor_id=self.actor_id
        )
        users = self.store.users_by_id([cell["author_id"]])
        return answer({"data": [_wire.timeline_cell_resource(cell, users)]})

    async def delete_comment(self, request: Request) -> Response:
        cell_id = _parse.uuid_param(request.path_params["cell_id"], "CommentID")
        self.store.delete_case_comment(
            request.path_params["case_id"], cell_id, actor_id=self.actor_id
        )
        return Response(status_code=204)

    async def timeline(self, request: Request) -> Response:
        params = request.query_params
        cells = self.store.list_case_timeline(
            request.path_params["case_id"],
            page_size=_parse.int_query(params, "page[size]", default=25, minimum=1, maximum=100),
            # Zero-based, as Datadog documents for this endpoint (case search counts from 1).
            page_number=_parse.int_query(
                params, "page[number]", default=0, minimum=0, maximum=_LAST_PAGE
            ),
            ascending=_parse.bool_query(params, "sort[ascending]", default=False),
        )
        users = self.store.users_by_id([cell["author_id"] for cell in cells])
        return answer({"data": [_wire.timeline_cell_resource(cell, users) for cell in cells]})

    # Projects ------------------------------------------------------------------------------

    async def list_projects(self, request: Request) -> Response:
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

    async def update_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        attributes = _parse.mapping(_parse.resource(await request.body(), "project"))
        name = _parse.string(attributes, "name", required=False)
        if name is None:
            project = self.store.get_project(project_id)
        else:
            project = self.store.update_project(project_id, name=name, actor_id=self.actor_id)
        return answer({"data": _wire.project_document(project)})

    async def delete_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        self.store.delete_project(project_id, actor_id=self.actor_id)
        return Response(status_code=204)

    # Case types and custom attribute configs -----------------------------------------------

    async def list_case_types(self, request: Request) -> Response:
        kinds = self.store.get_all_case_types()
        return answer({"data": [_wire.case_type_document(kind) for kind in kinds]})

    async def create_case_type(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "case_type"))
        kind = self.store.create_case_type(
            name=_parse.string(attributes, "name") or "",
            description=_parse.string(attributes, "description", required=False) or "",
            emoji=_parse.string(attributes, "emoji", required=False) or "",
        )
        return answer({"data": _wire.case_type_document(kind)}, status=201)

    async def delete_case_type(self, request: Request) -> Response:
        type_id = _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")
        self.store.delete_case_type(type_id)
        return Response(status_code=204)

    async def list_all_custom_attributes(self, request: Request) -> Response:
        configs = self.store.get_all_custom_attributes()
        return answer({"data": [_wire.custom_attribute_config_document(c) for c in configs]})

    async def list_custom_attributes(self, request: Request) -> Response:
        type_id = _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")
        configs = self.store.get_all_custom_attribute_configs_by_case_type(type_id)
        return answer({"data": [_wire.custom_attribute_config_document(c) for c in configs]})

    async def create_custom_attribute(self, request: Request) -> Response:
        type_id = _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")
        attributes = _parse.mapping(_parse.resource(await request.body(), "custom_attribute"))
        options = None
        type_data = _parse.mapping(attributes, "type_data")
        if "options" in type_data:
            raw = type_data["options"]
            if not isinstance(raw, list) or not all(
                isinstance(option, dict) and isinstance(option.get("value"), str) for option in raw
            ):
                raise BadRequest('type_data.options must be a list like [{"value": "us-east-1"}]')
            options = [option["value"] for option in raw]
        config = self.store.create_custom_attribute_config(
            type_id,
            key=_parse.string(attributes, "key") or "",
            display_name=_parse.string(attributes, "display_name") or "",
            type=_parse.string(attributes, "type") or "",
            is_multi=bool(_parse.boolean(attributes, "is_multi")),
            description=_parse.string(attributes, "description", required=False),
            options=options,
        )
        return answer({"data": _wire.custom_attribute_config_document(config)}, status=201)

    async def delete_custom_attribute_config(self, request: Request) -> Response:
        type_id = _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")
        config_id = _parse.uuid_param(request.path_params["config_id"], "CustomAttributeId")
        self.store.delete_custom_attribute_config(type_id, config_id)
        return Response(status_code=204)

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
                params, "page[number]", default=0, minimum=0, maximum=_LAST_PAGE
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
        return Response(status_code=204)


_CASE_ACTIONS: Final = (
    "archive",
    "unarchive",
    "assign",
    "unassign",
    "attributes",
    "description",
    "priority",
    "status",
    "title",
)


def api_routes(store: Store, actor_id: str) -> list[BaseRoute]:
    """The Datadog API's routes over a store, acting as the user `actor_id`.

    Args:
        store: The sandbox's state.
        actor_id: The id of the user that requests act as.
    """
    api = _Api(store, actor_id)
    cases, types = "/api/v2/cases", "/api/v2/cases/types"
    # Fixed paths come before the {case_id} ones that would swallow them.
    routes: list[BaseRoute] = [
        Route(cases, api.search_cases, methods=["GET"]),
        Route(cases, api.create_case, methods=["POST"]),
        Route(f"{cases}/projects", api.list_projects, methods=["GET"]),
        Route(f"{cases}/projects", api.create_project, methods=["POST"]),
        Route(f"{cases}/projects/{{project_id}}", api.get_project, methods=["GET"]),
        Route(f"{cases}/projects/{{project_id}}", api.update_project, methods=["PATCH"]),
        Route(f"{cases}/projects/{{project_id}}", api.delete_project, methods=["DELETE"]),
        Route(types, api.list_case_types, methods=["GET"]),
        Route(types, api.create_case_type, methods=["POST"]),
        Route(f"{types}/custom_attributes", api.list_all_custom_attributes, methods=["GET"]),
        Route(f"{types}/{{case_type_id}}", api.delete_case_type, methods=["DELETE"]),
        Route(
            f"{types}/{{case_type_id}}/custom_attributes",
            api.list_custom_attributes,
            methods=["GET"],
        ),
        Route(
            f"{types}/{{case_type_id}}/custom_attributes",
            api.create_custom_attribute,
            methods=["POST"],
        ),
        Route(
            f"{types}/{{case_type_id}}/custom_attributes/{{config_id}}",
            api.delete_custom_attribute_config,
            methods=["DELETE"],
        ),
        Route(f"{cases}/{{case_id}}", api.get_case, methods=["GET"]),
        *[
            Route(f"{cases}/{{case_id}}/{action}", api.case_update, methods=["POST"])
            for action in _CASE_ACTIONS
        ],
        Route(f"{cases}/{{case_id}}/comment", api.comment, methods=["POST"]),
        Route(f"{cases}/{{case_id}}/comment/{{cell_id}}", api.delete_comment, methods=["DELETE"]),
        Route(
            f"{cases}/{{case_id}}/custom_attributes/{{key}}",
            api.update_custom_attribute,
            methods=["POST"],
        ),
        Route(
            f"{cases}/{{case_id}}/custom_attributes/{{key}}",
            api.delete_custom_attribute,
            methods=["DELETE"],
        ),
        Route(f"{cases}/{{case_id}}/timelines", api.timeline, methods=["GET"]),
        Route(f"{cases}/{{case_id}}/relationships/project", api.move_case, methods=["PATCH"]),
        Route("/api/v2/users", api.list_users, methods=["GET"]),
        Route("/api/v2/users", api.create_user, methods=["POST"]),
        Route("/api/v2/users/{user_id}", api.get_user, methods=["GET"]),
        Route("/api/v2/users/{user_id}", api.disable_user, methods=["DELETE"]),
    ]
    return routes
