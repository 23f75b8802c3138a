"""`case-mcp serve` on stdin and stdout: the SDK's stdio transport, with what it leaves out.

The SDK's transport reads one JSON-RPC message a line and hands it to the server. Between the
two, this module makes sure that:

- every request read before stdin ends is answered before the server stops. At end of input
  the SDK ends the connection and cancels the handlers still running, so requests piped in
  followed by end of input lost their answers. Here the server sees the end of input only
  once they are answered (`_Unanswered`);
- a line that is not a JSON-RPC message gets a JSON-RPC error: -32700 for a line that is not
  JSON, -32600 for JSON that is not a JSON-RPC message. The SDK answered nothing, and the
  client waited;
- in a terminal, stdin is read without a worker thread (`_TerminalInput`), so Ctrl-C stops
  the server at once, not after the next Enter; and `run_stdio` says on stderr what the
  silent process is and how to try it.
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Any, Final, Protocol, TextIO

import anyio
import anyio.abc
from anyio.streams.memory import MemoryObjectReceiveStream, MemoryObjectSendStream
from mcp.server import MCPServer
from mcp.server.stdio import stdio_server
from mcp.shared.message import ServerMessageMetadata, SessionMessage
from mcp.types import (
    CONNECTION_CLOSED,
    INVALID_REQUEST,
    PARSE_ERROR,
    ErrorData,
    JSONRPCError,
    JSONRPCRequest,
    JSONRPCResponse,
    RequestId,
)
from pydantic import ValidationError

__all__ = ["TERMINAL_HINT", "run_stdio", "serve_stdio"]

logger = logging.getLogger(__name__)

TERMINAL_HINT: Final = (
    "case-mcp serve speaks the Model Context Protocol on stdin and stdout (JSON-RPC, one "
    "message per line): an AI assistant starts it and talks to it, and it is waiting for one.\n"
    "To try it yourself, run `case-mcp demo`, or one tool: `case-mcp call --sandbox get_case "
    "case_id=SEC-1`. To use it, add `case-mcp serve` to your assistant's MCP configuration "
    "(see the README). Ctrl-C stops it."
)

# The one request that stays open for as long as the client listens (2026-07-28
# notifications): it has no answer to wait for when the client has gone.
_OPEN_ENDED: Final = frozenset({"subscriptions/listen"})


def run_stdio(server: MCPServer[Any]) -> None:
    """Serve `server` on this process's stdin and stdout until stdin ends or Ctrl-C.

    Raises:
        KeyboardInterrupt: Ctrl-C (SIGINT) stopped it.
    """
    if anyio.run(_serve_until_interrupted, server, sys.stdin.isatty()):
        # Raised here rather than by Python's own SIGINT handler wherever the server happens
        # to be: CPython 3.11 remembers a KeyboardInterrupt that escapes code run by exec()
        # (dataclasses and pydantic build functions that way) and, even once it is caught,
        # kills the process with SIGINT at exit instead of returning its status.
        raise KeyboardInterrupt


async def _serve_until_interrupted(server: MCPServer[Any], terminal: bool) -> bool:
    """Serve until stdin ends (False) or SIGINT arrives (True)."""
    interrupted = False

    async def stop_on_sigint(*, task_status: anyio.abc.TaskStatus[None]) -> None:
        nonlocal interrupted
        with anyio.open_signal_receiver(signal.SIGINT) as signals:
            task_status.started()
            async for _ in signals:
                interrupted = True
                serving.cancel_scope.cancel()

    async with anyio.create_task_group() as serving:
        if sys.platform != "win32":  # no signal receivers there; Ctrl-C stays Python's
            await serving.start(stop_on_sigint)
        if terminal:
            # Said once Ctrl-C is handled here, so it holds from the moment it is read.
            print(TERMINAL_HINT, file=sys.stderr, flush=True)
        await serve_stdio(server, terminal)
        serving.cancel_scope.cancel()
    return interrupted


async def serve_stdio(server: MCPServer[Any], terminal: bool = False) -> None:
    """Serve `server` on stdin and stdout; with `terminal`, read stdin as a terminal."""
    stdin = _TerminalInput(sys.stdin) if terminal and sys.platform != "win32" else None
    async with stdio_server(stdin=stdin) as (wire_in, wire_out):
        # The server reads and writes through these, so that what it is owed is known.
        to_server, server_in = anyio.create_memory_object_stream[SessionMessage | Exception]()
        server_out, from_server = anyio.create_memory_object_stream[SessionMessage]()
        unanswered = _Unanswered()
        async with anyio.create_task_group() as writing:
            writing.start_soon(_write, from_server, wire_out, unanswered)
            async with anyio.create_task_group() as reading:
                reading.start_soon(_read, wire_in, to_server, wire_out, unanswered)
                # The SDK's in-memory client runs the low-level server the same way; the
                # public `run_stdio_async` offers no place between the transport and it.
                lowlevel = server._lowlevel_server
                await lowlevel.run(server_in, server_out, lowlevel.create_initialization_options())
                # It returns once `_read` closed its input; should it stop by itself,
                # nobody would be left to read for.
                reading.cancel_scope.cancel()


async def _read(
    wire_in: AsyncIterable[SessionMessage | Exception],
    to_server: MemoryObjectSendStream[SessionMessage | Exception],
    wire_out: _Wire,
    unanswered: _Unanswered,
) -> None:
    """Pass what the client sends to the server; at end of input, close only when nothing
    the client asked is still being worked on."""
    async with to_server:
        async for item in wire_in:
            if isinstance(item, Exception):
                await wire_out.send(SessionMessage(_unreadable(item)))
                continue
            message = item.message
            if isinstance(message, JSONRPCRequest) and message.method not in _OPEN_ENDED:
                unanswered.received(message.id)
                item = SessionMessage(
                    message,
                    metadata=ServerMessageMetadata(
                        on_request_unanswered=unanswered.settler(message.id)
                    ),
                )
            elif isinstance(message, JSONRPCResponse | JSONRPCError) and message.id is not None:
                unanswered.replied(message.id)
            await to_server.send(item)
        await unanswered.settle(to_server)


async def _write(
    from_server: MemoryObjectReceiveStream[SessionMessage],
    wire_out: _Wire,
    unanswered: _Unanswered,
) -> None:
    """Pass what the server sends to the client, noting which requests it answers."""
    try:
        async with from_server:
            async for item in from_server:
                await wire_out.send(item)
                message = item.message
                if isinstance(message, JSONRPCResponse | JSONRPCError) and message.id is not None:
                    unanswered.answered(message.id)
                elif isinstance(message, JSONRPCRequest):
                    unanswered.asked(message.id)
    finally:
        # The transport writes until its stream closes; then `serve` may return.
        await wire_out.aclose()


def _unreadable(error: Exception) -> JSONRPCError:
    """The JSON-RPC error for a line that is not a message; the line is not repeated."""
    not_json = isinstance(error, ValidationError) and any(
        detail["type"] == "json_invalid" for detail in error.errors()
    )
    logger.info("Answered a line on stdin that is not %s", "JSON" if not_json else "JSON-RPC")
    if not_json:
        problem = ErrorData(
            code=PARSE_ERROR,
            message="Parse error: the line is not JSON. Send one JSON-RPC message per line.",
        )
    else:
        problem = ErrorData(
            code=INVALID_REQUEST,
            message="Invalid Request: the line is JSON but not a JSON-RPC 2.0 request, "
            "notification or response.",
        )
    # Its id could not be read, so JSON-RPC answers with a null id.
    return JSONRPCError(jsonrpc="2.0", id=None, error=problem)


class _Wire(Protocol):
    """The transport's side that writes to stdout."""

    async def send(self, item: SessionMessage, /) -> None: ...

    async def aclose(self) -> None: ...


class _Unanswered:
    """The client's requests the server has not answered yet, and the server's questions to
    the client (elicitations) the client has not answered yet."""

    def __init__(self) -> None:
        # Counted, as a client may reuse an id once its request is answered.
        self._requests: Counter[RequestId] = Counter()
        self._questions: set[RequestId] = set()
        self._changed = anyio.Event()

    def received(self, request_id: RequestId) -> None:
        self._requests[request_id] += 1

    def answered(self, request_id: RequestId) -> None:
        # An answered id is forgotten: a Counter keeps keys whose count is 0, and a client
        # numbers each request anew, so keeping them grew the server by ~90 bytes a call.
        if self._requests[request_id] > 1:
            self._requests[request_id] -= 1
        else:
            self._requests.pop(request_id, None)
        self._changed.set()

    def settler(self, request_id: RequestId) -> Callable[[], Awaitable[None]]:
        """The SDK's hook for a request that ends without an answer (the client cancelled it)."""

        async def settle() -> None:
            self.answered(request_id)

        return settle

    def asked(self, request_id: RequestId) -> None:
        self._questions.add(request_id)
        self._changed.set()

    def replied(self, request_id: RequestId) -> None:
        self._questions.discard(request_id)

    async def settle(self, to_server: MemoryObjectSendStream[SessionMessage | Exception]) -> None:
        """After stdin ended: wait until every request read is answered.

        The client can answer no question any more, so each of the server's questions, open
        or still to come, is answered in its name with an error: the call that asked it ends
        with an error answer instead of waiting for ever.
        """
        while True:
            changed = self._changed = anyio.Event()
            questions, self._questions = self._questions, set()
            for question in questions:
                await to_server.send(SessionMessage(_gone(question)))
            if not self._questions and not self._requests:
                return
            if not self._questions:
                await changed.wait()


def _gone(question: RequestId) -> JSONRPCError:
    problem = ErrorData(
        code=CONNECTION_CLOSED,
        message="The client closed its input before answering the server's question.",
    )
    return JSONRPCError(jsonrpc="2.0", id=question, error=problem)


class _TerminalInput(anyio.AsyncFile[str]):
    """Lines typed at a terminal, read when the terminal has one, so reading can be cancelled.

    The SDK reads stdin in a worker thread, which Ctrl-C cannot interrupt: the server stopped
    only once the blocked read returned, at the next Enter.
    """

    def __init__(self, terminal: TextIO) -> None:
        super().__init__(terminal)
        self._fd: int = terminal.fileno()
        self._pending = b""

    async def readline(self) -> str:
        while b"\n" not in self._pending:
            await anyio.wait_readable(self._fd)
            chunk = os.read(self._fd, 65536)
            if not chunk:  # Ctrl-D
                line, self._pending = self._pending, b""
                return line.decode("utf-8", errors="replace")
            self._pending += chunk
        line, _, self._pending = self._pending.partition(b"\n")
        return (line + b"\n").decode("utf-8", errors="replace")
