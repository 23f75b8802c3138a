"""The signing keys of the operator's authorisation server, found from its issuer and cached.

The issuer's metadata (RFC 8414 ``/.well-known/oauth-authorization-server``, else OpenID
Connect's ``/.well-known/openid-configuration``) names its ``jwks_uri``; the keys there sign its
access tokens. They are fetched on first use and kept:

- a token naming a ``kid`` the cache does not hold (the server rotated its keys) fetches them
  again, at most once every `UNKNOWN_KID_INTERVAL` seconds, so tokens with made-up ``kid``s
  cannot make this service hammer the authorisation server;
- keys older than `MAX_AGE` are fetched again on next use (a key withdrawn for compromise stops
  being trusted within the hour);
- when a fetch fails, the keys already held keep serving, and the next attempt waits
  `RETRY_AFTER_FAILURE` seconds: a short outage of the authorisation server does not stop
  the signed-in users of this one.

PyJWT's `PyJWKClient` would do part of this, but it fetches with urllib, blocking the event
loop of every call in flight, cannot be given a transport (tests, proxies), and on an unknown
``kid`` fetches again with no limit. Here the fetch goes through httpx2, asynchronously, and
only the parsing of a key is PyJWT's (`case_mcp.server.http._oauth`).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import urlsplit, urlunsplit

import anyio
import httpx2

__all__ = ["MAX_AGE", "RETRY_AFTER_FAILURE", "UNKNOWN_KID_INTERVAL", "IssuerKeys", "Jwk"]

logger = logging.getLogger(__name__)

UNKNOWN_KID_INTERVAL: Final = 30.0
MAX_AGE: Final = 3600.0
RETRY_AFTER_FAILURE: Final = 30.0
# An authorisation server that takes longer than this is down, as far as a caller waiting
# for its tool call is concerned.
FETCH_TIMEOUT: Final = 5.0
# Keys are small; a bigger answer is not a key set.
MAX_DOCUMENT_BYTES: Final = 256 * 1024

Jwk = Mapping[str, Any]
"""One public key as the key set gives it (RFC 7517), for PyJWT's `PyJWK`."""


class KeysUnavailable(Exception):
    """The metadata or the key set could not be fetched or made sense of (a short reason)."""


def metadata_urls(issuer: str) -> list[str]:
    """Where the issuer's metadata may be: RFC 8414's path-inserted URL, then OpenID's."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    oauth = urlunsplit(
        (parts.scheme, parts.netloc, "/.well-known/oauth-authorization-server" + path, "", "")
    )
    openid = urlunsplit(
        (parts.scheme, parts.netloc, path + "/.well-known/openid-configuration", "", "")
    )
    return [oauth, openid]


class IssuerKeys:
    """The public signing keys of one issuer, by ``kid``, fetched and refreshed as needed.

    Args:
        issuer: The authorisation server's issuer, exactly as its metadata and tokens name it.
        transport: How to reach it (default: the network); tests pass their own.
        clock: Seconds, monotonic (tests pass their own).
    """

    def __init__(
        self,
        issuer: str,
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._issuer = issuer
        self._transport = transport
        self._clock = clock
        self._lock = anyio.Lock()
        self._keys: list[Jwk] | None = None
        self._jwks_uri: str | None = None
        self._loaded_at: float | None = None
        self._failed_at: float | None = None
        self._kid_refresh_at: float | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._issuer!r})"

    async def key_for(self, kid: str | None) -> Jwk | None:
        """The signing key named `kid` (without a kid: the only one), or None.

        Never raises: a failure to fetch is logged, and the keys already held answer.
        """
        now = self._clock()
        if self._loaded_at is None or now - self._loaded_at >= MAX_AGE:
            await self._refresh(self._loaded_at)
        found = self._find(kid)
        last = self._kid_refresh_at
        if (
            found is None
            and kid is not None
            and (last is None or now - last >= UNKNOWN_KID_INTERVAL)
        ):
            # The authorisation server may have rotated its keys since they were fetched.
            self._kid_refresh_at = now
            await self._refresh(self._loaded_at)
            found = self._find(kid)
        return found

    def _find(self, kid: str | None) -> Jwk | None:
        keys = self._keys or []
        if kid is None:
            # Without a kid, only a key set of one key says which key it is.
            return keys[0] if len(keys) == 1 else None
        return next((key for key in keys if key.get("kid") == kid), None)

    async def _refresh(self, seen: float | None) -> None:
        async with self._lock:
            if self._loaded_at != seen:
                return  # another call fetched them while this one waited
            now = self._clock()
            if self._failed_at is not None and now - self._failed_at < RETRY_AFTER_FAILURE:
                return
            try:
                self._keys = await self._fetch()
            except KeysUnavailable as error:
                self._failed_at = now
                held = len(self._keys) if self._keys is not None else 0
                logger.warning(
                    "Could not fetch the signing keys of the OAuth issuer %s (%s); "
                    "still using the %d keys held, trying again in %d seconds at the earliest",
                    self._issuer,
                    error,
                    held,
                    RETRY_AFTER_FAILURE,
                )
                return
            self._loaded_at = now
            self._failed_at = None

    async def _fetch(self) -> list[Jwk]:
        async with httpx2.AsyncClient(
            transport=self._transport, timeout=FETCH_TIMEOUT, follow_redirects=False
        ) as http:
            jwks_uri = self._jwks_uri or await self._discover(http)
            # Found again after a failure, in case the authorisation server moved its keys.
            self._jwks_uri = None
            document = await _get_json(http, jwks_uri)
            self._jwks_uri = jwks_uri
        keys = document.get("keys")
        if not isinstance(keys, list):
            raise KeysUnavailable(f"{jwks_uri} holds no key set")
        # Encryption keys and keys of unknown types can never check a signature.
        usable: list[Jwk] = [
            key
            for key in keys
            if isinstance(key, dict)
            and key.get("kty") in ("RSA", "EC", "OKP")
            and key.get("use", "sig") == "sig"
        ]
        if not usable:
            raise KeysUnavailable(f"{jwks_uri} holds no signing key")
        return usable

    async def _discover(self, http: httpx2.AsyncClient) -> str:
        reasons = []
        for url in metadata_urls(self._issuer):
            try:
                metadata = await _get_json(http, url)
            except KeysUnavailable as error:
                reasons.append(str(error))
                continue
            if metadata.get("issuer") != self._issuer:
                # RFC 8414 3.3: metadata naming another issuer must not be used.
                raise KeysUnavailable(
                    f"the metadata at {url} names the issuer {metadata.get('issuer')!r}; "
                    "set the issuer to exactly that if it is yours"
                )
            jwks_uri = metadata.get("jwks_uri")
            if not isinstance(jwks_uri, str) or urlsplit(jwks_uri).scheme not in ("https", "http"):
                raise KeysUnavailable(f"the metadata at {url} names no jwks_uri")
            return jwks_uri
        raise KeysUnavailable("; ".join(reasons))


async def _get_json(http: httpx2.AsyncClient, url: str) -> dict[str, Any]:
    try:
        answer = await http.get(url, headers={"Accept": "application/json"})
    except httpx2.HTTPError as error:
        raise KeysUnavailable(f"{url} did not answer ({type(error).__name__})") from None
    if answer.status_code != 200:
        raise KeysUnavailable(f"{url} answered {answer.status_code}")
    if len(answer.content) > MAX_DOCUMENT_BYTES:
        raise KeysUnavailable(f"{url} answered with more than {MAX_DOCUMENT_BYTES} bytes")
    try:
        document = answer.json()
    except ValueError:
        raise KeysUnavailable(f"{url} did not answer with JSON") from None
    if not isinstance(document, dict):
        raise KeysUnavailable(f"{url} did not answer with a JSON object")
    return document
