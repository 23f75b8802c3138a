"""The names the models know: their fields, their enum values and their resource types.

An error message may repeat a name from an answer only if it is one of these (see
`case_mcp.server._errors`): such a name says something the model can act on, and it cannot
carry anything else. Any other text of an answer is whatever the server that answered wrote,
which may be a key it echoes. The sets are derived from the models, so a field added to a
model is known at once.
"""

from __future__ import annotations

from functools import cache
from typing import Literal, get_args, get_origin

from pydantic import BaseModel

import case_mcp.models as models
from case_mcp.models._document import _USER_TYPES

__all__ = ["enum_values", "field_names", "resource_types"]


def _model_classes() -> list[type[BaseModel]]:
    exported = (getattr(models, name) for name in models.__all__)
    return [kind for kind in exported if isinstance(kind, type) and issubclass(kind, BaseModel)]


@cache
def field_names() -> frozenset[str]:
    """Every field name (and alias) of every model: the JSON members Datadog's documents have."""
    names: set[str] = set()
    for model in _model_classes():
        for name, info in model.model_fields.items():
            names.add(name)
            names.update(
                alias for alias in (info.alias, info.validation_alias) if isinstance(alias, str)
            )
    return frozenset(names)


@cache
def enum_values() -> frozenset[str]:
    """Every value of the models' enumerations (`CasePriority`, `CaseStatus`, ...)."""
    values: set[str] = set()
    for name in models.__all__:
        alias = getattr(models, name)
        if get_origin(alias) is Literal:
            values.update(value for value in get_args(alias) if isinstance(value, str))
    return frozenset(values)


@cache
def resource_types() -> frozenset[str]:
    """The JSON:API ``type`` of every resource the models describe (``case``, ``project``...)."""
    types = set(_USER_TYPES)
    for model in _model_classes():
        field = model.model_fields.get("type")
        if field is not None and isinstance(field.default, str):
            types.add(field.default)
    return frozenset(types)
