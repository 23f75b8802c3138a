"""Checking a custom attribute value against the attribute's configuration.

Datadog refuses a value that does not fit with a bare ``400 Bad Request``, and needs the
attribute's type and is_multi repeated in every request. A model knows neither, so tools look
the configuration up, send what it says, and check the value first so that a refusal can say
what the attribute takes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final, TypeAlias
from urllib.parse import urlsplit

from mcp.server.mcpserver.exceptions import ToolError

from case_mcp.models import (
    CustomAttributeConfig,
    CustomAttributeData,
    CustomAttributeType,
    CustomAttributeValue,
)

# int before float, so that large whole numbers (monitor ids) keep every digit.
CustomValueInput: TypeAlias = str | int | float | list[str | int | float]
"""What a model may send as a custom attribute value (before it is checked)."""

_TYPES: Final[tuple[CustomAttributeType, ...]] = ("URL", "TEXT", "NUMBER", "SELECT")
_ONE: Final = {"NUMBER": "a number", "TEXT": "text", "URL": "an http(s) URL", "SELECT": "one of"}
_MANY: Final = {
    "NUMBER": "a list of numbers",
    "TEXT": "a list of texts",
    "URL": "a list of http(s) URLs",
    "SELECT": "a list of values from",
}


@dataclass(frozen=True)
class CheckedValue:
    """A value that fits its attribute, with the type and is_multi Datadog wants sent along."""

    type: CustomAttributeType
    is_multi: bool
    value: CustomAttributeData

    def to_model(self) -> CustomAttributeValue:
        """The value as `create_case` takes it."""
        return CustomAttributeValue(type=self.type, is_multi=self.is_multi, value=self.value)


def select_options(config: CustomAttributeConfig) -> list[str]:
    """The allowed values of a SELECT attribute (empty when none are configured)."""
    type_data = (config.attributes.model_extra or {}).get("type_data") or {}
    return [
        str(option["value"])
        for option in type_data.get("options", [])
        if isinstance(option, dict) and option.get("value")
    ]


def expectation(config: CustomAttributeConfig) -> str:
    """What the attribute takes, in words: "a list of numbers", "one of 'low', 'high'"."""
    kind = config.attributes.type or "TEXT"
    words = (_MANY if config.attributes.is_multi else _ONE).get(kind, f"a {kind} value")
    if kind != "SELECT":
        return words
    options = ", ".join(repr(option) for option in select_options(config))
    if options:
        return f"{words} {options}"
    return "a list of texts" if config.attributes.is_multi else "text"


def check_value(config: CustomAttributeConfig, value: CustomValueInput) -> CheckedValue:
    """The value, normalised to what the attribute takes.

    Numbers written as text become numbers, numbers become text for TEXT attributes, a
    SELECT value takes its option's spelling, and a single value for a multi-value
    attribute becomes a one-item list.

    Raises:
        ToolError: The value does not fit; the message says what the attribute takes.
    """
    attributes = config.attributes
    key = attributes.key or config.id
    kind = attributes.type
    if kind not in _TYPES:
        raise ToolError(f"Custom attribute {key!r} has type {kind!r}, which tools cannot set.")
    is_multi = bool(attributes.is_multi)
    takes = f"Custom attribute {key!r} takes {expectation(config)}"
    if is_multi:
        items = value if isinstance(value, list) else [value]
        if not items:
            raise ToolError(f"{takes}; to clear it, use delete_case_custom_attribute.")
        checked: Any = [_check_one(config, item, takes) for item in items]
    else:
        if isinstance(value, list):
            raise ToolError(f"{takes}, a single value, not a list.")
        checked = _check_one(config, value, takes)
    return CheckedValue(type=kind, is_multi=is_multi, value=checked)


def _check_one(config: CustomAttributeConfig, item: str | int | float, takes: str) -> Any:
    kind = config.attributes.type
    if kind == "NUMBER":
        number = _number(item)
        if number is None:
            raise ToolError(f"{takes}; {_shown(item)} is not a number.")
        return number
    text = item if isinstance(item, str) else _number_text(item)
    if not text.strip():
        raise ToolError(f"{takes}; to clear it, use delete_case_custom_attribute.")
    if kind == "URL":
        parts = urlsplit(text.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ToolError(f"{takes}; {_shown(item)} is not an http(s) URL.")
        return text.strip()
    if kind == "SELECT":
        options = select_options(config)
        if not options:
            return text
        for option in options:
            if option.casefold() == text.strip().casefold():
                return option
        raise ToolError(f"{takes}; {_shown(item)} is not one of them.")
    return text


def _number(item: str | int | float) -> int | float | None:
    if isinstance(item, bool):
        return None
    if isinstance(item, int):
        return item
    if isinstance(item, str):
        text = item.strip()
        try:
            return int(text)
        except ValueError:
            pass
        try:
            item = float(text)
        except ValueError:
            return None
    if not math.isfinite(item):
        return None
    return int(item) if item.is_integer() else item


def _number_text(item: int | float) -> str:
    return str(int(item)) if isinstance(item, float) and item.is_integer() else str(item)


def _shown(item: object) -> str:
    text = repr(item)
    return text if len(text) <= 60 else text[:57] + "...'"
