"""How the sandbox writes its answers and refusals: Datadog's media types and error bodies."""

from __future__ import annotations

from typing import Any, Final

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response

from . import _wire
from ._errors import MethodNotAllowed, RouteNotFound, SandboxError

__all__ = [
    "JSON_API",
    "USERS_JSON",
    "answer",
    "error_response",
    "http_exception",
    "no_content",
    "sandbox_error",
]

JSON_API: Final = "application/vnd.api+json"
# The users API answers in plain JSON, as the recordings show.
USERS_JSON: Final = "application/json"


def answer(document: Any, *, status: int = 200, media_type: str = JSON_API) -> Response:
    """A JSON answer in Datadog's compact encoding."""
    return Response(_wire.dumps(document), status_code=status, media_type=media_type)


def no_content() -> Response:
    """The empty 204 of a delete."""
    return Response(status_code=204)


def error_response(error: SandboxError) -> Response:
    """The Datadog-shaped answer to a refused request."""
    return answer(error.body(), status=error.status)


async def sandbox_error(request: Request, exc: Exception) -> Response:
    """Starlette exception handler for `SandboxError`."""
    assert isinstance(exc, SandboxError)
    return error_response(exc)


async def http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own 404/405 (no route, wrong method) in Datadog's shape."""
    assert isinstance(exc, HTTPException)
    if exc.status_code == 405:
        return error_response(MethodNotAllowed())
    return error_response(RouteNotFound())
