"""The handlers of saved case views, project settings and favourite projects.

As in `_catalog_handlers`, a handler is named by the Datadog operation id it serves, reads the
request with `_parse`, applies the store method of the same name and writes the answer with
`_wire`. Favourites are the requesting user's own (the sandbox's API user).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import answer, no_content
from ._errors import BadRequest, InvalidParameter
from ._store import Store

__all__ = ["ViewHandlers"]


def _optional_object(attributes: dict[str, Any], name: str) -> dict[str, Any] | None:
    value = attributes.get(name)
    return None if value is None else _parse.mapping(attributes, name)


class ViewHandlers:
    """The handlers of views, project settings and favourites, bound to a store and a user."""

    store: Store
    actor_id: str

    # Case views ----------------------------------------------------------------------------

    async def list_case_views(self, request: Request) -> Response:
        raw = request.query_params.get("project_id")
        if raw is None:
            raise InvalidParameter("project_id", "query", "the UUID of a project")
        views = self.store.list_case_views(_parse.uuid_param(raw, "project_id"))
        return answer({"data": [_wire.case_view_document(view) for view in views]})

    async def create_case_view(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "view"))
        project_id = _parse.string(attributes, "project_id") or ""
        try:
            project_id = _parse.uuid_param(project_id, "project_id")
        except InvalidParameter:
            raise BadRequest(f"project_id {project_id!r} is not a project id (a UUID)") from None
        view = self.store.create_case_view(
            name=_parse.string(attributes, "name") or "",
            project_id=project_id,
            query=_parse.string(attributes, "query") or "",
            np_rule_id=_parse.string(attributes, "np_rule_id", required=False),
            actor_id=self.actor_id,
        )
        return answer({"data": _wire.case_view_document(view)}, status=201)

    async def get_case_view(self, request: Request) -> Response:
        view_id = _parse.uuid_param(request.path_params["view_id"], "view_id")
        return answer({"data": _wire.case_view_document(self.store.get_case_view(view_id))})

    async def update_case_view(self, request: Request) -> Response:
        view_id = _parse.uuid_param(request.path_params["view_id"], "view_id")
        attributes = _parse.mapping(_parse.resource(await request.body(), "view"))
        view = self.store.update_case_view(
            view_id,
            name=_parse.string(attributes, "name", required=False),
            query=_parse.string(attributes, "query", required=False),
            np_rule_id=_parse.string(attributes, "np_rule_id", required=False),
            actor_id=self.actor_id,
        )
        return answer({"data": _wire.case_view_document(view)})

    async def delete_case_view(self, request: Request) -> Response:
        view_id = _parse.uuid_param(request.path_params["view_id"], "view_id")
        self.store.delete_case_view(view_id, actor_id=self.actor_id)
        return no_content()

    # Project settings and favourites -------------------------------------------------------

    async def update_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        attributes = _parse.mapping(_parse.resource(await request.body(), "project"))
        project = self.store.update_project(
            project_id,
            name=_parse.string(attributes, "name", required=False),
            settings=_optional_object(attributes, "settings"),
            columns_config=_optional_object(attributes, "columns_config"),
            # Any JSON here: the store names the field when it is not a list of ids.
            enabled_custom_case_types=attributes.get("enabled_custom_case_types"),
            team_uuid=_parse.string(attributes, "team_uuid", required=False),
            actor_id=self.actor_id,
        )
        return answer({"data": _wire.project_document(project)})

    async def list_user_case_project_favorites(self, request: Request) -> Response:
        favorites = self.store.list_user_case_project_favorites(self.actor_id)
        data = [{"id": project_id, "type": "project_favorite"} for project_id in favorites]
        return answer({"data": data})

    async def favorite_case_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        self.store.favorite_case_project(project_id, actor_id=self.actor_id)
        return no_content()

    async def unfavorite_case_project(self, request: Request) -> Response:
        project_id = _parse.uuid_param(request.path_params["project_id"], "ProjectID")
        self.store.unfavorite_case_project(project_id, actor_id=self.actor_id)
        return no_content()
