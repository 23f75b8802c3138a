"""Client errors as tool errors a model can act on.

Only `ToolError` text reaches the model; anything else becomes the SDK's generic message. So
every tool body runs inside `reported(...)`, which turns each kind of failure into one short
paragraph: what happened, and what to do next (`explain`).

The text is built from trusted parts only: our own words, the HTTP status, the API host the
operator configured, Datadog's rate-limit headers, and from Datadog's error messages only
what has a known shape: field names and lists of allowed values (`_bad_request`). Datadog's
free text is never repeated, since it may quote a case's title or a comment; neither are
keys, URLs with query strings, or stack traces.

A failure of a request that creates something (a case, a project, a comment) after it was sent
never says "retry": the model is told the outcome is unknown and which tool checks it, since a
second call could make a duplicate (see `case_mcp.client._recovery`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final
from urllib.parse import urlsplit

from mcp.server.mcpserver.exceptions import ToolError

from case_mcp.client._retry import never_sent, operation_of
from case_mcp.config import SITES
from case_mcp.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DatadogError,
    InvalidRequestError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestLimitError,
    RequestTimeoutError,
    ServerError,
    UnknownOutcomeError,
)

__all__ = ["explain", "reported", "tool_error"]

# What was being created, which tool shows whether it exists, and the tool that creates it.
_CREATED: Final = {
    "create_case": (
        "the case",
        "search_cases (with words of its title and its project, newest first)",
        "create_case",
    ),
    "create_project": ("the project", "list_projects", "create_project"),
    "comment_case": ("the comment", "get_case_timeline on that case", "add_case_comment"),
}
_PERMISSIONS: Final = ("cases_read", "cases_write", "user_access_read")
_IDENTIFIER: Final = re.compile(r"[A-Za-z][A-Za-z0-9_.-]{0,63}")


@contextmanager
def reported(not_found: str) -> Iterator[None]:
    """Translate the client's exceptions raised inside the block into `ToolError`s.

    Args:
        not_found: What to tell the model on a 404: which id was not found, and which
            tool finds valid ones.
    """
    try:
        yield
    except (DatadogError, InvalidRequestError) as error:
        raise tool_error(error, not_found) from error


def tool_error(error: DatadogError | InvalidRequestError, not_found: str = "") -> ToolError:
    """The `ToolError` for a client exception (see `explain`)."""
    return ToolError(explain(error, not_found))


def explain(error: DatadogError | InvalidRequestError, not_found: str = "") -> str:
    """What a model is told about a failed request: what happened, and what to do next.

    Args:
        error: The client's exception.
        not_found: The text for a 404 (which id, which tool finds valid ones); a generic one
            when empty.
    """
    if isinstance(error, InvalidRequestError):
        return f"{error} Fix that argument and retry."
    if isinstance(error, NotFoundError):
        return not_found or "Datadog did not find it (404). Check the id or key and retry."
    if isinstance(error, BadRequestError):
        return _bad_request(error)
    if isinstance(error, ConflictError):
        return _conflict(error)
    if isinstance(error, AuthenticationError):
        return _unauthenticated(error.host)
    if isinstance(error, PermissionDeniedError):
        return _forbidden(error)
    if isinstance(error, RateLimitedError):
        return _rate_limited(error)
    if isinstance(error, RequestLimitError):
        return (
            "case-mcp's own request limit held this call back: calls are coming faster than "
            "the operator allows. Nothing was sent to Datadog. Wait about "
            f"{_seconds(error.retry_after)} and avoid calling tools in a tight loop."
        )
    if isinstance(error, UnknownOutcomeError):
        return _unknown_outcome(error.operation, error.__cause__, checked=error.checked)
    kind, operation = operation_of(error.method, error.path)
    if kind == "create" and not never_sent(error):
        return _unknown_outcome(operation, error, checked=False)
    if isinstance(error, ServerError | NetworkError | MalformedResponseError):
        return _datadog_side(error, safe_to_repeat=kind == "write")
    if isinstance(error, APIError):
        return f"Datadog answered with HTTP {error.status}; the request did not succeed."
    return "The request to Datadog did not succeed."


def _bad_request(error: BadRequestError) -> str:
    facts = [fact for detail in error.errors for fact in _facts(detail.title, detail.detail)]
    for detail in error.errors:
        key = detail.meta.get("key") or detail.meta.get("field")
        if isinstance(key, str) and _IDENTIFIER.fullmatch(key):
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


# Datadog's error messages whose shape is known: (pattern, what to say). Only the named groups
# are repeated, and each is checked to be a field name, a type name or a list of enum values.
_FIELD = r"(?P<field>[A-Za-z][A-Za-z0-9_.\[\]-]{0,63})"
_KNOWN_SHAPES: Final = (
    (
        re.compile(
            rf"invalid {_FIELD} \S+\. Must be one of (?P<choices>[A-Z0-9_]+(, [A-Z0-9_]+)*)"
        ),
        "{field} must be one of {choices}",
    ),
    (
        re.compile(
            rf'invalid parameter "{_FIELD}" in "(?P<where>[a-z]+)"; expected type '
            r'"(?P<type>[a-z0-9_]+)"'
        ),
        "{field} (in the {where}) must be a {type}",
    ),
    (
        re.compile(rf'error decoding attribute "{_FIELD}": invalid type (?P<type>[a-z0-9_]+)'),
        "{field} has the wrong JSON type ({type} is not accepted)",
    ),
    (
        re.compile(
            r'got type "[A-Za-z0-9_]{1,64}" expected one of '
            r'(?P<choices>"[a-z_]+"(, "[a-z_]+")*)'
        ),
        "the document type must be one of {choices}",
    ),
    (re.compile(rf'missing required attribute "{_FIELD}"'), "{field} is required"),
    (re.compile(rf"^{_FIELD} must not be empty$"), "{field} must not be empty"),
    (
        re.compile(r'project key "(?P<field>[A-Za-z0-9]{1,64})" is reserved'),
        "the project key {field} is reserved by Datadog; choose another key",
    ),
    (
        re.compile(r"^Invalid search query .* at character (?P<position>\d{1,6}):"),
        "the search query is not valid at character {position} (search_cases describes the syntax)",
    ),
    # The search language's limits (sandbox/_search.py), each anchored to the end of the
    # detail, where the problem follows the quoted query.
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


def _facts(*texts: str) -> Iterator[str]:
    for text in texts:
        for pattern, say in _KNOWN_SHAPES:
            found = pattern.search(text)
            if found is not None:
                yield say.format(**found.groupdict())


def _conflict(error: ConflictError) -> str:
    if operation_of(error.method, error.path)[1] == "create_project":
        return (
            "A project with this key already exists (409). list_projects shows the keys in "
            "use; choose another key."
        )
    return (
        "Datadog refused the change: it conflicts with the current state (409), for example "
        "because what it creates already exists or the object changed meanwhile. Read the "
        "current state first, then decide whether the change is still needed."
    )


def _unauthenticated(host: str) -> str:
    site = next((name for name, url in SITES.items() if urlsplit(url).hostname == host), None)
    if site is not None:
        where = f"the Datadog site {site} (DD_SITE; API host {host})"
    elif host:
        where = f"{host} (set by CASE_MCP_BASE_URL)"
    else:
        where = "the configured Datadog site"
    return (
        f"Datadog refused the credentials (401) at {where}. The operator should check that "
        "DD_API_KEY and DD_APP_KEY (or CASE_MCP_ACCESS_TOKEN) are valid and belong to an "
        "organisation on that site: a key of an organisation on another site is refused, so "
        "DD_SITE must be the organisation's site. Retrying will not help."
    )


def _forbidden(error: PermissionDeniedError) -> str:
    said = " ".join(error.messages)
    named = [permission for permission in _PERMISSIONS if permission in said]
    if not named:
        if error.method == "GET" and error.path.startswith("/api/v2/users"):
            named = ["user_access_read"]
        elif error.method in ("GET", ""):
            named = ["cases_read"]
        else:
            named = ["cases_write"]
    return (
        f"Datadog denied access (403): the credentials lack the {' and '.join(named)} "
        "permission (the role of the application key's user, or the OAuth token's scope of "
        "that name), or a key is missing. An administrator of the Datadog organisation must "
        "grant it; retrying will not help."
    )


def _rate_limited(error: RateLimitedError) -> str:
    limit = f" ({error.limit_name})" if _IDENTIFIER.fullmatch(error.limit_name or "") else ""
    when = (
        f"in about {_seconds(error.retry_after)}"
        if error.retry_after is not None
        else "in a minute"
    )
    tried = (
        f" case-mcp already waited and tried {error.attempts} times." if error.attempts > 1 else ""
    )
    return (
        f"Datadog is rate-limiting this organisation's requests (429){limit}. Nothing was "
        f"changed by this call.{tried} Retry {when}, and make fewer calls in quick succession."
    )


def _datadog_side(error: DatadogError, *, safe_to_repeat: bool) -> str:
    if isinstance(error, ServerError):
        what = f"Datadog failed to answer (HTTP {error.status})"
    elif isinstance(error, RequestTimeoutError):
        what = "Datadog did not answer in time"
    elif isinstance(error, NetworkError):
        what = f"The connection to Datadog ({error.host or 'its API host'}) failed (network error)"
    else:
        what = "Datadog sent an answer that could not be read"
    tried = f" case-mcp already tried {error.attempts} times." if error.attempts > 1 else ""
    repeat = " Repeating this change is safe: it sets a value." if safe_to_repeat else ""
    return (
        f"{what}. This is on Datadog's side or the network's, not caused by your request."
        f"{tried} Try again in a minute.{repeat}"
    )


def _unknown_outcome(operation: str, cause: BaseException | None, *, checked: bool) -> str:
    what, check, tool = _CREATED.get(
        operation, ("the object", "the matching list or search tool", "the same tool")
    )
    if isinstance(cause, ServerError):
        how = f"Datadog failed while answering (HTTP {cause.status})"
    elif isinstance(cause, RequestTimeoutError):
        how = "the request was sent but no answer came in time"
    elif isinstance(cause, NetworkError):
        how = "the connection dropped before the answer arrived"
    else:
        how = "Datadog's answer could not be read"
    looked = (
        " case-mcp looked for it and has not found it (Datadog may still be processing it)."
        if checked
        else ""
    )
    return (
        f"Datadog did not confirm whether {what} was created: {how}.{looked} Do not call "
        f"{tool} again straight away, or there may be two: first check with {check} whether "
        "it exists, and create it only if it does not."
    )


def _seconds(seconds: float) -> str:
    whole = max(1, math.ceil(seconds))
    return f"{whole} second{'s' if whole != 1 else ''}"
