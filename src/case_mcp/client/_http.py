"""The one pooled connection to Datadog: auth headers, JSON bodies, retries, error mapping.

Every request goes through `HTTPSession.request`, which either returns a 2xx answer or raises
one exception of `case_mcp.errors`, once, after whatever retries its kind allows:

- `_send` makes one attempt: it fails fast if Datadog said the request's rate-limit bucket is
  spent for these credentials (`_rate_limits`), waits for a turn under the client's own
  request limits (`_limits`), sends, and maps each failure to its exception (an answer no
  Datadog endpoint gives, or a host that does not resolve, names the setting: `_misdirected`);
- `_with_retries` repeats attempts as the `RetryPolicy` allows (`_retry`), inside one deadline;
- `request` adds the one thing a create needs: when its answer is lost after sending, it looks
  for what the create made (the finder its declaration names, `_recovery`) instead of
  sending it again.

What a request may be retried for, and how a lost create is found, come from the operation's
declaration (`_operation`): nothing here looks at a path to decide what an operation is.
"""

from __future__ import annotations

import functools
import json
import logging
import platform
import time
from collections.abc import Mapping
from contextlib import AbstractAsyncContextManager, nullcontext
from datetime import UTC, datetime
from typing import Any, Final, TypeVar

import anyio
import httpx2
from pydantic import BaseModel, SecretStr, ValidationError

from case_mcp import __version__, telemetry
from case_mcp.client._credentials import credential_headers, current_request_id, organisation_of
from case_mcp.client._limits import Limiter, RequestLimits
from case_mcp.client._misdirected import misdirected, unresolvable
from case_mcp.client._operation import Call, Effect, Finder, Method
from case_mcp.client._paths import APIPath
from case_mcp.client._rate_limits import RateLimits, retry_after
from case_mcp.client._retry import RetryPolicy, ambiguous, retrying
from case_mcp.config import AuthKind, Settings
from case_mcp.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    DatadogError,
    ErrorDetail,
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
from case_mcp.models import ErrorDocument

logger = logging.getLogger("case_mcp.client")

ModelT = TypeVar("ModelT", bound=BaseModel)

USER_AGENT: Final = (
    f"case-mcp/{__version__} (python {platform.python_version()}; httpx2/{httpx2.__version__})"
)

# Looking for what a create made gets at least this long (or the whole deadline, if shorter),
# even when the create used it up: the lookup is what keeps a lost answer from becoming a
# duplicate, and it is worth a few more seconds.
_RECOVERY_TIME: Final = 5.0
_BASE_URL: Final = Settings.variable("base_url")

# A turn under the client's own request limits that took longer than this waited for one
# (a free turn takes microseconds); shorter ones are not reported as rate-limit waits.
_QUEUED: Final = 0.001

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
        retry: RetryPolicy | None = None,
        limits: RequestLimits | None = None,
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
        self.retry = retry
        # Without a policy a request is sent once, may take `timeout` in all, and every
        # failure is raised as it is (no lookup after a lost create either).
        self._policy = retry or RetryPolicy(attempts=1, deadline=timeout)
        self.limiter = Limiter(limits) if limits is not None else None
        self.rate_limits = RateLimits()
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
        call: Call,
        *,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
    ) -> httpx2.Response:
        """Send one request, retried as its kind allows, and return its 2xx answer in full.

        With a `RetryPolicy`, reads and idempotent writes are retried on 429, 5xx, timeouts,
        dropped connections and unreadable answers; creates only when nothing can have been
        done (see `case_mcp.client._retry`). When a create's answer is lost, the object is
        looked for by the create's finder and returned if it exists; it is never sent again.
        Without one, the request is sent once and any failure is raised.

        Args:
            call: The declared operation and the arguments it was called with.
            params: Query parameters.
            body: A JSON document to send.

        Raises:
            APIError: Datadog answered with an error status (the subclass names which).
            RequestTimeoutError: No answer within the timeout.
            NetworkError: No answer at all (refused, reset, dropped).
            MalformedResponseError: A 2xx answer whose body is not JSON.
            UnknownOutcomeError: A create was sent, its answer was lost, and what it creates
                was not found.
            RequestLimitError: The client's own request limits held the request back for
                longer than its deadline; nothing was sent.
            WrongBaseURLError: The answer shows the base URL is not Datadog's API.
            UnknownHostError: The API host's name does not resolve; nothing was sent.
        """
        content = None
        if body is not None:
            # Compact with sorted keys: byte for byte what Datadog's official client sends.
            content = json.dumps(body, separators=(",", ":"), sort_keys=True).encode()
        operation, path = call.operation, call.path()
        method = operation.method
        sent_at = datetime.now(UTC)
        started = time.monotonic()
        with telemetry.datadog_call(
            operation.id, method, path.template, self._host, current_request_id()
        ):
            try:
                return await self._with_retries(operation.effect, method, path, params, content)
            except DatadogError as error:
                if operation.finder is None or not ambiguous(error) or self.retry is None:
                    raise
                # The answer to a create was lost: look for what it made, never make it again.
                left = self.retry.deadline - (time.monotonic() - started)
                budget = max(left, min(_RECOVERY_TIME, self.retry.deadline))
                return await self._recover(
                    error, call, operation.finder, path, body, sent_at, budget
                )

    async def _recover(
        self,
        lost: DatadogError,
        call: Call,
        finder: Finder,
        path: APIPath,
        body: Mapping[str, Any] | None,
        sent_at: datetime,
        budget: float,
    ) -> httpx2.Response:
        async def read(where: APIPath, query: Mapping[str, str]) -> httpx2.Response:
            return await self._with_retries("read", "GET", where, query, None, deadline=budget)

        operation, method = call.operation, call.operation.method
        checked = True
        try:
            found = await finder(read, call.arguments, body, sent_at)
        except DatadogError:
            found, checked = None, False
        if found is not None:
            logger.warning("%s %s: the answer was lost; found what it created", method, path)
            return httpx2.Response(
                200,
                content=json.dumps(found).encode(),
                request=httpx2.Request(method, self.base_url + path),
            )
        logger.warning("%s %s: the answer was lost; reported as an unknown outcome", method, path)
        outcome = UnknownOutcomeError(
            f"{method} {path} was sent but its answer was lost ({type(lost).__name__}); "
            f"{'what it creates was not found' if checked else 'looking for it failed too'}",
            operation=operation,
            checked=checked,
            method=method,
            path=path,
            host=self._host,
        )
        outcome.attempts = lost.attempts
        raise outcome from lost

    async def _with_retries(
        self,
        effect: Effect,
        method: Method,
        path: APIPath,
        params: Mapping[str, str] | None,
        content: bytes | None,
        *,
        deadline: float | None = None,
    ) -> httpx2.Response:
        lost = waited_for_reset = False
        # When the last attempt was refused for a rate limit: the wait before the next one
        # is spent waiting out Datadog's reset.
        limited: tuple[float, str | None] | None = None

        async def attempt(budget: float) -> httpx2.Response:
            nonlocal lost, waited_for_reset, limited
            if limited is not None:
                since, limit_name = limited
                telemetry.datadog_waited(time.monotonic() - since, "datadog", limit_name)
                limited = None
            try:
                # After a 429 the policy has just waited out Datadog's reset: send.
                return await self._send(
                    method, path, params, content, budget, heed_spent=not waited_for_reset
                )
            except NotFoundError:
                if effect == "deletes" and lost:
                    # An earlier attempt deleted it and its answer was lost: it is done.
                    return httpx2.Response(204, request=httpx2.Request(method, self.base_url))
                raise
            except DatadogError as error:
                lost = lost or ambiguous(error)
                waited_for_reset = isinstance(error, RateLimitedError)
                if isinstance(error, RateLimitedError):
                    limited = (time.monotonic(), error.limit_name)
                raise

        return await retrying(
            self._policy, effect, attempt, deadline=deadline, label=f"{method} {path}"
        )

    async def _send(
        self,
        method: Method,
        path: APIPath,
        params: Mapping[str, str] | None,
        content: bytes | None,
        budget: float,
        *,
        heed_spent: bool = True,
    ) -> httpx2.Response:
        who, operation = organisation_of(), f"{method} {path.template}"
        held = self.rate_limits.held(who, operation) if heed_spent else None
        if held is not None:
            limit_name, wait = held
            raise RateLimitedError(
                429,
                method=method,
                path=path,
                host=self._host,
                retry_after=wait,
                limit_name=limit_name,
                held=True,
            )
        headers = {"Content-Type": "application/json"} if content is not None else {}
        request_id = current_request_id()
        if request_id is not None:
            headers["X-Request-Id"] = request_id
        # A multi-tenant caller's own keys, for this request only (they win over the defaults).
        headers.update(credential_headers())
        turn: AbstractAsyncContextManager[None] = (
            self.limiter.turn(budget, method=method, path=path)
            if self.limiter is not None
            else nullcontext()
        )
        try:
            started = time.perf_counter()
            async with turn:
                queued = time.perf_counter() - started
                if queued > _QUEUED:
                    telemetry.datadog_waited(queued, "client")
                timeout = max(min(self.timeout, budget - queued), 0.001)
                telemetry.datadog_sent()
                # fail_after as well: transports that ignore httpx2's timeouts (in process,
                # ASGI) must not hold a request past its deadline either.
                with anyio.fail_after(timeout):
                    response = await self._client.request(
                        method,
                        path,
                        params=params,
                        content=content,
                        headers=headers,
                        timeout=httpx2.Timeout(timeout),
                    )
        except (httpx2.TimeoutException, TimeoutError) as exc:
            telemetry.datadog_answered(None, RequestTimeoutError.__name__)
            raise RequestTimeoutError(
                f"No answer from {self._host} to {method} {path} within {timeout:.3g}s",
                method=method,
                path=path,
                host=self._host,
            ) from exc
        except httpx2.RequestError as exc:
            unknown_host = unresolvable(exc)
            failure = UnknownHostError if unknown_host else NetworkError
            telemetry.datadog_answered(None, failure.__name__)
            if unknown_host:
                logger.warning("%s does not resolve: check %s or DD_SITE", self._host, _BASE_URL)
                raise UnknownHostError(
                    f"The API host {self._host} does not resolve; {method} {path} was not sent",
                    method=method,
                    path=path,
                    host=self._host,
                ) from exc
            raise NetworkError(
                f"No answer from {self._host} to {method} {path} ({type(exc).__name__})",
                method=method,
                path=path,
                host=self._host,
            ) from exc
        except RequestLimitError as error:
            error.host = self._host
            raise
        telemetry.datadog_answered(response.status_code)
        logger.debug(
            "%s %s -> %d in %.3fs",
            method,
            path,
            response.status_code,
            time.perf_counter() - started,
        )
        self.rate_limits.heed(who, operation, response.status_code, response.headers)
        if misdirected(response):
            logger.warning(
                "%s answered %d to %s %s as no Datadog API endpoint does: check %s or DD_SITE",
                self._host,
                response.status_code,
                method,
                path,
                _BASE_URL,
            )
            raise WrongBaseURLError(
                f"{self._host} answered {response.status_code} to {method} {path} as no "
                "endpoint of Datadog's API does: the base URL is not Datadog's API",
                status=response.status_code,
                method=method,
                path=path,
                host=self._host,
            )
        if not response.is_success:
            raise api_error(response, method, path, host=self._host)
        if response.content and not _is_json(response.content):
            raise MalformedResponseError(
                f"Datadog answered {response.status_code} to {method} {path} with "
                "a body that is not JSON",
                status=response.status_code,
                method=method,
                path=path,
                host=self._host,
            )
        return response

    @functools.cached_property
    def _host(self) -> str:
        # Parsed once: every API call's telemetry names it.
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


def api_error(response: httpx2.Response, method: str, path: str, *, host: str = "") -> APIError:
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
            host=host,
            request_id=request_id,
            retry_after=retry_after(response.headers),
            limit_name=response.headers.get("x-ratelimit-name"),
        )
    error_type = _ERROR_TYPES.get(status, ServerError if status >= 500 else APIError)
    return error_type(status, errors, method=method, path=path, host=host, request_id=request_id)


def error_details(content: bytes) -> tuple[ErrorDetail, ...]:
    """What an error body says; nothing for bodies that are not Datadog's (an HTML 502 page)."""
    try:
        return ErrorDocument.model_validate_json(content).details()
    except ValidationError:
        return ()


def _is_json(content: bytes) -> bool:
    try:
        json.loads(content)
    except ValueError:
        return False
    return True


def _what_is_wrong(exc: ValidationError, model: type[BaseModel]) -> str:
    errors = exc.errors(include_input=False, include_url=False)
    if any(error["type"] == "json_invalid" for error in errors):
        return "a body that is not JSON"
    first = errors[0]
    where = ".".join(str(part) for part in first["loc"]) or "the document"
    return f"a body that is not a {model.__name__} ({where}: {first['msg']})"
