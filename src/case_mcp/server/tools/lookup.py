"""The `lookup` toolset: case types, custom attribute definitions, and people."""

from __future__ import annotations

from typing import Annotated

from mcp.types import CallToolResult
from pydantic import Field

from case_mcp.server._state import State
from case_mcp.server.guardrails._spec import ToolSpec
from case_mcp.server.tools._catalog_views import (
    CaseTypeList,
    CustomAttributeList,
    UserList,
    case_type_view,
    custom_attribute_view,
    user_view,
)
from case_mcp.server.tools._render import result


async def list_case_types(state: State) -> Annotated[CallToolResult, CaseTypeList]:
    """List the case types (Standard, Security, ...) and the statuses each one offers.

    Use this tool to choose a type for create_case, or to learn which status names
    update_case_status accepts for a case of a given type.
    Example: {}
    """
    types = await state.lookup.case_types()
    return result(CaseTypeList(case_types=[case_type_view(case_type) for case_type in types]))


async def list_custom_attributes(
    state: State,
    case_type: Annotated[
        str | None,
        Field(
            max_length=100,
            description="Only this case type's attributes: a type name or UUID. Omit for all.",
        ),
    ] = None,
) -> Annotated[CallToolResult, CustomAttributeList]:
    """List custom attribute definitions: key, type, single or multi value, allowed options.

    Use this tool before update_case_custom_attribute or create_case with custom
    attributes, to learn which keys a case's type has and which values they take.
    Example: {"case_type": "Security"}
    """
    types = await state.lookup.case_types()
    if case_type is None:
        configs = await state.client.get_all_custom_attributes()
    else:
        wanted = await state.lookup.case_type(case_type)
        configs = await state.client.get_all_custom_attribute_configs_by_case_type(wanted.id)
    names = {t.id: t.attributes.name or t.id for t in types}
    return result(
        CustomAttributeList(
            custom_attributes=[custom_attribute_view(config, names) for config in configs]
        )
    )


async def find_users(
    state: State,
    query: Annotated[
        str,
        Field(
            max_length=200,
            description="Part of a name, email or handle, e.g. 'maya'. Empty: everyone.",
        ),
    ] = "",
    page: Annotated[int, Field(ge=1, le=10_000, description="Page number, from 1.")] = 1,
    page_size: Annotated[int, Field(ge=1, le=100, description="Users per page, 1 to 100.")] = 20,
) -> Annotated[CallToolResult, UserList]:
    """Find people of the organisation by name, email or handle.

    Use this tool to find who to assign a case to, or who someone named in a case is.
    assign_case and create_case take the email or id it returns.
    Example: {"query": "maya"}
    """
    # The users API counts pages from 0; ours count from 1.
    found = await state.client.list_users(
        query.strip() or None, page_size=page_size, page_number=page - 1
    )
    total = (
        found.total_filtered_count if found.total_filtered_count is not None else found.total_count
    )
    return result(
        UserList(
            users=[user_view(user) for user in found.users],
            total=total,
            page=page,
            has_more=found.has_more,
            next_page=page + 1 if found.has_more else None,
        )
    )


TOOLS = [
    ToolSpec(
        "list_case_types",
        "List case types",
        "lookup",
        "read",
        list_case_types,
        not_found="No case types were found.",
    ),
    ToolSpec(
        "list_custom_attributes",
        "List custom attributes",
        "lookup",
        "read",
        list_custom_attributes,
        not_found=lambda arguments: (
            f"Case type {arguments['case_type']!r} was not found. list_case_types shows the types."
        ),
    ),
    ToolSpec(
        "find_users", "Find users", "lookup", "read", find_users, not_found="No users matched."
    ),
]
