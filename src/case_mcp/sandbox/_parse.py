"""Request parsing: JSON:API bodies, query parameters and path ids → typed values.

Parsing checks form, not rules: that a body is a ``{"data": {"type": ...}}`` document of the
right type, that an attribute has the right JSON type, that a path id is a UUID. Each failure
is a `BadRequest` in Datadog's wording where the recordings show it, naming the field.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping
from typing import Any, Final

from ._errors import BadRequest, InvalidParameter

__all__ = [
    "LAST_PAGE",
    "bool_query",
    "boolean",
    "choice_query",
    "int_query",
    "mapping",
    "relationship",
    "resource",
    "string",
    "string_lists",
    "uuid_param",
]

Object = dict[str, Any]
# Far past any page there is, and small enough that page x size stays an SQLite integer.
LAST_PAGE: Final = 1_000_000_000


def _json_type(value: Any) -> str:
    """The JSON type of a value, named as Datadog's decoder names it."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _wrong_type(name: str, value: Any) -> BadRequest:
    return BadRequest(f'error decoding attribute "{name}": invalid type {_json_type(value)}')


def resource(raw: bytes, expected_type: str) -> Object:
    """The ``data`` object of a JSON:API request body, checked to be of `expected_type`."""
    if not raw.strip():
        raise BadRequest(
            f'the request needs a JSON body: {{"data": {{"type": "{expected_type}", ...}}}}'
        )
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict):
        raise BadRequest(
            f'the request body must be a JSON object {{"data": {{"type": "{expected_type}", '
            '...}}; "data" is missing or not an object'
        )
    got = data.get("type")
    if got != expected_type:
        raise BadRequest(
            f'got type "{got if isinstance(got, str) else ""}" expected one of "{expected_type}"'
        )
    return data


def mapping(data: Object, name: str = "attributes") -> Object:
    """A member of a document that must be an object (missing = empty)."""
    value = data.get(name, {})
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _wrong_type(name, value)
    return value


def string(attributes: Object, name: str, *, required: bool = True) -> str | None:
    """A string attribute; a missing required one is a 400 naming it."""
    value = attributes.get(name)
    if value is None:
        if required:
            raise BadRequest(f'missing required attribute "{name}"')
        return None
    if not isinstance(value, str):
        raise _wrong_type(name, value)
    return value


def boolean(attributes: Object, name: str, *, required: bool = True) -> bool | None:
    """A boolean attribute."""
    value = attributes.get(name)
    if value is None:
        if required:
            raise BadRequest(f'missing required attribute "{name}" (true or false)')
        return None
    if not isinstance(value, bool):
        raise _wrong_type(name, value)
    return value


def string_lists(attributes: Object, name: str) -> dict[str, list[str]]:
    """An object of string lists, as a case's ``attributes`` map."""
    value = attributes.get(name)
    if value is None:
        raise BadRequest(
            f'missing required attribute "{name}": an object of string lists such as '
            '{"service": ["web-api"]}'
        )
    if not isinstance(value, dict):
        raise _wrong_type(name, value)
    for values in value.values():
        if not isinstance(values, list):
            raise _wrong_type(name, values)
        for item in values:
            if not isinstance(item, str):
                raise _wrong_type(name, item)
    return value


def relationship(data: Object, name: str, expected_type: str, *, required: bool) -> str | None:
    """The id a relationship points to (``{"data": {"id", "type"}}``); None when empty."""
    relationships = mapping(data, "relationships")
    link = relationships.get(name)
    if link is None or (isinstance(link, dict) and link.get("data") is None):
        if required:
            raise BadRequest(
                f'missing required relationship "{name}": '
                f'{{"{name}": {{"data": {{"id": "<uuid>", "type": "{expected_type}"}}}}}}'
            )
        return None
    target = link.get("data") if isinstance(link, dict) else None
    if not isinstance(target, dict):
        raise _wrong_type(name, target)
    got = target.get("type")
    if got != expected_type:
        raise BadRequest(
            f'got type "{got if isinstance(got, str) else ""}" expected one of "{expected_type}"'
        )
    object_id = target.get("id")
    if not isinstance(object_id, str) or not object_id:
        raise BadRequest(f'relationship "{name}" needs a string "id"')
    return object_id


def uuid_param(value: str, name: str) -> str:
    """A path parameter that must be a UUID (lowercased), or Datadog's Invalid Parameter."""
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise InvalidParameter(name, "path", 'type "uuid"') from None


def int_query(
    params: Mapping[str, str], name: str, *, default: int, minimum: int, maximum: int | None
) -> int:
    """An integer query parameter within bounds."""
    raw = params.get(name)
    if raw is None:
        return default
    expected = (
        f"an integer from {minimum} to {maximum}"
        if maximum is not None
        else f"an integer of at least {minimum}"
    )
    try:
        value = int(raw)
    except ValueError:
        raise InvalidParameter(name, "query", f'{expected}, got "{raw}"') from None
    if value < minimum or (maximum is not None and value > maximum):
        raise InvalidParameter(name, "query", f'{expected}, got "{raw}"')
    return value


def bool_query(params: Mapping[str, str], name: str, *, default: bool) -> bool:
    """A true/false query parameter."""
    raw = params.get(name)
    if raw is None:
        return default
    if raw.lower() not in ("true", "false"):
        raise InvalidParameter(name, "query", f'true or false, got "{raw}"')
    return raw.lower() == "true"


def choice_query(
    params: Mapping[str, str], name: str, *, default: str, choices: tuple[str, ...]
) -> str:
    """A query parameter with a fixed set of values."""
    raw = params.get(name)
    if raw is None:
        return default
    if raw not in choices:
        raise InvalidParameter(name, "query", f'one of {", ".join(choices)}, got "{raw}"')
    return raw
