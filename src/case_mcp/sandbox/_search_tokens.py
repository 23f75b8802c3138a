"""Reading a search query into tokens: words, phrases, facets, operators and parentheses.

The lexer of `_search`, with the limits that need no grammar: a query's length and its
number of terms. A phrase ends at the next ``"`` that no backslash escapes (``\\"`` is a quote
inside, ``\\\\`` a backslash).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from ._errors import BadRequest

__all__ = ["MAX_LENGTH", "MAX_TERMS", "Token", "TokenKind", "query_error", "tokenize"]

MAX_LENGTH: Final = 4096
"""Characters in a query."""
MAX_TERMS: Final = 100
"""Words, phrases and facet values in a query."""
_QUOTED_LENGTH: Final = 120  # how much of a refused query its error repeats

TokenKind = Literal["word", "phrase", "facet", "facet_group", "(", ")", "AND", "OR", "NOT"]

_KINDS: Final[dict[str, TokenKind]] = {"(": "(", ")": ")", "AND": "AND", "OR": "OR", "NOT": "NOT"}
_FACET_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_.\-/@]*")


@dataclass(frozen=True)
class Token:
    """One piece of a query, and where it starts (for errors)."""

    kind: TokenKind
    pos: int
    text: str = ""
    name: str = ""  # the facet name, for "facet" and "facet_group"
    quoted: bool = False

    @property
    def is_any(self) -> bool:
        return not self.quoted and self.text == "*"

    @property
    def has_wildcard(self) -> bool:
        return not self.quoted and "*" in self.text


def query_error(query: str, pos: int, problem: str) -> BadRequest:
    """The 400 for a query that cannot be read: where (from 1), and the problem."""
    shown = query if len(query) <= _QUOTED_LENGTH else query[:_QUOTED_LENGTH] + "..."
    return BadRequest(f"Invalid search query {shown!r} at character {pos + 1}: {problem}")


def tokenize(query: str) -> list[Token]:
    """The tokens of a query, within the limits on its length and its number of terms.

    Raises:
        BadRequest: The query cannot be read, or is past a limit; the detail says which.
    """
    if len(query) > MAX_LENGTH:
        raise query_error(
            query,
            MAX_LENGTH,
            f"the query is longer than {MAX_LENGTH} characters; split it into several searches",
        )
    try:
        query.encode("utf-8")
    except UnicodeEncodeError as exc:  # SQLite takes only text that UTF-8 can carry
        raise query_error(
            query, exc.start, "this character is not text (a lone surrogate)"
        ) from None
    tokens = _read(query)
    terms = [token for token in tokens if token.kind in ("word", "phrase", "facet")]
    if len(terms) > MAX_TERMS:
        raise query_error(
            query,
            terms[MAX_TERMS].pos,
            f"the query has more than {MAX_TERMS} terms; split it into several searches",
        )
    return tokens


def _read(query: str) -> list[Token]:
    tokens: list[Token] = []
    i = 0
    while i < len(query):
        char = query[i]
        if char.isspace():
            i += 1
        elif char in "()":
            tokens.append(Token(_KINDS[char], i))
            i += 1
        elif char == '"':
            text, after = _read_quoted(query, i)
            tokens.append(Token("phrase", i, text, quoted=True))
            i = after
        elif char == "-":
            if i + 1 == len(query) or query[i + 1].isspace() or query[i + 1] == ")":
                raise query_error(
                    query, i, "'-' must touch the term it excludes, as in -status:closed"
                )
            tokens.append(Token("NOT", i))
            i += 1
        else:
            i = _read_bare(query, i, tokens)
    return tokens


def _read_bare(query: str, start: int, tokens: list[Token]) -> int:
    """Read the word, operator or facet at `start` into `tokens`; return where it ends."""
    end = start
    while end < len(query) and not query[end].isspace() and query[end] not in '()"':
        end += 1
    run = query[start:end]
    name, colon, value = run.partition(":")
    following = query[end] if end < len(query) else ""
    if run in ("AND", "OR", "NOT"):
        tokens.append(Token(_KINDS[run], start))
    elif not colon or not _FACET_NAME.fullmatch(name) or value.startswith("//"):  # a URL
        tokens.append(Token("word", start, run))
    elif value:
        tokens.append(Token("facet", start, value, name))
    elif following == '"':
        text, end = _read_quoted(query, end)
        tokens.append(Token("facet", start, text, name, quoted=True))
    elif following == "(":
        tokens.append(Token("facet_group", start, name=name))
    else:
        raise query_error(
            query, start, f'{run} has no value; write {name}:<value> or {name}:"two words"'
        )
    return end


def _read_quoted(query: str, start: int) -> tuple[str, int]:
    chars: list[str] = []
    i = start + 1
    while i < len(query):
        if query[i] == "\\" and i + 1 < len(query):
            chars.append(query[i + 1])
            i += 2
        elif query[i] == '"':
            return "".join(chars), i + 1
        else:
            chars.append(query[i])
            i += 1
    raise query_error(query, start, 'this quote is never closed; end the phrase with another "')
