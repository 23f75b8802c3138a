"""A fake Datadog for client tests: answers from a queue, in memory, and records each request."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx2

# Distinctive fakes, so a test can assert they appear nowhere.
API_KEY = "fake-api-key-0f1e2d3c4b5a69788796a5b4c3d2e1f0"
APP_KEY = "fake-app-key-a1b2c3d4e5f60718293a4b5c6d7e8f90"
ACCESS_TOKEN = "fake-oauth-token-9z8y7x6w5v4u3t2s1r0q"
SECRETS = (API_KEY, APP_KEY, ACCESS_TOKEN)

BASE_URL = "https://api.datadoghq.com"


@dataclass
class FakeDatadog:
    """A `httpx2.MockTransport` handler: answers in order, and keeps every request it got."""

    answers: deque[httpx2.Response | Exception] = field(default_factory=deque)
    requests: list[httpx2.Request] = field(default_factory=list)

    def answer(
        self,
        status: int = 200,
        body: str | bytes | Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        """Queue an answer; a mapping is sent as JSON."""
        content = json.dumps(body).encode() if isinstance(body, Mapping) else body
        self.answers.append(httpx2.Response(status, content=content, headers=headers))

    def fail(self, error: Exception) -> None:
        """Queue a transport failure (a timeout, a refused connection)."""
        self.answers.append(error)

    @property
    def request(self) -> httpx2.Request:
        """The only request received."""
        (request,) = self.requests
        return request

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(request)
        answer = self.answers.popleft()
        if isinstance(answer, Exception):
            raise answer
        return answer
