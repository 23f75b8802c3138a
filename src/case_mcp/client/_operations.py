"""What every group of operations shares: the HTTP session, parsing, and safe paths."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final, TypeVar

from pydantic import BaseModel

from case_mcp.client._http import HTTPSession, Method, parse
from case_mcp.errors import InvalidRequestError
from case_mcp.models import RequestBody

MAX_PAGE_SIZE: Final = 100
"""The largest page Datadog serves."""

ModelT = TypeVar("ModelT", bound=BaseModel)


class Operations:
    """The base of the client's operation groups: one request in, one parsed document out."""

    _http: HTTPSession

    async def _call(
        self,
        model: type[ModelT],
        method: Method,
        path: str,
        body: RequestBody | None = None,
        *,
        params: Mapping[str, str] | None = None,
    ) -> ModelT:
        payload = body.body() if body is not None else None
        response = await self._http.request(method, path, params=params, body=payload)
        return parse(response, model, method, path)


def check_page_size(page_size: int) -> None:
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidRequestError(
            f"page_size must be between 1 and {MAX_PAGE_SIZE}, not {page_size}"
        )


def boolean(value: bool) -> str:
    return "true" if value else "false"
