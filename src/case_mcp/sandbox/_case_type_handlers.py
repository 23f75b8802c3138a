"""The handlers that create, change and delete case types and custom attribute configs.

Named by Datadog's operation ids (see `_routes.OPERATIONS`), as every handler is: each reads
the request with `_parse`, applies the store method of the same name (the rules are in
`_case_types` and `_case_type_changes`) and writes the answer with `_wire`.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from . import _parse, _wire
from ._answer import answer, no_content
from ._errors import BadRequest
from ._store import Store

__all__ = ["CaseTypeHandlers"]


def _options(attributes: dict[str, Any]) -> list[str] | None:
    """The values of ``type_data.options``, or None when none are sent."""
    type_data = _parse.mapping(attributes, "type_data")
    if "options" not in type_data:
        return None
    raw = type_data["options"]
    if not isinstance(raw, list) or not all(
        isinstance(option, dict) and isinstance(option.get("value"), str) for option in raw
    ):
        raise BadRequest('type_data.options must be a list like [{"value": "us-east-1"}]')
    return [option["value"] for option in raw]


def _type_id(request: Request) -> str:
    return _parse.uuid_param(request.path_params["case_type_id"], "CaseTypeID")


def _config_id(request: Request) -> str:
    return _parse.uuid_param(request.path_params["custom_attribute_id"], "CustomAttributeId")


class CaseTypeHandlers:
    """The case type administration handlers, mixed into the sandbox's `Handlers`."""

    store: Store

    # Case types ----------------------------------------------------------------------------

    async def create_case_type(self, request: Request) -> Response:
        attributes = _parse.mapping(_parse.resource(await request.body(), "case_type"))
        kind = self.store.create_case_type(
            name=_parse.string(attributes, "name") or "",
            description=_parse.string(attributes, "description", required=False) or "",
            emoji=_parse.string(attributes, "emoji", required=False) or "",
        )
        return answer({"data": _wire.case_type_document(kind)}, status=201)

    async def update_case_type(self, request: Request) -> Response:
        type_id = _type_id(request)
        data = _parse.resource(await request.body(), "case_type")
        if data.get("attributes") is None:  # Datadog's model makes them optional
            kind = self.store.get_case_type(type_id, live=True)
        else:
            attributes = _parse.mapping(data)
            kind = self.store.update_case_type(
                type_id,
                name=_parse.string(attributes, "name") or "",
                description=_parse.string(attributes, "description", required=False),
                emoji=_parse.string(attributes, "emoji", required=False),
            )
        return answer({"data": _wire.case_type_document(kind)})

    async def delete_case_type(self, request: Request) -> Response:
        self.store.delete_case_type(_type_id(request))
        return no_content()

    # Custom attribute configs --------------------------------------------------------------

    async def create_custom_attribute_config(self, request: Request) -> Response:
        type_id = _type_id(request)
        attributes = _parse.mapping(_parse.resource(await request.body(), "custom_attribute"))
        config = self.store.create_custom_attribute_config(
            type_id,
            key=_parse.string(attributes, "key") or "",
            display_name=_parse.string(attributes, "display_name") or "",
            type=_parse.string(attributes, "type") or "",
            is_multi=bool(_parse.boolean(attributes, "is_multi")),
            description=_parse.string(attributes, "description", required=False),
            options=_options(attributes),
        )
        return answer({"data": _wire.custom_attribute_config_document(config)}, status=201)

    async def update_custom_attribute_config(self, request: Request) -> Response:
        type_id, config_id = _type_id(request), _config_id(request)
        attributes = _parse.mapping(_parse.resource(await request.body(), "custom_attribute"))
        # map_from names an external field that fills the attribute; the sandbox has no
        # integrations to fill it from, so it checks the form and keeps nothing.
        _parse.string(attributes, "map_from", required=False)
        config = self.store.update_custom_attribute_config(
            type_id,
            config_id,
            display_name=_parse.string(attributes, "display_name", required=False),
            description=_parse.string(attributes, "description", required=False),
            type=_parse.string(attributes, "type", required=False),
            options=_options(attributes),
        )
        return answer({"data": _wire.custom_attribute_config_document(config)})

    async def delete_custom_attribute_config(self, request: Request) -> Response:
        self.store.delete_custom_attribute_config(_type_id(request), _config_id(request))
        return no_content()
