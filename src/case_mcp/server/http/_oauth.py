"""Access tokens of the operator's OAuth authorisation server (``--oauth-issuer``).

An access token is accepted when, with a small leeway for clocks (`JWT_LEEWAY_SECONDS`):

- its algorithm is one of `ALGORITHMS`, all asymmetric: never ``none``, and never HS256,
  whose "secret" would be the authorisation server's public key, known to anyone;
- it is signed by the key of the issuer's key set that its ``kid`` names
  (`_issuer_keys.IssuerKeys`), and that key is of the algorithm's type;
- ``iss`` is the issuer, exactly;
- ``aud`` is this resource (RFC 8707: the resource URL, or the operator's audience), so a
  token the same authorisation server minted for another resource is refused;
- ``exp`` is present and not past, ``nbf`` (if present) not ahead.

Its scopes are read back into the case scopes (`_scope_names.ScopeNames`).
"""

from __future__ import annotations

import logging
from typing import Any, Final

import jwt
from mcp.server.auth.provider import AccessToken

from case_mcp.server.http._bearer import JWT_LEEWAY_SECONDS, access_from_claims, scopes_claim
from case_mcp.server.http._issuer_keys import IssuerKeys
from case_mcp.server.http._scope_names import ScopeNames

__all__ = ["ALGORITHMS", "OAuthVerifier"]

logger = logging.getLogger(__name__)

ALGORITHMS: Final = frozenset(
    {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"}
)


class OAuthVerifier:
    """Accepts the access tokens the operator's authorisation server issued for this resource."""

    def __init__(
        self,
        *,
        keys: IssuerKeys,
        issuer: str,
        audience: str,
        resource: str,
        scope_names: ScopeNames,
    ) -> None:
        self._keys = keys
        self._issuer = issuer
        self._audience = audience
        self._resource = resource
        self._scope_names = scope_names

    def __repr__(self) -> str:
        return f"{type(self).__name__}(issuer={self._issuer!r}, audience={self._audience!r})"

    async def verify_token(self, token: str) -> AccessToken | None:
        """The caller's access, or None when `token` is not a valid access token for this
        resource from the issuer."""
        try:
            claims = await self._checked_claims(token)
        except jwt.PyJWTError as error:
            # The reason helps the operator; the token never reaches the log.
            logger.info("Refused an OAuth access token: %s", type(error).__name__)
            return None
        scopes = self._scope_names.granted(scopes_claim(claims))
        return access_from_claims(token, claims, list[str](scopes), self._resource)

    async def _checked_claims(self, token: str) -> dict[str, Any]:
        header = jwt.get_unverified_header(token)
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise jwt.InvalidAlgorithmError("algorithm not accepted")
        unverified = jwt.decode(token, options={"verify_signature": False})
        if unverified.get("iss") != self._issuer:
            # Not this issuer's: no reason to look for its key (nor to fetch the key set).
            raise jwt.InvalidIssuerError("another issuer")
        kid = header.get("kid")
        if kid is not None and not isinstance(kid, str):
            raise jwt.InvalidTokenError("kid is not a string")
        jwk = await self._keys.key_for(kid)
        if jwk is None:
            raise jwt.InvalidKeyError("no key of the issuer has this kid")
        if jwk.get("alg", algorithm) != algorithm:
            raise jwt.InvalidAlgorithmError("the key is for another algorithm")
        # PyJWK refuses a key of another type than the algorithm's (an EC key for RS256).
        key = jwt.PyJWK(dict(jwk), algorithm=algorithm).key
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[algorithm],
            audience=self._audience,
            issuer=self._issuer,
            leeway=JWT_LEEWAY_SECONDS,
            options={"require": ["exp", "iss", "aud"]},
        )
        return claims
