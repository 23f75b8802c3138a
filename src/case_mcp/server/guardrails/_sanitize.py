"""Untrusted text made safe to show a model: no control or invisible characters.

Case titles, descriptions, comments and attributes are written by people and by integrations
(security signals, error tracking) that quote attacker-controlled input. Text a human cannot
see can still steer a model: zero-width and bidi-override characters hide or reorder words,
Unicode tag characters (U+E0000 block) and variation selectors smuggle whole invisible
sentences, and control characters rewrite a terminal. Everything a tool or resource returns
goes through `clean_data` (in `_render.compact_with_text`), so none of it reaches a model, and error
texts go through `clean_text`.

What is removed: C0 controls but tab and newline (a carriage return, NEL and the Unicode line
and paragraph separators become newlines), DEL and C1 controls, every format character
(Unicode category Cf: zero-width space, joiners, marks, bidi embeddings, overrides and
isolates, word joiner, invisible operators, BOM, tag characters...), lone surrogates,
noncharacters, the invisible fillers (Hangul fillers, combining grapheme joiner, Khmer
inherent vowels) and the variation selectors that carry no visible difference (all but
U+FE0E and U+FE0F, which choose text or emoji presentation). Visible text, accents and
every script are kept as they are.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Final

__all__ = ["clean_data", "clean_text", "encodes_clean_data"]

# Ranges (inclusive) of code points to remove. Category Cf as of Unicode 15.1 (Python 3.11
# to 3.13; tests/server/test_untrusted_content.py checks this list against the running
# interpreter's Unicode database), then the invisible characters of other categories.
_FORMAT: Final = (
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
)
_CONTROLS: Final = ((0x00, 0x08), (0x0B, 0x0C), (0x0E, 0x1F), (0x7F, 0x9F))
_INVISIBLE: Final = (
    (0x034F, 0x034F),  # combining grapheme joiner
    (0x115F, 0x1160),  # Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),  # Khmer inherent vowels
    (0x3164, 0x3164),  # Hangul filler
    (0xFFA0, 0xFFA0),  # halfwidth Hangul filler
    (0xFE00, 0xFE0D),  # variation selectors 1-14
    (0xE0100, 0xE01EF),  # variation selectors 17-256
    (0xD800, 0xDFFF),  # surrogates: never valid alone, and unencodable as UTF-8
    (0xFDD0, 0xFDEF),  # noncharacters
    (0xFFFE, 0xFFFF),
)


def _character_class(ranges: tuple[tuple[int, int], ...]) -> str:
    parts = (
        re.escape(chr(low)) if low == high else f"{re.escape(chr(low))}-{re.escape(chr(high))}"
        for low, high in ranges
    )
    return "[" + "".join(parts) + "]"


# Line breaks other than \n first, so a \r\n pair becomes one newline, not two.
_LINE_BREAKS: Final = re.compile("\r\n?|[\x85\u2028\u2029]")
_REMOVED: Final = re.compile(_character_class(_CONTROLS + _FORMAT + _INVISIBLE))


# What, in JSON written by `json.dumps(..., ensure_ascii=False)`, can stand for a character
# `clean_text` changes: the escape json.dumps writes for a C0 control other than tab and
# newline (\r, \b, \f, \u00XX), or the character itself (DEL and non-ASCII are written as
# they are). A false alarm (an escaped backslash before r, b, f or u) costs a full cleaning.
_ESCAPES: Final = re.compile(r"\\[rbfu]")
_CHANGED: Final = re.compile(
    _character_class(_CONTROLS + _FORMAT + _INVISIBLE + ((0x85, 0x85), (0x2028, 0x2029)))
)


def encodes_clean_data(text: str) -> bool:
    """Whether the data `text` encodes is already clean: `clean_data` would not change it.

    `text` is the data as ``json.dumps(data, ensure_ascii=False)`` writes it (any
    separators). Most data has nothing to clean, and checking its JSON once is far cheaper
    than walking it.
    """
    if _ESCAPES.search(text) is not None:
        return False
    if text.isascii():
        return "\x7f" not in text
    # Each distinct character once: a text has few, and the class of removed ones is slow
    # to match character by character.
    return _CHANGED.search("".join(set(text))) is None


def clean_text(text: str) -> str:
    """`text` without control or invisible characters; line breaks become ``\\n``."""
    return _REMOVED.sub("", _LINE_BREAKS.sub("\n", text))


def clean_data(value: Any) -> Any:
    """`value` (JSON data) with every string in it cleaned, keys of objects included."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, Mapping):
        return {clean_text(str(key)): clean_data(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [clean_data(item) for item in value]
    return value
