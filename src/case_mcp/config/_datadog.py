"""The Datadog connection: which site, which credentials, how patient and how fast.

Variable names reuse Datadog's own (``DD_API_KEY``, ``DD_APP_KEY``, ``DD_SITE``); everything
that is case_mcp's own starts with ``CASE_MCP_``. Keys and tokens are `SecretStr`, so they
never show in a repr, a log line or an error message.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import ClassVar, Literal, Self
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator, model_validator

from case_mcp.config._option import Options, option
from case_mcp.errors import ConfigurationError

__all__ = ["DEFAULT_SITE", "SITES", "AuthKind", "Settings"]

SITES: Mapping[str, str] = MappingProxyType(
    {
        "datadoghq.com": "https://api.datadoghq.com",
        "us3.datadoghq.com": "https://api.us3.datadoghq.com",
        "us5.datadoghq.com": "https://api.us5.datadoghq.com",
        "datadoghq.eu": "https://api.datadoghq.eu",
        "ap1.datadoghq.com": "https://api.ap1.datadoghq.com",
        "ap2.datadoghq.com": "https://api.ap2.datadoghq.com",
        "ddog-gov.com": "https://api.ddog-gov.com",
        "us2.ddog-gov.com": "https://api.us2.ddog-gov.com",
    }
)
"""Every supported ``DD_SITE``, mapped to the base URL of its API."""

DEFAULT_SITE = "datadoghq.com"

AuthKind = Literal["bearer", "keys", "none"]
"""How requests authenticate: an OAuth bearer token, the API and application keys, or nothing."""


class Settings(Options):
    """What case_mcp needs to reach Datadog, read from the environment.

    Build it with `Settings.load()`, which turns every invalid value into one
    `ConfigurationError`. Missing credentials are not an error here (the sandbox needs none):
    call `require_credentials()` before talking to the real Datadog. Each field's variable
    and meaning are in its declaration.
    """

    title: ClassVar[str] = "Datadog connection"
    summary: ClassVar[str] = "how case_mcp reaches Datadog: read from the environment only"

    api_key: SecretStr | None = option(
        None, glance=True, env="DD_API_KEY", help="Datadog API key (sent as `DD-API-KEY`)"
    )
    app_key: SecretStr | None = option(
        None,
        glance=True,
        env="DD_APP_KEY",
        also_env=("DD_APPLICATION_KEY",),
        help="Datadog application key (sent as `DD-APPLICATION-KEY`); "
        "`DD_APPLICATION_KEY` is read too",
    )
    site: str = option(
        DEFAULT_SITE,
        glance=True,
        env="DD_SITE",
        help=f"your organisation's site: {', '.join(f'`{site}`' for site in SITES)}; "
        "anything else stops start-up with the list",
    )
    access_token: SecretStr | None = option(
        None,
        env="CASE_MCP_ACCESS_TOKEN",
        help="an OAuth access token (`Authorization: Bearer`), used instead of the two keys",
    )
    base_url: str | None = option(
        None,
        env="CASE_MCP_BASE_URL",
        help="an explicit API base URL; overrides `DD_SITE` (a proxy, a sandbox served "
        "elsewhere); a URL that does not answer as Datadog's API is reported as a "
        "misconfiguration",
    )
    timeout: float = option(
        30.0, env="CASE_MCP_TIMEOUT", gt=0, help="seconds to wait for Datadog on each request"
    )
    # Defaults an assistant's pace never reaches (a few requests per tool call, seconds apart)
    # but a loop does, so a runaway agent cannot spend the organisation's API budget.
    retry_attempts: int = option(
        5,
        env="CASE_MCP_RETRY_ATTEMPTS",
        ge=1,
        le=20,
        help="times a request may be sent in all, retries included (`1` turns retries off)",
    )
    retry_deadline: float = option(
        30.0,
        env="CASE_MCP_RETRY_DEADLINE",
        gt=0,
        le=600,
        help="seconds one request may take in all: attempts, the waits between them and the "
        "wait for a turn under the two limits below",
    )
    max_concurrent_requests: int = option(
        8,
        env="CASE_MCP_MAX_CONCURRENT_REQUESTS",
        ge=1,
        le=256,
        help="requests to Datadog in flight at once",
    )
    max_requests_per_second: float = option(
        5.0,
        env="CASE_MCP_MAX_REQUESTS_PER_SECOND",
        gt=0,
        le=1000,
        help="sustained requests per second to Datadog, with bursts of six seconds' worth",
    )

    @field_validator("api_key", "app_key", "access_token", mode="after")
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        # An exported-but-empty variable (DD_API_KEY=) means "not set", not "the empty key".
        if value is None or not value.get_secret_value().strip():
            return None
        return SecretStr(value.get_secret_value().strip())

    @field_validator("site", mode="before")
    @classmethod
    def _normalise_site(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip().lower() or DEFAULT_SITE
        return value

    @field_validator("base_url", mode="after")
    @classmethod
    def _check_base_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ConfigurationError(
                "CASE_MCP_BASE_URL must be an http:// or https:// URL, "
                "such as https://api.datadoghq.com"
            )
        if parts.username is not None or parts.password is not None:
            # The URL itself is not echoed: it holds credentials.
            raise ConfigurationError(
                "CASE_MCP_BASE_URL must not contain credentials; "
                "use DD_API_KEY/DD_APP_KEY or CASE_MCP_ACCESS_TOKEN"
            )
        if parts.query or parts.fragment:
            raise ConfigurationError("CASE_MCP_BASE_URL must not have a query or fragment")
        return value.strip().rstrip("/")

    @model_validator(mode="after")
    def _check_site(self) -> Self:
        if self.base_url is None and self.site not in SITES:
            # A typo of a site is worth showing; a value without a dot may be a key pasted
            # into the wrong variable, and a key is never repeated.
            shown = f" {self.site!r}" if "." in self.site and len(self.site) <= 64 else ""
            raise ConfigurationError(
                f"Unknown DD_SITE{shown}. Valid sites: {', '.join(SITES)} "
                "(or set CASE_MCP_BASE_URL to an explicit API base URL)"
            )
        return self

    @property
    def api_base_url(self) -> str:
        """The base URL requests go to: ``CASE_MCP_BASE_URL`` if set, else the site's API."""
        return self.base_url if self.base_url is not None else SITES[self.site]

    @property
    def auth_kind(self) -> AuthKind:
        """Which credentials requests will carry; a token wins over the keys."""
        if self.access_token is not None:
            return "bearer"
        if self.api_key is not None or self.app_key is not None:
            return "keys"
        return "none"

    def require_credentials(self) -> None:
        """Check that requests to the real Datadog can authenticate.

        Raises:
            ConfigurationError: Neither an access token nor both keys are set; the message
                says what to set.
        """
        if self.access_token is not None:
            return
        missing = [
            name
            for name, value in (("DD_API_KEY", self.api_key), ("DD_APP_KEY", self.app_key))
            if value is None
        ]
        if missing:
            raise ConfigurationError(
                f"Missing Datadog credentials: set {' and '.join(missing)} "
                "(or CASE_MCP_ACCESS_TOKEN for OAuth) in the environment"
            )
