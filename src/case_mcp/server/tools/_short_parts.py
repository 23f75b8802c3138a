"""A notification rule's triggers and recipients as short strings, both ways.

Datadog keeps each as ``{"type": ..., "data": {...}}``; a rule is nothing but a query and
these, so their form is most of what a listed rule costs. Each type that has one gets a
short form a person would write, ``"slack demo-org #sec-cases"``, and the tools take back
exactly what they show. A part the short form of its type cannot say whole (data beyond
it, a value with a space where one word goes) is shown, and taken, as one flat object,
``{"type": ..., and its data}``; a part of a type alone is its type, ``"CASE_CREATED"``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from typing import Annotated, Any, Final

from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field

from case_mcp.models import RulePart

TRIGGER_FORMS: Final[Mapping[str, str]] = {
    "CASE_CREATED": "CASE_CREATED",
    "STATUS_TRANSITIONED": "STATUS_TRANSITIONED to {to_status_name}",
    "ATTRIBUTE_VALUE_CHANGED": "ATTRIBUTE_VALUE_CHANGED {field}",
    "EVENT_CORRELATION_SIGNAL_CORRELATED": "EVENT_CORRELATION_SIGNAL_CORRELATED",
}
"""Each notification trigger type Datadog documents, and its short form."""

RECIPIENT_FORMS: Final[Mapping[str, str]] = {
    "EMAIL": "email {email}",
    "SLACK_CHANNEL": "slack {workspace} {channel}",
    "MS_TEAMS_CHANNEL": "teams {channel_name}",
    "PAGERDUTY_SERVICE": "pagerduty {service_name}",
    "HTTP": "http {name}",
}
"""Each recipient type Datadog documents, and its short form."""

ShortPart = Annotated[
    str | dict[str, Any],
    Field(description='Its short form; or, if that cannot say it, {"type": ..., and its data}'),
]

_FIELD: Final = re.compile(r"\{(\w+)\}")


@cache
def _pattern(form: str) -> re.Pattern[str]:
    """`form` as a pattern: one word for each field, the rest of the text for the last."""
    pieces = _FIELD.split(form)
    last = len(pieces) - 2
    expression = "".join(
        re.escape(piece)
        if index % 2 == 0
        else f"(?P<{piece}>.+)"
        if index == last
        else f"(?P<{piece}>\\S+)"
        for index, piece in enumerate(pieces)
    )
    return re.compile(expression, re.IGNORECASE)


def shown(part: RulePart, forms: Mapping[str, str]) -> str | dict[str, Any]:
    """`part` as the tools show it: its short form if that says it whole, else its type
    alone if it has no data, else one flat object."""
    form = forms.get(part.type or "")
    if form is not None and all(isinstance(value, str) for value in part.data.values()):
        try:
            text = form.format(**part.data)
        except KeyError:
            text = None
        if text is not None and _read(text, forms) == (part.type, part.data):
            return text
    if part.type is not None and not part.data:
        return part.type
    return {"type": part.type, **part.data}


def _read(text: str, forms: Mapping[str, str]) -> tuple[str, dict[str, str]] | None:
    """The type and data `text` says in a short form of `forms`, or its type alone."""
    text = text.strip()
    for kind, form in forms.items():
        found = _pattern(form).fullmatch(text)
        if found is not None:
            return kind, found.groupdict()
    if text.upper() in forms:
        return text.upper(), {}
    return None


def taken(given: str | Mapping[str, str], what: str, forms: Mapping[str, str]) -> RulePart:
    """A trigger or recipient as a tool takes it: a short form, a type alone, or an object.

    Raises:
        ToolError: A string of no short form, or an object of no known type; the message
            shows the forms.
    """
    if isinstance(given, str):
        read = _read(given, forms)
        if read is None:
            shapes = ", ".join(f'"{_placeholders(form)}"' for form in forms.values())
            raise ToolError(
                f"Each {what} is one of {shapes}, or "
                '{"type": ..., and its data}; nothing was changed.'
            )
        return RulePart(type=read[0], data=read[1])
    data = dict(given)
    kind = data.pop("type", None)
    if kind not in forms:
        raise ToolError(
            f'Each {what} needs a "type", one of {", ".join(forms)} (got {kind!r}), beside '
            f'its data, or is a short form such as "{_placeholders(next(iter(forms.values())))}".'
        )
    return RulePart(type=kind, data=data)


def _placeholders(form: str) -> str:
    return _FIELD.sub(lambda field: f"<{field.group(1)}>", form)
