"""Who may call the HTTP service, with which scope, and with whose Datadog credentials.

`AuthOptions` holds what the operator configured (static tokens, JWT keys, per-request
credentials); `server_auth` turns it into the SDK's `TokenVerifier` and `AuthSettings`, so an
MCP request without a good bearer token gets 401 with ``WWW-Authenticate`` pointing at the
protected-resource metadata the SDK serves. `install_caller_policy` then adds, inside the
tool guard of `_spec`, what depends on the caller:

- scopes: a ``cases:read`` caller's ``tools/list`` shows only the read tools, and a call to
  any other tool is refused (and audited as refused); ``cases:write`` implies ``cases:read``;
- per-request credentials: with ``--per-request-credentials``, the ``DD-API-KEY`` and
  ``DD-APPLICATION-KEY`` headers of an MCP request are the Datadog keys of the calls that
  request causes, and of no other request.

Over stdio and in memory there is no token: every tool the operator offers is open.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any, ClassVar, Final
from urllib.parse import urlsplit

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import INVALID_REQUEST, CallToolResult, TextContent
from pydantic import AnyHttpUrl, Field, SecretStr, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from case_mcp.client import RequestCredentials, using_credentials
from case_mcp.config import FlagSettings
from case_mcp.errors import ConfigurationError
from case_mcp.server import _audit
from case_mcp.server._auth_tokens import (
    MIN_JWT_SECRET_LENGTH,
    READ_SCOPE,
    WRITE_SCOPE,
    EitherVerifier,
    JwtVerifier,
    StaticTokenVerifier,
    load_jwks,
    parse_static_tokens,
    read_token_file,
)
from case_mcp.server._methods import reaches_datadog
from case_mcp.server._spec import ToolKind

__all__ = [
    "AuthOptions",
    "ServerAuth",
    "auth_configured",
    "caller_may",
    "install_caller_policy",
    "server_auth",
]

_FLAGS: Final = {
    "token_file": "--token-file",
    "jwks_file": "--jwks-file",
    "jwt_audience": "--jwt-audience",
    "jwt_issuer": "--jwt-issuer",
    "per_request_credentials": "--per-request-credentials",
}


class AuthOptions(FlagSettings):
    """How HTTP callers authenticate, from ``CASE_MCP_*`` variables and flags.

    Build it with `AuthOptions.load()`; flags are passed as overrides and win.

    Attributes:
        tokens: ``CASE_MCP_HTTP_TOKENS``: comma-separated static bearer tokens, each
            ``token`` (both scopes) or ``token:cases:read`` / ``token:cases:write``.
        token_file: ``CASE_MCP_TOKEN_FILE`` / ``--token-file``: more static tokens, one per
            line in the same form; ``#`` starts a comment line.
        jwt_secret: ``CASE_MCP_JWT_SECRET``: accept HS256 JWTs signed with this secret.
        jwks_file: ``CASE_MCP_JWKS_FILE`` / ``--jwks-file``: accept RS256/ES256 JWTs signed
            by a key of this JWKS file.
        jwt_audience: ``CASE_MCP_JWT_AUDIENCE`` / ``--jwt-audience``: the ``aud`` a JWT must
            carry (default: the server's resource URL, ``http://HOST:PORT/mcp``).
        jwt_issuer: ``CASE_MCP_JWT_ISSUER`` / ``--jwt-issuer``: the ``iss`` a JWT must carry,
            also announced as the authorisation server (default: not checked).
        per_request_credentials: ``CASE_MCP_PER_REQUEST_CREDENTIALS`` /
            ``--per-request-credentials``: use the ``DD-API-KEY`` / ``DD-APPLICATION-KEY``
            headers of each MCP request for the Datadog calls it causes.
    """

    model_config = SettingsConfigDict(
        frozen=True, extra="ignore", validate_by_alias=True, validate_by_name=True
    )
    flags: ClassVar[Mapping[str, str]] = _FLAGS

    tokens: Annotated[tuple[SecretStr, ...], NoDecode] = Field(
        default=(), validation_alias="CASE_MCP_HTTP_TOKENS"
    )
    token_file: Path | None = Field(default=None, validation_alias="CASE_MCP_TOKEN_FILE")
    jwt_secret: SecretStr | None = Field(default=None, validation_alias="CASE_MCP_JWT_SECRET")
    jwks_file: Path | None = Field(default=None, validation_alias="CASE_MCP_JWKS_FILE")
    jwt_audience: str | None = Field(default=None, validation_alias="CASE_MCP_JWT_AUDIENCE")
    jwt_issuer: str | None = Field(default=None, validation_alias="CASE_MCP_JWT_ISSUER")
    per_request_credentials: bool = Field(
        default=False, validation_alias="CASE_MCP_PER_REQUEST_CREDENTIALS"
    )

    @field_validator("tokens", mode="before")
    @classmethod
    def _split_tokens(cls, value: object) -> object:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

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


def auth_configured(auth: AuthOptions) -> bool:
    """Whether HTTP callers must show a bearer token (a static token or a JWT key is set)."""
    return bool(auth.tokens or auth.token_file or auth.jwt_secret or auth.jwks_file)


@dataclass(frozen=True)
class ServerAuth:
    """What `MCPServer` takes to require bearer tokens: ``token_verifier=`` and ``auth=``."""

    verifier: TokenVerifier
    settings: AuthSettings


def server_auth(auth: AuthOptions, resource_url: str) -> ServerAuth | None:
    """The verifier and settings for `auth`, or None when no authentication is configured.

    Args:
        auth: The operator's authentication options.
        resource_url: The URL clients reach the MCP endpoint at (``http://HOST:PORT/mcp``):
            the resource the protected-resource metadata describes and the default JWT
            audience.

    Raises:
        ConfigurationError: A token is too short, the token file or JWKS cannot be read,
            or the JWT secret is too short; the message names what to fix.
    """
    if not auth_configured(auth):
        return None
    entries = parse_static_tokens(
        (token.get_secret_value() for token in auth.tokens), "CASE_MCP_HTTP_TOKENS"
    )
    if auth.token_file is not None:
        entries += parse_static_tokens(read_token_file(auth.token_file), "--token-file")
    verifiers: list[StaticTokenVerifier | JwtVerifier] = []
    if entries:
        verifiers.append(StaticTokenVerifier(entries, resource_url))
    secret = auth.jwt_secret.get_secret_value() if auth.jwt_secret is not None else None
    if secret is not None and len(secret) < MIN_JWT_SECRET_LENGTH:
        raise ConfigurationError(
            f"CASE_MCP_JWT_SECRET must be at least {MIN_JWT_SECRET_LENGTH} characters long"
        )
    if secret is not None or auth.jwks_file is not None:
        verifiers.append(
            JwtVerifier(
                secret=secret,
                jwks=load_jwks(auth.jwks_file) if auth.jwks_file is not None else None,
                audience=auth.jwt_audience or resource_url,
                issuer=auth.jwt_issuer,
                resource=resource_url,
            )
        )
    if not verifiers:
        raise ConfigurationError("--token-file / CASE_MCP_TOKEN_FILE holds no token")
    # Static tokens have no authorisation server; the metadata then names this server.
    parts = urlsplit(resource_url)
    settings = AuthSettings(
        issuer_url=AnyHttpUrl(auth.jwt_issuer or f"{parts.scheme}://{parts.netloc}"),
        resource_server_url=AnyHttpUrl(resource_url),
        # Every caller needs at least cases:read; cases:write is checked tool by tool.
        required_scopes=[READ_SCOPE],
        validate_token_resource=True,
    )
    return ServerAuth(verifier=EitherVerifier(verifiers), settings=settings)


def caller_of(request: object | None) -> AccessToken | None:
    """The access token of the caller of `request` (None over stdio and without auth)."""
    scope = getattr(request, "scope", None)
    user = scope.get("user") if isinstance(scope, Mapping) else None
    if isinstance(user, AuthenticatedUser):
        return user.access_token
    return get_access_token()


def caller_may(kind: ToolKind, request: object | None) -> bool:
    """Whether the caller of `request` may use a tool of `kind` (no token: yes)."""
    token = caller_of(request)
    if token is None or kind == "read":
        return True
    return WRITE_SCOPE in token.scopes


def _identity(request: object | None) -> str | None:
    token = caller_of(request)
    if token is None:
        return None
    # Whom the token was issued to, never the token.
    return f"{token.client_id}/{token.subject}" if token.subject else token.client_id


def install_caller_policy(
    server: MCPServer[Any],
    kinds: Mapping[str, ToolKind],
    auth: AuthOptions,
    *,
    keys: bool = True,
) -> None:
    """Add the scope checks and per-request credentials to `server` (see the module doc).

    Call it after `create_server`, so it runs inside the tool guard, which then audits a
    refused call as refused. It also makes the audit log name the token's client and subject.

    Args:
        server: The server `create_server` built.
        kinds: Each tool's kind, by name (the whole inventory).
        auth: The operator's authentication options.
        keys: Whether Datadog credentials are configured; if not, with per-request
            credentials, a request that needs Datadog and brings no keys is refused.
    """
    _audit.set_identity_provider(_identity)
    server.middleware.append(_CallerPolicy(kinds, auth.per_request_credentials, keys))


class _CallerPolicy:
    def __init__(self, kinds: Mapping[str, ToolKind], per_request: bool, keys: bool) -> None:
        self._kinds = kinds
        self._per_request = per_request
        self._keys = keys

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        credentials = self._credentials(ctx) if self._per_request else None
        with using_credentials(credentials):
            if ctx.method == "tools/list":
                return self._visible(await call_next(ctx), ctx.request)
            name = ctx.params.get("name") if ctx.method == "tools/call" and ctx.params else None
            kind = self._kinds.get(name) if isinstance(name, str) else None
            if kind is not None and not caller_may(kind, ctx.request):
                _audit.note_refusal("insufficient_scope")
                return CallToolResult(
                    content=[TextContent(type="text", text=_scope_refusal(str(name)))],
                    is_error=True,
                )
            return await call_next(ctx)

    def _credentials(self, ctx: ServerRequestContext[Any, Any]) -> RequestCredentials | None:
        headers = getattr(ctx.request, "headers", None)
        api_key = headers.get("dd-api-key", "").strip() if headers is not None else ""
        app_key = headers.get("dd-application-key", "").strip() if headers is not None else ""
        if api_key and app_key:
            return RequestCredentials(api_key=SecretStr(api_key), app_key=SecretStr(app_key))
        if not reaches_datadog(ctx.method):
            return None
        if api_key or app_key:
            raise MCPError(
                INVALID_REQUEST,
                "Send both DD-API-KEY and DD-APPLICATION-KEY headers, or neither.",
            )
        if not self._keys and headers is not None:
            raise MCPError(
                INVALID_REQUEST,
                "This server has no Datadog credentials of its own: send your "
                "DD-API-KEY and DD-APPLICATION-KEY headers with each request.",
            )
        return None

    def _visible(self, answer: HandlerResult, request: object | None) -> HandlerResult:
        hidden = {name for name, kind in self._kinds.items() if not caller_may(kind, request)}
        if not hidden:
            return answer
        if isinstance(answer, Mapping) and isinstance(answer.get("tools"), list):
            tools = [tool for tool in answer["tools"] if tool.get("name") not in hidden]
            return {**answer, "tools": tools}
        listed = getattr(answer, "tools", None)
        if isinstance(listed, list) and answer is not None and not isinstance(answer, Mapping):
            kept = [tool for tool in listed if getattr(tool, "name", None) not in hidden]
            return answer.model_copy(update={"tools": kept})
        return answer


def _scope_refusal(name: str) -> str:
    return (
        f"Your token allows reading only (scope {READ_SCOPE}): {name} changes data and is "
        f"refused. Nothing was changed. Ask the operator for a token with {WRITE_SCOPE}; "
        "tools/list shows the tools your token may use."
    )
