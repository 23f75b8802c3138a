"""The control plane under ``/_sandbox/``: reset the state, set faults and the rate limit.

It takes no credentials and is never rate-limited or faulted, so a test can always reach it::

    POST /_sandbox/reset       {"seed": true}      wipe the state, then seed it (or not)
    GET  /_sandbox/faults                          the faults in force
    PUT  /_sandbox/faults      {"error_rate": 0.2, "seed": 7}   replace them (omitted = off)
    GET  /_sandbox/rate_limit                      {"limit", "period", "name"} or null
    PUT  /_sandbox/rate_limit  {"limit": 5}        replace it (null = no budget)
"""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from typing import Any, Protocol

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from . import _wire
from ._errors import BadRequest
from ._faults import Faults
from ._limits import RateLimit

__all__ = ["Controlled", "control_routes"]


class Controlled(Protocol):
    """What the control plane changes: a `Sandbox`."""

    faults: Faults
    rate_limit: RateLimit | None

    def reset(self, *, seed: bool = True) -> None: ...


def _json(document: Any) -> Response:
    return Response(_wire.dumps(document), media_type="application/json")


async def _body(request: Request) -> Any:
    raw = await request.body()
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise BadRequest(f"the request body is not valid JSON: {exc}") from None


def _settings(body: Any, kind: type[Faults] | type[RateLimit]) -> dict[str, Any]:
    names = {field.name for field in fields(kind)}
    if not isinstance(body, dict):
        raise BadRequest(f"send a JSON object with some of: {', '.join(sorted(names))}")
    unknown = sorted(body.keys() - names)
    if unknown:
        raise BadRequest(f"unknown setting {unknown[0]!r}; settings are {', '.join(sorted(names))}")
    return body


def _faults_document(faults: Faults) -> dict[str, Any]:
    document = asdict(faults)
    document["error_statuses"] = list(faults.error_statuses)
    return document


def control_routes(sandbox: Controlled) -> list[BaseRoute]:
    """The ``/_sandbox/`` routes acting on `sandbox`."""

    async def reset(request: Request) -> Response:
        body = await _body(request)
        if body is None:
            body = {}
        seed = body.get("seed", True) if isinstance(body, dict) else None
        if not isinstance(seed, bool):
            raise BadRequest('send {"seed": true} or {"seed": false}')
        sandbox.reset(seed=seed)
        return _json({"reset": True, "seeded": seed})

    async def get_faults(request: Request) -> Response:
        return _json(_faults_document(sandbox.faults))

    async def put_faults(request: Request) -> Response:
        settings = _settings(await _body(request), Faults)
        if isinstance(settings.get("error_statuses"), list):
            settings["error_statuses"] = tuple(settings["error_statuses"])
        try:
            sandbox.faults = Faults(**settings)
        except (TypeError, ValueError) as exc:
            raise BadRequest(f"invalid faults: {exc}") from None
        return _json(_faults_document(sandbox.faults))

    async def get_rate_limit(request: Request) -> Response:
        limit = sandbox.rate_limit
        return _json(None if limit is None else asdict(limit))

    async def put_rate_limit(request: Request) -> Response:
        body = await _body(request)
        if body is None:
            sandbox.rate_limit = None
        else:
            try:
                sandbox.rate_limit = RateLimit(**_settings(body, RateLimit))
            except (TypeError, ValueError) as exc:
                raise BadRequest(f"invalid rate limit: {exc}") from None
        return await get_rate_limit(request)

    return [
        Route("/_sandbox/reset", reset, methods=["POST"]),
        Route("/_sandbox/faults", get_faults, methods=["GET"]),
        Route("/_sandbox/faults", put_faults, methods=["PUT"]),
        Route("/_sandbox/rate_limit", get_rate_limit, methods=["GET"]),
        Route("/_sandbox/rate_limit", put_rate_limit, methods=["PUT"]),
    ]
