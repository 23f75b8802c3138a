"""A minimal stdio MCP driver: one JSON request line out, one JSON response line back.

This is what a client that is not the Python SDK pays per call (an IDE written in
TypeScript, Rust or Go): no pydantic model of every message, no output-schema validation
with jsonschema, no task switches. Beside the SDK client's figure it separates what the
server costs from what the SDK's own client costs. It speaks the 2025-11-25 handshake
(initialize, then notifications/initialized), which every IDE client speaks today.
"""

from __future__ import annotations

import json
import subprocess
import time
from collections.abc import Callable, Mapping
from typing import Any, Final

from mcp.client.stdio import StdioServerParameters

HANDSHAKE_VERSION: Final = "2025-11-25"


class JsonLinesClient:
    """A spawned stdio server, driven one blocking request at a time.

    Args:
        params: How to spawn the server (command, arguments, environment).
    """

    def __init__(self, params: StdioServerParameters) -> None:
        self._process = subprocess.Popen(
            [params.command, *params.args],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=dict(params.env) if params.env is not None else None,
        )
        self._next_id = 0

    @property
    def pid(self) -> int:
        """The server's process id."""
        return self._process.pid

    def __enter__(self) -> JsonLinesClient:
        self.request(
            "initialize",
            {
                "protocolVersion": HANDSHAKE_VERSION,
                "capabilities": {},
                "clientInfo": {"name": "jsonlines-bench", "version": "0"},
            },
        )
        self._write({"jsonrpc": "2.0", "method": "notifications/initialized"})
        return self

    def __exit__(self, *_exc: object) -> None:
        assert self._process.stdin is not None
        self._process.stdin.close()
        try:
            self._process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()

    def _write(self, message: Mapping[str, Any]) -> None:
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps(message).encode() + b"\n")
        self._process.stdin.flush()

    def request(self, method: str, params: Mapping[str, Any]) -> dict[str, Any]:
        """Send one request and read lines until its response (notifications are skipped).

        Raises:
            RuntimeError: The server closed stdout, or answered with a JSON-RPC error.
        """
        assert self._process.stdout is not None
        self._next_id += 1
        self._write({"jsonrpc": "2.0", "id": self._next_id, "method": method, "params": params})
        while True:
            line = self._process.stdout.readline()
            if not line:
                raise RuntimeError(f"the server closed stdout during {method}")
            message: dict[str, Any] = json.loads(line)
            if message.get("id") != self._next_id:
                continue
            if "error" in message:
                raise RuntimeError(f"{method} failed: {message['error']}")
            return message

    def call_tool(self, name: str, arguments: Mapping[str, Any]) -> dict[str, Any]:
        """``tools/call``; the whole JSON-RPC response.

        Raises:
            RuntimeError: The tool answered with an error (a bench never times errors,
                such as the sandbox's 429 once its request budget is spent).
        """
        response = self.request("tools/call", {"name": name, "arguments": dict(arguments)})
        if response["result"].get("isError"):
            raise RuntimeError(f"{name} answered an error: {response['result']['content']}")
        return response

    def read_resource(self, uri: str) -> dict[str, Any]:
        """``resources/read``; the whole JSON-RPC response."""
        return self.request("resources/read", {"uri": uri})


def repeat(call: Callable[[], object], calls: int) -> list[float]:
    """Seconds per call of `call()`, after a warm-up of a tenth of `calls` (at least 3)."""
    for _ in range(max(3, calls // 10)):
        call()
    samples = []
    for _ in range(calls):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return samples
