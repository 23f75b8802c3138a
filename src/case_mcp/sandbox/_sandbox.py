"""`Sandbox`: the emulator's state, its ASGI app and the ways to reach it."""

from __future__ import annotations

import os
import sqlite3
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import ClassVar, Final

import httpx2
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from . import _schema
from ._answer import http_exception, sandbox_error
from ._auth import AuthMiddleware
from ._control import control_routes
from ._errors import SandboxError
from ._faults import FaultMiddleware, Faults
from ._limits import Limiter, RateLimit, RateLimitMiddleware
from ._routes import OPERATIONS, Operation, api_routes
from ._seed import ACTOR_ID, seed_demo_org
from ._store import Store
from ._transport import SandboxTransport

__all__ = ["API_USER_NAME", "DEFAULT_RATE_LIMIT", "Sandbox"]

DEFAULT_RATE_LIMIT: Final = RateLimit()

# The demo organisation is deterministic (fixed ids, a scripted clock), so every seeded
# sandbox starts as the same database. Seeding takes ~80 ms; copying a seeded database page by
# page takes ~0.3 ms, which matters to a test suite that starts hundreds of sandboxes.
_demo_org_lock = threading.Lock()
_demo_org: sqlite3.Connection | None = None


def _copy_demo_org(target: sqlite3.Connection) -> None:
    """Make the in-memory database `target` a copy of the seeded demo organisation."""
    global _demo_org
    with _demo_org_lock:
        if _demo_org is None:
            template, _ = _schema.open_database(None)
            store = Store(template, clock=_utc_now, new_id=_new_id)
            with store.transaction():
                seed_demo_org(store)
            _demo_org = template
        _demo_org.backup(target)


API_USER_NAME: Final = "Case MCP Sandbox"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _new_id() -> str:
    return str(uuid.uuid4())


class _RequestIdMiddleware:
    """Stamps every answer with a fresh ``x-request-id``, as Datadog does."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                header = (b"x-request-id", _new_id().encode())
                message = {**message, "headers": [*message.get("headers", []), header]}
            await send(message)

        await self.app(scope, receive, send_with_id)


class Sandbox:
    """An in-process emulator of the Datadog Case Management API, with its state in SQLite.

    Args:
        db_path: A database file; None keeps the state in memory. A new or empty file is
            created and seeded; an existing one is reopened as it is (never re-seeded).
        seed: Fill a new database with the demo organisation; False leaves it empty but for
            the API user that requests act as.
        rate_limit: The request budget (None: no budget; the headers still go out).
        faults: Faults to inject from the start (default: none).
        clock: The current time, for timestamps and rate-limit windows (default: UTC now).

    Raises:
        case_mcp.errors.ConfigurationError: `db_path` is not a sandbox database this version
            can open; the message says what to do.

    Attributes:
        ACTOR_ID: The id of the API user that every request acts as: the author of its
            changes and comments.
        OPERATIONS: The Datadog operations the sandbox serves: method, path template and
            operation id, as in Datadog's reference. Any other request is Datadog's 404, or
            405 for a known path with another method.
        app: The ASGI app: the API under ``/api/v2/``, the control plane under ``/_sandbox/``.
        store: The state and business rules, for direct inspection in tests.
        faults: The faults in force; change its fields or replace it at run time.
        rate_limit: The budget in force; replace it at run time (a fresh window starts).
    """

    ACTOR_ID: ClassVar[str] = ACTOR_ID
    OPERATIONS: ClassVar[tuple[Operation, ...]] = OPERATIONS

    def __init__(
        self,
        *,
        db_path: str | os.PathLike[str] | None = None,
        seed: bool = True,
        rate_limit: RateLimit | None = DEFAULT_RATE_LIMIT,
        faults: Faults | None = None,
        clock: Callable[[], datetime] | None = None,
    ) -> None:
        self._clock = clock or _utc_now
        self._conn, created = _schema.open_database(db_path)
        self.store = Store(self._conn, clock=self._clock, new_id=_new_id)
        self.faults = faults if faults is not None else Faults()
        self.rate_limit = rate_limit
        self._limiter = Limiter(lambda: self.rate_limit, self._clock)
        # Users are never deleted (only disabled), so a database without any was never
        # populated: just created, or its first population was interrupted.
        if created and seed and db_path is None:
            _copy_demo_org(self._conn)
        elif created or self.store.count_users() == 0:
            # One transaction: a file is fully populated or not at all.
            with self.store.transaction():
                self._populate(seed=seed)
        self.app: ASGIApp = self._build_app()

    def _build_app(self) -> ASGIApp:
        app = Starlette(
            routes=[*api_routes(self.store, ACTOR_ID), *control_routes(self)],
            exception_handlers={SandboxError: sandbox_error, HTTPException: http_exception},
        )
        limited = RateLimitMiddleware(
            FaultMiddleware(AuthMiddleware(app), lambda: self.faults), self._limiter
        )
        return _RequestIdMiddleware(limited)

    def _populate(self, *, seed: bool) -> None:
        if seed:
            seed_demo_org(self.store)
        else:
            self.store.create_user(
                email="case-mcp-sandbox@demo-org.example",
                name=API_USER_NAME,
                handle=ACTOR_ID,
                service_account=True,
                user_id=ACTOR_ID,
            )

    def transport(self) -> httpx2.AsyncBaseTransport:
        """An httpx2 transport to this sandbox, in process (no port, no thread).

        Use it as ``httpx2.AsyncClient(transport=sandbox.transport(), base_url=...)``.
        """
        return SandboxTransport(self.app)

    def reset(self, *, seed: bool = True) -> None:
        """Wipe every object and start again: seeded, or empty but for the API user.

        Args:
            seed: Fill the organisation with the demo data again.
        """
        with self.store.transaction():
            for table in _schema.TABLES:
                self._conn.execute(f"DELETE FROM {table}")
            self._populate(seed=seed)
        self._limiter.reset()

    def close(self) -> None:
        """Close the database; the sandbox cannot be used afterwards."""
        self._conn.close()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
