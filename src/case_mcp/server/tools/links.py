"""The `integrations` toolset's links: a case's links to other cases and incidents.

A link is directional: its parent blocks, causes, duplicates... its child. Tools name cases
by key, and show a link as its two ends (a case by key; an incident as ``INCIDENT:<id>``)
and the other end's title, so no tool needs a link's id.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import NotFoundError
from case_mcp.models import Case, CaseLink, LinkRelationship
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import identifier, quoted
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._lookup import is_uuid
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import CaseView, View, absent, case_view
from case_mcp.server.tools.cases import CaseId, case_not_found

Relationship = Annotated[
    LinkRelationship,
    Field(description="How case_id relates to the other end: case_id BLOCKS it, and so on."),
]
Linked = Annotated[
    str,
    Field(
        min_length=1, max_length=100, description="The other end: a case key, or an incident id."
    ),
]
IncidentId = Annotated[
    str,
    Field(
        pattern=r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$",
        description="The incident's id (a UUID).",
    ),
]


class LinkView(View):
    """A link: its parent relates to its child. Cases by key, other ends as TYPE:id."""

    parent: str
    relationship: str
    child: str
    title: str | None = absent(description="The title of the end that is not the case asked.")


class LinkList(View):
    """A case's links, oldest first."""

    case: str
    links: list[LinkView]


class _Ends:
    """The cases a list of links names, read once each; unreadable ones stay ids."""

    def __init__(self, state: ServerState, known: Mapping[str, Case]) -> None:
        self._state = state
        self._cases = dict(known)

    async def name(self, entity_type: str, entity_id: str) -> tuple[str, str | None]:
        if entity_type != "CASE":
            return f"{entity_type}:{entity_id}", None
        case = self._cases.get(entity_id)
        if case is None:
            try:
                case = await self._state.client.get_case(entity_id)
            except NotFoundError:
                return f"CASE:{entity_id}", None
            self._cases[entity_id] = case
        return case.attributes.key or case.id, case.attributes.title

    async def view(self, link: CaseLink, seen_from: str) -> LinkView:
        ends = link.attributes
        parent, parent_title = await self.name(ends.parent_entity_type, ends.parent_entity_id)
        child, child_title = await self.name(ends.child_entity_type, ends.child_entity_id)
        other = child_title if ends.parent_entity_id == seen_from else parent_title
        return LinkView(parent=parent, relationship=ends.relationship, child=child, title=other)


async def list_case_links(
    case_id: CaseId,
    state: State,
    relationship: Annotated[
        LinkRelationship | None, Field(description="Only links of this relationship.")
    ] = None,
) -> Annotated[CallToolResult, LinkList]:
    """List a case's links to other cases and to incidents, both directions.

    Use this tool to see what a case blocks, duplicates or is caused by, and its incidents.
    Example: {"case_id": "OPS-1"}
    """
    case = await state.client.get_case(case_id)
    links = await state.client.list_case_links("CASE", case.id, relationship)
    ends = _Ends(state, {case.id: case})
    key = case.attributes.key or case.id
    return result(LinkList(case=key, links=[await ends.view(link, case.id) for link in links]))


async def create_case_link(
    case_id: CaseId, relationship: Relationship, linked_case: CaseId, state: State
) -> Annotated[CallToolResult, LinkView]:
    """Link two cases: case_id is the parent, linked_case the child ("SEC-10 BLOCKS OPS-25").

    Use this tool when one case blocks, causes, duplicates or relates to another.
    Example: {"case_id": "SEC-13", "relationship": "RELATES_TO", "linked_case": "SEC-1"}
    """
    parent = await state.client.get_case(case_id)
    child = await state.client.get_case(linked_case)
    if parent.id == child.id:
        raise ToolError("A case cannot be linked to itself; give two different cases.")
    link = await state.client.create_case_link("CASE", parent.id, "CASE", child.id, relationship)
    ends = _Ends(state, {parent.id: parent, child.id: child})
    return result(await ends.view(link, parent.id))


async def link_incident(
    case_id: CaseId, incident_id: IncidentId, state: State
) -> Annotated[CallToolResult, CaseView]:
    """Link an incident to a case; linking it again changes nothing.

    Use this tool when a case is part of, or follows up, a Datadog incident.
    Example: {"case_id": "OPS-31", "incident_id": "2f07b6fc-535b-5ccb-9d14-2b9dc487eb8e"}
    """
    case = await state.client.link_incident(case_id, incident_id.lower())
    return result(await case_view(case, state.lookup))


class LinkLoss(View):
    """What deleting a link loses: the link, both ends by key and title."""

    link: LinkView
    parent_title: str | None = absent()
    child_title: str | None = absent()


class LinkDeletion(Deletion[LinkLoss]):
    """What delete_case_link did: deleted or not, why, and the link at stake."""


def _link_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Case {arguments['case_id']!r} or its link to {arguments['linked']!r} was not found. "
        "list_case_links shows a case's links."
    )


async def _matching_link(
    state: ServerState, case: Case, linked: str, relationship: str | None
) -> CaseLink:
    """The one link between `case` and `linked` (of `relationship`, when given)."""
    other: str = linked.lower()
    if not is_uuid(linked):
        other = (await state.client.get_case(linked)).id
    found = [
        link
        for link in await state.client.list_case_links("CASE", case.id, relationship)
        if other in (link.attributes.parent_entity_id, link.attributes.child_entity_id)
        and link.attributes.parent_entity_id != link.attributes.child_entity_id
    ]
    if not found:
        raise ToolError(_link_gone({"case_id": case.attributes.key or case.id, "linked": linked}))
    if len(found) > 1:
        kinds = ", ".join(sorted(link.attributes.relationship for link in found))
        raise ToolError(f"The cases are linked several ways ({kinds}); give the relationship.")
    return found[0]


async def _read_link_loss(
    case_id: str, linked: str, relationship: str | None, state: State
) -> Loss[LinkLoss]:
    case = await state.client.get_case(case_id)
    link = await _matching_link(state, case, linked, relationship)
    ends = _Ends(state, {case.id: case})
    attributes = link.attributes
    parent, parent_title = await ends.name(
        attributes.parent_entity_type, attributes.parent_entity_id
    )
    child, child_title = await ends.name(attributes.child_entity_type, attributes.child_entity_id)
    key = case.attributes.key or case.id

    def end(name: str, title: str | None) -> str:
        return f"{identifier(name)} {quoted(title)}" if title is not None else identifier(name)

    shown = LinkView(parent=parent, relationship=attributes.relationship, child=child)
    return Loss(
        tool="delete_case_link",
        target=f"link:{link.id}",
        key=key,
        subject=f"The link {parent} {attributes.relationship} {child}",
        question=f"Remove this link?\n{end(parent, parent_title)}\n{attributes.relationship}\n"
        f"{end(child, child_title)}\nThe cases stay; only the link goes. To confirm, type the "
        f"case key: {identifier(key)}",
        preview=LinkLoss(link=shown, parent_title=parent_title, child_title=child_title),
        facts={
            "case": case.id,
            "link": link.id,
            "parent_title": parent_title,
            "child_title": child_title,
            **attributes.model_dump(),
        },
        audit_target={"case": key, "link": link.id},
    )


async def _delete_link(state: ServerState, loss: Loss[LinkLoss]) -> str:
    await state.client.delete_case_link(loss.facts["link"], loss.facts["case"])
    link = loss.preview.link
    return f"Deleted the link {link.parent} {link.relationship} {link.child}."


_DELETE: Final = ConfirmedDelete(
    _read_link_loss, _delete_link, outcome=LinkDeletion, not_found=_link_gone
)


async def delete_case_link(
    case_id: CaseId,
    linked: Linked,
    ctx: ToolContext,
    loss: Annotated[Loss[LinkLoss], Resolve(_DELETE.read)],
    answer: Annotated[Answer, Resolve(_DELETE.confirm)],
    relationship: Annotated[
        LinkRelationship | None, Field(description="Needed when they are linked several ways.")
    ] = None,
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, LinkDeletion]:
    """Remove the link between a case and another case or incident, once a person confirms.

    Use this tool when a link is wrong. The user types the case key; or the first call returns
    a preview and a confirmation_token.
    Example: {"case_id": "SEC-12", "linked": "SEC-5"}
    """
    return await _DELETE.settle(
        ctx,
        loss,
        answer,
        case_id=case_id,
        linked=linked,
        relationship=relationship,
        confirmation_token=confirmation_token,
    )


def _new_link(arguments: Mapping[str, Any], answer: Mapping[str, Any] | None) -> dict[str, Any]:
    return {"case": arguments.get("case_id"), "linked_case": arguments.get("linked_case")}


def _either_case(arguments: Mapping[str, Any]) -> str:
    return (
        f"Case {arguments['case_id']!r} or {arguments['linked_case']!r} was not found. "
        "search_cases finds cases and their keys."
    )


def _incident_or_case(arguments: Mapping[str, Any]) -> str:
    return (
        f"Case {arguments['case_id']!r} or incident {arguments['incident_id']!r} was not "
        "found. search_cases finds cases; the incident's id is in its Datadog URL."
    )


TOOLS = [
    ToolSpec(
        "list_case_links",
        "List a case's links",
        "integrations",
        "read",
        list_case_links,
        not_found=case_not_found,
    ),
    ToolSpec(
        "create_case_link",
        "Link two cases",
        "integrations",
        "write",
        create_case_link,
        audit_target=_new_link,
        not_found=_either_case,
        created=Creation("the link", "list_case_links on either case", "create_case_link"),
        conflict="These cases are already linked this way; list_case_links shows their links.",
    ),
    ToolSpec(
        "link_incident",
        "Link an incident to a case",
        "integrations",
        "idempotent_write",
        link_incident,
        not_found=_incident_or_case,
    ),
    ToolSpec(
        "delete_case_link",
        "Remove a case link",
        "integrations",
        "destructive",
        delete_case_link,
        view=PREVIEW_VIEW,
    ),
]
