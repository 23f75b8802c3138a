"""`CaseManagementClient`: one method per Datadog Case Management operation.

Method names are Datadog's operation ids, so each can be found in Datadog's API reference;
each method is declared once (`case_mcp.client.Operation`). Every method sends one request
and raises one of `case_mcp.errors` when it fails: an `APIError` subclass for an error status
(`BadRequestError`, `NotFoundError`, `RateLimitedError`...), `NetworkError` or
`RequestTimeoutError` when no answer came, `MalformedResponseError` for an answer that is
not the document Datadog sends. The operations live in `_cases`, `_case_changes`,
`_case_work`, `_links`, `_organisation`, `_triage`, `_case_types`, `_case_views`,
`_project_settings` and `_automation`.
"""

from __future__ import annotations

import copy
from types import TracebackType
from typing import Self

import httpx2
from pydantic import SecretStr

from case_mcp.client._automation import AutomationOperations
from case_mcp.client._case_changes import CaseChangeOperations
from case_mcp.client._case_types import CaseTypeOperations
from case_mcp.client._case_views import CaseViewOperations
from case_mcp.client._case_work import CaseWorkOperations
from case_mcp.client._cases import CaseOperations
from case_mcp.client._http import HTTPSession
from case_mcp.client._limits import RequestLimits
from case_mcp.client._links import LinkOperations
from case_mcp.client._operation import OperationGuard
from case_mcp.client._organisation import OrganisationOperations
from case_mcp.client._project_settings import ProjectSettingsOperations
from case_mcp.client._retry import RetryPolicy
from case_mcp.client._triage import TriageOperations
from case_mcp.config import DEFAULT_SITE, SITES, AuthKind, Settings

__all__ = ["CaseManagementClient"]


class CaseManagementClient(
    CaseOperations,
    CaseChangeOperations,
    CaseWorkOperations,
    OrganisationOperations,
    TriageOperations,
    CaseTypeOperations,
    CaseViewOperations,
    ProjectSettingsOperations,
    AutomationOperations,
    LinkOperations,
):
    """An async client of the Datadog Case Management API.

    One pooled connection serves every request; close it with `aclose` or use the client as
    an async context manager::

        async with CaseManagementClient.from_settings(Settings.load()) as client:
            page = await client.search_cases("status:open priority:P1")

    Args:
        base_url: The API's base URL (``https://api.datadoghq.com``, or the sandbox's).
        api_key: Sent as ``DD-API-KEY``.
        app_key: Sent as ``DD-APPLICATION-KEY``.
        access_token: An OAuth access token, sent as ``Authorization: Bearer`` instead of
            the keys.
        timeout: Seconds to wait for each answer.
        transport: An ``httpx2`` transport to use instead of the network: the sandbox's
            in-process transport, or ``httpx2.MockTransport`` in tests.
        retry: How failed requests are retried (see `RetryPolicy`); None sends each request
            once. `from_settings` turns retries on.
        limits: Caps on requests in flight and per second (see `RequestLimits`); None sets
            no cap. `from_settings` sets them.
    """

    _owns_session = True

    def __init__(
        self,
        *,
        base_url: str = SITES[DEFAULT_SITE],
        api_key: str | SecretStr | None = None,
        app_key: str | SecretStr | None = None,
        access_token: str | SecretStr | None = None,
        timeout: float = 30.0,
        transport: httpx2.AsyncBaseTransport | None = None,
        retry: RetryPolicy | None = None,
        limits: RequestLimits | None = None,
    ) -> None:
        self._http = HTTPSession(
            base_url,
            api_key=_secret(api_key),
            app_key=_secret(app_key),
            access_token=_secret(access_token),
            timeout=timeout,
            transport=transport,
            retry=retry,
            limits=limits,
        )

    @classmethod
    def from_settings(
        cls, settings: Settings, transport: httpx2.AsyncBaseTransport | None = None
    ) -> Self:
        """A client configured by `settings`: base URL, credentials, timeout, retries, limits.

        Args:
            settings: The validated settings.
            transport: An ``httpx2`` transport to use instead of the network.
        """
        return cls(
            base_url=settings.api_base_url,
            api_key=settings.api_key,
            app_key=settings.app_key,
            access_token=settings.access_token,
            timeout=settings.timeout,
            transport=transport,
            retry=RetryPolicy(attempts=settings.retry_attempts, deadline=settings.retry_deadline),
            limits=RequestLimits(
                max_concurrent=settings.max_concurrent_requests,
                per_second=settings.max_requests_per_second,
            ),
        )

    def guarded(self, guard: OperationGuard) -> Self:
        """This client with every operation's call passing through `guard`.

        The two share one connection pool, which stays this client's to close: closing the
        guarded one does nothing. `guard` reads Datadog through this (unguarded) client.
        """
        view = copy.copy(self)
        view._guard = guard
        view._owns_session = False
        return view

    @property
    def base_url(self) -> str:
        """The base URL requests go to."""
        return self._http.base_url

    @property
    def auth_kind(self) -> AuthKind:
        """Which credentials requests carry: ``bearer``, ``keys`` or ``none``."""
        return self._http.auth_kind

    def __repr__(self) -> str:
        guard = f", guard={self._guard!r}" if self._guard is not None else ""
        return f"{type(self).__name__}(base_url={self.base_url!r}, auth={self.auth_kind!r}{guard})"

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the pooled connections; the client cannot be used afterwards.

        A guarded view (`guarded`) closes nothing: the pool is its origin's.
        """
        if self._owns_session:
            await self._http.aclose()


def _secret(value: str | SecretStr | None) -> SecretStr | None:
    text = value.get_secret_value() if isinstance(value, SecretStr) else value
    # An empty key is no key: sending an empty header would only earn a 403.
    return SecretStr(text) if text else None
