"""Errors of the sandbox, each serializing to the body Datadog sends for it.

Datadog uses several error shapes; each class below writes exactly one of them::

    SandboxError
    ├── BadRequest        400 {"errors":[{"status":"400","title":"Bad Request","detail":...}]}
    │   ├── GenericError      400 {"errors":[{"title":"Generic Error","detail":...}]}
    │   └── InvalidParameter  400 {"errors":[{"status":"400","title":"Invalid Parameter",...}]}
    ├── Forbidden         403 {"errors":["Forbidden"]}
    ├── NotFound          404 {"errors":[{"code":"resource_not_found","title":"case not found"}]}
    ├── RouteNotFound     404 {"errors":["Not found"]}
    ├── MethodNotAllowed  405 {"errors":["Method not allowed"]}
    ├── Conflict          409 {"errors":[{"status":"409","title":"Conflict","detail":...}]}
    └── TooManyRequests   429 {"errors":["Too many requests"]}

Where Datadog answers a bare ``{"status":"400","title":"Bad Request"}``, the sandbox adds a
``detail``: its users are often models, and they need to be told what to fix.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "BadRequest",
    "Conflict",
    "Forbidden",
    "GenericError",
    "InvalidParameter",
    "MethodNotAllowed",
    "NotFound",
    "RouteNotFound",
    "SandboxError",
    "TooManyRequests",
]


class SandboxError(Exception):
    """A request the sandbox refuses, with the HTTP status and body Datadog would send."""

    status: int = 500

    def body(self) -> dict[str, Any]:
        """The JSON error document, as Datadog writes it."""
        return {"errors": ["Internal Server Error"]}


class BadRequest(SandboxError):
    """400: the request is invalid; `detail` says what is wrong and what is accepted.

    Args:
        detail: What is wrong and how to fix it, naming the field.
    """

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"errors": [{"status": "400", "title": self.title, "detail": self.detail}]}


class GenericError(BadRequest):
    """400 in the shape of Datadog's enum checks (priority, status): no ``status`` member."""

    title = "Generic Error"

    def body(self) -> dict[str, Any]:
        return {"errors": [{"title": self.title, "detail": self.detail}]}


class InvalidParameter(BadRequest):
    """400 for a path or query parameter of the wrong form.

    Args:
        name: The parameter, as Datadog names it (``CommentID``, ``page[size]``).
        location: ``path`` or ``query``.
        expected: What is accepted: ``type "uuid"``, ``an integer from 1 to 100``.
    """

    title = "Invalid Parameter"

    def __init__(self, name: str, location: str, expected: str) -> None:
        super().__init__(f'invalid parameter "{name}" in "{location}"; expected {expected}')


class Forbidden(SandboxError):
    """403: the request carried no credentials."""

    status = 403

    def body(self) -> dict[str, Any]:
        return {"errors": ["Forbidden"]}


class NotFound(SandboxError):
    """404 for an object that does not exist: ``{"code":"resource_not_found","title":...}``.

    Args:
        title: Datadog's text, such as ``case not found``.
        meta: Extra members Datadog adds (the custom attribute ``key``).
    """

    status = 404

    def __init__(self, title: str, *, meta: dict[str, Any] | None = None) -> None:
        super().__init__(title)
        self.title = title
        self.meta = meta

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"code": "resource_not_found", "title": self.title}
        if self.meta is not None:
            error["meta"] = self.meta
        return {"errors": [error]}


class RouteNotFound(SandboxError):
    """404 for a path that is no endpoint of the API."""

    status = 404

    def body(self) -> dict[str, Any]:
        return {"errors": ["Not found"]}


class MethodNotAllowed(SandboxError):
    """405 for an endpoint called with a method it does not take."""

    status = 405

    def body(self) -> dict[str, Any]:
        return {"errors": ["Method not allowed"]}


class Conflict(SandboxError):
    """409: the change collides with existing state (a project key already in use).

    Args:
        detail: What collides and what to do instead.
    """

    status = 409

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail

    def body(self) -> dict[str, Any]:
        return {"errors": [{"status": "409", "title": "Conflict", "detail": self.detail}]}


class TooManyRequests(SandboxError):
    """429: the rate-limit budget of the current window is spent."""

    status = 429

    def body(self) -> dict[str, Any]:
        return {"errors": ["Too many requests"]}
