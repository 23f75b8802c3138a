"""The key that seals the SDK's request state, derived from the configured secret.

A 2026-07-28 tool call that asks the user something (a delete's confirmation) comes back as a
second request carrying the server's sealed ``requestState``. Behind a load balancer that
second request may reach another replica, which can only open the state if every replica
seals with the same key: the one derived here from the shared secret. The SDK also binds the
state to the server's name (the same everywhere, `SERVER_NAME`) and to the caller's identity.
"""

from __future__ import annotations

from typing import Final

from mcp.server.request_state import RequestStateSecurity
from pydantic import SecretStr

from case_mcp.server.guardrails._keys import derived_key

STATE_TTL: Final = 600.0
"""Seconds a sealed request state is accepted after it was sealed: the time a person has to
answer a question (the SDK's default, stated here because `_approvals` relies on it)."""


def request_state_security(secret: SecretStr | None) -> RequestStateSecurity:
    """How the server seals its request state: with `secret`'s key, or without one with a
    random key of this server only (another replica, or this one restarted, refuses it)."""
    if secret is None:
        return RequestStateSecurity.ephemeral(ttl=STATE_TTL)
    return RequestStateSecurity(keys=[derived_key(secret, "request state")], ttl=STATE_TTL)
