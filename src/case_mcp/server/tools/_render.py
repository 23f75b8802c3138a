"""Tool results as a model reads them: compact JSON, nulls and empty values dropped.

The SDK would render structured output as indented JSON; every indent costs context tokens
on every call, so tools build their `CallToolResult` here, with the same object as the
structured content and as one line of text.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.types import CallToolResult, TextContent
from pydantic import BaseModel

from case_mcp.server.guardrails._sanitize import clean_data, encodes_clean_data


def compact_with_text(model: BaseModel) -> tuple[dict[str, Any], str]:
    """The model as JSON data, without nulls, empty optional values or invisible characters,
    and that data as one line of text (`to_text`).

    A required field keeps its value even when empty (a search with no match still says
    ``"cases": []``), so the result always validates against the tool's output schema.
    Every string (titles, comments, attribute names and values...) is cleaned of control
    and invisible characters (`_sanitize`): this is the one place every tool result and
    resource document passes through.
    """
    dumped = _prune(model, model.model_dump(mode="json", by_alias=True, exclude_none=True))
    text = to_text(dumped)
    # Scanning the text once is cheaper than walking every string of the data, and most
    # data has nothing to clean; only data that needs it is cleaned and written again.
    if encodes_clean_data(text):
        return dumped, text
    cleaned: dict[str, Any] = clean_data(dumped)
    return cleaned, to_text(cleaned)


def _prune(model: BaseModel, dumped: dict[str, Any]) -> dict[str, Any]:
    for name, field in type(model).model_fields.items():
        key = field.alias or name
        if key not in dumped:
            continue
        value = getattr(model, name)
        if isinstance(value, BaseModel):
            _prune(value, dumped[key])
        elif isinstance(value, list):
            for item, item_dumped in zip(value, dumped[key], strict=True):
                if isinstance(item, BaseModel):
                    _prune(item, item_dumped)
        if dumped[key] in ("", [], {}) and not field.is_required():
            del dumped[key]
    return dumped


def to_text(data: Any) -> str:
    """One line of JSON, non-ASCII kept as is (names and titles are often not English)."""
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def result(view: BaseModel) -> CallToolResult:
    """A tool's answer: the view as structured content, and the same JSON as its text."""
    data, text = compact_with_text(view)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def compact_text(model: BaseModel) -> str:
    """The text of `compact_with_text(model)`: a resource document."""
    return compact_with_text(model)[1]
