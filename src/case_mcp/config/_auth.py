"""Who may call the HTTP service: static tokens, JWT keys, an OAuth authorisation server,
per-request Datadog keys."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, ClassVar, Final
from urllib.parse import urlsplit

from pydantic import SecretStr, field_validator
from pydantic_settings import NoDecode

from case_mcp.config._option import Options, comma_separated, option

__all__ = ["AuthOptions"]

# The scopes an operator may rename (`oauth_scopes`); the tools' scopes are declared with them.
_CASE_SCOPES: Final = ("cases:read", "cases:write")
# An issuer over plain http is accepted only on this machine (a test's authorisation server).
_LOOPBACK_HOSTS: Final = ("127.0.0.1", "localhost", "::1")


class AuthOptions(Options):
    """How HTTP callers authenticate, from ``CASE_MCP_*`` variables and flags.

    Build it with `AuthOptions.load()`; flags are passed as overrides and win. Static tokens
    are ``token`` (both scopes) or ``token:cases:read`` / ``token:cases:write``.
    """

    title: ClassVar[str] = "HTTP authentication"
    summary: ClassVar[str] = "with --transport http: who may call the service"

    tokens: Annotated[tuple[SecretStr, ...], NoDecode] = option(
        (),
        env="CASE_MCP_HTTP_TOKENS",
        help="comma-separated static bearer tokens, each `token` (both scopes) or "
        "`token:cases:read` / `token:cases:write`",
    )
    token_file: Path | None = option(
        None,
        env="CASE_MCP_TOKEN_FILE",
        flag="--token-file",
        metavar="PATH",
        help="static bearer tokens, one per line (token, or token:cases:read for read-only "
        "access); # starts a comment",
    )
    jwt_secret: SecretStr | None = option(
        None,
        env="CASE_MCP_JWT_SECRET",
        help="accept HS256 JWTs signed with this secret (at least 32 characters)",
    )
    jwks_file: Path | None = option(
        None,
        env="CASE_MCP_JWKS_FILE",
        flag="--jwks-file",
        metavar="PATH",
        help="accept RS256/ES256 JWTs signed by a key of this JWKS file",
    )
    jwt_audience: str | None = option(
        None,
        env="CASE_MCP_JWT_AUDIENCE",
        flag="--jwt-audience",
        metavar="AUD",
        shown_default="the resource URL, http://HOST:PORT/mcp or the public URL",
        help="the aud claim a JWT must carry",
    )
    jwt_issuer: str | None = option(
        None,
        env="CASE_MCP_JWT_ISSUER",
        flag="--jwt-issuer",
        metavar="URL",
        shown_default="not checked",
        help="the iss claim a JWT must carry, announced as the authorisation server",
    )
    oauth_issuer: str | None = option(
        None,
        env="CASE_MCP_OAUTH_ISSUER",
        flag="--oauth-issuer",
        metavar="URL",
        help="your OAuth authorisation server's issuer (Okta, Entra ID, Keycloak...): clients "
        "are sent there to sign in, and its signing keys are read from its metadata",
    )
    oauth_audience: str | None = option(
        None,
        env="CASE_MCP_OAUTH_AUDIENCE",
        flag="--oauth-audience",
        metavar="AUD",
        shown_default="the resource URL, http://HOST:PORT/mcp or the public URL",
        help="the aud claim the authorisation server's tokens must carry",
    )
    oauth_scopes: Annotated[tuple[str, ...], NoDecode] = option(
        (),
        env="CASE_MCP_OAUTH_SCOPES",
        flag="--oauth-scopes",
        metavar="LIST",
        shown_default="cases:read and cases:write as they are",
        help="the authorisation server's names for the scopes, comma-separated "
        "`cases:read=NAME,cases:write=NAME`",
    )
    per_request_credentials: bool = option(
        False,
        env="CASE_MCP_PER_REQUEST_CREDENTIALS",
        flag="--per-request-credentials",
        help="use each request's DD-API-KEY/DD-APPLICATION-KEY headers for the Datadog "
        "calls it causes",
    )

    @field_validator("tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("jwt_secret", mode="after")
    @classmethod
    def _blank_secret_is_unset(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None or not value.get_secret_value().strip():
            return None
        return value

    @field_validator("oauth_scopes", mode="before")
    @classmethod
    def _split_scopes(cls, value: object) -> object:
        return comma_separated(value)

    @field_validator("oauth_scopes", mode="after")
    @classmethod
    def _check_scope_names(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        seen: set[str] = set()
        for entry in value:
            scope, _, name = entry.partition("=")
            if scope.strip() not in _CASE_SCOPES or not name.strip() or " " in name.strip():
                raise ValueError(
                    "each entry must be cases:read=NAME or cases:write=NAME, NAME being the "
                    "authorisation server's name for that scope (no spaces)"
                )
            if scope.strip() in seen:
                raise ValueError(f"{scope.strip()} is named twice")
            seen.add(scope.strip())
        return value

    @field_validator("oauth_issuer", mode="after")
    @classmethod
    def _check_issuer(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        parts = urlsplit(value.strip())
        local = parts.scheme == "http" and parts.hostname in _LOOPBACK_HOSTS
        if not (parts.scheme == "https" or local) or not parts.hostname or parts.query:
            raise ValueError(
                "must be the https:// URL your authorisation server names as its issuer, "
                "without a query (such as https://example.okta.com/oauth2/default)"
            )
        return value.strip()

    @field_validator("jwt_audience", "jwt_issuer", "oauth_audience", mode="after")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def configured(self) -> bool:
        """Whether HTTP callers must show a bearer token (a static token, a JWT key or an OAuth
        issuer is set)."""
        return bool(
            self.tokens or self.token_file or self.jwt_secret or self.jwks_file or self.oauth_issuer
        )

    @property
    def scope_names(self) -> Mapping[str, str]:
        """The authorisation server's name of each case scope (unmapped ones keep their own)."""
        names = {scope: scope for scope in _CASE_SCOPES}
        for entry in self.oauth_scopes:
            scope, _, name = entry.partition("=")
            names[scope.strip()] = name.strip()
        return MappingProxyType(names)
