"""What a model is told when a call names no tool or prompt, or arguments that do not fit.

The SDK answers with pydantic's own report: the argument model's name, each rejected value
(``input_value=...``) and a link to pydantic's site. A model learns little from it, and the
value it sent, which may be anything, is repeated back. Here each wrong argument is named
with what it takes, read from the tool's input schema (type, allowed values, pattern, date
format, length, range), in the voice of every other error; the value is never repeated.

An argument the tool does not have is named with the closest one it has: the SDK would drop
it without a word, so ``caseid`` would read as a missing ``case_id`` and ``force: true`` as
accepted. A name sent by the model (of a tool, a prompt or an argument) is repeated only
when it looks like an identifier, so free text never comes back as if it were ours.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from pydantic import ValidationError
from pydantic_core import ErrorDetails

__all__ = [
    "unknown_arguments",
    "unknown_prompt",
    "unknown_tool",
    "unusable_prompt_argument",
    "wrong_arguments",
]

_IDENTIFIER: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_.-]{0,63}")

# pydantic's error types, by what a model should hear about its argument.
_PROBLEMS: Final = {
    "missing": "is missing",
    "string_too_short": "is too short",
    "string_too_long": "is too long",
    "too_short": "has too few items",
    "too_long": "has too many items",
    "greater_than": "is too small",
    "greater_than_equal": "is too small",
    "less_than": "is too large",
    "less_than_equal": "is too large",
    "literal_error": "is not one of the allowed values",
    "enum": "is not one of the allowed values",
    "string_pattern_mismatch": "is not in the form required",
}


def unknown_tool(name: str, offered: Sequence[str]) -> str:
    """What a call of a tool this server does not offer is told."""
    tools = f"The tools on this server: {', '.join(offered)}."
    if not _IDENTIFIER.fullmatch(name):
        return f"There is no tool by that name. {tools}"
    return f"Unknown tool {name!r}{_closest(name, offered)}. {tools}"


def unknown_prompt(name: str, offered: Sequence[str]) -> str:
    """What a request for a prompt this server does not have is told."""
    prompts = f"The prompts on this server: {', '.join(offered)}."
    if not _IDENTIFIER.fullmatch(name):
        return f"There is no prompt by that name. {prompts}"
    return f"Unknown prompt {name!r}{_closest(name, offered)}. {prompts}"


def unknown_arguments(owner: str, unknown: Sequence[str], arguments: Mapping[str, bool]) -> str:
    """What a call with arguments its tool or prompt does not have is told.

    Args:
        owner: Who lacks them: ``get_case``, or ``The prompt triage_case``.
        unknown: The names sent that it does not have.
        arguments: The arguments it has, each with whether it is required, in order.
    """
    named = [name for name in unknown if _IDENTIFIER.fullmatch(name)]
    if not named:
        sent = "no argument by that name"
    else:
        sent = "no argument " + ", ".join(
            f"{name!r}{_closest(name, list(arguments))}" for name in named
        )
        if len(named) < len(unknown):
            sent += " nor the other names sent"
    if not arguments:
        return f"{owner} has {sent}; it takes no arguments."
    listed = ", ".join(
        f"{name} (required)" if required else name for name, required in arguments.items()
    )
    return f"{owner} has {sent}. Its arguments: {listed}."


def wrong_arguments(tool: str, error: ValidationError, schema: Mapping[str, Any]) -> str:
    """What a call whose arguments fail the tool's input schema is told, one sentence each.

    Args:
        tool: The tool's name.
        error: The SDK's validation error; only its error types and locations are read.
        schema: The tool's input schema, for what each argument takes.
    """
    properties: Mapping[str, Any] = schema.get("properties", {})
    by_argument: dict[str, list[ErrorDetails]] = {}
    for detail in error.errors():
        location = detail["loc"]
        name = location[0] if location and location[0] in properties else ""
        by_argument.setdefault(str(name), []).append(detail)
    sentences = []
    for name, details in by_argument.items():
        if not name:
            sentences.append("The arguments do not fit the tool's input schema.")
            continue
        sentences.append(f"{name} {_problem(details)}: it takes {_takes(properties[name])}.")
    it = "it" if len(sentences) == 1 else "them"
    return f"{' '.join(sentences)} Nothing was done; correct {it} and call {tool} again."


def unusable_prompt_argument(prompt: str, error: ValidationError) -> str:
    """What a prompt request whose argument fails its constraints is told.

    Prompt arguments are strings; pydantic's error context holds the limit that was passed
    (never the value), which is all there is to say.
    """
    sentences = []
    for detail in error.errors():
        location = detail["loc"]
        name = str(location[0]) if location else ""
        if not _IDENTIFIER.fullmatch(name):
            sentences.append(f"The prompt {prompt} cannot take these arguments.")
            continue
        limits = detail.get("ctx") or {}
        takes = "a string"
        if isinstance(limits.get("max_length"), int):
            takes += f" of at most {limits['max_length']} characters"
        elif isinstance(limits.get("min_length"), int):
            takes += f" of at least {_characters(limits['min_length'])}"
        sentences.append(
            f"The prompt {prompt} cannot take this {name}: it {_problem([detail])}; it takes "
            f"{takes}."
        )
    return " ".join(dict.fromkeys(sentences))


def _closest(name: str, valid: Iterable[str]) -> str:
    found = difflib.get_close_matches(name, list(valid), n=1, cutoff=0.6)
    return f" (did you mean {found[0]!r}?)" if found else ""


def _problem(details: Sequence[ErrorDetails]) -> str:
    # A union reports one error per branch; the null branch says nothing about the value.
    problems = {
        _PROBLEMS.get(detail["type"])
        or ("has the wrong type" if detail["type"].endswith(("_type", "_parsing")) else None)
        for detail in details
        if detail["type"] != "none_required"
    }
    (problem,) = problems if len(problems) == 1 else {None}
    return problem or "is not valid"


def _takes(schema: Mapping[str, Any]) -> str:
    """What a JSON Schema accepts, in words: "a string of 1 to 100 characters"."""
    options = schema.get("anyOf")
    if isinstance(options, list):
        kinds = [_takes(option) for option in options if option.get("type") != "null"]
        nullable = ", or null" if len(kinds) < len(options) else ""
        return f"{_either(kinds)}{nullable}"
    if "enum" in schema:
        return f"one of {_either([repr(value) for value in schema['enum']])}"
    kind = schema.get("type")
    if kind == "string" and schema.get("format") == "date":
        return "a date written YYYY-MM-DD"
    if kind == "string":
        pattern = schema.get("pattern")
        shape = f" matching {pattern}" if isinstance(pattern, str) else ""
        return f"a string{_bounds(schema, 'minLength', 'maxLength', _characters)}{shape}"
    if kind in ("integer", "number"):
        noun = "a whole number" if kind == "integer" else "a number"
        low, high = schema.get("minimum"), schema.get("maximum")
        if low is not None and high is not None:
            return f"{noun} from {low} to {high}"
        if low is not None:
            return f"{noun} of at least {low}"
        return f"{noun} of at most {high}" if high is not None else noun
    if kind == "boolean":
        return "true or false"
    if kind == "array":
        items = schema.get("items")
        each = f" (each item {_takes(items)})" if isinstance(items, Mapping) and items else ""
        return f"a list{_bounds(schema, 'minItems', 'maxItems', _items)}{each}"
    if kind == "object":
        values = schema.get("additionalProperties")
        each = f" (each value {_takes(values)})" if isinstance(values, Mapping) else ""
        return f"an object{_bounds(schema, 'minProperties', 'maxProperties', _names)}{each}"
    return "a value as the tool's input schema describes"


def _bounds(schema: Mapping[str, Any], least: str, most: str, unit: Any) -> str:
    low, high = schema.get(least), schema.get(most)
    if low is not None and high is not None:
        return f" of {low} to {unit(high)}"
    if high is not None:
        return f" of at most {unit(high)}"
    return f" of at least {unit(low)}" if low is not None else ""


def _either(choices: Sequence[str]) -> str:
    return choices[0] if len(choices) == 1 else f"{', '.join(choices[:-1])} or {choices[-1]}"


def _characters(count: int) -> str:
    return f"{count} character{'' if count == 1 else 's'}"


def _items(count: int) -> str:
    return f"{count} item{'' if count == 1 else 's'}"


def _names(count: int) -> str:
    return f"{count} name{'' if count == 1 else 's'}"
