"""Confirmation tokens: a server-signed approval of one delete, of one target, in one state.

A token reads ``v1.<payload>.<signature>``, both parts base64url without padding, and no other
spelling of the same bytes is accepted (padded, other unused bits, spaces around). The payload
is compact JSON naming the tool, the target (ids only), a digest of what the delete would
destroy, the expiry (Unix seconds) and a random id. The signature is HMAC-SHA256 over the
payload bytes with a key derived (`_keys`) from the configured secret, or, when none is set, from
a random key made when the process starts (tokens then die with the process, and no replica
accepts another's).

Redeeming recomputes every binding from the call being made, so a token is refused unless it
was signed here, for this tool, for this exact target, before its expiry, never redeemed
before, and the target still holds what was shown when the token was issued. Nothing is
stored when a token is issued; redeeming remembers the token's id until it expires.

Single use is per process: with several replicas sharing a secret, a token redeemed on one is
unknown to the others. A replay there is still refused once the first delete happened, because
the target is gone or no longer in the state the token is bound to; it could succeed only if
the same target were put back in exactly the same state before the token expires.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final, Literal

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError

from case_mcp.server.guardrails._keys import derived_key

TokenProblem = Literal[
    "malformed", "forged", "other_tool", "other_target", "expired", "spent", "changed"
]
"""Why a token was refused. malformed: not a token this server writes. forged: the signature
does not match (altered, or signed with another secret). other_tool / other_target: issued
for another delete. expired: past its expiry. spent: already redeemed. changed: the target no
longer holds what the token was issued for."""

_VERSION: Final = "v1"


class TokenRejected(Exception):
    """A confirmation token that does not approve this delete.

    Attributes:
        problem: Why (see `TokenProblem`).
    """

    def __init__(self, problem: TokenProblem) -> None:
        super().__init__(problem)
        self.problem: TokenProblem = problem


@dataclass(frozen=True)
class Issued:
    """A new token and when it stops working."""

    token: str
    expires_at: datetime


class _Payload(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    tool: str
    target: str
    state: str
    exp: int
    id: str


class TokenBook:
    """Issues and redeems confirmation tokens; remembers what was used until it expires.

    Each server has one, in its lifespan state (`ServerState.tokens`): the ids of the tokens
    redeemed there and the nonces of the answers that confirmed a delete there (`_approvals`).

    Args:
        clock: The current time in Unix seconds (wall time, so replicas agree on expiry).
    """

    def __init__(self, *, clock: Callable[[], float] = time.time) -> None:
        self.clock = clock
        self._spent: dict[str, float] = {}

    def issue(
        self, secret: SecretStr | None, ttl: float, *, tool: str, target: str, state: str
    ) -> Issued:
        """A token approving `tool` on `target` while it is in `state`, for `ttl` seconds."""
        expires = int(self.clock() + ttl)
        payload = _Payload(tool=tool, target=target, state=state, exp=expires, id=_nonce())
        body = json.dumps(payload.model_dump(), sort_keys=True, separators=(",", ":")).encode()
        signature = hmac.digest(self._key(secret), body, hashlib.sha256)
        token = f"{_VERSION}.{_encode(body)}.{_encode(signature)}"
        return Issued(token=token, expires_at=datetime.fromtimestamp(expires, UTC))

    def redeem(
        self, secret: SecretStr | None, token: str, *, tool: str, target: str, state: str
    ) -> None:
        """Accept `token` for this delete exactly once, or refuse it.

        Raises:
            TokenRejected: The token does not approve this delete; nothing is remembered.
        """
        payload = self._verified(secret, token)
        if payload.tool != tool:
            raise TokenRejected("other_tool")
        if payload.target != target:
            raise TokenRejected("other_target")
        now = self.clock()
        if payload.exp <= now:
            raise TokenRejected("expired")
        if self.spent(payload.id):
            raise TokenRejected("spent")
        if not hmac.compare_digest(payload.state, state):
            raise TokenRejected("changed")
        self.spend(payload.id, until=payload.exp)

    def spend(self, once: str, *, until: float) -> bool:
        """Record `once` (a token's id, an answer's nonce) as used until `until` (Unix
        seconds); False if it already was, and then nothing changes.

        Checked and recorded with no await in between, so of two concurrent calls carrying
        the same approval only one can pass.
        """
        if self.spent(once):
            return False
        self._spent[once] = until
        return True

    def spent(self, once: str) -> bool:
        """Whether `once` was used and has not yet expired."""
        self._forget_expired(self.clock())
        return once in self._spent

    def _verified(self, secret: SecretStr | None, token: str) -> _Payload:
        version, _, rest = token.partition(".")
        body_text, _, signature_text = rest.partition(".")
        if version != _VERSION or not body_text or not signature_text:
            raise TokenRejected("malformed")
        body, signature = _decode(body_text), _decode(signature_text)
        expected = hmac.digest(self._key(secret), body, hashlib.sha256)
        if not hmac.compare_digest(signature, expected):
            raise TokenRejected("forged")
        try:
            return _Payload.model_validate_json(body)
        except ValidationError:
            # Signed by us but unreadable: another version's token, never a valid one here.
            raise TokenRejected("malformed") from None

    def _key(self, secret: SecretStr | None) -> bytes:
        return derived_key(secret, "confirmation token")

    def _forget_expired(self, now: float) -> None:
        # Only what confirmed a delete is stored, so the set stays as small as the deletes
        # of the last few minutes.
        for token_id in [key for key, expires in self._spent.items() if expires <= now]:
            del self._spent[token_id]


def _nonce() -> str:
    return _encode(secrets.token_bytes(12))


def _encode(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _decode(text: str) -> bytes:
    """The bytes `text` spells, if it is their one spelling `_encode` writes.

    Decoders skip characters outside the alphabet, accept padding and ignore the unused
    low bits of the last character; each of those would let one token be spelled several
    ways. Encoding the bytes again and comparing refuses all of them at once.

    Raises:
        TokenRejected: ``malformed``.
    """
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise TokenRejected("malformed") from None
    if _encode(data) != text:
        raise TokenRejected("malformed")
    return data
