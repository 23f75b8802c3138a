"""The case type administration of the `admin` toolset: case types and their custom attributes.

Tools name a case type by its name and an attribute by its key, as `lookup` does. Case types
are the organisation's, shared by every project, so a server limited to some projects
(``--projects``) does not change them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Final, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.errors import BadRequestError
from case_mcp.models import CaseType, CustomAttributeConfig
from case_mcp.server._errors import Creation
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import identifier, quoted
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._catalog_views import (
    CaseTypeView,
    CustomAttributeView,
    case_type_view,
    custom_attribute_view,
)
from case_mcp.server.tools._render import result
from case_mcp.server.tools._search_query import facet
from case_mcp.server.tools._views import View, absent

# How many cases delete_custom_attribute_config reads to count the values it leaves: 20
# pages of 100, as delete_project.
_PAGE: Final = 100
_CASE_PAGES: Final = 20

TypeName = Annotated[str, Field(min_length=1, max_length=100, description="Case type name.")]
Name = Annotated[str, Field(min_length=1, max_length=100, description="Label.")]
Description = Annotated[str | None, Field(max_length=1000, description="When to use it.")]
Emoji = Annotated[str | None, Field(max_length=16, description="One emoji.")]
Key = Annotated[
    str,
    Field(
        pattern=r"^[\w.-]{1,100}$",
        description="Attribute key.",
    ),
]
ValueType = Literal["TEXT", "URL", "NUMBER", "SELECT"]
AttributeType = Annotated[ValueType, Field(description="Value type.")]
Options = Annotated[
    tuple[Annotated[str, Field(min_length=1, max_length=100)], ...],
    Field(max_length=100, description="A SELECT's allowed values."),
]


def _type_gone(arguments: Mapping[str, Any]) -> str:
    return f"Case type {arguments['case_type']!r} was not found. list_case_types shows the types."


def _attribute_gone(arguments: Mapping[str, Any]) -> str:
    return (
        f"Custom attribute {arguments['key']!r} of case type {arguments['case_type']!r} was not "
        "found. list_custom_attributes shows them."
    )


def _audited(arguments: Mapping[str, Any], _answer: Mapping[str, Any] | None) -> dict[str, Any]:
    return {
        "case_type": arguments.get("case_type") or arguments.get("name"),
        "attribute": arguments.get("key"),
    }


class CaseTypeEdit(CaseTypeView):
    """A case type as created or changed."""

    emoji: str | None = absent()


def _edited(case_type: CaseType) -> CaseTypeEdit:
    return CaseTypeEdit(**case_type_view(case_type).model_dump(), emoji=case_type.attributes.emoji)


def _organisation_wide(state: ServerState) -> None:
    if state.options.projects:
        raise ToolError(
            "Case types and their custom attributes are shared by every project, and this "
            "server is limited to some projects (--projects), so it does not change them."
        )


async def _check_name_free(state: ServerState, name: str, keep: str | None = None) -> None:
    state.lookup.case_types_changed()
    for case_type in await state.lookup.case_types():
        same = (case_type.attributes.name or "").strip().lower() == name.strip().lower()
        if same and case_type.id != keep:
            raise ToolError(
                f"A case type named {quoted(name)} already exists; tools find case types by "
                "name, so choose another name."
            )


def _check_options(type: str | None, options: Sequence[str]) -> None:
    if options and type != "SELECT":
        raise ToolError(f"options are for SELECT attributes only; leave them out for {type}.")
    if len(set(options)) != len(options):
        raise ToolError("options must be distinct values.")


async def create_case_type(
    name: Name, state: State, description: Description = None, emoji: Emoji = None
) -> Annotated[CallToolResult, CaseTypeEdit]:
    """Create a case type (statuses Open, In Progress, Closed).

    Use this tool when a team needs its own kind of case.
    Example: {"name": "Vendor Review", "emoji": "🧾"}
    """
    _organisation_wide(state)
    await _check_name_free(state, name)
    created = await state.client.create_case_type(
        name.strip(), description=description, emoji=emoji
    )
    state.lookup.case_types_changed()
    return result(_edited(created))


async def update_case_type(
    case_type: TypeName,
    state: State,
    name: Annotated[str | None, Field(min_length=1, max_length=100, description="New name")] = None,
    description: Description = None,
    emoji: Emoji = None,
) -> Annotated[CallToolResult, CaseTypeEdit]:
    """Rename a case type or change its description or emoji.

    Use this tool to fix a case type.
    Example: {"case_type": "Postmortem", "description": "Blameless incident reviews"}
    """
    _organisation_wide(state)
    found = await state.lookup.case_type(case_type)
    if name is not None:
        await _check_name_free(state, name, keep=found.id)
    changed = await state.client.update_case_type(
        found.id,
        (name or found.attributes.name or "").strip(),
        description=description,
        emoji=emoji,
    )
    state.lookup.case_types_changed(found.id)
    return result(_edited(changed))


class CaseTypeLoss(View):
    """What deleting a case type does: no new case can have it; cases that have it keep it."""

    case_type: str = Field(description="Its name.")
    id: str
    cases: int | None = absent(description="How many cases have it (archived ones included).")


class CaseTypeDeletion(Deletion[CaseTypeLoss]):
    """What delete_case_type did: deleted or not, why, and the case type at stake."""


async def _count_cases(state: ServerState, query: str) -> int | None:
    page = await state.client.search_cases(f"{query} archived:any", page_size=1)
    return page.total


async def _read_type_loss(case_type: str, state: State) -> Loss[CaseTypeLoss]:
    _organisation_wide(state)
    state.lookup.case_types_changed()
    found = await state.lookup.case_type(case_type)
    name = found.attributes.name or found.id
    cases = await _count_cases(state, facet("type", found.id))
    uses = "an unknown number of" if cases is None else str(cases)
    return Loss(
        tool="delete_case_type",
        target=f"case_type:{found.id}",
        key=name,
        subject=f"The case type {name}",
        question=f"Delete the case type {quoted(name)}? No new case can have it; the {uses} "
        f"cases that have it keep it.\nTo confirm, type the case type name: {identifier(name)}",
        preview=CaseTypeLoss(case_type=name, id=found.id, cases=cases),
        facts={"id": found.id, "name": name, "cases": cases},
        audit_target={"case_type": name},
    )


async def _delete_type(state: ServerState, loss: Loss[CaseTypeLoss]) -> str:
    await state.client.delete_case_type(loss.preview.id)
    state.lookup.case_types_changed(loss.preview.id)
    return f"Deleted case type {loss.key}; the cases that had it keep it."


_DELETE_TYPE: Final = ConfirmedDelete(
    _read_type_loss, _delete_type, outcome=CaseTypeDeletion, not_found=_type_gone
)


async def delete_case_type(
    case_type: TypeName,
    ctx: ToolContext,
    loss: Annotated[Loss[CaseTypeLoss], Resolve(_DELETE_TYPE.read)],
    answer: Annotated[Answer, Resolve(_DELETE_TYPE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, CaseTypeDeletion]:
    """Delete a case type once a person confirms; its cases keep it.

    Use this tool only when the user asks to retire a case type.
    Example: {"case_type": "Postmortem"}
    """
    return await _DELETE_TYPE.settle(
        ctx, loss, answer, case_type=case_type, confirmation_token=confirmation_token
    )


async def _attribute_names(state: ServerState) -> dict[str, str]:
    return {t.id: t.attributes.name or t.id for t in await state.lookup.case_types()}


async def create_custom_attribute_config(
    case_type: TypeName,
    key: Key,
    display_name: Name,
    type: AttributeType,
    state: State,
    is_multi: Annotated[bool, Field(description="Values are lists.")] = False,
    description: Description = None,
    options: Options = (),
) -> Annotated[CallToolResult, CustomAttributeView]:
    """Add a custom attribute to a case type.

    Use this tool when a case type needs a new field.
    Example: {"case_type": "Security", "key": "owner", "display_name": "Owner", "type": "TEXT"}
    """
    _organisation_wide(state)
    _check_options(type, options)
    if type == "SELECT" and not options:
        raise ToolError("A SELECT attribute needs options: the values a case may hold.")
    found = await state.lookup.case_type(case_type)
    config = await state.client.create_custom_attribute_config(
        found.id,
        key,
        display_name,
        type,
        is_multi=is_multi,
        description=description,
        options=options or None,
    )
    state.lookup.case_types_changed(found.id)
    return result(custom_attribute_view(config, await _attribute_names(state)))


async def update_custom_attribute_config(
    case_type: TypeName,
    key: Key,
    state: State,
    display_name: Annotated[
        str | None, Field(min_length=1, max_length=100, description="Label.")
    ] = None,
    description: Description = None,
    type: Annotated[ValueType | None, Field(description="Value type.")] = None,
    options: Options = (),
) -> Annotated[CallToolResult, CustomAttributeView]:
    """Change a custom attribute's label, description, type or options.

    Use this tool to relabel an attribute or change its options.
    Example: {"case_type": "Change Request", "key": "risk_level", "display_name": "Risk level"}
    """
    _organisation_wide(state)
    found = await state.lookup.case_type(case_type)
    config = await state.lookup.custom_attribute(found, key)
    _check_options(type or config.attributes.type, options)
    changed = await state.client.update_custom_attribute_config(
        found.id,
        config.id,
        display_name=display_name,
        description=description,
        type=type,
        options=options or None,
    )
    state.lookup.case_types_changed(found.id)
    return result(custom_attribute_view(changed, await _attribute_names(state)))


class AttributeConfigLoss(View):
    """What deleting a custom attribute does: cases keep their values, no new ones are set."""

    key: str
    case_type: str = Field(description="The case type's name.")
    id: str
    cases: int = Field(description="How many cases hold a value of it.")


class AttributeConfigDeletion(Deletion[AttributeConfigLoss]):
    """What delete_custom_attribute_config did: deleted or not, why, and the attribute."""


async def _holding(state: ServerState, type_id: str, key: str) -> list[str]:
    """The ids of the cases of a type that hold a value of `key`.

    Raises:
        ToolError: Too many cases to read: what the delete leaves cannot be shown.
    """
    query = f"{facet('type', type_id)} archived:any"
    holding: list[str] = []
    for number in range(1, _CASE_PAGES + 1):
        try:
            page = await state.client.search_cases(
                query, page_size=_PAGE, page_number=number, sort_ascending=True
            )
        except BadRequestError:
            raise ToolError(
                "Datadog would not list the cases of the type, so what the delete leaves "
                "cannot be shown for confirmation; it was not deleted."
            ) from None
        holding += [case.id for case in page.cases if key in case.attributes.custom_attributes]
        if len(page.cases) < _PAGE:
            return sorted(holding)
    raise ToolError(
        f"The type has more than {_CASE_PAGES * _PAGE} cases, too many to show for "
        "confirmation; it was not deleted. Delete it in Datadog."
    )


async def _read_attribute_loss(case_type: str, key: str, state: State) -> Loss[AttributeConfigLoss]:
    _organisation_wide(state)
    found = await state.lookup.case_type(case_type)
    state.lookup.case_types_changed(found.id)
    config: CustomAttributeConfig = await state.lookup.custom_attribute(found, key)
    stored = config.attributes.key or key
    type_name = found.attributes.name or found.id
    holding = await _holding(state, found.id, stored)
    return Loss(
        tool="delete_custom_attribute_config",
        target=f"custom_attribute_config:{found.id}:{config.id}",
        key=stored,
        subject=f"The custom attribute {stored!r} of case type {type_name}",
        question=f"Delete the custom attribute {quoted(stored)} of case type {quoted(type_name)}?"
        f" {len(holding)} cases hold a value of it, which they keep.\n"
        f"To confirm, type the attribute key: {identifier(stored)}",
        preview=AttributeConfigLoss(
            key=stored, case_type=type_name, id=config.id, cases=len(holding)
        ),
        facts={"type": found.id, "id": config.id, "key": stored, "cases": holding},
        audit_target={"case_type": type_name, "attribute": stored},
    )


async def _delete_attribute(state: ServerState, loss: Loss[AttributeConfigLoss]) -> str:
    type_id = loss.facts["type"]
    await state.client.delete_custom_attribute_config(type_id, loss.preview.id)
    state.lookup.case_types_changed(type_id)
    return f"Deleted custom attribute {loss.key} of case type {loss.preview.case_type}."


_DELETE_ATTRIBUTE: Final = ConfirmedDelete(
    _read_attribute_loss,
    _delete_attribute,
    outcome=AttributeConfigDeletion,
    not_found=_attribute_gone,
)


async def delete_custom_attribute_config(
    case_type: TypeName,
    key: Key,
    ctx: ToolContext,
    loss: Annotated[Loss[AttributeConfigLoss], Resolve(_DELETE_ATTRIBUTE.read)],
    answer: Annotated[Answer, Resolve(_DELETE_ATTRIBUTE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, AttributeConfigDeletion]:
    """Delete a case type's custom attribute once a person confirms.

    Use this tool only when the user asks to retire an attribute; cases keep their values.
    Example: {"case_type": "Security", "key": "affected_hosts"}
    """
    return await _DELETE_ATTRIBUTE.settle(
        ctx, loss, answer, case_type=case_type, key=key, confirmation_token=confirmation_token
    )


TOOLS = [
    ToolSpec(
        "create_case_type",
        "Create a case type",
        "admin",
        "write",
        create_case_type,
        audit_target=_audited,
        not_found="Datadog could not find where to create the case type.",
        created=Creation("the case type", "list_case_types", "create_case_type"),
    ),
    ToolSpec(
        "update_case_type",
        "Change a case type",
        "admin",
        "idempotent_write",
        update_case_type,
        audit_target=_audited,
        not_found=_type_gone,
    ),
    ToolSpec(
        "delete_case_type",
        "Delete a case type",
        "admin",
        "destructive",
        delete_case_type,
        audit_target=_audited,
        view=PREVIEW_VIEW,
    ),
    ToolSpec(
        "create_custom_attribute_config",
        "Add a custom attribute to a case type",
        "admin",
        "write",
        create_custom_attribute_config,
        audit_target=_audited,
        not_found=_type_gone,
        created=Creation(
            "the custom attribute", "list_custom_attributes", "create_custom_attribute_config"
        ),
        conflict="The case type already has an attribute with this key; choose another key.",
    ),
    ToolSpec(
        "update_custom_attribute_config",
        "Change a custom attribute",
        "admin",
        "idempotent_write",
        update_custom_attribute_config,
        audit_target=_audited,
        not_found=_attribute_gone,
    ),
    ToolSpec(
        "delete_custom_attribute_config",
        "Delete a custom attribute",
        "admin",
        "destructive",
        delete_custom_attribute_config,
        audit_target=_audited,
        view=PREVIEW_VIEW,
    ),
]
