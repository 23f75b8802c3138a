"""Case search syntax (the `filter` of a case search).

Terms separated by spaces must all match. Values are case-insensitive.

  word, "a phrase"     text in the title or description (a word shaped like a case key,
                       SEC-12, also finds that case)
  status:<s>           a status value or name: open, in_progress, "in progress", closed,
                       pending_approval, approved, implementing, completed, cancelled, declined
  status_group:<g>     open, in_progress or closed: every status of that group
                       (status_group:closed also finds Completed, Cancelled, Declined)
  priority:<p>         p1, p2, p3, p4, p5, not_defined
  project:<p>          project key or id: project:SEC
  assignee:<u>         user id, email, handle or name; assignee:none = unassigned
  created_by:<u>       the same, for who opened the case
  type:<t>             case type name, id or wire type: type:security, type:"change request"
  key:<k>              case key: key:SEC-12 (a moved case's old key too), key:SEC-*
  creation_source:<s>  manual, error_tracking, security_signal, monitor, ...
  archived:<b>         true (only archived cases), false, any
  created_at:<op><t>   also modified_at, closed_at. <op> is >, >=, < or <=; <t> is a date
                       (2026-09-01 = its midnight UTC), a UTC time (2026-09-01T08:00:00Z)
                       or now-<n><m|h|d|w> (now-7d). created_at:2026-09-01 = that whole day.
  due_date:<op><d>     <d> is a date (2026-12-31), <op> as above or none for that day;
                       due_date:* = has one, due_date:none = has none
  resolved_reason:<r>  a security case's resolved reason: false_positive, true_positive,
                       benign_positive; resolved_reason:* = has one, :none = has none
  <name>:<value>       any other name is a case attribute (names are exact):
                       service:web-api env:prod team:sre

  *                    in a facet value matches any text: service:web-*; <name>:* = has one
  -term, NOT term      excludes: -status:closed -"flaky test" -env:staging
  a OR b               either; AND (or a space) binds tighter than OR
  ( )                  groups: (env:prod OR env:staging) -status:closed
  name:(a OR b)        several values of one facet: priority:(p1 OR p2)
  "..."                a value with spaces: status:"in progress"; \\" is a quote inside

Archived cases are left out unless the query names `archived` (archived:true or archived:any).

Limits (a query past one is refused with a 400 that names it):
  4096 characters, 100 terms, ( ) groups nested 10 deep, 2 NOT or - in a row,
  relative times up to 100 years back, times within the years 1 to 9999 (UTC).

Examples:
  status:open priority:p1
  project:SEC -status_group:closed assignee:none
  service:checkout-* env:prod 5xx
  type:"change request" status:pending_approval
  created_at:>=now-7d priority:(p1 OR p2)
  due_date:<=2026-12-31 -status_group:closed
  type:security resolved_reason:false_positive
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection
from datetime import UTC, date, datetime, timedelta
from fnmatch import fnmatchcase
from typing import Final

from ._errors import BadRequest
from ._rules import PRIORITY_RANKS, RESOLVED_REASONS, STATUS_GROUPS, STATUSES
from ._search_tokens import MAX_LENGTH, MAX_TERMS, Token, query_error, tokenize

__all__ = [
    "MAX_DEPTH",
    "MAX_LENGTH",
    "MAX_LOOKBACK",
    "MAX_NEGATIONS",
    "MAX_TERMS",
    "compile_query",
]

# With the tokenizer's limits on length and terms, these keep every query within what the
# compiled SQL can hold: SQLite's parser stack (about 100 entries; each group costs about 4,
# each NOT 1) and its expression depth (1000).
MAX_DEPTH: Final = 10
"""Groups, ``( )`` and ``name:( )``, one inside another."""
MAX_NEGATIONS: Final = 2
"""NOT or ``-`` in a row before one term."""
MAX_LOOKBACK: Final = timedelta(days=36_525)
"""How far back a relative time (``now-<n><unit>``) may reach: 100 years."""

_GROUPS: Final = {name.upper(): group for name, group in STATUS_GROUPS.items()}

Sql = tuple[str, list[object]]
_CASE_KEY = re.compile(r"[A-Za-z][A-Za-z0-9]*-[0-9]+")
_RELATIVE_TIME = re.compile(r"now(?:-([0-9]{1,6})([mhdw]))?")
_TIME_UNITS: Final = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_COMPARISONS: Final = (">=", "<=", ">", "<")  # longest first, so ">=" is not read as ">"
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_NULLABLE_TIMES: Final = ("modified_at", "closed_at")
_TEXT_INDEX: Final = "c.rowid IN (SELECT rowid FROM cases_text WHERE cases_text MATCH ?)"
_USER_MATCH: Final = "u.id = ? OR u.email = ? COLLATE NOCASE OR u.handle = ? COLLATE NOCASE"


def compile_query(query: str, *, now: datetime | None = None) -> Sql:
    """Compile a search query into a SQL condition over ``cases c`` and its parameters.

    The condition may hold subqueries on ``case_attributes``, ``users``, ``projects``,
    ``case_types`` and ``case_key_aliases``; every value is a ``?`` parameter.

    Args:
        query: The search text, in the syntax of this module's docstring.
        now: The time that ``now`` in relative times means (default: the current UTC time).

    Raises:
        BadRequest: The query cannot be read; the detail says what is wrong and how to write it.
    """
    parser = _Parser(query, now or datetime.now(UTC))
    if not parser.tokens:
        return "c.archived_at IS NULL", []
    sql, params = parser.expression()
    if parser.index < len(parser.tokens):
        raise parser.fail("this ')' closes no '('")
    if not parser.names_archived:
        # Every fragment is atomic, parenthesized or a NOT, so it needs no more parentheses.
        # The unary + keeps SQLite from driving the search by an index led by archived_at:
        # without statistics it takes "IS NULL" for a selective term, though most cases match.
        sql = f"{sql} AND +c.archived_at IS NULL"
    return sql, params


def _join(operator: str, parts: list[Sql]) -> Sql:
    if len(parts) == 1:
        return parts[0]
    return (
        "(" + f" {operator} ".join(sql for sql, _ in parts) + ")",
        [param for _, params in parts for param in params],
    )


def _like(text: str, *, wildcard: bool = True) -> str:
    """A LIKE pattern (ESCAPE '\\') matching `text`; with `wildcard`, `*` matches any text."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return escaped.replace("*", "%") if wildcard else escaped


def _glob(text: str) -> str:
    """A GLOB pattern (case-sensitive, so an index on the column serves it) for `text`."""
    return text.replace("[", "[[]").replace("?", "[?]")


def _normal(text: str) -> str:
    """Upper-snake case: how status values, priorities and wire types are spelled."""
    return re.sub(r"[\s\-]+", "_", text.strip()).upper()


def _utc(moment: datetime) -> str:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class _Parser:
    """Recursive descent over the tokens, emitting SQL as it goes: OR < AND < NOT < term."""

    def __init__(self, query: str, now: datetime) -> None:
        self.query = query
        self.now = now
        self.tokens = tokenize(query)
        self.index = 0
        self.depth = 0  # the groups around the current token
        self.names_archived = False
        self.facets: list[str] = []  # the names of the enclosing name:( ... ) groups
        self.compilers: dict[str, Callable[[str, Token], Sql]] = {
            "status": self.status,
            "status_group": self.status_group,
            "priority": self.priority,
            "project": self.project,
            "assignee": self.user,
            "created_by": self.user,
            "type": self.case_type,
            "key": self.key,
            "creation_source": self.creation_source,
            "archived": self.archived,
            "created_at": self.time,
            "modified_at": self.time,
            "closed_at": self.time,
            "due_date": self.due_date,
            "resolved_reason": self.resolved_reason,
        }

    def peek(self) -> Token | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def fail(self, problem: str, token: Token | None = None) -> BadRequest:
        token = token or self.peek()
        pos = token.pos if token else len(self.query)
        return query_error(self.query, pos, problem)

    # Grammar

    def expression(self) -> Sql:
        parts = [self.conjunction()]
        while (token := self.peek()) is not None and token.kind == "OR":
            self.index += 1
            parts.append(self.conjunction())
        return _join("OR", parts)

    def conjunction(self) -> Sql:
        parts = [self.unary()]
        while (token := self.peek()) is not None and token.kind not in ("OR", ")"):
            if token.kind == "AND":
                self.index += 1
            parts.append(self.unary())
        return _join("AND", parts)

    def unary(self) -> Sql:
        negations = 0
        while (token := self.peek()) is not None and token.kind == "NOT":
            negations += 1
            if negations > MAX_NEGATIONS:
                raise self.fail(
                    f"more than {MAX_NEGATIONS} NOT or - in a row; one excludes a term, "
                    "a second cancels the first",
                    token,
                )
            self.index += 1
        sql, params = self.operand()
        return "NOT " * negations + sql, params

    def operand(self) -> Sql:
        token = self.peek()
        if token is None:
            raise self.fail("the query ends where a term is expected")
        self.index += 1
        if token.kind == "(":
            return self.group(token)
        if token.kind == "facet_group":
            self.index += 1  # the "(" that the tokenizer saw right after the colon
            self.facets.append(token.name)
            try:
                return self.group(token)
            finally:
                self.facets.pop()
        if token.kind == "facet":
            return self.facet(token.name, token)
        if token.kind in ("word", "phrase"):
            return self.facet(self.facets[-1], token) if self.facets else self.text(token)
        if token.kind == ")":
            raise self.fail("a term is expected before this ')'", token)
        raise self.fail(f"{token.kind} needs a term on each side", token)

    def group(self, opening: Token) -> Sql:
        if self.depth == MAX_DEPTH:
            raise self.fail(
                f"groups are nested more than {MAX_DEPTH} deep; remove the parentheses "
                "that hold a single term, or split the query into several searches",
                opening,
            )
        self.depth += 1
        sql, params = self.expression()
        self.depth -= 1
        closing = self.peek()
        if closing is None or closing.kind != ")":
            raise self.fail("this '(' is never closed; add a ')'", opening)
        self.index += 1
        return sql, params

    # Terms

    def text(self, token: Token) -> Sql:
        pattern = f"%{_like(token.text, wildcard=not token.quoted)}%"
        sql = "c.title LIKE ? ESCAPE '\\' OR c.description LIKE ? ESCAPE '\\'"
        params: list[object] = [pattern, pattern]
        match = _trigram_match(token)
        if match is not None:
            # The index finds the few cases that hold every indexable part of the text; LIKE
            # then decides, as it would alone: the index folds case beyond ASCII and ignores
            # where the parts fall, so it may find more, never less.
            sql = f"{_TEXT_INDEX} AND ({sql})"
            params.insert(0, match)
        if not token.quoted and _CASE_KEY.fullmatch(token.text):
            key_sql, key_params = self.key("key", token)
            sql += f" OR {key_sql}"
            params += key_params
        return f"({sql})", params

    def facet(self, name: str, token: Token) -> Sql:
        compiler = self.compilers.get(name.lower())
        return compiler(name.lower(), token) if compiler else self.attribute(name, token)

    def attribute(self, name: str, token: Token) -> Sql:
        subquery = "c.id IN (SELECT a.case_id FROM case_attributes a WHERE a.key = ?"
        if token.is_any:
            return subquery + ")", [name]
        if token.has_wildcard:
            return subquery + " AND a.value LIKE ? ESCAPE '\\')", [name, _like(token.text)]
        return subquery + " AND a.value = ? COLLATE NOCASE)", [name, token.text]

    def choices(self, name: str, token: Token, valid: Collection[str], what: str) -> list[str]:
        """The members of an enum that a value (maybe with `*`) names; at least one."""
        value = _normal(token.text)
        chosen = [v for v in valid if fnmatchcase(v, value)] if token.has_wildcard else [value]
        if not chosen or chosen[0] not in valid:
            options = ", ".join(v.lower() for v in valid)
            raise self.fail(
                f"{token.text!r} is not a {what}; write {name}:<one of {options}>", token
            )
        return chosen

    def status(self, name: str, token: Token) -> Sql:
        chosen = self.choices(name, token, STATUSES, "case status")
        return _in("c.status", chosen)

    def status_group(self, name: str, token: Token) -> Sql:
        text = re.sub(r"(?i)^sg_", "", token.text)
        chosen = self.choices(name, Token("word", token.pos, text), _GROUPS, "status group")
        return _in("c.status_group", [_GROUPS[group] for group in chosen])

    def priority(self, name: str, token: Token) -> Sql:
        chosen = self.choices(name, token, PRIORITY_RANKS, "priority")
        return _in("c.priority_rank", [PRIORITY_RANKS[priority] for priority in chosen])

    def project(self, name: str, token: Token) -> Sql:
        if token.has_wildcard:
            where = "p.key LIKE ? ESCAPE '\\'"
            return f"c.project_id IN (SELECT p.id FROM projects p WHERE {where})", [
                _like(token.text)
            ]
        # One project at most (keys are unique, ids are UUIDs): "=" lets SQLite walk the
        # (project_id, created_at) index in order instead of sorting every case of the project.
        where = "p.id = ? OR p.key = ? COLLATE NOCASE"
        return f"c.project_id = (SELECT p.id FROM projects p WHERE {where})", [token.text] * 2

    def user(self, name: str, token: Token) -> Sql:
        column = "c.assignee_id" if name == "assignee" else "c.created_by"
        if token.is_any:
            return f"{column} IS NOT NULL", []
        if not token.quoted and token.text.lower() == "none":
            return f"{column} IS NULL", []
        # The IS NOT NULL keeps "-assignee:x" true for unassigned cases (NOT of NULL is NULL).
        subquery = f"({column} IS NOT NULL AND {column} IN (SELECT u.id FROM users u WHERE "
        if token.has_wildcard:
            pattern = _like(token.text)
            where = " OR ".join(f"u.{c} LIKE ? ESCAPE '\\'" for c in ("email", "handle", "name"))
            return subquery + where + "))", [pattern, pattern, pattern]
        return subquery + _USER_MATCH + " OR u.name = ? COLLATE NOCASE))", [token.text] * 4

    def case_type(self, name: str, token: Token) -> Sql:
        value = _normal(token.text)
        subquery = "c.type_id IN (SELECT t.id FROM case_types t WHERE "
        spelled = "upper(replace(t.name, ' ', '_'))"
        if token.has_wildcard:
            pattern = _like(value)
            where = f"{spelled} LIKE ? ESCAPE '\\' OR t.wire_type LIKE ? ESCAPE '\\')"
            return subquery + where, [pattern, pattern]
        where = f"t.id = ? OR {spelled} = ? OR upper(t.wire_type) = ?)"
        return subquery + where, [token.text, value, value]

    def key(self, name: str, token: Token) -> Sql:
        value = token.text.upper()
        operator = "GLOB" if token.has_wildcard else "="
        if token.has_wildcard:
            value = _glob(value)
        aliases = f"SELECT k.case_id FROM case_key_aliases k WHERE k.key {operator} ?"
        return f"(c.key {operator} ? OR c.id IN ({aliases}))", [value, value]

    def creation_source(self, name: str, token: Token) -> Sql:
        if token.has_wildcard:
            return "c.creation_source LIKE ? ESCAPE '\\'", [_like(_normal(token.text))]
        return "c.creation_source = ?", [_normal(token.text)]

    def archived(self, name: str, token: Token) -> Sql:
        self.names_archived = True
        value = token.text.lower()
        if value in ("any", "*"):
            return "1=1", []
        if value not in ("true", "false"):
            raise self.fail(
                f"{token.text!r} is not a choice; write archived:true, archived:false "
                "or archived:any",
                token,
            )
        return f"c.archived_at IS {'NOT NULL' if value == 'true' else 'NULL'}", []

    def time(self, name: str, token: Token) -> Sql:
        column = f"c.{name}"
        if token.is_any:
            return f"{column} IS NOT NULL", []
        operator = next((op for op in _COMPARISONS if token.text.startswith(op)), None)
        if operator is None:
            day = self.moment(name, token, token.text, whole_day=True)
            return f"({column} >= ? AND {column} < ?)", self.utc(token, day, timedelta(days=1))
        moment = self.moment(name, token, token.text[len(operator) :], whole_day=False)
        if name in _NULLABLE_TIMES:  # NOT of NULL is NULL: keep negations true for unset times
            return f"({column} IS NOT NULL AND {column} {operator} ?)", self.utc(token, moment)
        return f"{column} {operator} ?", self.utc(token, moment)

    def due_date(self, name: str, token: Token) -> Sql:
        if token.is_any:
            return "c.due_date IS NOT NULL", []
        if not token.quoted and token.text.lower() == "none":
            return "c.due_date IS NULL", []
        operator = next((op for op in _COMPARISONS if token.text.startswith(op)), "=")
        text = token.text.removeprefix(operator)
        try:
            day = date.fromisoformat(text) if _DATE.fullmatch(text) else None
        except ValueError:
            day = None
        if day is None:
            raise self.fail(
                f"{token.text!r} is not a date; write a date as YYYY-MM-DD, such as "
                f"{name}:2026-12-31, {name}:<=2026-12-31, {name}:* or {name}:none",
                token,
            )
        # Dates are stored as YYYY-MM-DD text, which sorts as the dates do. The IS NOT NULL
        # keeps a negation true for a case without a due date (NOT of NULL is NULL).
        return f"(c.due_date IS NOT NULL AND c.due_date {operator} ?)", [day.isoformat()]

    def resolved_reason(self, name: str, token: Token) -> Sql:
        if token.is_any:
            return "c.security_resolved_reason IS NOT NULL", []
        if not token.quoted and token.text.lower() == "none":
            return "c.security_resolved_reason IS NULL", []
        chosen = self.choices(name, token, RESOLVED_REASONS, "resolved reason")
        # The IS NOT NULL keeps a negation true for a case without a reason (NOT of NULL is NULL).
        column, params = _in("c.security_resolved_reason", chosen)
        return f"(c.security_resolved_reason IS NOT NULL AND {column})", params

    def moment(self, name: str, token: Token, text: str, *, whole_day: bool) -> datetime:
        relative = _RELATIVE_TIME.fullmatch(text.lower())
        try:
            if whole_day:
                return datetime.combine(date.fromisoformat(text), datetime.min.time(), UTC)
            if relative:
                return self.now - self.lookback(name, token, *relative.groups())
            return datetime.fromisoformat(text)
        except ValueError:
            pass
        except OverflowError:
            raise self.out_of_range(token) from None
        raise self.fail(
            f"{token.text!r} is not a time; write {name}:>=2026-09-01, {name}:<now-7d, "
            f"{name}:>2026-09-01T08:00:00Z or {name}:2026-09-01 (that whole day)",
            token,
        )

    def lookback(self, name: str, token: Token, amount: str | None, unit: str | None) -> timedelta:
        """How far back ``now-<amount><unit>`` is: within `MAX_LOOKBACK`, so a time."""
        if amount is None or unit is None:
            return timedelta()
        delta = timedelta(**{_TIME_UNITS[unit]: int(amount)})
        if delta > MAX_LOOKBACK:
            raise self.fail(
                f"{token.text!r} reaches back more than {MAX_LOOKBACK.days // 365} years; write "
                f"a nearer time, such as {name}:>now-52w, or a date, such as {name}:>2020-01-01",
                token,
            )
        return delta

    def utc(self, token: Token, moment: datetime, *spans: timedelta) -> list[object]:
        """The moment in UTC, then the moment plus each span, as the stored times read."""
        try:
            return [_utc(moment + span) for span in (timedelta(), *spans)]
        except OverflowError:  # a time in the first or last hours the calendar can hold
            raise self.out_of_range(token) from None

    def out_of_range(self, token: Token) -> BadRequest:
        return self.fail(
            f"{token.text!r} is outside the times a search can name, the years 1 to 9999 "
            "(UTC); write a time within them",
            token,
        )


def _trigram_match(token: Token) -> str | None:
    """An FTS5 query for `cases_text` that every case matching the text term matches.

    None when no part of the text between wildcards has the three characters a trigram
    needs: such a term is left to LIKE alone. SQLite's LIKE reads its pattern up to the
    first NUL, so the index is asked for that much only.
    """
    text = token.text.partition("\x00")[0]
    parts = [text] if token.quoted else text.split("*")
    phrases = [f'"{part.replace(chr(34), chr(34) * 2)}"' for part in parts if len(part) >= 3]
    return " AND ".join(phrases) or None


def _in(column: str, values: list[str] | list[int]) -> Sql:
    if len(values) == 1:
        return f"{column} = ?", [values[0]]
    params: list[object] = [*values]
    return f"{column} IN ({', '.join('?' * len(values))})", params
