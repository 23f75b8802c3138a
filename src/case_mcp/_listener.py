"""The listening socket of `serve --transport http` and `sandbox`, bound before anything runs.

uvicorn binds its port only after it has started the app, and answers a port in use with an
error log line and exit status 3, after the server has said where it serves. Binding first
turns that into one line that says what to do, before any "serving on" line is written.
"""

from __future__ import annotations

import errno
import socket

from case_mcp.errors import ConfigurationError

__all__ = ["bind_listener"]


def bind_listener(host: str, port: int) -> socket.socket:
    """A TCP socket listening on `host` and `port`, for uvicorn's ``sockets=`` argument.

    It is made as uvicorn makes its own (address reuse, inheritable by worker processes),
    but names its protocol: asyncio sets ``TCP_NODELAY`` only on the connections of sockets
    that say they are TCP, and without it each answer waited 40 ms for the client's ACK.

    Raises:
        ConfigurationError: The port is taken, or the address cannot be bound (not one of
            this machine's, or a port below 1024 without the right); the message says which
            flag to change.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((host, port))
        # Connections wait in the backlog until uvicorn accepts them, so "serving on" is
        # true from the moment it is said.
        listener.listen()
    except OSError as error:
        listener.close()
        if error.errno == errno.EADDRINUSE:
            raise ConfigurationError(
                f"port {port} on {host} is taken (choose another with --port)"
            ) from None
        raise ConfigurationError(
            f"cannot listen on port {port} on {host} ({error.strerror or error}); "
            "check --host and --port"
        ) from None
    listener.set_inheritable(True)
    return listener
