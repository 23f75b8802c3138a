"""Checking bearer tokens: static tokens kept as hashes, and JWTs (shared secret or JWKS).

JWTs from the operator's authorisation server are checked by `_oauth.OAuthVerifier`, which
shares the reading of claims (`access_from_claims`) with `JwtVerifier`.

The verifiers implement the SDK's `TokenVerifier`: an `AccessToken` for a good token, None
for anything else (the service then answers 401 with ``WWW-Authenticate``). None ever keeps,
logs or returns the token itself: a static token is stored as its sha256 digest and compared
with `hmac.compare_digest` against every known digest, so the time taken says nothing about
which token, or how much of one, matched; the `AccessToken` carries a digest in its place.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import jwt
from mcp.server.auth.provider import AccessToken, TokenVerifier

from case_mcp.config import AuthOptions
from case_mcp.errors import ConfigurationError
from case_mcp.server.http._scope_names import SCOPES, granted

logger = logging.getLogger(__name__)

# Shorter static tokens are guessable; the check runs at start-up, never on a request.
MIN_TOKEN_LENGTH: Final = 16
# RFC 7518 3.2: an HS256 key must be at least as long as the hash output.
MIN_JWT_SECRET_LENGTH: Final = 32
# Clock skew allowed between the token issuer and this server for exp and nbf.
JWT_LEEWAY_SECONDS: Final = 30
_ASYMMETRIC: Final = ("RS256", "ES256")


def _digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).digest()


def access_from_claims(
    token: str, claims: Mapping[str, Any], scopes: list[str], resource: str
) -> AccessToken | None:
    """The caller's access from a JWT's checked claims; None when they name no client.

    Only whom the token was issued to is kept: the client, the subject, the issuer and the
    email when the token carries one (for the audit and access logs), never the token.
    """
    # RFC 9068 and oidc-provider say client_id, Keycloak and Entra ID v2 azp, Okta cid,
    # Entra ID v1 appid; a token of none of them is a user's own (sub).
    client_id = next(
        (
            claims[name]
            for name in ("client_id", "azp", "cid", "appid", "sub")
            if isinstance(claims.get(name), str) and claims[name]
        ),
        None,
    )
    if client_id is None:
        logger.info("Refused a bearer JWT: no client_id, azp or sub claim")
        return None
    subject = claims.get("sub")
    who = {name: claims[name] for name in ("iss", "email") if isinstance(claims.get(name), str)}
    return AccessToken(
        token="sha256:" + _digest(token).hex(),
        client_id=client_id,
        scopes=scopes,
        # The SDK checks exp again without leeway after the verifier, so a token within the
        # leeway would get 401 after all: the verifier has checked exp, with leeway.
        expires_at=int(claims["exp"]) + JWT_LEEWAY_SECONDS,
        resource=resource,
        subject=subject if isinstance(subject, str) else None,
        claims=who or None,
    )


@dataclass(frozen=True)
class _StaticEntry:
    digest: bytes
    scopes: tuple[str, ...]

    @property
    def client_id(self) -> str:
        # A stable name for the audit log that cannot be turned back into the token.
        return f"static-token-{hashlib.sha256(self.digest).hexdigest()[:12]}"


def parse_static_tokens(entries: Iterable[str], where: str) -> list[_StaticEntry]:
    """Static tokens as digests and scopes, from ``token`` or ``token:cases:read`` entries.

    A token without a scope suffix gets both scopes.

    Raises:
        ConfigurationError: A token is shorter than `MIN_TOKEN_LENGTH` (the message says
            where it came from, never the token).
    """
    parsed: list[_StaticEntry] = []
    for raw in entries:
        entry = raw.strip()
        if not entry:
            continue
        token, scopes = entry, list[str](SCOPES)
        for scope in SCOPES:
            if entry.endswith(":" + scope):
                token, scopes = entry[: -len(scope) - 1], list[str](granted([scope]))
        if len(token) < MIN_TOKEN_LENGTH:
            raise ConfigurationError(
                f"{where}: every token must be at least {MIN_TOKEN_LENGTH} characters long "
                "(generate one with `python -c 'import secrets; print(secrets.token_urlsafe(32))'`)"
            )
        parsed.append(_StaticEntry(_digest(token), tuple(scopes)))
    return parsed


def read_token_file(path: Path) -> list[str]:
    """The entries of a token file: one per line; blank lines and ``#`` comments skipped.

    Raises:
        ConfigurationError: The file cannot be read.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigurationError(
            f"{AuthOptions.named('token_file')}: cannot read {str(path)!r} "
            f"({error.strerror or type(error).__name__})"
        ) from None
    lines = (line.strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


class StaticTokenVerifier:
    """Accepts the operator's static tokens, compared as sha256 digests in constant time."""

    def __init__(self, entries: Sequence[_StaticEntry], resource: str) -> None:
        self._entries = tuple(entries)
        self._resource = resource

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self._entries)} tokens)"

    async def verify_token(self, token: str) -> AccessToken | None:
        """The caller's access, or None when `token` is none of the static tokens."""
        digest = _digest(token)
        found: _StaticEntry | None = None
        for entry in self._entries:
            # No early exit: every digest is compared, whichever one matches.
            if hmac.compare_digest(entry.digest, digest):
                found = entry
        if found is None:
            return None
        return AccessToken(
            token="sha256:" + digest.hex(),
            client_id=found.client_id,
            scopes=list(found.scopes),
            resource=self._resource,
        )


class JwtVerifier:
    """Accepts JWTs signed with a shared secret (HS256) or a key of a JWKS (RS256, ES256).

    The signature, ``exp`` (required), ``nbf``, ``aud`` (required) and, when configured,
    ``iss`` are checked; the algorithm is chosen by the key, never by the token alone.
    Scopes come from the ``scope`` claim (space-separated) or ``scp`` (a list).
    """

    def __init__(
        self,
        *,
        secret: str | None,
        jwks: jwt.PyJWKSet | None,
        audience: str,
        issuer: str | None,
        resource: str,
    ) -> None:
        self._secret = secret
        self._jwks = jwks
        self._audience = audience
        self._issuer = issuer
        self._resource = resource

    def __repr__(self) -> str:
        kinds = [name for name, on in (("HS256", self._secret), ("JWKS", self._jwks)) if on]
        return f"{type(self).__name__}({'+'.join(kinds)}, audience={self._audience!r})"

    async def verify_token(self, token: str) -> AccessToken | None:
        """The caller's access, or None when `token` is not a valid JWT for this server."""
        try:
            key, algorithm = self._key_for(jwt.get_unverified_header(token))
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[algorithm],
                audience=self._audience,
                issuer=self._issuer,
                leeway=JWT_LEEWAY_SECONDS,
                options={"require": ["exp", "aud"]},
            )
        except jwt.PyJWTError as error:
            # The reason helps the operator; the token never reaches the log.
            logger.info("Refused a bearer JWT: %s", type(error).__name__)
            return None
        return access_from_claims(
            token, claims, list[str](granted(scopes_claim(claims))), self._resource
        )

    def _key_for(self, header: Mapping[str, Any]) -> tuple[Any, str]:
        algorithm = header.get("alg")
        if algorithm == "HS256" and self._secret is not None:
            return self._secret, "HS256"
        if algorithm in _ASYMMETRIC and self._jwks is not None:
            kid = header.get("kid")
            keys = [key for key in self._jwks.keys if kid is None or key.key_id == kid]
            if kid is None and len(keys) > 1:
                raise jwt.InvalidTokenError("no kid, and the JWKS has several keys")
            for key in keys:
                if key.algorithm_name == algorithm:
                    return key.key, algorithm
            raise jwt.InvalidTokenError("no key of the JWKS fits the token")
        raise jwt.InvalidAlgorithmError("algorithm not accepted")


def scopes_claim(claims: Mapping[str, Any]) -> list[str]:
    """A JWT's scopes: ``scope`` (space-separated, RFC 9068) or ``scp`` (Okta's list, Entra
    ID's space-separated string)."""
    for name in ("scope", "scp"):
        value = claims.get(name)
        if isinstance(value, str):
            return value.split()
        if isinstance(value, list):
            return [item for item in value if isinstance(item, str)]
    return []


def load_jwks(path: Path) -> jwt.PyJWKSet:
    """The public keys of a JWKS file.

    Raises:
        ConfigurationError: The file cannot be read or holds no usable RS256/ES256 key.
    """
    where = f"{AuthOptions.named('jwks_file')} {str(path)!r}"
    try:
        keys = jwt.PyJWKSet.from_dict(json.loads(path.read_text(encoding="utf-8")))
    except OSError as error:
        raise ConfigurationError(
            f"{where}: cannot read it ({error.strerror or type(error).__name__})"
        ) from None
    except (ValueError, jwt.PyJWTError) as error:
        raise ConfigurationError(f"{where}: not a JWKS ({type(error).__name__})") from None
    if not any(key.algorithm_name in _ASYMMETRIC for key in keys.keys):
        raise ConfigurationError(f"{where}: holds no RS256 or ES256 key")
    return keys


class EitherVerifier:
    """Tries each verifier in turn; the first that accepts the token wins."""

    def __init__(self, verifiers: Sequence[TokenVerifier]) -> None:
        self._verifiers = tuple(verifiers)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(map(repr, self._verifiers))})"

    async def verify_token(self, token: str) -> AccessToken | None:
        """The caller's access from the first verifier that accepts `token`, else None."""
        for verifier in self._verifiers:
            access = await verifier.verify_token(token)
            if access is not None:
                return access
        return None
