"""The one pooled connection to Datadog: auth headers, JSON bodies, and error mapping.

Every request goes through `HTTPSession.request`, which either returns a 2xx answer or raises
one exception of `case_mcp.errors`. Retries belong to a wrapper around that one method, not
here: this layer reports each failure exactly once, with the fields a retry policy needs
(`RateLimitedError.retry_after`, `ServerError`, `NetworkError`).
"""

from __future__ import annotations

import json
import logging
import platform
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any, Final, Literal, TypeVar

import httpx2
from pydantic import BaseModel, SecretStr, ValidationError

from case_mcp import __version__
from case_mcp.config import AuthKind
from case_mcp.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    ErrorDetail,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)
from case_mcp.models import ErrorDocument

# httpx2 logs every request line at INFO; the URL may carry a user's search text, and the
# MCP host may show INFO logs to the user. Our own DEBUG line below logs the path only.
logging.getLogger("httpx2").setLevel(logging.WARNING)

logger = logging.getLogger("case_mcp.client")

Method = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]
ModelT = TypeVar("ModelT", bound=BaseModel)

USER_AGENT: Final = (
    f"case-mcp/{__version__} (python {platform.python_version()}; httpx2/{httpx2.__version__})"
)

_ERROR_TYPES: Final[Mapping[int, type[APIError]]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
}


class HTTPSession:
    """A pooled ``httpx2.AsyncClient`` that speaks Datadog's JSON and raises `case_mcp.errors`.

    The credentials live only in the client's default headers, which nothing here ever
    prints; `repr` shows the base URL and the kind of auth.
    """

    def __init__(
        self,
        base_url: str,
        *,
        api_key: SecretStr | None,
        app_key: SecretStr | None,
        access_token: SecretStr | None,
        timeout: float,
        transport: httpx2.AsyncBaseTransport | None,
    ) -> None:
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT}
        if access_token is not None:
            headers["Authorization"] = f"Bearer {access_token.get_secret_value()}"
            self.auth_kind: AuthKind = "bearer"
        elif api_key is not None or app_key is not None:
            if api_key is not None:
                headers["DD-API-KEY"] = api_key.get_secret_value()
            if app_key is not None:
                headers["DD-APPLICATION-KEY"] = app_key.get_secret_value()
            self.auth_kind = "keys"
        else:
            self.auth_kind = "none"
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self._client = httpx2.AsyncClient(
            base_url=self.base_url,
            headers=headers,
            timeout=httpx2.Timeout(timeout),
            transport=transport,
            follow_redirects=False,  # a redirect would resend the keys to another host
        )

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth_kind!r})"

    async def aclose(self) -> None:
        """Close the pooled connections."""
        await self._client.aclose()

    async def request(
        self,
        method: Method,
        path: str,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx2.Response:
        """Send one request and return its 2xx answer, read in full.

        Args:
            method: The HTTP method.
            path: The path below the base URL, already quoted (see `path`).
            params: Query parameters.
            body: A JSON document to send.

        Raises:
            APIError: Datadog answered with an error status (the subclass names which).
            RequestTimeoutError: No answer within the timeout.
            NetworkError: No answer at all (refused, reset, dropped).
        """
        content = None
        headers = {}
        if body is not None:
            # Compact with sorted keys: byte for byte what Datadog's official client sends.
            content = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
            headers["Content-Type"] = "application/json"
        started = time.perf_counter()
        try:
            response = await self._client.request(
                method, path, params=params, content=content, headers=headers
            )
        except httpx2.TimeoutException as exc:
            raise RequestTimeoutError(
                f"No answer from {self._host} to {method} {path} within {self.timeout:g}s",
                method=method,
                path=path,
            ) from exc
        except httpx2.RequestError as exc:
            raise NetworkError(
                f"No answer from {self._host} to {method} {path} ({type(exc).__name__})",
                method=method,
                path=path,
            ) from exc
        logger.debug(
            "%s %s -> %d in %.3fs",
            method,
            path,
            response.status_code,
            time.perf_counter() - started,
        )
        if not response.is_success:
            raise api_error(response, method, path)
        return response

    @property
    def _host(self) -> str:
        return httpx2.URL(self.base_url).host or self.base_url


def parse(response: httpx2.Response, model: type[ModelT], method: str, path: str) -> ModelT:
    """Parse a 2xx answer as `model`.

    Raises:
        MalformedResponseError: The body is not JSON, or not the document `model` describes.
    """
    try:
        return model.model_validate_json(response.content)
    except ValidationError as exc:
        raise MalformedResponseError(
            f"Datadog answered {response.status_code} to {method} {path} with "
            f"{_what_is_wrong(exc, model)}",
            status=response.status_code,
            method=method,
            path=path,
        ) from None


def api_error(response: httpx2.Response, method: str, path: str) -> APIError:
    """The exception for an error answer, with what Datadog said in either body shape."""
    status = response.status_code
    errors = error_details(response.content)
    request_id = response.headers.get("x-request-id")
    if status == 429:
        return RateLimitedError(
            status,
            errors,
            method=method,
            path=path,
            request_id=request_id,
            retry_after=retry_after(response.headers),
            limit_name=response.headers.get("x-ratelimit-name"),
        )
    error_type = _ERROR_TYPES.get(status, ServerError if status >= 500 else APIError)
    return error_type(status, errors, method=method, path=path, request_id=request_id)


def error_details(content: bytes) -> tuple[ErrorDetail, ...]:
    """What an error body says; nothing for bodies that are not Datadog's (an HTML 502 page)."""
    try:
        return ErrorDocument.model_validate_json(content).details()
    except ValidationError:
        return ()


def retry_after(headers: httpx2.Headers) -> float | None:
    """Seconds until a rate limit resets, from ``X-RateLimit-Reset`` or ``Retry-After``."""
    for name in ("x-ratelimit-reset", "retry-after"):
        value = headers.get(name)
        if value is None:
            continue
        try:
            return max(0.0, float(value))
        except ValueError:
            pass
        try:
            moment = parsedate_to_datetime(value)  # Retry-After may be an HTTP date
        except (TypeError, ValueError):
            continue
        return max(0.0, moment.timestamp() - time.time())
    return None


def _what_is_wrong(exc: ValidationError, model: type[BaseModel]) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    if any(error["type"] == "json_invalid" for error in errors):
        return "a body that is not JSON"
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "the document"
    return f"a body that is not a {model.__name__} ({where}: {first['msg']})"
