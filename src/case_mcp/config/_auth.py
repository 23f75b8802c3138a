"""Who may call the HTTP service: static tokens, JWT keys, per-request Datadog keys."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, ClassVar

from pydantic import SecretStr, field_validator
from pydantic_settings import NoDecode

from case_mcp.config._option import Options, comma_separated, option

__all__ = ["AuthOptions"]


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

    @field_validator("jwt_audience", "jwt_issuer", mode="after")
    @classmethod
    def _blank_is_unset(cls, value: str | None) -> str | None:
        return value.strip() or None if value is not None else None

    @property
    def configured(self) -> bool:
        """Whether HTTP callers must show a bearer token (a static token or a JWT key is set)."""
        return bool(self.tokens or self.token_file or self.jwt_secret or self.jwks_file)
