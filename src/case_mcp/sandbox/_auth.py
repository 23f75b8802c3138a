"""Authentication, Datadog's in form only.

Every ``/api/`` request needs non-empty ``DD-API-KEY`` and ``DD-APPLICATION-KEY`` headers, or a
non-empty ``Authorization: Bearer`` token, else 403. Any non-empty value is accepted, and
every request acts as the sandbox's API user.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Receive, Scope, Send

from ._answer import error_response
from ._errors import Forbidden

__all__ = ["AuthMiddleware"]


def _authenticated(scope: Scope) -> bool:
    headers = {name.lower(): value.strip() for name, value in scope["headers"]}
    if headers.get(b"dd-api-key") and headers.get(b"dd-application-key"):
        return True
    scheme, _, token = headers.get(b"authorization", b"").partition(b" ")
    return scheme.lower() == b"bearer" and bool(token.strip())


class AuthMiddleware:
    """403 ``{"errors":["Forbidden"]}`` for an ``/api/`` request without credentials."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] == "http"
            and scope["path"].startswith("/api/")
            and not _authenticated(scope)
        ):
            await error_response(Forbidden())(scope, receive, send)
            return
        await self.app(scope, receive, send)
