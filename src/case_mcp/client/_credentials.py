"""What one inbound request changes about the API calls it causes: credentials and request id.

A chat-ops bot serving several organisations sends its own keys with each MCP request; the
server sets them here for the length of that request and every API call made on its behalf
carries them (`HTTPSession` reads them when it sends). They live in a context variable, so
concurrent requests never see each other's keys, and they are never logged or shown.

The id of the inbound request (`using_request_id`, set by the HTTP server) is sent to Datadog
as ``X-Request-Id`` on every API call it causes, so both sides' logs can be joined.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Final

from pydantic import SecretStr

__all__ = [
    "RequestCredentials",
    "credential_headers",
    "current_request_id",
    "current_tenant",
    "organisation_of",
    "using_credentials",
    "using_request_id",
]

# Known to this process only: an organisation's name (a keyed hash of its API key) then cannot
# be used to test a guessed key, even by whoever reads this process's memory or logs.
_NAMING_KEY: Final = secrets.token_bytes(32)


@dataclass(frozen=True)
class RequestCredentials:
    """A caller's own Datadog keys, for the requests made while they are in use.

    Attributes:
        api_key: Sent as ``DD-API-KEY``.
        app_key: Sent as ``DD-APPLICATION-KEY``.
    """

    api_key: SecretStr
    app_key: SecretStr
    tenant: str = field(init=False)
    organisation: str = field(init=False)

    def __post_init__(self) -> None:
        # A name for the caller's organisation that says nothing about its keys: caches
        # keep one tenant's answers away from another's by it.
        digest = hashlib.sha256(
            b"\0".join(key.get_secret_value().encode() for key in (self.api_key, self.app_key))
        ).hexdigest()
        object.__setattr__(self, "tenant", f"tenant-{digest[:16]}")
        # Datadog counts requests per organisation, and an API key belongs to one: the rate
        # limits Datadog reports are remembered under this name (see `_rate_limits`).
        keyed = hmac.new(_NAMING_KEY, self.api_key.get_secret_value().encode(), hashlib.sha256)
        object.__setattr__(self, "organisation", f"org-{keyed.hexdigest()[:32]}")


_current: ContextVar[RequestCredentials | None] = ContextVar(
    "case_mcp_request_credentials", default=None
)


@contextmanager
def using_credentials(credentials: RequestCredentials | None) -> Iterator[None]:
    """Send `credentials` on every API request made inside the block (None: the configured)."""
    token = _current.set(credentials)
    try:
        yield
    finally:
        _current.reset(token)


def credential_headers() -> dict[str, str]:
    """The headers that replace the configured credentials for the current request, if any."""
    credentials = _current.get()
    if credentials is None:
        return {}
    return {
        "DD-API-KEY": credentials.api_key.get_secret_value(),
        "DD-APPLICATION-KEY": credentials.app_key.get_secret_value(),
    }


def current_tenant() -> str | None:
    """The current request's tenant (see `RequestCredentials`), or None for the configured."""
    credentials = _current.get()
    return credentials.tenant if credentials is not None else None


def organisation_of() -> str | None:
    """The current request's organisation (see `RequestCredentials`), or None for the configured."""
    credentials = _current.get()
    return credentials.organisation if credentials is not None else None


_request_id: ContextVar[str | None] = ContextVar("case_mcp_request_id", default=None)


@contextmanager
def using_request_id(request_id: str | None) -> Iterator[None]:
    """Send `request_id` as ``X-Request-Id`` on every API request made inside the block."""
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)


def current_request_id() -> str | None:
    """The id of the inbound request being served, if the server set one."""
    return _request_id.get()
