"""What every group of operations shares: the HTTP session, the guard, and one call's request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import httpx2

from case_mcp.client._http import HTTPSession, parse
from case_mcp.client._operation import Call, OperationGuard, calling
from case_mcp.client._paths import APIPath
from case_mcp.errors import InvalidRequestError
from case_mcp.models import RequestBody

MAX_PAGE_SIZE: Final = 100
"""The largest page Datadog serves."""


class Operations:
    """The base of the client's operation groups: one request in, one parsed document out.

    Each public method is declared with `case_mcp.client._operation.operation`; its body
    builds the body and query of its request and sends it with `_call`, which takes the
    method, path and models from the declaration.
    """

    _http: HTTPSession
    _guard: OperationGuard | None = None

    async def _call(
        self, body: RequestBody | None = None, *, params: Mapping[str, str] | None = None
    ) -> Any:
        """Send the current operation's request; its answer parsed as the declared response."""
        call, path, response = await self._exchange(body, params=params)
        model = call.operation.response
        return parse(response, model, call.operation.method, path) if model else None

    async def _exchange(
        self, body: RequestBody | None = None, *, params: Mapping[str, str] | None = None
    ) -> tuple[Call, APIPath, httpx2.Response]:
        """Send the current operation's request and return its 2xx answer unparsed."""
        call = calling()
        declared = call.operation.request
        if (body is None) != (declared is None) or (declared and not isinstance(body, declared)):
            # A method that sends what its declaration does not say is a bug, found by any test.
            raise TypeError(
                f"{call.operation.id} sends {type(body).__name__}, not its declared body"
            )
        payload = body.body() if body is not None else None
        response = await self._http.request(call, params=params, body=payload)
        return call, call.path(), response


def check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}"
        )


def boolean(value: bool) -> str:
    return "true" if value else "false"
