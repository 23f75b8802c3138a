"""The `cases` toolset's attribute tools: free-form attributes and typed custom attributes.

Attributes are tags (``service: [web-api]``) that Datadog can only replace as a whole map;
the tool merges by default, reading the case first, because a model asked to add one tag
should not wipe the others. Custom attributes are typed by their case type's configuration,
which the tools look up so the model never has to repeat it.
"""

from __future__ import annotations

from typing import Annotated, Final, Literal

from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import Resolve
from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.models import Case, CaseType
from case_mcp.server._state import ServerState, State, ToolContext
from case_mcp.server.apps import PREVIEW_VIEW
from case_mcp.server.guardrails._confirm import Answer, ConfirmationToken, Deletion, Loss
from case_mcp.server.guardrails._confirmed_delete import ConfirmedDelete
from case_mcp.server.guardrails._question import identifier, quoted, shown_value
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._custom_values import CustomValueInput, check_value
from case_mcp.server.tools._lookup import Lookup
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import CaseView, CustomValue, View, case_view
from case_mcp.server.tools.cases import CaseId, case_not_found

AttributeKey = Annotated[
    str,
    Field(
        min_length=1,
        max_length=100,
        description="The custom attribute's key, e.g. cvss_score (see list_custom_attributes).",
    ),
]


async def update_case_attributes(
    case_id: CaseId,
    attributes: Annotated[
        dict[str, list[str]],
        Field(
            max_length=100,
            description='Tags by name, each a list of values: {"service": ["web-api"]}. '
            "An empty list removes the name.",
        ),
    ],
    state: State,
    mode: Annotated[
        Literal["merge", "replace"],
        Field(description="merge: set only the names given; replace: these become all of them."),
    ] = "merge",
) -> Annotated[CallToolResult, CaseView]:
    """Set a case's attributes (free-form tags such as service, env, team).

    Use this tool to tag a case. By default the names given are set and the others kept;
    mode "replace" makes the given map the whole set.
    Example: {"case_id": "OPS-12", "attributes": {"env": ["prod"], "team": ["sre"]}}
    """
    if mode == "merge":
        case = await state.client.get_case(case_id)
        wanted = {**case.attributes.attributes, **attributes}
        case_id = case.id
    else:
        wanted = dict(attributes)
    values = {name.strip(): items for name, items in wanted.items() if items}
    updated = await state.client.update_attributes(case_id, values)
    return result(await case_view(updated, state.lookup))


async def update_case_custom_attribute(
    case_id: CaseId,
    key: AttributeKey,
    value: Annotated[
        CustomValueInput,
        Field(
            description="As configured: text, a number, a URL or a SELECT option; a list "
            "for multi-value attributes.",
        ),
    ],
    state: State,
) -> Annotated[CallToolResult, CaseView]:
    """Set one custom attribute of a case, checked against its case type's configuration.

    Use this tool to record typed facts on a case (a CVSS score, a region, a runbook URL);
    a value that does not fit gets an error saying what the attribute takes.
    Example: {"case_id": "SEC-9", "key": "cvss_score", "value": 8.1}
    """
    case = await state.client.get_case(case_id)
    config = await state.lookup.custom_attribute(await _type_of(case, state.lookup), key)
    checked = check_value(config, value)
    updated = await state.client.update_case_custom_attribute(
        case.id,
        config.attributes.key or key,
        checked.value,
        type=checked.type,
        is_multi=checked.is_multi,
    )
    return result(await case_view(updated, state.lookup))


class AttributeLoss(View):
    """What deleting a custom attribute's value destroys."""

    case: str = Field(description="The case key.")
    key: str = Field(description="The custom attribute's key.")
    value: CustomValue | None = Field(None, description="The value that is deleted.")


class AttributeDeletion(Deletion[AttributeLoss]):
    """What delete_case_custom_attribute did: deleted or not, why, and the value at stake."""


async def _read_attribute_loss(case_id: str, key: str, state: State) -> Loss[AttributeLoss]:
    case = await state.client.get_case(case_id)
    config = await state.lookup.custom_attribute(await _type_of(case, state.lookup), key)
    stored_key = config.attributes.key or key
    name = case.attributes.key or case.id
    current = case.attributes.custom_attributes.get(stored_key)
    value = current.value if current is not None else None
    return Loss(
        tool="delete_case_custom_attribute",
        target=f"custom_attribute:{case.id}:{stored_key}",
        key=name,
        subject=f"The custom attribute {stored_key!r} of case {name}",
        question=f"Delete the custom attribute {quoted(stored_key)} of case {identifier(name)}?\n"
        f"Its value: {shown_value(value)}\nTo confirm, type the case key: {identifier(name)}",
        preview=AttributeLoss(case=name, key=stored_key, value=value),
        facts={
            "case": case.id,
            "case_key": name,
            "key": stored_key,
            "value": current.model_dump(mode="json") if current is not None else None,
        },
        audit_target={"case": name, "attribute": stored_key},
        absent=f"{name} had no {stored_key!r} value; nothing was deleted."
        if value is None
        else None,
    )


async def _delete_attribute(state: ServerState, loss: Loss[AttributeLoss]) -> str:
    await state.client.delete_case_custom_attribute(loss.facts["case"], loss.preview.key)
    return (
        f"Deleted custom attribute {loss.preview.key!r} of {loss.key} "
        f"(its value was {shown_value(loss.preview.value)})."
    )


_DELETE: Final = ConfirmedDelete(
    _read_attribute_loss, _delete_attribute, outcome=AttributeDeletion, not_found=case_not_found
)


async def delete_case_custom_attribute(
    case_id: CaseId,
    key: AttributeKey,
    ctx: ToolContext,
    loss: Annotated[Loss[AttributeLoss], Resolve(_DELETE.read)],
    answer: Annotated[Answer, Resolve(_DELETE.confirm)],
    confirmation_token: ConfirmationToken = None,
) -> Annotated[CallToolResult, AttributeDeletion]:
    """Delete one custom attribute's value from a case, once a person confirms.

    Use this tool when a custom attribute's value is wrong and should be empty; to change
    it, use update_case_custom_attribute. The user is asked to type the case key; or the
    first call returns a preview and a confirmation_token, to repeat the call with once the
    user approves.
    Example: {"case_id": "SEC-9", "key": "cvss_score"}
    """
    return await _DELETE.settle(
        ctx, loss, answer, case_id=case_id, key=key, confirmation_token=confirmation_token
    )


async def _type_of(case: Case, lookup: Lookup) -> CaseType:
    case_type = await lookup.case_type_of(case.attributes.type_id)
    if case_type is None:
        raise ToolError(
            f"The case type of {case.attributes.key or case.id} was not found, so its custom "
            "attributes are unknown."
        )
    return case_type


TOOLS = [
    ToolSpec(
        "update_case_attributes",
        "Set a case's attributes",
        "cases",
        "idempotent_write",
        update_case_attributes,
        not_found=case_not_found,
    ),
    ToolSpec(
        "update_case_custom_attribute",
        "Set a case's custom attribute",
        "cases",
        "idempotent_write",
        update_case_custom_attribute,
        not_found=case_not_found,
    ),
    ToolSpec(
        "delete_case_custom_attribute",
        "Delete a case's custom attribute",
        "cases",
        "destructive",
        delete_case_custom_attribute,
        view=PREVIEW_VIEW,
    ),
]
