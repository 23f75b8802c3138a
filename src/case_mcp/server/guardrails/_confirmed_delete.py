"""The one flow of every confirmed delete: read what is lost, ask, re-read, delete.

A bulk change uses it too: its reader's `Loss` says what would change and whether a person
must approve (`_confirm.Loss.approval_needed`), and its "delete" applies the change.

A deleting tool declares a `ConfirmedDelete` with its reader (what the human is shown, and
what is read again before deleting) and its delete; the flow builds the two resolvers its
signature names (`read`, then `confirm`, which asks through `_confirm.ask`) and settles the
call (`settle`: `_confirm.settle` with the re-read and the delete). A failure of the client
in the reader or the delete reaches the model with the tool's not-found hint.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from typing import Annotated, Any, Generic

from mcp.server.mcpserver.resolve import Elicit, Resolve
from mcp.types import CallToolResult

from case_mcp.server._errors import reported
from case_mcp.server._state import ServerState, ToolContext, state_of
from case_mcp.server.guardrails._confirm import (
    Answer,
    Deletion,
    Loss,
    NotAsked,
    P,
    TypedKey,
    ask,
    settle,
)
from case_mcp.server.tools._views import View

Reader = Callable[..., Awaitable[Loss[P]]]
"""Reads the target and describes what the delete destroys; takes the tool's arguments by
name and the server's state as ``state`` (`State`)."""

Deleter = Callable[[ServerState, Loss[P]], Awaitable[str]]
"""Deletes what the human approved; returns the message saying what was deleted."""


class ConfirmedDelete(Generic[P]):
    """A delete that acts only once a person approved exactly what its reader read.

    The tool names the resolvers in its signature and settles in its body::

        loss: Annotated[Loss[ProjectLoss], Resolve(DELETE.read)],
        answer: Annotated[Answer, Resolve(DELETE.confirm)],
        ...
        return await DELETE.settle(ctx, loss, answer, project=project, confirmation_token=...)
    """

    def __init__(
        self,
        read: Reader[P],
        delete: Deleter[P],
        *,
        outcome: type[Deletion[P]] | Callable[..., View],
        not_found: Callable[[Mapping[str, Any]], str],
    ) -> None:
        """
        Args:
            read: What the human is shown and what is re-read before deleting.
            delete: The delete itself.
            outcome: The tool's result view.
            not_found: What the model is told when Datadog does not find the target, from
                the tool's arguments.
        """
        self._delete = delete
        self._outcome = outcome
        self._not_found = not_found
        self._read_arguments = [
            name for name in inspect.signature(read).parameters if name != "state"
        ]

        @functools.wraps(read)
        async def reading(*args: Any, **kwargs: Any) -> Loss[P]:
            with reported(not_found(kwargs)):
                return await read(*args, **kwargs)

        async def confirm(loss: Loss[P], ctx: ToolContext) -> NotAsked | Elicit[TypedKey]:
            return await ask(loss, ctx)

        # The SDK reads a resolver's parameters from its annotations: the loss is the one
        # `read` resolves, so the target is read once per call.
        confirm.__annotations__ = {
            "loss": Annotated[Loss[Any], Resolve(reading)],
            "ctx": ToolContext,
            "return": NotAsked | Elicit[TypedKey],
        }
        # Its wire key (module and name) tells one tool's question from another's.
        confirm.__module__ = read.__module__
        confirm.__qualname__ = f"{read.__qualname__}.confirm"
        self.read: Reader[P] = reading
        self.confirm: Callable[..., Awaitable[NotAsked | Elicit[TypedKey]]] = confirm

    async def settle(
        self, ctx: ToolContext, loss: Loss[P], answer: Answer, **arguments: Any
    ) -> CallToolResult:
        """Delete if, and only if, a person approved `loss` (see `_confirm.settle`).

        Args:
            ctx: The tool call's context.
            loss: What the `read` resolver read.
            answer: What the `confirm` resolver resolved to.
            **arguments: The call's arguments, ``confirmation_token`` included.
        """
        hint = self._not_found(arguments)

        async def reread() -> Loss[P]:
            named = {name: arguments[name] for name in self._read_arguments}
            return await self.read(**named, state=state_of(ctx))

        async def delete() -> str:
            with reported(hint):
                return await self._delete(state_of(ctx), loss)

        return await settle(
            ctx,
            loss,
            answer,
            arguments.get("confirmation_token"),
            outcome=self._outcome,
            arguments=arguments,
            reread=reread,
            delete=delete,
        )
