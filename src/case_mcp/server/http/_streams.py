"""Event streams at shutdown: answers in flight finish, listener streams end cleanly.

Two kinds of event stream are open on ``/mcp``. A call's answer (a POST of a 2025-era
client, which the SDK streams with sse-starlette) ends once the answer is sent. A listener
(the 2025-era GET stream, a 2026-era ``subscriptions/listen``) carries only notifications
and never ends by itself.

Left to its defaults, sse-starlette ends every stream it serves as soon as uvicorn is asked
to stop, without the last, empty part of the chunked body: a call in flight lost its answer
despite ``--shutdown-timeout``, and uvicorn logged "ASGI callable returned without completing
response" at error level. So that drain is turned off (`let_answers_finish`), and
`EndListenersAtShutdown` tells each listener, when the server begins to stop, that its
client has gone, then finishes the response the listener leaves open.
"""

from __future__ import annotations

import signal

import anyio
from sse_starlette.sse import AppStatus
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["EndListenersAtShutdown", "let_answers_finish"]

_EVENT_STREAM = b"text/event-stream"
_LISTEN_METHOD = b"subscriptions/listen"
# How often a listener looks whether the server is stopping (uvicorn has no event for it).
_POLL_SECONDS = 0.25


def let_answers_finish() -> None:
    """Keep sse-starlette from ending streams at shutdown (process-wide, like its drain)."""
    AppStatus.disable_automatic_graceful_drain()  # type: ignore[no-untyped-call]  # untyped library


class EndListenersAtShutdown:
    """ASGI middleware: listener streams end, as finished responses, when the server stops."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not _is_listener(scope):
            await self.app(scope, receive, send)
            return
        streaming = finished = stopped = False

        async def receive_until_stop() -> Message:
            # The listener learns of the stop as it learns of a client that left.
            nonlocal stopped
            received: list[Message] = []
            if not stopped:
                async with anyio.create_task_group() as race:

                    async def from_client() -> None:
                        received.append(await receive())
                        race.cancel_scope.cancel()

                    race.start_soon(from_client)
                    await _server_stops()
                    stopped = True
                    race.cancel_scope.cancel()
            return received[0] if received else {"type": "http.disconnect"}

        async def watched(message: Message) -> None:
            nonlocal streaming, finished
            if message["type"] == "http.response.start":
                streaming = any(
                    name.lower() == b"content-type" and value.startswith(_EVENT_STREAM)
                    for name, value in message.get("headers", ())
                )
            elif message["type"] == "http.response.body" and not message.get("more_body"):
                finished = True
            await send(message)

        await self.app(scope, receive_until_stop, watched)
        if streaming and not finished:
            # An event stream may end after any event: this is a complete response.
            await send({"type": "http.response.body", "body": b"", "more_body": False})


def _is_listener(scope: Scope) -> bool:
    if scope["method"] == "GET":
        return True
    return scope["method"] == "POST" and any(
        name.lower() == b"mcp-method" and value.strip() == _LISTEN_METHOD
        for name, value in scope["headers"]
    )


async def _server_stops() -> None:
    """Return once the uvicorn server of this process has been asked to stop.

    uvicorn tells an app of a stop only once every open request has ended, which a listener
    never does, so there is no event to wait on. While it serves, its SIGTERM handler is a
    method of the server, whose ``should_exit`` the signal sets (sse-starlette looks it up
    the same way).
    """
    while True:
        handler = signal.getsignal(signal.SIGTERM)
        if getattr(getattr(handler, "__self__", None), "should_exit", False) is True:
            return
        await anyio.sleep(_POLL_SECONDS)
