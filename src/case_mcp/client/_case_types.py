"""The administration of case types and the custom attributes configured on them.

Organisation-wide: a project scope does not limit them. Reading them is in `_organisation`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from case_mcp.client._operation import ORGANISATION, Read, operation
from case_mcp.client._operations import Operations
from case_mcp.client._paths import api_path
from case_mcp.client._recovery import _get, _items
from case_mcp.models import (
    CaseType,
    CaseTypeCreate,
    CaseTypeDocument,
    CaseTypeUpdate,
    CustomAttributeConfig,
    CustomAttributeConfigCreate,
    CustomAttributeConfigDocument,
    CustomAttributeConfigUpdate,
)

_TYPES = "/api/v2/cases/types"
_TYPE = "/api/v2/cases/types/{case_type_id}"
_CONFIGS = "/api/v2/cases/types/{case_type_id}/custom_attributes"
_CONFIG = "/api/v2/cases/types/{case_type_id}/custom_attributes/{custom_attribute_id}"


async def find_case_type(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The case type a lost create made: the newest live one with the same name, description
    and emoji (types carry no creation time, so an identical older one would be taken)."""
    sent = _get(body, "data", "attributes")
    if not isinstance(sent, Mapping):
        return None
    wanted = ("name", "description", "emoji")
    for item in reversed(_items(await read(api_path(_TYPES), {}))):
        found = _get(item, "attributes") or {}
        if found.get("deleted_at") is None and all(
            (found.get(name) or "") == (sent.get(name) or "") for name in wanted
        ):
            return {"data": item}
    return None


async def find_custom_attribute_config(
    read: Read, arguments: Mapping[str, Any], body: Mapping[str, Any] | None, sent_at: datetime
) -> dict[str, Any] | None:
    """The attribute a lost create made: the case type's one with the same key (keys are
    unique within a type, so this is exact)."""
    key = _get(body, "data", "attributes", "key")
    path = api_path(_CONFIGS, case_type_id=str(arguments["case_type_id"]))
    for item in _items(await read(path, {})):
        if _get(item, "attributes", "key") == key:
            return {"data": item}
    return None


class CaseTypeOperations(Operations):
    """Creating, changing and deleting case types and their custom attribute configs."""

    @operation(
        "POST",
        _TYPES,
        effect="creates",
        scope=ORGANISATION,
        request=CaseTypeCreate,
        response=CaseTypeDocument,
        finder=find_case_type,
    )
    async def create_case_type(
        self, name: str, *, description: str | None = None, emoji: str | None = None
    ) -> CaseType:
        """Create a case type; Datadog gives it the statuses Open, In Progress and Closed.

        Args:
            name: Its display name.
            description: When to use it.
            emoji: One emoji shown with it.

        Raises:
            BadRequestError: An empty name, or an emoji that is not one emoji.
        """
        body = CaseTypeCreate(name=name, description=description, emoji=emoji)
        document: CaseTypeDocument = await self._call(body)
        return document.data

    @operation(
        "PUT",
        _TYPE,
        effect="sets",
        scope=ORGANISATION,
        request=CaseTypeUpdate,
        response=CaseTypeDocument,
    )
    async def update_case_type(
        self,
        case_type_id: str,
        name: str,
        *,
        description: str | None = None,
        emoji: str | None = None,
    ) -> CaseType:
        """Rename a case type or change its description or emoji; its id stays.

        Args:
            case_type_id: The case type's UUID.
            name: Its name (Datadog requires it: send the current one to keep it).
            description: Its new description; None leaves it.
            emoji: Its new emoji; None leaves it.

        Raises:
            BadRequestError: An empty name, or an emoji that is not one emoji.
            NotFoundError: No such case type, or it was deleted.
        """
        body = CaseTypeUpdate(name=name, description=description, emoji=emoji)
        document: CaseTypeDocument = await self._call(body)
        return document.data

    @operation("DELETE", _TYPE, effect="deletes", scope=ORGANISATION)
    async def delete_case_type(self, case_type_id: str) -> None:
        """Delete a case type: it is marked deleted, and cases that have it keep it.

        Args:
            case_type_id: The case type's UUID.

        Raises:
            NotFoundError: No such case type.
        """
        await self._call()

    @operation(
        "POST",
        _CONFIGS,
        effect="creates",
        scope=ORGANISATION,
        request=CustomAttributeConfigCreate,
        response=CustomAttributeConfigDocument,
        finder=find_custom_attribute_config,
    )
    async def create_custom_attribute_config(
        self,
        case_type_id: str,
        key: str,
        display_name: str,
        type: str,  # Datadog's field name
        *,
        is_multi: bool = False,
        description: str | None = None,
        options: Sequence[str] | None = None,
    ) -> CustomAttributeConfig:
        """Configure a custom attribute on a case type.

        Args:
            case_type_id: The case type's UUID.
            key: The key cases store the value under (letters, digits, ``_-.``).
            display_name: Its label.
            type: ``URL``, ``TEXT``, ``NUMBER`` or ``SELECT``.
            is_multi: Whether a value is a list.
            description: What it holds.
            options: A SELECT's allowed values.

        Raises:
            BadRequestError: An invalid key, type or options, or the key is taken.
            NotFoundError: No such case type.
        """
        body = CustomAttributeConfigCreate(
            key=key,
            display_name=display_name,
            type=type,
            is_multi=is_multi,
            description=description,
            options=None if options is None else tuple(options),
        )
        document: CustomAttributeConfigDocument = await self._call(body)
        return document.data

    @operation(
        "PUT",
        _CONFIG,
        effect="sets",
        scope=ORGANISATION,
        request=CustomAttributeConfigUpdate,
        response=CustomAttributeConfigDocument,
    )
    async def update_custom_attribute_config(
        self,
        case_type_id: str,
        custom_attribute_id: str,
        *,
        display_name: str | None = None,
        description: str | None = None,
        type: str | None = None,  # Datadog's field name
        options: Sequence[str] | None = None,
    ) -> CustomAttributeConfig:
        """Change a custom attribute's label, description, type or options; id and key stay.

        Args:
            case_type_id: The case type's UUID.
            custom_attribute_id: The attribute configuration's UUID.
            display_name: Its new label; None leaves it (as every other argument).
            description: Its new description.
            type: Its new type.
            options: A SELECT's new allowed values, replacing the old ones.

        Raises:
            BadRequestError: An invalid type or options.
            NotFoundError: No such case type, or no such attribute on it.
        """
        body = CustomAttributeConfigUpdate(
            display_name=display_name,
            description=description,
            type=type,
            options=None if options is None else tuple(options),
        )
        document: CustomAttributeConfigDocument = await self._call(body)
        return document.data

    @operation("DELETE", _CONFIG, effect="deletes", scope=ORGANISATION)
    async def delete_custom_attribute_config(
        self, case_type_id: str, custom_attribute_id: str
    ) -> None:
        """Delete a custom attribute configuration; values already on cases stay.

        Args:
            case_type_id: The case type's UUID.
            custom_attribute_id: The attribute configuration's UUID.

        Raises:
            NotFoundError: No such case type, or no such attribute on it.
        """
        await self._call()
