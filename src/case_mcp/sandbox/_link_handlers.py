"""The handlers of links, incidents, Jira issues, ServiceNow tickets and notebooks.

As in `_case_handlers`, each is named by the Datadog operation id it serves, reads the
request, applies the store method of the same name and writes the answer. Jira issue and
ServiceNow ticket creation answer 202 Accepted with no body, linking a Jira issue, unlinking
it and creating a notebook 204, as Datadog's official client expects.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import answer, no_content
from ._catalog_handlers import CatalogHandlers
from ._errors import BadRequest, InvalidParameter

__all__ = ["LinkHandlers"]


def _accepted() -> Response:
    return Response(status_code=202)


class LinkHandlers(CatalogHandlers):
    """The handlers of the link and integration operations."""

    async def list_case_links(self, request: Request) -> Response:
        params = request.query_params
        for name in ("entity_type", "entity_id"):
            if not params.get(name):
                raise InvalidParameter(name, "query", "a value; it is required")
        links = self.store.list_case_links(
            params["entity_type"], params["entity_id"], relationship=params.get("relationship")
        )
        return answer({"data": [_wire.case_link_resource(link) for link in links]})

    async def create_case_link(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "link"))
        names = (
            "parent_entity_type",
            "parent_entity_id",
            "child_entity_type",
            "child_entity_id",
            "relationship",
        )
        values = {name: _parse.string(attributes, name) or "" for name in names}
        link = self.store.create_case_link(**values, actor_id=self.actor_id)
        return answer({"data": _wire.case_link_resource(link)}, status=201)

    async def delete_case_link(self, request: Request) -> Response:
        link_id = _parse.uuid_param(request.path_params["link_id"], "link_id")
        self.store.delete_case_link(link_id, actor_id=self.actor_id)
        return no_content()

    async def link_incident(self, request: Request) -> Response:
        data = _parse.resource(await request.body(), "incidents")
        incident_id = _parse.string(data, "id") or ""
        try:
            incident_id = _parse.uuid_param(incident_id, "id")
        except BadRequest:
            raise BadRequest(
                f"data.id must be the UUID of an incident; got {incident_id!r}"
            ) from None
        case = self.store.link_incident(
            request.path_params["case_id"], incident_id, actor_id=self.actor_id
        )
        users = self.store.users_by_id(_wire.case_user_ids([case]))
        return answer(_wire.case_document(case, users), status=201)

    async def create_case_jira_issue(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "issues"))
        self.store.create_case_jira_issue(
            request.path_params["case_id"],
            issue_type_id=_parse.string(attributes, "issue_type_id") or "",
            jira_account_id=_parse.string(attributes, "jira_account_id") or "",
            project_id=_parse.string(attributes, "project_id") or "",
            fields=_parse.mapping(attributes, "fields"),
            actor_id=self.actor_id,
        )
        return _accepted()

    async def link_jira_issue_to_case(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "issues"))
        url = _parse.string(attributes, "jira_issue_url") or ""
        self.store.link_jira_issue_to_case(
            request.path_params["case_id"], url, actor_id=self.actor_id
        )
        return no_content()

    async def unlink_jira_issue(self, request: Request) -> Response:
        self.store.unlink_jira_issue(request.path_params["case_id"], actor_id=self.actor_id)
        return no_content()

    async def create_case_notebook(self, request: Request) -> Response:
        _parse.resource(await request.body(), "notebook")
        self.store.create_case_notebook(request.path_params["case_id"], actor_id=self.actor_id)
        return no_content()

    async def create_case_service_now_ticket(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "tickets"))
        self.store.create_case_service_now_ticket(
            request.path_params["case_id"],
            instance_name=_parse.string(attributes, "instance_name") or "",
            assignment_group=_parse.string(attributes, "assignment_group", required=False),
            actor_id=self.actor_id,
        )
        return _accepted()
