"""Event streams that the server stops are ended as finished responses, not cut off.

The SDK's transport streams answers and the 2025-era GET stream with sse-starlette. On
shutdown (SIGTERM), sse-starlette stops every open stream at once and returns without the
last, empty part of the chunked body. The client then sees the connection cut mid-body, and
uvicorn logs "ASGI callable returned without completing response" at error level for what
is an ordinary stop. An event stream may end after any event, so `EndStreamsCleanly` sends
that last part for it.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["EndStreamsCleanly"]

_EVENT_STREAM = b"text/event-stream"


class EndStreamsCleanly:
    """ASGI middleware: an event stream the app returns from unfinished is finished."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        streaming = finished = False

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

        # An exception is not a stop: it propagates, and the stream stays unfinished.
        await self.app(scope, receive, watched)
        if streaming and not finished:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
