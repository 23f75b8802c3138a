"""The audit log: one JSON line per write and per refused or confirmed destructive attempt.

A record says who did what to which target and how it ended, never what the target holds::

    {"time":"2026-11-02T09:14:03.512+00:00","tool":"update_case_priority",
     "target":{"case":"SEC-12"},"arguments_digest":"sha256:9f2c...","outcome":"ok",
     "caller":null}

time (UTC), tool, target (keys and ids only), a sha256 digest of the arguments as the client
sent them, the outcome, a short reason code when there is one, and the caller's identity
(None over stdio). Titles, descriptions, comments, attribute values and secrets never reach
the file; the digest lets an investigator check a suspected call's arguments against the
record without the record holding them.

Each record is one ``write`` of one line to a file opened with ``O_APPEND``, under a lock per
file: concurrent calls never interleave lines, and neither do several processes appending to
the same local file.

Tool calls are recorded by the guard that `case_mcp.server.guardrails._spec.guard` installs. Code
that knows more about an attempt (the confirmation flow of the deleting tools) calls
`record` itself; the guard then adds nothing for that call, so each attempt is one line.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final, Literal

from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken

__all__ = [
    "AuditLog",
    "AuditOutcome",
    "AuditTarget",
    "CallAudit",
    "IdentityProvider",
    "arguments_digest",
    "audited_call",
    "check_writable",
    "default_identity",
    "note_refusal",
    "token_identity",
]

AuditOutcome = Literal[
    "ok", "error", "refused", "confirmation_requested", "confirmed", "not_confirmed"
]
"""ok: the write was done. error: it failed (Datadog, or the arguments). refused: the server
would not try (read-only, tool withheld, out of scope, invalid or expired token, no way to
confirm). confirmation_requested: a delete returned a preview and a token instead of
deleting. confirmed: a human confirmed and the delete was done. not_confirmed: the human
declined, cancelled or typed the wrong key, so nothing was deleted."""

AuditTarget = Mapping[str, str | int | None]
"""What was acted on, as identifiers only: ``{"case": "SEC-12"}``, ``{"project": "SEC"}``,
``{"case": "SEC-12", "comment": "<uuid>"}``, ``{"case": "SEC-9", "attribute": "cvss"}``."""

IdentityProvider = Callable[[object | None], str | None]
"""Finds who is calling, from the transport's request object (None over stdio)."""

# Owner read/write only: the log says who changed what, which is nobody else's business.
_MODE: Final = 0o600
_FLAGS: Final = os.O_WRONLY | os.O_APPEND | os.O_CREAT

_locks: dict[str, threading.Lock] = {}
_locks_guard = threading.Lock()


@dataclass
class CallAudit:
    """What one tool call has said about itself so far.

    Attributes:
        caller: Who made the call, when the transport knows (HTTP with a token).
        arguments: The arguments as the client sent them, extra keys included.
        recorded: Something in the call (the confirmation flow) wrote its own record.
        refusal: Why the server refused the call, when it did (``"out_of_scope"``).
        outcome: The outcome of the last record written for the call, if any.
    """

    caller: str | None = None
    arguments: Mapping[str, Any] | None = None
    recorded: bool = False
    refusal: str | None = None
    outcome: AuditOutcome | None = None


# Set by the guard for the length of one tool call.
_current: ContextVar[CallAudit | None] = ContextVar("case_mcp_call_audit", default=None)


def token_identity(token: AccessToken) -> str:
    """Whom `token` was issued to: ``client/subject``, and `` <email>`` when it carries one.

    The token itself is never written: only whom it was issued to.
    """
    who = f"{token.client_id}/{token.subject}" if token.subject else token.client_id
    email = (token.claims or {}).get("email")
    return f"{who} <{email}>" if isinstance(email, str) and email else who


def default_identity(request: object | None) -> str | None:
    """The caller as the SDK's bearer-token auth knows it: the token's client and subject."""
    try:
        user = getattr(request, "user", None)
    except AssertionError:
        # Starlette's `request.user` without auth middleware (HTTP on loopback, no auth).
        user = None
    token = getattr(user, "access_token", None)
    if isinstance(token, AccessToken):
        return token_identity(token)
    token = get_access_token()
    return token_identity(token) if token is not None else None


def arguments_digest(arguments: Mapping[str, Any]) -> str:
    """``sha256:`` and the hex digest of the arguments as canonical JSON (sorted keys)."""
    canonical = json.dumps(
        dict(arguments), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class AuditLog:
    """One server's audit log: the file it appends to, and how it names the caller.

    It lives in the server's lifespan state, so each server (and each test) has its own.

    Attributes:
        path: The operator's log file (`ServerOptions.audit_log`); None: nothing is written.
        identify: Finds who is calling from the transport's request object (None over
            stdio). The default reads the SDK's authenticated user (bearer-token auth): its
            client id and, when the authorisation server names one, the token's subject.
    """

    path: Path | None = None
    identify: IdentityProvider = default_identity

    def record(
        self,
        *,
        tool: str,
        target: AuditTarget,
        arguments: Mapping[str, Any],
        outcome: AuditOutcome,
        reason: str | None = None,
    ) -> None:
        """Append one record to the log; do nothing when there is none.

        Inside a tool call, the guard then writes no record of its own for that call.

        Args:
            tool: The tool's name.
            target: Identifiers of what was acted on (keys and ids; never titles or text).
            arguments: The call's arguments; only their digest is written. Inside a tool
                call the digest is of the arguments as the client sent them (the guard knows
                them), so every record of one call, whoever writes it, has the same digest.
            outcome: How the attempt ended.
            reason: A short fixed code saying why (``"read_only"``, ``"token_expired"``...);
                never text that came from a person or from Datadog.

        Raises:
            OSError: The log cannot be written (the guard logs it; the server checked at
                start-up that it can append).
        """
        call = _current.get()
        if call is not None:
            call.recorded = True
            call.outcome = outcome
        if self.path is None:
            return
        entry: dict[str, Any] = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "tool": tool,
            "target": {key: value for key, value in target.items() if value is not None},
            "arguments_digest": arguments_digest(
                call.arguments if call is not None and call.arguments is not None else arguments
            ),
            "outcome": outcome,
        }
        if reason is not None:
            entry["reason"] = reason
        entry["caller"] = call.caller if call is not None else self.identify(None)
        _append(self.path, json.dumps(entry, ensure_ascii=True, separators=(",", ":")))


def note_refusal(reason: str) -> None:
    """Say that the server refused the current tool call, and why (a short fixed code)."""
    call = _current.get()
    if call is not None:
        call.refusal = reason


@contextmanager
def audited_call(
    caller: str | None = None, arguments: Mapping[str, Any] | None = None
) -> Iterator[CallAudit]:
    """Follow one tool call: what it records and refuses shows in the yielded `CallAudit`."""
    call = CallAudit(caller=caller, arguments=arguments)
    token = _current.set(call)
    try:
        yield call
    finally:
        _current.reset(token)


def check_writable(path: Path) -> None:
    """Open `path` for appending (creating it), as the log will be.

    Raises:
        OSError: It cannot be.
    """
    os.close(os.open(path, _FLAGS, _MODE))


def _append(path: Path, line: str) -> None:
    data = (line + "\n").encode()
    key = os.path.abspath(path)
    with _locks_guard:
        lock = _locks.setdefault(key, threading.Lock())
    with lock:
        descriptor = os.open(path, _FLAGS, _MODE)
        try:
            os.write(descriptor, data)
        finally:
            os.close(descriptor)
