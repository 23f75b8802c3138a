"""The MCP endpoint as an OAuth protected resource: its metadata, and its answers to a caller
without a good token.

A client that follows the MCP authorization spec learns how to sign in from these alone:

- ``GET /.well-known/oauth-protected-resource/mcp`` (RFC 9728, path-inserted) names the
  resource, the authorisation server (the operator's issuer) and the scopes, by the names the
  authorisation server knows (`_scope_names`);
- a request to ``/mcp`` without a token the verifiers accept gets 401, and one whose token
  lacks ``cases:read`` gets 403, each with ``WWW-Authenticate`` naming that metadata; the 403
  also names the ``scope`` to ask for (RFC 6750 3.1), which the SDK's own gate leaves out.

This replaces the SDK's gate and metadata route (given ``auth=`` settings it couples the scopes
it requires with the scopes it announces: here every caller needs ``cases:read``, and clients
must still be told that ``cases:write`` exists). Authentication itself stays the SDK's
(`BearerAuthBackend`, installed beside this gate by `_app`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Literal

from mcp.server.auth.middleware.bearer_auth import AuthenticatedUser
from mcp.server.auth.routes import build_resource_metadata_url, create_protected_resource_routes
from mcp.shared.auth import ProtectedResourceMetadata
from pydantic import AnyHttpUrl
from starlette.routing import Route
from starlette.types import ASGIApp, Receive, Scope, Send

from case_mcp.server.guardrails._spec import READ_SCOPE
from case_mcp.server.http._scope_names import ScopeNames

__all__ = ["ProtectedResource", "RequireBearer"]


@dataclass(frozen=True)
class ProtectedResource:
    """The MCP endpoint as clients are told about it.

    Attributes:
        url: Its canonical URL (``--public-url``, else ``http://HOST:PORT/mcp``).
        authorization_server: The issuer clients sign in with (the MCP server itself when
            only static tokens or JWT keys are configured: it has no endpoints of its own).
        scope_names: The scopes as the authorisation server names them.
    """

    url: str
    authorization_server: str
    scope_names: ScopeNames

    @property
    def metadata_url(self) -> str:
        """Where its protected-resource metadata is served (RFC 9728 3.1)."""
        return str(build_resource_metadata_url(AnyHttpUrl(self.url)))

    def metadata_routes(self) -> list[Route]:
        """The route serving the metadata (with CORS, for browser clients)."""
        metadata = ProtectedResourceMetadata.model_validate(
            {
                "resource": self.url,
                # As the issuer names itself: clients compare it, character for character,
                # with the issuer of the authorisation server's own metadata (RFC 8414 3.3).
                "authorization_servers": [self.authorization_server],
                "scopes_supported": self.scope_names.supported,
            }
        )
        return create_protected_resource_routes(
            resource_url=metadata.resource,
            authorization_servers=metadata.authorization_servers,
            scopes_supported=metadata.scopes_supported,
        )

    def challenge(
        self, kind: Literal["invalid_token", "insufficient_scope"]
    ) -> tuple[int, str, str]:
        """The status, ``WWW-Authenticate`` value and description of a refusal of `kind`."""
        if kind == "invalid_token":
            description = "Authentication required"
            parts = [f'error="{kind}"', f'error_description="{description}"']
            status = 401
        else:
            needed = self.scope_names.external(READ_SCOPE)
            description = f"Required scope: {needed}"
            parts = [f'error="{kind}"', f'error_description="{description}"', f'scope="{needed}"']
            status = 403
        parts.append(f'resource_metadata="{self.metadata_url}"')
        return status, "Bearer " + ", ".join(parts), description


class RequireBearer:
    """At the MCP endpoint, lets through only callers whose token grants ``cases:read``.

    It runs inside Starlette's `AuthenticationMiddleware` with the SDK's `BearerAuthBackend`,
    which has set ``scope["user"]`` for a token a verifier accepted. Other paths (probes,
    the metadata) pass untouched.
    """

    def __init__(self, app: ASGIApp, *, path: str, resource: ProtectedResource) -> None:
        self.app = app
        self._path = path
        self._resource = resource

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].rstrip("/") != self._path:
            await self.app(scope, receive, send)
            return
        user = scope.get("user")
        if not isinstance(user, AuthenticatedUser):
            await self._refuse(send, "invalid_token")
        elif READ_SCOPE not in user.scopes:
            await self._refuse(send, "insufficient_scope")
        else:
            await self.app(scope, receive, send)

    async def _refuse(
        self, send: Send, kind: Literal["invalid_token", "insufficient_scope"]
    ) -> None:
        status, challenge, description = self._resource.challenge(kind)
        body = json.dumps({"error": kind, "error_description": description}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"www-authenticate", challenge.encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
