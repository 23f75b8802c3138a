"""The case scopes as the authorisation server names them, and back.

The tools need ``cases:read`` or ``cases:write`` (`case_mcp.server.guardrails._spec`). An
organisation's authorisation server may call them something else (``api://case-mcp/Cases.Read``
in Entra ID, ``case-mcp.read`` in Keycloak): the operator maps them (``--oauth-scopes``). The
protected-resource metadata and the ``WWW-Authenticate`` challenges show the server's names, so
a client asks for what the authorisation server knows; a token's scopes are read back into the
case scopes, and nothing else in the service ever sees the server's names.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, get_args

from case_mcp.server.guardrails._spec import READ_SCOPE, WRITE_SCOPE, HttpScope

__all__ = ["SCOPES", "ScopeNames", "granted"]

SCOPES: Final[tuple[HttpScope, ...]] = get_args(HttpScope)


def granted(scopes: Iterable[str]) -> list[HttpScope]:
    """The case scopes among `scopes`, with cases:write implying cases:read, in order."""
    known = set(scopes) & set(SCOPES)
    if WRITE_SCOPE in known:
        known.add(READ_SCOPE)
    return [scope for scope in SCOPES if scope in known]


class ScopeNames:
    """Each case scope's name at the authorisation server (by default its own)."""

    def __init__(self, names: Mapping[str, str] | None = None) -> None:
        given = names or {}
        self._names: dict[HttpScope, str] = {scope: given.get(scope, scope) for scope in SCOPES}

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._names!r})"

    def external(self, scope: HttpScope) -> str:
        """What the authorisation server calls `scope`."""
        return self._names[scope]

    @property
    def supported(self) -> list[str]:
        """Every case scope by the authorisation server's name, for the resource metadata."""
        return [self._names[scope] for scope in SCOPES]

    def granted(self, token_scopes: Iterable[str]) -> list[HttpScope]:
        """The case scopes a token's scopes grant (cases:write implying cases:read).

        Entra ID asks for ``api://APP/Cases.Read`` but writes ``Cases.Read`` in the token's
        ``scp``: a token scope also matches a name that ends with ``/`` and it. The token's
        audience has already been checked, so the short name can only be this resource's.
        """
        held = set(token_scopes)
        return granted(
            scope
            for scope, name in self._names.items()
            if name in held or any(name.endswith("/" + short) for short in held)
        )
