"""Client errors as tool errors a model can act on.

Only `ToolError` text reaches the model; anything else becomes the SDK's generic message. So
every tool runs inside `reported(...)` (registration wraps each handler once, with the hints
its spec declares), which turns each kind of failure into one short paragraph: what
happened, and what to do next (`explain`).

The text is built from trusted parts only: our own words, the HTTP status, the API host the
operator configured, Datadog's rate-limit reset time, and from Datadog's answers only names
case-mcp knows: fields of the models and their enum values (`case_mcp.models.names`), found
in error messages of a known shape (`case_mcp.server._bad_request`), and Datadog's rate-limit names
(`KNOWN_BUCKETS`). Whatever else an answer says is never repeated: it may quote a case's title
or a comment, or, from a server that is not Datadog, echo the keys it was sent. Neither are
keys, URLs with query strings, or stack traces.

What kind of request failed is read from the operation the error carries
(`DatadogError.operation`): a failure of a request that creates something (a case, a project,
a comment) after it was sent never says "retry": the model is told the outcome is unknown and,
in the words of the tool that creates it (`Creation`), which tool checks it, since a second
call could make a duplicate.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Final
from urllib.parse import urlsplit

from mcp.server.mcpserver.exceptions import ToolError

from case_mcp.client import KNOWN_BUCKETS, never_sent
from case_mcp.config import SITES, Settings
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
    UnknownHostError,
    UnknownOutcomeError,
    WrongBaseURLError,
)
from case_mcp.server._bad_request import bad_request

__all__ = ["Creation", "explain", "reported", "tool_error"]


@dataclass(frozen=True)
class Creation:
    """What a tool that creates something tells a model when the outcome is unknown.

    Attributes:
        what: What was being created (``the comment``).
        check: Which tool shows whether it exists (``get_case_timeline on that case``).
        tool: The tool that creates it, not to be called again straight away.
    """

    what: str
    check: str
    tool: str


_SOMETHING: Final = Creation("the object", "the matching list or search tool", "the same tool")
_BASE_URL: Final = Settings.variable("base_url")
_PERMISSIONS: Final = ("cases_read", "cases_write", "user_access_read")


@contextmanager
def reported(
    not_found: str, *, created: Creation | None = None, conflict: str = ""
) -> Iterator[None]:
    """Translate the client's exceptions raised inside the block into `ToolError`s.

    Args:
        not_found: What to tell the model on a 404: which id was not found, and which
            tool finds valid ones.
        created: For a tool that creates something: what to say when the outcome is unknown.
        conflict: What to tell the model on a 409; a generic text when empty.
    """
    try:
        yield
    except (DatadogError, InvalidRequestError) as error:
        raise tool_error(error, not_found, created=created, conflict=conflict) from error


def tool_error(
    error: DatadogError | InvalidRequestError,
    not_found: str = "",
    *,
    created: Creation | None = None,
    conflict: str = "",
) -> ToolError:
    """The `ToolError` for a client exception (see `explain`)."""
    return ToolError(explain(error, not_found, created=created, conflict=conflict))


def explain(
    error: DatadogError | InvalidRequestError,
    not_found: str = "",
    *,
    created: Creation | None = None,
    conflict: str = "",
) -> str:
    """What a model is told about a failed request: what happened, and what to do next.

    Args:
        error: The client's exception.
        not_found: The text for a 404 (which id, which tool finds valid ones); a generic one
            when empty.
        created: What a creating tool says when the outcome is unknown (see `Creation`).
        conflict: The text for a 409; a generic one when empty.
    """
    if isinstance(error, InvalidRequestError):
        return f"{error} Fix that argument and retry."
    if isinstance(error, NotFoundError):
        return not_found or "Datadog did not find it (404). Check the id or key and retry."
    if isinstance(error, BadRequestError):
        return bad_request(error)
    if isinstance(error, ConflictError):
        return conflict or _CONFLICT
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
        return _unknown_outcome(created, error.__cause__, checked=error.checked)
    if isinstance(error, WrongBaseURLError | UnknownHostError):
        return _misconfigured(error)
    effect = error.operation.effect if error.operation is not None else None
    if effect == "creates" and not never_sent(error):
        return _unknown_outcome(created, error, checked=False)
    if isinstance(error, ServerError | NetworkError | MalformedResponseError):
        return _datadog_side(error, safe_to_repeat=effect in ("sets", "deletes"))
    if isinstance(error, APIError):
        return f"Datadog answered with HTTP {error.status}; the request did not succeed."
    return "The request to Datadog did not succeed."


_CONFLICT: Final = (
    "Datadog refused the change: it conflicts with the current state (409), for example "
    "because what it creates already exists or the object changed meanwhile. Read the "
    "current state first, then decide whether the change is still needed."
)


def _unauthenticated(host: str) -> str:
    site = _site_of(host)
    if site is not None:
        where = f"the Datadog site {site} (DD_SITE; API host {host})"
    elif host:
        where = f"{host} (set by {_BASE_URL})"
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
    limit = f" ({error.limit_name})" if error.limit_name in KNOWN_BUCKETS else ""
    when = (
        f"in about {_seconds(error.retry_after)}, when Datadog's limit resets"
        if error.retry_after is not None
        else "in a minute"
    )
    tried = (
        f" case-mcp already waited and tried {error.attempts} times." if error.attempts > 1 else ""
    )
    return (
        f"Datadog's rate limit{limit} for this organisation's credentials is reached (429): "
        f"Datadog refuses these calls until it resets. Nothing was changed by this call.{tried} "
        f"Retry {when}, and make fewer calls in quick succession."
    )


def _misconfigured(error: WrongBaseURLError | UnknownHostError) -> str:
    site = _site_of(error.host)
    if isinstance(error, UnknownHostError):
        if site is not None:
            what = (
                f"the name of Datadog's API host {error.host} (DD_SITE={site}) does not resolve "
                "on the machine case-mcp runs on: its DNS settings must be checked"
            )
        else:
            what = (
                f"the API host {error.host or 'configured'} does not exist (its name does not "
                f"resolve): {_BASE_URL}, or DD_SITE if it is not set, names the wrong host"
            )
    else:
        what = (
            f"{error.host or 'the configured host'} answered (HTTP {error.status}) as no endpoint "
            f"of Datadog's API does, so {_BASE_URL} (or DD_SITE) does not lead to Datadog's "
            f"API; {_BASE_URL} must be the API's root, such as https://api.datadoghq.com, "
            "with no path"
        )
    return (
        f"case-mcp is misconfigured: {what}. Nothing was read or changed, and this is not about "
        "your request. Retrying will not help: tell the user that the operator of this MCP "
        f"server must fix {_BASE_URL} or DD_SITE and restart it."
    )


def _site_of(host: str) -> str | None:
    return next((name for name, url in SITES.items() if urlsplit(url).hostname == host), None)


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


def _unknown_outcome(
    created: Creation | None, cause: BaseException | None, *, checked: bool
) -> str:
    creation = created or _SOMETHING
    what, check, tool = creation.what, creation.check, creation.tool
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
