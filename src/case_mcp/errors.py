"""The whole exception tree of case_mcp.

Every error the package raises on purpose is one of these::

    CaseMCPError
    ├── ConfigurationError          settings that cannot work (unknown site, no credentials)
    ├── InvalidRequestError         arguments the client refuses before sending anything
    └── DatadogError                talking to Datadog (or the sandbox) went wrong
        ├── APIError                Datadog answered with an error status
        │   ├── BadRequestError         400: the request was invalid; `errors` say why
        │   ├── AuthenticationError     401: the keys or token were refused
        │   ├── PermissionDeniedError   403: missing keys, scope or permission
        │   ├── NotFoundError           404: an id or key that does not exist
        │   ├── ConflictError           409: the change conflicts with the current state
        │   ├── RateLimitedError        429: a bucket of Datadog's rate limits is spent for these
        │   │                               credentials; `retry_after` says when to retry
        │   └── ServerError             5xx: Datadog's side failed
        ├── NetworkError            no answer: connection refused, reset or dropped
        │   ├── RequestTimeoutError     no answer within the timeout
        │   └── UnknownHostError        the API host's name does not resolve: a wrong setting
        ├── WrongBaseURLError       the base URL is not Datadog's API (an unknown route, a
        │                               redirect, a web page): a wrong setting
        ├── MalformedResponseError  an answer that is not the JSON Datadog sends
        ├── UnknownOutcomeError     a create whose answer was lost: it may or may not be done
        └── RequestLimitError       case_mcp's own request limits held a request back; not sent

Exceptions carry fields, not only text, so callers can decide without parsing messages.
Messages are built from trusted text only: the HTTP method, the path, the status and the
messages Datadog wrote. Credentials are never part of an exception.

A `DatadogError` is raised once per request, after any retries (`case_mcp.client.RetryPolicy`):
its `attempts` says how many were made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from case_mcp.client import Operation

__all__ = [
    "APIError",
    "AuthenticationError",
    "BadRequestError",
    "CaseMCPError",
    "ConfigurationError",
    "ConflictError",
    "DatadogError",
    "ErrorDetail",
    "InvalidRequestError",
    "MalformedResponseError",
    "NetworkError",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitedError",
    "RequestLimitError",
    "RequestTimeoutError",
    "ServerError",
    "UnknownHostError",
    "UnknownOutcomeError",
    "WrongBaseURLError",
]


class CaseMCPError(Exception):
    """Base class of every error case_mcp raises on purpose."""


class ConfigurationError(CaseMCPError):
    """Settings that cannot work; the message says what to set and to what."""


class InvalidRequestError(CaseMCPError, ValueError):
    """Arguments the client refuses before sending anything (a page size over 100, an empty id).

    It is also a `ValueError`, which is what such a mistake is in plain Python terms.

    Attributes:
        operation: The client operation that refused the arguments (None when raised
            elsewhere).
    """

    operation: Operation | None = None


class DatadogError(CaseMCPError):
    """A request to the Datadog API (or the sandbox) did not succeed.

    Attributes:
        method: The HTTP method of the failed request.
        path: The request path, without host or query string (which may hold user text).
        host: The API host the request went to (``api.datadoghq.eu``), which names the site;
            empty when unknown.
        attempts: How many times the request was sent (more than 1 after retries).
        operation: The declared client operation whose request failed (its id, method,
            path template and effect on state); None for an error not raised by the client.
    """

    def __init__(
        self,
        message: str,
        *,
        method: str = "",
        path: str = "",
        host: str = "",
        operation: Operation | None = None,
    ) -> None:
        super().__init__(message)
        self.method = method
        self.path = path
        self.host = host
        self.attempts = 1
        self.operation = operation


@dataclass(frozen=True)
class ErrorDetail:
    """One error reported by Datadog, from either of its error body shapes.

    Datadog answers ``{"errors": ["Forbidden"]}`` on some endpoints and JSON:API error
    objects (``{"errors": [{"status": "400", "title": "Bad Request", "detail": "..."}]}``)
    on others; a plain string becomes an `ErrorDetail` whose `title` is that string.
    """

    title: str = ""
    detail: str = ""
    status: str = ""
    code: str = ""
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        """The most specific human-readable text: the detail when there is one."""
        if self.title and self.detail:
            return f"{self.title}: {self.detail}"
        return self.detail or self.title or self.code


class APIError(DatadogError):
    """Datadog answered with an HTTP error status.

    Attributes:
        status: The HTTP status code.
        errors: What Datadog said, one `ErrorDetail` per error in the body.
        request_id: Datadog's request id (``x-request-id``) when the answer carried one;
            quote it to Datadog support.
    """

    def __init__(
        self,
        status: int,
        errors: tuple[ErrorDetail, ...] = (),
        *,
        method: str = "",
        path: str = "",
        host: str = "",
        request_id: str | None = None,
    ) -> None:
        self.status = status
        self.errors = errors
        self.request_id = request_id
        super().__init__(
            self._describe(status, errors, method, path), method=method, path=path, host=host
        )

    @property
    def messages(self) -> tuple[str, ...]:
        """Datadog's messages, most specific text first within each error."""
        return tuple(error.message for error in self.errors if error.message)

    @staticmethod
    def _describe(status: int, errors: tuple[ErrorDetail, ...], method: str, path: str) -> str:
        where = f"{method} {path}".strip()
        said = "; ".join(error.message for error in errors if error.message)
        text = f"Datadog answered {status}"
        if where:
            text += f" to {where}"
        return f"{text}: {said}" if said else text


class BadRequestError(APIError):
    """400: the request was invalid; `errors` name the field or value to fix."""


class AuthenticationError(APIError):
    """401: Datadog refused the credentials (wrong key, or a key of another site)."""


class PermissionDeniedError(APIError):
    """403: keys missing, or the key's user lacks a permission or OAuth scope."""


class NotFoundError(APIError):
    """404: the case, project, comment, user or attribute does not exist."""


class ConflictError(APIError):
    """409: the change conflicts with the current state of the object."""


class RateLimitedError(APIError):
    """429: one of Datadog's rate-limit buckets is spent for these credentials' organisation.

    Also raised without sending, with Datadog's remaining time, for a request whose bucket an
    earlier answer said is spent: it would only earn another 429.

    Attributes:
        retry_after: Seconds until the limit resets, from ``X-RateLimit-Reset`` or
            ``Retry-After``; None when the answer said neither.
        limit_name: The ``X-RateLimit-Name`` of the exhausted limit, when given (Datadog's
            text: quote it only if it is a name you know).
        held: True when the request was not sent, because an earlier answer said its bucket
            is spent; `retry_after` is then what is left of Datadog's time.
    """

    def __init__(
        self,
        status: int,
        errors: tuple[ErrorDetail, ...] = (),
        *,
        method: str = "",
        path: str = "",
        host: str = "",
        request_id: str | None = None,
        retry_after: float | None = None,
        limit_name: str | None = None,
        held: bool = False,
    ) -> None:
        super().__init__(status, errors, method=method, path=path, host=host, request_id=request_id)
        self.retry_after = retry_after
        self.limit_name = limit_name
        self.held = held
        if held:
            # Nothing was sent, so nothing was answered: the message says so.
            self.args = (
                f"{method} {path} was not sent: Datadog said its rate-limit bucket is spent "
                "for these credentials until its reset",
            )


class ServerError(APIError):
    """5xx: Datadog failed; not the caller's fault, and usually worth retrying."""


class NetworkError(DatadogError):
    """No answer arrived: the connection was refused, reset or dropped mid-answer."""


class RequestTimeoutError(NetworkError):
    """No answer arrived within the configured timeout."""


class UnknownHostError(NetworkError):
    """The API host's name does not resolve (no DNS record): a wrong base URL or site.

    Nothing was sent. The host is `host`; it came from ``DD_SITE`` or the configured base URL.
    """


class WrongBaseURLError(DatadogError):
    """The base URL does not lead to Datadog's API: the operator must fix the setting.

    Raised for answers no endpoint of Datadog's API gives to the paths this client sends: a
    404 for an unknown route (the bare ``{"errors":["Not found"]}``, a web page, no body), a
    redirect, or a success that is a web page. A 404 for a missing object is `NotFoundError`.

    Attributes:
        status: The HTTP status of the answer.
    """

    def __init__(
        self, message: str, *, status: int, method: str = "", path: str = "", host: str = ""
    ) -> None:
        super().__init__(message, method=method, path=path, host=host)
        self.status = status


class MalformedResponseError(DatadogError):
    """A success status whose body is not the JSON document Datadog sends.

    Attributes:
        status: The HTTP status of the answer.
    """

    def __init__(
        self, message: str, *, status: int, method: str = "", path: str = "", host: str = ""
    ) -> None:
        super().__init__(message, method=method, path=path, host=host)
        self.status = status


class UnknownOutcomeError(DatadogError):
    """A request that creates something was sent, and its answer was lost.

    Datadog may or may not have created the object (a timeout after sending, a dropped
    connection, a 5xx, an unreadable answer), and looking for it did not find it. Sending the
    request again could create a duplicate, so the client does not: the caller must check.
    The failure that lost the answer is the exception's ``__cause__``.

    Attributes:
        operation: The create that was sent (see `DatadogError.operation`).
        checked: Whether the client managed to look for the object (and did not find it);
            False when the lookup itself failed.
    """

    def __init__(
        self,
        message: str,
        *,
        operation: Operation | None,
        checked: bool,
        method: str = "",
        path: str = "",
        host: str = "",
    ) -> None:
        super().__init__(message, method=method, path=path, host=host, operation=operation)
        self.checked = checked


class RequestLimitError(DatadogError):
    """case_mcp's own limits (requests at once, requests per second) held a request back.

    Nothing was sent. Raised when the wait for a turn would outlast the request's deadline,
    which only a burst of calls (an agent in a loop) causes.

    Attributes:
        retry_after: Seconds until a request would get its turn.
    """

    def __init__(
        self, message: str, *, retry_after: float, method: str = "", path: str = "", host: str = ""
    ) -> None:
        super().__init__(message, method=method, path=path, host=host)
        self.retry_after = retry_after
