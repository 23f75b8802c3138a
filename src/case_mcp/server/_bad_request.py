"""Datadog's 400 messages of known shape, and what of them a model may be told.

Datadog explains a 400 in a handful of message shapes (``missing required attribute "title"``,
``invalid priority P9. Must be one of P1, ...``, ``invalid parameter "CommentID" in "path"``).
Each shape below says its fact in our words, repeating from Datadog's text only names case-mcp
knows: fields and enum values of the models and their resource types (`case_mcp.models.names`),
JSON type names, and where a parameter goes. Anything else it captured is left out and the fact
is told without it: an answer may echo a case's text, or, from a server that is not Datadog, the
keys it was sent, in the very places a field name goes.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Final

from case_mcp.errors import BadRequestError
from case_mcp.models.names import enum_values, field_names, resource_types

__all__ = ["bad_request"]


def bad_request(error: BadRequestError) -> str:
    """What a model is told about a 400: the facts of known shape, or what to check."""
    facts = [fact for detail in error.errors for fact in _facts(detail.title, detail.detail)]
    for detail in error.errors:
        key = detail.meta.get("key") or detail.meta.get("field")
        if isinstance(key, str) and key in field_names():
            facts.append(f"the field concerned is {key!r}")
    if not facts:
        return (
            "Datadog rejected the request as invalid (400) without a reason that can be "
            "repeated safely. Check each argument against the tool's description (formats, "
            "allowed values) and retry."
        )
    return f"Datadog rejected the request (400): {'; '.join(dict.fromkeys(facts))}. " + (
        "Fix that argument and retry."
    )


# Datadog's error messages whose shape is known. Of what each captures, only names case-mcp
# knows are repeated (fields and enum values of the models, JSON type names); anything else is
# left out, and the fact is told without it.
_FIELD = r"(?P<field>[^\s\"]{1,64})"
_ENUM = re.compile(rf"invalid {_FIELD} \S+\. Must be one of (?P<choices>[A-Z0-9_]+(, [A-Z0-9_]+)*)")
_PARAMETER = re.compile(
    rf'invalid parameter "{_FIELD}" in "(?P<where>[a-z]+)"; expected type "(?P<type>[^"]{{1,64}})"'
)
_DECODING = re.compile(rf'error decoding attribute "{_FIELD}": invalid type (?P<type>\S{{1,64}})')
_DOCUMENT_TYPE = re.compile(
    r'got type "[^"]{1,64}" expected one of (?P<choices>"[a-z_]+"(, "[a-z_]+")*)'
)
_MISSING = re.compile(rf'missing required attribute "{_FIELD}"')
_EMPTY = re.compile(rf"^{_FIELD} must not be empty$")
_RESERVED = re.compile(r'project key "[^"]{1,64}" is reserved')
_QUERY = re.compile(r"^Invalid search query .* at character (?P<position>\d{1,6}):")
# The search language's limits (the sandbox's 400s), each anchored to the end of the detail,
# where the problem follows the quoted query. Only the digits of a limit are repeated.
_QUERY_LIMITS: Final = (
    (
        re.compile(
            r": groups are nested more than (?P<limit>\d{1,3}) deep; remove the parentheses "
            r"that hold a single term, or split the query into several searches$"
        ),
        "its ( ) groups are nested more than {limit} deep: remove the parentheses around "
        "single terms, or split it into several searches",
    ),
    (
        re.compile(
            r": more than (?P<limit>\d{1,3}) NOT or - in a row; one excludes a term, "
            r"a second cancels the first$"
        ),
        "it has more than {limit} NOT or - in a row before a term: one excludes the term",
    ),
    (
        re.compile(
            r": the query has more than (?P<limit>\d{1,4}) terms; split it into several searches$"
        ),
        "it has more than {limit} terms: split it into several searches",
    ),
    (
        re.compile(
            r": the query is longer than (?P<limit>\d{1,6}) characters; "
            r"split it into several searches$"
        ),
        "it is longer than {limit} characters: split it into several searches",
    ),
    (
        re.compile(
            r" reaches back more than (?P<years>\d{1,4}) years; write a nearer time, such as "
            r"[a-z_]{1,20}:>now-52w, or a date, such as [a-z_]{1,20}:>2020-01-01$"
        ),
        "a relative time (now-<n><m|h|d|w>) in it reaches back more than {years} years: "
        "use a nearer one, or a date",
    ),
    (
        re.compile(
            r" is outside the times a search can name, the years 1 to 9999 \(UTC\); "
            r"write a time within them$"
        ),
        "a time in it is outside the years 1 to 9999 (UTC)",
    ),
)
_PLACES: Final = frozenset({"path", "query", "body"})
# JSON's type names, and those of the Go types Datadog's handlers decode into.
_TYPE_NAMES: Final = frozenset(
    [
        "string",
        "number",
        "integer",
        "int",
        "int64",
        "float64",
        "boolean",
        "bool",
        "object",
        "array",
        "null",
        "uuid",
        "map",
        "slice",
    ]
)


def _facts(*texts: str) -> Iterator[str]:
    for text in texts:
        for shape, say in _SHAPES:
            found = shape.search(text)
            if found is not None:
                yield say(found)


def _field(found: re.Match[str], otherwise: str) -> str:
    return found["field"] if found["field"] in field_names() else otherwise


def _enum(found: re.Match[str]) -> str:
    subject = _field(found, "the value given")
    choices = found["choices"].split(", ")
    known = [choice for choice in choices if choice in enum_values()]
    if known and len(known) == len(choices):
        return f"{subject} must be one of {', '.join(known)}"
    if known:
        return f"{subject} must be one of Datadog's values, such as {', '.join(known)}"
    return f"{subject} has a value Datadog does not accept"


def _parameter(found: re.Match[str]) -> str:
    where = found["where"] if found["where"] in _PLACES else "request"
    name = found["field"]
    subject = f"{name} (in the {where})" if name in field_names() else f"a parameter in the {where}"
    if found["type"] in _TYPE_NAMES:
        return f"{subject} must be a {found['type']}"
    return f"{subject} has the wrong type"


def _decoding(found: re.Match[str]) -> str:
    subject = _field(found, "an attribute")
    if found["type"] in _TYPE_NAMES:
        return f"{subject} has the wrong JSON type ({found['type']} is not accepted)"
    return f"{subject} has the wrong JSON type"


def _stating(say: str) -> Callable[[re.Match[str]], str]:
    return lambda found: say.format(**found.groupdict())


def _document_type(found: re.Match[str]) -> str:
    choices = [choice.strip('"') for choice in found["choices"].split(", ")]
    if all(choice in resource_types() for choice in choices):
        return f"the document type must be one of {found['choices']}"
    return "the document type was not accepted"


_SHAPES: Final[tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...]] = (
    (_ENUM, _enum),
    (_PARAMETER, _parameter),
    (_DECODING, _decoding),
    (_DOCUMENT_TYPE, _document_type),
    (_MISSING, lambda found: f"{_field(found, 'a required attribute')} is required"),
    (_EMPTY, lambda found: f"{_field(found, 'an attribute')} must not be empty"),
    (_RESERVED, lambda found: "the project key is reserved by Datadog; choose another key"),
    (
        _QUERY,
        lambda found: (
            f"the search query is not valid at character {found['position']} "
            "(search_cases describes the syntax)"
        ),
    ),
    *((shape, _stating(say)) for shape, say in _QUERY_LIMITS),
)
