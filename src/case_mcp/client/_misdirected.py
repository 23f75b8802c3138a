"""Answers that show the base URL is not Datadog's API, and host names that do not resolve.

A wrong base URL (a path prefix too many, another service, a web page) must not
read as "the case does not exist" or "there are no projects", and a host name with no DNS
record is no failure of Datadog's: both are the operator's to fix.

How Datadog answers a 404, on record (``shared/datadog/cassettes`` and the recordings of
Datadog's official Python client):

- a Case Management object that does not exist: JSON:API error objects, every time, such as
  ``{"errors":[{"code":"resource_not_found","title":"case not found"}]}``
  (``application/vnd.api+json``), on all 18 recorded 404s of ``/api/v2/cases``;
- a user that does not exist (``/api/v2/users/{id}``): ``{"errors":["<id> not found"]}``,
  a message naming what is missing;
- a path that is no endpoint (``/api/v2/openapi.json``): the bare ``{"errors":["Not found"]}``.

So a 404 means "no such object" only when its body is Datadog's error document with a JSON:API
error object or a message saying more than the bare "Not found"; a bare "Not found", a web
page, an empty or non-Datadog body means
the path is no endpoint of the API, which for the paths this client sends means the base URL is
wrong. No recorded Datadog API answer redirects or sends HTML, so a redirect, or a success that
is a web page, is the same misconfiguration.
"""

from __future__ import annotations

import socket
from typing import Final

import httpx2
from pydantic import ValidationError

from case_mcp.models import ErrorDocument

__all__ = ["misdirected", "unresolvable"]

_NO_ENDPOINT: Final = "not found"
# getaddrinfo's "no such name" (EAI_NODATA where the platform has it). Not EAI_AGAIN: a DNS
# server that did not answer is the network's failure, not a wrong name.
_NO_SUCH_NAME: Final = frozenset(
    code for code in (socket.EAI_NONAME, getattr(socket, "EAI_NODATA", None)) if code is not None
)


def misdirected(response: httpx2.Response) -> bool:
    """Whether `response` shows that the request went to something other than Datadog's API."""
    status = response.status_code
    if 300 <= status < 400:
        return True
    if response.is_success:
        return "html" in response.headers.get("content-type", "").lower()
    if status != 404:
        return False
    try:
        errors = ErrorDocument.model_validate_json(response.content).errors
    except ValidationError:
        return True
    # JSON:API error objects are how Case Management says an object is missing; plain strings
    # are Datadog's too, unless all they say is the bare "Not found" of an unknown path.
    return all(
        isinstance(error, str) and error.strip().lower() in ("", _NO_ENDPOINT) for error in errors
    )


def unresolvable(error: BaseException) -> bool:
    """Whether a failed request's cause is a host name that has no address (no DNS record)."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror) and cause.errno in _NO_SUCH_NAME:
            return True
        cause = cause.__cause__ or cause.__context__
    return False
