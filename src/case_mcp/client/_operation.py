"""One declaration per Datadog operation: what it sends, what it does to state, what it touches.

Each public method of the client is declared once, by the `operation` decorator on the method
itself: Datadog's operation id (the method's name), the HTTP method and path template, the
request and response models, its `Effect` on state, what a project scope must check (`Scope`)
and, for a create, how to find what it made when its answer was lost. Everything that treats
operations differently reads the declaration: retries and lost-create recovery (`_http`), the
errors the client raises (`DatadogError.operation`), and any `OperationGuard`, such as the
server's project scope. `OPERATIONS` lists them all.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Awaitable, Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, fields
from datetime import datetime
from types import MappingProxyType
from typing import Any, Final, Literal, Protocol, TypeVar, cast

import httpx2
from pydantic import BaseModel

from case_mcp.client._paths import APIPath, api_path
from case_mcp.errors import DatadogError, InvalidRequestError
from case_mcp.models import RequestBody

__all__ = [
    "OPERATIONS",
    "ORGANISATION",
    "Effect",
    "Finder",
    "Method",
    "Operation",
    "OperationGuard",
    "Scope",
    "calling",
    "operation",
]

Method = Literal["GET", "POST", "PATCH", "PUT", "DELETE"]

Effect = Literal["read", "sets", "creates", "deletes"]
"""read: changes nothing. sets: sets state, so repeating it changes nothing more. creates:
repeating it makes another. deletes: removes something; repeating it removes nothing more."""

Read = Callable[[APIPath, Mapping[str, str]], Awaitable[httpx2.Response]]

Finder = Callable[
    [Read, Mapping[str, Any], Mapping[str, Any] | None, datetime], Awaitable[dict[str, Any] | None]
]
"""How a create whose answer was lost finds what it made: given a reader (GET with retries),
the call's arguments, the JSON body sent and when it was sent, the document the create would
have answered with, or None when nothing matches (see `_recovery`)."""

Answer = Literal["case", "cases", "projects", "project", "timeline", "view", "favorites", "links"]


@dataclass(frozen=True)
class Scope:
    """What limiting the client to some projects means for one operation.

    Attributes:
        case: The argument that names a case (key or UUID): the case must be in scope.
        cases: The argument that names several cases: every one must be in scope.
        project: The argument that names a project by UUID: it must be in scope.
        view: The argument that names a case view by UUID: its project must be in scope.
        new_project: The argument that names the key of a project to create.
        query: The argument holding a search query, which the scope is added to.
        answer: What the answer holds, to be kept to the scope: one ``case``, a page of
            ``cases``, a list of ``projects``, one ``project``, a case's ``timeline``, one
            case ``view``, the user's ``favorites`` (projects by id), or a list of ``links``.
        organisation: The operation is organisation-wide (case types, users): the same for
            every scope.
        entities: Pairs of arguments (entity type, entity id) that name the ends of a link:
            an end whose type is ``CASE`` names a case that must be in scope.
        link: The argument that names a link of the case `case` names: it must be one of
            that case's links, and every case it joins must be in scope.
    """

    case: str | None = None
    cases: str | None = None
    project: str | None = None
    view: str | None = None
    new_project: str | None = None
    query: str | None = None
    answer: Answer | None = None
    organisation: bool = False
    entities: tuple[tuple[str, str], ...] = ()
    link: str | None = None

    @property
    def declared(self) -> bool:
        """Whether the declaration says anything about scope at all."""
        return any(getattr(self, field.name) for field in fields(self))


ORGANISATION: Final = Scope(organisation=True)
"""The scope of an organisation-wide operation."""


@dataclass(frozen=True)
class Operation:
    """The declaration of one Datadog operation of the client.

    Attributes:
        id: Datadog's operation id, which is the client method's name (``archive_case``).
        method: The HTTP method.
        path: The path template, with Datadog's parameter names (``/api/v2/cases/{case_id}``).
        effect: What it does to state (see `Effect`).
        scope: What a project scope checks or filters (see `Scope`).
        request: The model of the body sent, if any.
        response: The model of the document answered, if any.
        finder: For a create: how to find what it made when its answer was lost.
    """

    id: str
    method: Method
    path: str
    effect: Effect
    scope: Scope
    request: type[RequestBody] | None = None
    response: type[BaseModel] | None = None
    finder: Finder | None = None

    def __str__(self) -> str:
        return self.id


class OperationGuard(Protocol):
    """Checks or changes every call of a guarded client (see `CaseManagementClient.guarded`).

    A guard that reads Datadog itself must do so through an unguarded client.
    """

    async def before(self, operation: Operation, arguments: dict[str, Any]) -> dict[str, Any]:
        """The arguments to call `operation` with; raise to refuse the call."""
        ...

    async def after(self, operation: Operation, result: Any) -> Any:
        """What the call answers, given what Datadog answered; raise to refuse the answer."""
        ...


@dataclass(frozen=True)
class Call:
    """The operation being served, and its arguments."""

    operation: Operation
    arguments: Mapping[str, Any]

    def path(self) -> APIPath:
        """The operation's path with its parameters filled in from the arguments."""
        template = self.operation.path
        names = _PARAMETER.findall(template)
        return api_path(template, **{name: str(self.arguments[name]) for name in names})


_PARAMETER: Final = re.compile(r"\{(\w+)\}")
_registry: dict[str, Operation] = {}
OPERATIONS: Final[Mapping[str, Operation]] = MappingProxyType(_registry)
"""Every operation of the client, by operation id."""

_calling: ContextVar[Call] = ContextVar("case_mcp_operation")

F = TypeVar("F", bound=Callable[..., Awaitable[Any]])


class Guarded(Protocol):
    _guard: OperationGuard | None


def operation(
    method: Method,
    path: str,
    *,
    effect: Effect,
    scope: Scope,
    request: type[RequestBody] | None = None,
    response: type[BaseModel] | None = None,
    finder: Finder | None = None,
) -> Callable[[F], F]:
    """Declare the decorated client method as the Datadog operation of its name.

    Calls of the method then pass through the client's guard, if any; errors they raise
    carry the operation (`DatadogError.operation`); and the method's body sends its request
    with ``self._call`` (see `calling`).
    """

    if (effect == "creates") != (finder is not None):
        raise TypeError("a create declares how its lost answer is found; nothing else does")

    def declare(function: F) -> F:
        declared = Operation(
            id=function.__name__,
            method=method,
            path=path,
            effect=effect,
            scope=scope,
            request=request,
            response=response,
            finder=finder,
        )
        signature = inspect.signature(function)

        @functools.wraps(function)
        async def call(self: Guarded, *args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(self, *args, **kwargs)
            bound.apply_defaults()
            arguments = {name: value for name, value in bound.arguments.items() if name != "self"}
            guard = self._guard
            try:
                if guard is not None:
                    arguments = await guard.before(declared, arguments)
                token = _calling.set(Call(declared, arguments))
                try:
                    result = await function(self, **arguments)
                finally:
                    _calling.reset(token)
                return await guard.after(declared, result) if guard is not None else result
            except (DatadogError, InvalidRequestError) as error:
                # The innermost operation is the one whose request failed.
                if error.operation is None:
                    error.operation = declared
                raise

        _registry[declared.id] = declared
        return cast(F, call)

    return declare


def calling() -> Call:
    """The operation the current client method serves (set by `operation`'s wrapper)."""
    return _calling.get()
