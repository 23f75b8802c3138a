"""A real OAuth authorisation server for tests: oidc-provider on loopback, and a user who signs in.

`authorisation_server()` starts tests/oauth/provider.mjs (Node 20 or newer, and the npm
packages of tests/oauth/package.json: ``npm ci --prefix tests/oauth``) on a free port of
127.0.0.1, with signing keys the test made and keeps, so it can also mint the tokens no
honest authorisation server would (expired, another issuer, ``alg: none``). Where Node or the
packages are missing the tests are skipped and say why, unless ``REQUIRE_OAUTH_TESTS`` is set
(CI sets it), which turns the skip into a failure.

`SignIn` is the person at the browser: it follows the authorisation URL the MCP SDK's
`OAuthClientProvider` opens, fills in devInteractions' login and consent forms, and hands
the code (with ``state`` and ``iss``) back to the SDK, headlessly.
"""

from __future__ import annotations

import json
import os
import re
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import parse_qs, urljoin, urlparse

import httpx2
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from mcp.client.auth import AuthorizationCodeResult
from mcp.shared.auth import OAuthClientInformationFull, OAuthToken

FOLDER: Final = Path(__file__).parent / "oauth"
OTHER_RESOURCE: Final = "https://other.example.com/mcp"
REDIRECT: Final = "http://127.0.0.1:1/callback"  # nothing listens: SignIn stops at it
ROBOT: Final = ("robot", "robot-secret-of-the-oauth-tests")
START_TIMEOUT: Final = 30.0


def node_or_skip() -> str:
    """The node executable, when it and oidc-provider are installed; else skip (or fail)."""
    node = shutil.which("node")
    missing = []
    if node is None:
        missing.append("Node.js 20 or newer (apt-get install nodejs npm)")
    if not (FOLDER / "node_modules" / "oidc-provider").is_dir():
        missing.append("the npm packages of tests/oauth (npm ci --prefix tests/oauth)")
    if missing or node is None:
        reason = f"the OAuth tests need {' and '.join(missing)}"
        if os.environ.get("REQUIRE_OAUTH_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return node


def new_key(kid: str) -> tuple[rsa.RSAPrivateKey, dict[str, Any]]:
    """A new RSA signing key and its private JWK named `kid`."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key))
    return key, {**jwk, "kid": kid, "alg": "RS256", "use": "sig"}


@dataclass
class AuthorisationServer:
    """The running authorisation server and the keys it signs with.

    Attributes:
        issuer: Its issuer URL (``http://127.0.0.1:PORT``).
        resource: The MCP endpoint it issues tokens for.
        keys: Its signing keys by kid; the first of `signing` signs.
    """

    issuer: str
    resource: str
    keys_file: Path
    keys: dict[str, rsa.RSAPrivateKey] = field(default_factory=dict)
    signing: list[str] = field(default_factory=list)
    process: subprocess.Popen[bytes] | None = None

    def stop(self) -> None:
        """Stop it, as an outage would (its port then refuses connections)."""
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def write_keys(self, jwks: list[dict[str, Any]]) -> None:
        self.keys_file.write_text(json.dumps({"keys": jwks}), encoding="utf-8")
        self.signing = [jwk["kid"] for jwk in jwks]

    async def rotate(self, kid: str) -> None:
        """Sign with a new key named `kid` from now on, and publish only it (no restart)."""
        key, jwk = new_key(kid)
        self.keys[kid] = key
        self.write_keys([jwk])
        async with httpx2.AsyncClient() as http:
            (await http.post(f"{self.issuer}/_test/rotate")).raise_for_status()

    async def key_set_requests(self) -> int:
        """How many times its key set has been fetched."""
        async with httpx2.AsyncClient() as http:
            return int((await http.get(f"{self.issuer}/_test/stats")).json()["jwks"])

    async def client_credentials(self, scope: str, resource: str | None = None) -> str:
        """An access token it issues to its own robot client for `resource` (default: ours)."""
        async with httpx2.AsyncClient() as http:
            answer = await http.post(
                f"{self.issuer}/token",
                auth=ROBOT,
                data={
                    "grant_type": "client_credentials",
                    "scope": scope,
                    "resource": resource or self.resource,
                },
            )
        answer.raise_for_status()
        return str(answer.json()["access_token"])

    def mint(self, kid: str | None = None, algorithm: str = "RS256", **claims: Any) -> str:
        """A token signed with its key `kid` (default: the one signing), with `claims` over
        those of a good one (None: without that claim)."""
        kid = kid or self.signing[0]
        now = int(time.time())
        body = {
            "iss": self.issuer,
            "aud": self.resource,
            "sub": "mallory",
            "client_id": "robot",
            "iat": now,
            "exp": now + 300,
            "scope": "cases:read cases:write",
            **claims,
        }
        # A claim given as None is left out.
        body = {name: value for name, value in body.items() if value is not None}
        return jwt.encode(body, self.keys[kid], algorithm=algorithm, headers={"kid": kid})


@contextmanager
def authorisation_server(resource: str, folder: Path) -> Iterator[AuthorisationServer]:
    """oidc-provider on a free loopback port, issuing tokens for `resource`."""
    node = node_or_skip()
    key, jwk = new_key("k1")
    server = AuthorisationServer(issuer="", resource=resource, keys_file=folder / "keys.json")
    server.keys["k1"] = key
    server.write_keys([jwk])
    log = (folder / "provider.log").open("wb")
    process = subprocess.Popen(
        [node, str(FOLDER / "provider.mjs")],
        stdout=subprocess.PIPE,
        stderr=log,
        env={
            **os.environ,
            "RESOURCE": resource,
            "OTHER_RESOURCE": OTHER_RESOURCE,
            "KEYS_FILE": str(server.keys_file),
        },
    )
    server.process = process
    try:
        assert process.stdout is not None
        with selectors.DefaultSelector() as selector:
            selector.register(process.stdout, selectors.EVENT_READ)
            if not selector.select(timeout=START_TIMEOUT):
                raise AssertionError("the authorisation server did not start")
        line = process.stdout.readline()
        if not line:
            raise AssertionError(
                f"the authorisation server stopped: {(folder / 'provider.log').read_text()}"
            )
        server.issuer = json.loads(line)["issuer"]
        yield server
    finally:
        server.stop()
        log.close()


class MemoryStorage:
    """The SDK client's token storage, in memory; optionally with a client registered beforehand."""

    def __init__(self, client: OAuthClientInformationFull | None = None) -> None:
        self.tokens: OAuthToken | None = None
        self.client = client

    async def get_tokens(self) -> OAuthToken | None:
        return self.tokens

    async def set_tokens(self, tokens: OAuthToken) -> None:
        self.tokens = tokens

    async def get_client_info(self) -> OAuthClientInformationFull | None:
        return self.client

    async def set_client_info(self, client_info: OAuthClientInformationFull) -> None:
        self.client = client_info


@dataclass
class SignIn:
    """The user at the browser: signs in as `login` and consents, headlessly.

    Attributes:
        login: The name typed in the login form (devInteractions takes any).
        visited: The URLs opened, for the test to look at (the authorisation request).
    """

    login: str = "alice"
    visited: list[str] = field(default_factory=list)
    _result: dict[str, str | None] = field(default_factory=dict)

    async def redirect(self, url: str) -> None:
        """Open `url` as a browser would, fill in the forms, stop at the redirect URI."""
        self.visited.append(url)
        async with httpx2.AsyncClient(follow_redirects=False) as browser:
            answer = await browser.get(url)
            for _ in range(20):
                if answer.status_code in (302, 303):
                    url = urljoin(url, answer.headers["location"])
                    if url.startswith(REDIRECT):
                        query = parse_qs(urlparse(url).query)
                        if "error" in query:
                            raise AssertionError(f"the authorisation server refused: {query}")
                        self._result = {
                            "code": query["code"][0],
                            "state": query.get("state", [None])[0],
                            "iss": query.get("iss", [None])[0],
                        }
                        return
                    answer = await browser.get(url)
                    continue
                form = re.search(r'<form[^>]*action="([^"]+)"', answer.text)
                prompt = re.search(r'name="prompt" value="(\w+)"', answer.text)
                assert form, f"no form to fill in at {url}: {answer.text[:300]}"
                assert prompt, f"no prompt in the form at {url}"
                url = urljoin(url, form[1])
                answer = await browser.post(
                    url, data={"prompt": prompt[1], "login": self.login, "password": "x"}
                )
        raise AssertionError("the sign-in never reached the redirect URI")

    async def callback(self) -> AuthorizationCodeResult:
        """What the redirect brought: the code, state and issuer."""
        return AuthorizationCodeResult.model_validate(self._result)
