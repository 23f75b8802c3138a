"""Validation errors in the user's words: the variable or flag to fix and what it takes."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, get_args, get_origin

import annotated_types
from pydantic import AliasChoices, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import ErrorDetails
from pydantic_settings import BaseSettings

from case_mcp.errors import ConfigurationError

__all__ = ["expected", "invalid"]


def invalid(
    model: type[BaseSettings], exc: ValidationError, *, flags: Mapping[str, str]
) -> ConfigurationError:
    """One error naming, for each bad value, the variable or flag that gave it and what fits.

    A value that came from the environment arrives under its variable's name (the alias),
    one passed in by a flag under its field's name: the error's location says which. The
    value itself is never repeated: it may be a key pasted into the wrong variable.
    """
    fields = model.model_fields
    by_alias = {alias: name for name, info in fields.items() for alias in _aliases(info)}
    problems = []
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else ""
        if key in fields:
            source = flags.get(key) or next(iter(_aliases(fields[key])), key)
            field: FieldInfo | None = fields[key]
        elif key in by_alias:
            source, field = key, fields[by_alias[key]]
        else:
            source, field = model.__name__, None
        problems.append(f"{source} {_problem(error, field)}")
    return ConfigurationError(f"Invalid configuration: {'; '.join(problems)}")


def _aliases(field: FieldInfo) -> list[str]:
    alias = field.validation_alias
    if isinstance(alias, str):
        return [alias]
    if isinstance(alias, AliasChoices):
        return [choice for choice in alias.choices if isinstance(choice, str)]
    return []


def _problem(error: ErrorDetails, field: FieldInfo | None) -> str:
    if error["type"] in ("value_error", "assertion_error") or field is None:
        # Our own validators' messages, written to be read; pydantic prefixes them.
        return "is invalid: " + error["msg"].removeprefix("Value error, ")
    what = expected(field)
    return f"must be {what}" if what else f"is invalid: {error['msg']}"


def expected(field: FieldInfo) -> str | None:
    """What a number, a switch or a choice must look like, in words; None for other types."""
    kinds = [kind for kind in get_args(field.annotation) if kind is not type(None)]
    kind = kinds[0] if len(kinds) == 1 else field.annotation
    if kind is bool:
        return "true or false (1/0, yes/no, on/off)"
    if get_origin(kind) is Literal:
        return "one of " + ", ".join(repr(choice) for choice in get_args(kind))
    if kind not in (int, float):
        return None
    what = "a whole number" if kind is int else "a number"
    bounds = {
        type(rule).__name__: getattr(rule, type(rule).__name__.lower())
        for rule in field.metadata
        if isinstance(rule, annotated_types.Ge | annotated_types.Gt | annotated_types.Le)
    }
    if "Ge" in bounds and "Le" in bounds:
        return f"{what} from {bounds['Ge']:g} to {bounds['Le']:g}"
    words = {"Ge": "at least", "Gt": "greater than", "Le": "at most"}
    limits = [f"{words[name]} {bound:g}" for name, bound in bounds.items()]
    return " ".join([what, " and ".join(limits)]) if limits else what
