"""The keys derived from the configured secret: one per use, none of them the secret itself.

A confirmation token's MAC and the SDK's sealed request state must never share a key: a
value made for one use then could never be passed off as the other's, and a key that leaks
from one (the request state's reaches a library we do not own) says nothing of the other.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Final, Literal

from pydantic import SecretStr

KeyUse = Literal["confirmation token", "request state", "question reference"]
"""What a derived key is for: signing confirmation tokens, sealing the SDK's request state,
or tagging the question a person is asked with the state it shows."""

_LABELS: Final[dict[KeyUse, bytes]] = {
    "confirmation token": b"case-mcp confirmation token v1",
    "request state": b"case-mcp request state v1",
    "question reference": b"case-mcp question reference v1",
}


# Without a configured secret: a secret of this process only, so what it signs dies with it.
_PROCESS_SECRET: Final = secrets.token_bytes(32)


def derived_key(secret: SecretStr | None, use: KeyUse) -> bytes:
    """The 32-byte key for `use`, derived from the operator's secret (None: this process's).

    HMAC-SHA256 keyed with the secret, over a label naming the use, is a pseudo-random
    function of the label: keys for different labels are independent, and one reveals
    nothing of the secret or the others. That is HKDF's expand step with one block; the
    extract step is left out because the secret is checked to be long
    (``case_mcp.config.MIN_SECRET_LENGTH``) and the standard library has HMAC but not HKDF.
    """
    material = _PROCESS_SECRET if secret is None else secret.get_secret_value().encode()
    return hmac.digest(material, _LABELS[use], hashlib.sha256)
