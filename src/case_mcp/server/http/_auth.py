"""Who may call the HTTP service, with which scope, and with whose Datadog credentials.

`AuthOptions` holds what the operator configured (static tokens, JWT keys, an OAuth
authorisation server, per-request credentials); `server_auth` turns it into a `TokenVerifier`
and the `ProtectedResource` the service describes (`_resource`), so an MCP request without a
good bearer token gets 401 with ``WWW-Authenticate`` pointing at the protected-resource
metadata, which names the authorisation server to sign in with. `install_caller_policy` then
adds, inside the tool guard of `_spec`, what depends on the caller:

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
from typing import Any
from urllib.parse import urlsplit

from mcp import MCPError
from mcp.server import MCPServer
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import INVALID_REQUEST, CallToolResult, TextContent
from pydantic import SecretStr

from case_mcp.client import RequestCredentials, using_credentials
from case_mcp.config import AuthOptions
from case_mcp.errors import ConfigurationError
from case_mcp.server.guardrails import _audit
from case_mcp.server.guardrails._spec import READ_SCOPE, WRITE_SCOPE, HttpScope
from case_mcp.server.http._bearer import (
    MIN_JWT_SECRET_LENGTH,
    EitherVerifier,
    JwtVerifier,
    StaticTokenVerifier,
    load_jwks,
    parse_static_tokens,
    read_token_file,
)
from case_mcp.server.http._issuer_keys import IssuerKeys
from case_mcp.server.http._methods import reaches_datadog
from case_mcp.server.http._oauth import OAuthVerifier
from case_mcp.server.http._resource import ProtectedResource
from case_mcp.server.http._scope_names import ScopeNames

__all__ = [
    "ServerAuth",
    "auth_configured",
    "caller_may",
    "install_caller_policy",
    "server_auth",
]


def auth_configured(auth: AuthOptions) -> bool:
    """Whether HTTP callers must show a bearer token (a static token or a JWT key is set)."""
    return auth.configured


@dataclass(frozen=True)
class ServerAuth:
    """How the service checks bearer tokens, and how it describes itself to clients."""

    verifier: TokenVerifier
    resource: ProtectedResource


def server_auth(auth: AuthOptions, resource_url: str) -> ServerAuth | None:
    """The verifier and settings for `auth`, or None when no authentication is configured.

    Args:
        auth: The operator's authentication options.
        resource_url: The URL clients reach the MCP endpoint at (``http://HOST:PORT/mcp``):
            the resource the protected-resource metadata describes and the default JWT
            and OAuth audience.

    Raises:
        ConfigurationError: A token is too short, the token file or JWKS cannot be read,
            or the JWT secret is too short; the message names what to fix.
    """
    if not auth_configured(auth):
        return None
    entries = parse_static_tokens(
        (token.get_secret_value() for token in auth.tokens), AuthOptions.variable("tokens")
    )
    if auth.token_file is not None:
        entries += parse_static_tokens(read_token_file(auth.token_file), "--token-file")
    verifiers: list[TokenVerifier] = []
    if entries:
        verifiers.append(StaticTokenVerifier(entries, resource_url))
    secret = auth.jwt_secret.get_secret_value() if auth.jwt_secret is not None else None
    if secret is not None and len(secret) < MIN_JWT_SECRET_LENGTH:
        raise ConfigurationError(
            f"{AuthOptions.variable('jwt_secret')} must be at least {MIN_JWT_SECRET_LENGTH} "
            "characters long"
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
    names = ScopeNames(auth.scope_names)
    if auth.oauth_issuer is not None:
        verifiers.append(
            OAuthVerifier(
                keys=IssuerKeys(auth.oauth_issuer),
                issuer=auth.oauth_issuer,
                audience=auth.oauth_audience or resource_url,
                resource=resource_url,
                scope_names=names,
            )
        )
    if not verifiers:
        raise ConfigurationError(f"{AuthOptions.named('token_file')} holds no token")
    # Static tokens have no authorisation server; the metadata then names this server.
    parts = urlsplit(resource_url)
    issuer = auth.oauth_issuer or auth.jwt_issuer or f"{parts.scheme}://{parts.netloc}/"
    resource = ProtectedResource(url=resource_url, authorization_server=issuer, scope_names=names)
    return ServerAuth(verifier=EitherVerifier(verifiers), resource=resource)


def caller_of(request: object | None) -> AccessToken | None:
    """The access token of the caller of `request` (None over stdio and without auth)."""
    scope = getattr(request, "scope", None)
    user = scope.get("user") if isinstance(scope, Mapping) else None
    if isinstance(user, AuthenticatedUser):
        return user.access_token
    return get_access_token()


def caller_may(scope: HttpScope, request: object | None) -> bool:
    """Whether the caller of `request` may use a tool that needs `scope` (no token: yes)."""
    token = caller_of(request)
    # Every authenticated caller has cases:read: the verifier requires it of each token.
    if token is None or scope == READ_SCOPE:
        return True
    return scope in token.scopes


def caller_identity(request: object | None) -> str | None:
    """Who made `request`, for the audit and access logs: the token's client, subject and
    email (when it carries one), never the token."""
    token = caller_of(request)
    return _audit.token_identity(token) if token is not None else None


def install_caller_policy(
    server: MCPServer[Any],
    scopes: Mapping[str, HttpScope],
    auth: AuthOptions,
    *,
    keys: bool = True,
) -> None:
    """Add the scope checks and per-request credentials to `server` (see the module doc).

    Call it after `create_server` (given ``identity=caller_identity``, so the audit log
    names the token's client and subject), so it runs inside the tool guard, which then
    audits a refused call as refused.

    Args:
        server: The server `create_server` built.
        scopes: The scope each tool needs, by name (the whole inventory).
        auth: The operator's authentication options.
        keys: Whether Datadog credentials are configured; if not, with per-request
            credentials, a request that needs Datadog and brings no keys is refused.
    """
    policy = _CallerPolicy(scopes, auth.per_request_credentials, keys, ScopeNames(auth.scope_names))
    server.middleware.append(policy)


class _CallerPolicy:
    def __init__(
        self, scopes: Mapping[str, HttpScope], per_request: bool, keys: bool, names: ScopeNames
    ) -> None:
        self._scopes = scopes
        self._per_request = per_request
        self._keys = keys
        self._names = names

    async def __call__(
        self, ctx: ServerRequestContext[Any, Any], call_next: CallNext
    ) -> HandlerResult:
        credentials = self._credentials(ctx) if self._per_request else None
        with using_credentials(credentials):
            if ctx.method == "tools/list":
                return self._visible(await call_next(ctx), ctx.request)
            name = ctx.params.get("name") if ctx.method == "tools/call" and ctx.params else None
            scope = self._scopes.get(name) if isinstance(name, str) else None
            if scope is not None and not caller_may(scope, ctx.request):
                _audit.note_refusal("insufficient_scope")
                return CallToolResult(
                    content=[TextContent(type="text", text=self._refusal(str(name)))],
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
        hidden = {name for name, scope in self._scopes.items() if not caller_may(scope, request)}
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

    def _refusal(self, name: str) -> str:
        read, write = self._names.external(READ_SCOPE), self._names.external(WRITE_SCOPE)
        return (
            f"Your token allows reading only (scope {read}): {name} changes data and is "
            f"refused. Nothing was changed. Sign in again granting {write}, or ask the "
            f"operator for a token with {write}; tools/list shows the tools your token may use."
        )
