"""How a question to a person shows untrusted text: as short, quoted data, never as prose.

A confirmation question is the server speaking to a person, and its words are trusted. Names,
comments, e-mail addresses and attribute values are written by other people and by
integrations, so a project named ``Scratch) -- SAFE: nothing will be deleted (`` would read
as the server's own words if it were pasted into a sentence. Every such piece is cleaned
(`clean_text`), cut to a line's length and written as a JSON string literal: in double
quotes, its own quotes, backslashes and line breaks escaped, so it cannot end its quotes and
carry on as the question. Identifiers that are plainly identifiers (``SEC``, ``SEC-12``) are
shown bare, so a person can type them.
"""

from __future__ import annotations

import json
import re
from typing import Any, Final

from case_mcp.server.guardrails._sanitize import clean_text

__all__ = ["LINE_LENGTH", "NAME_LENGTH", "identifier", "quoted", "shown_value"]

NAME_LENGTH: Final = 60
"""The most characters of a name or an address a question shows."""
LINE_LENGTH: Final = 120
"""The most characters of a line of text (a comment's first line) a question shows."""

_VALUES_SHOWN: Final = 5
_IDENTIFIER: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")


def quoted(text: str, limit: int = NAME_LENGTH) -> str:
    """`text`, cleaned and cut to `limit` characters (an ellipsis marks a cut), in quotes."""
    return json.dumps(_shortened(clean_text(text), limit), ensure_ascii=False)


def identifier(text: str) -> str:
    """A key or id as typed: bare when it is made of letters, digits and ``-_.``, else quoted."""
    return text if _IDENTIFIER.fullmatch(text) else quoted(text)


def shown_value(data: Any) -> str:
    """A custom attribute's value: a number as written, text quoted, a list by its first items."""
    if isinstance(data, list):
        shown = ", ".join(shown_value(item) for item in data[:_VALUES_SHOWN])
        hidden = len(data) - _VALUES_SHOWN
        return f"{shown} and {hidden} more" if hidden > 0 else shown or "(empty)"
    if isinstance(data, bool) or data is None:
        return json.dumps(data)
    if isinstance(data, int | float):
        return repr(data)
    return quoted(data if isinstance(data, str) else json.dumps(data), LINE_LENGTH)


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
