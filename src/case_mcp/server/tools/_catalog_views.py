"""What the lookup and administration tools return of the organisation's catalogue: case
types, custom attribute definitions and users (the views of cases are in `_views`)."""

from __future__ import annotations

from pydantic import Field

from case_mcp.models import CaseType, CustomAttributeConfig, User
from case_mcp.server.tools._views import View, absent


class CaseTypeView(View):
    """A case type and the status names it offers, by status group."""

    id: str
    name: str | None = absent()
    description: str | None = absent()
    statuses: dict[str, list[str]] = Field(
        default_factory=dict, description="Status names by group: open, in_progress, closed."
    )


class CaseTypeList(View):
    """Every case type that can be used for new cases."""

    case_types: list[CaseTypeView]


class CustomAttributeView(View):
    """A custom attribute that cases of a case type can carry."""

    key: str | None = absent()
    display_name: str | None = absent()
    type: str | None = absent(description="TEXT, URL, NUMBER or SELECT.")
    is_multi: bool | None = absent(description="True when the value is a list.")
    case_type: str | None = absent(description="The case type's name.")
    case_type_id: str | None = absent()
    options: list[str] = Field(default_factory=list, description="Allowed values of a SELECT.")
    description: str | None = absent()


class CustomAttributeList(View):
    """Custom attribute definitions."""

    custom_attributes: list[CustomAttributeView]


class UserView(View):
    """A user of the organisation."""

    id: str
    name: str | None = absent()
    email: str | None = absent()
    handle: str | None = absent()
    status: str | None = absent(description="Active, Pending or Disabled.")


class UserList(View):
    """Users matching a search."""

    users: list[UserView]
    total: int | None = absent(description="How many users match, across all pages.")
    page: int = Field(1, description="This page's number, from 1.")
    has_more: bool = Field(False, description="True when later pages hold more users.")
    next_page: int | None = absent(description="The page to ask for next, when has_more.")


def case_type_view(case_type: CaseType) -> CaseTypeView:
    config = case_type.attributes.statuses_config
    statuses: dict[str, list[str]] = {}
    if config is not None:
        for group in ("open", "in_progress", "closed"):
            group_config = getattr(config, group)
            if group_config is not None:
                statuses[group] = [option.name for option in group_config.status_options]
    return CaseTypeView(
        id=case_type.id,
        name=case_type.attributes.name,
        description=case_type.attributes.description,
        statuses=statuses,
    )


def custom_attribute_view(
    config: CustomAttributeConfig, type_names: dict[str, str]
) -> CustomAttributeView:
    attributes = config.attributes
    type_data = (attributes.model_extra or {}).get("type_data") or {}
    options = [
        option.get("value") for option in type_data.get("options", []) if option.get("value")
    ]
    return CustomAttributeView(
        key=attributes.key,
        display_name=attributes.display_name,
        type=attributes.type,
        is_multi=attributes.is_multi,
        case_type=type_names.get(attributes.case_type_id or ""),
        case_type_id=attributes.case_type_id,
        options=options,
        description=attributes.description,
    )


def user_view(user: User) -> UserView:
    attributes = user.attributes
    return UserView(
        id=user.id,
        name=attributes.name or None,
        email=attributes.email,
        # Datadog makes a person's handle their email; say it once.
        handle=attributes.handle if attributes.handle != attributes.email else None,
        status=attributes.status,
    )
