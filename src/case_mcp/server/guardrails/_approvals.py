"""A person's answer confirms one delete: each 2026-07-28 round trip carries a sealed nonce.

On 2026-07-28 a question to a person is a round trip: the tool call is answered with the
question and the SDK's sealed ``requestState``; the client calls again with the person's
answer and that state, and the SDK, finding the answer recorded for the same question, hands
it to the tool. Nothing in that pair is single use: sent again while the state is valid (the
``_http_state.STATE_TTL``), to this server or to any replica sharing the secret, it would confirm
the same delete again once the target looked the same.

So this middleware, which sees the state in the clear (inside the SDK's sealing boundary),
wraps each state the server hands out with a fresh random nonce, and on the way back in
unwraps it and makes the nonce this call's `approval_nonce`. The boundary seals the nonce
with the state, so a client can neither read, change nor drop it without the state being
refused. `settle` spends the nonce, in the same book as the confirmation tokens, just before
it deletes; the same round trip sent again finds it spent.

A state this middleware did not wrap (one from before an upgrade) is dropped, so the SDK
asks the question again rather than accept an answer with no nonce. Like the tokens' single
use, the spent nonces are remembered per process: a replay that reaches another replica is
refused there only because the target is gone or no longer as the person was shown it (the
approval is bound to its exact state), not because the nonce is known to be spent.
"""

from __future__ import annotations

import json
import secrets
from contextvars import ContextVar
from dataclasses import replace
from typing import Any, Final

from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.types import InputRequiredResult

__all__ = ["approval_nonce", "seal_nonces"]

_METHOD: Final = "tools/call"
_VERSION: Final = 1

_NONCE: ContextVar[str | None] = ContextVar("case_mcp_approval_nonce", default=None)


def approval_nonce() -> str | None:
    """The nonce of the round trip this tool call continues; None on a first call or a
    2025-11-25 session (there the question is asked during the call, which cannot be replayed)."""
    return _NONCE.get()


async def seal_nonces(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Server middleware: unwrap the nonce of an inbound state; wrap each outbound state."""
    if ctx.method != _METHOD or ctx.params is None:
        return await call_next(ctx)
    nonce, params = None, ctx.params
    wrapped = params.get("requestState")
    if isinstance(wrapped, str):
        nonce, inner = _unwrapped(wrapped)
        params = {**params, "requestState": inner}
    reset = _NONCE.set(nonce)
    try:
        result = await call_next(replace(ctx, params=params))
    finally:
        _NONCE.reset(reset)
    return _with_nonce(result)


def _with_nonce(result: HandlerResult) -> HandlerResult:
    if isinstance(result, InputRequiredResult) and result.request_state is not None:
        return result.model_copy(update={"request_state": _wrapped(result.request_state)})
    if (
        isinstance(result, dict)
        and result.get("resultType") == "input_required"
        and isinstance(result.get("requestState"), str)
    ):
        return {**result, "requestState": _wrapped(result["requestState"])}
    return result


def _wrapped(state: str) -> str:
    # A fresh nonce for every state handed out, even on a later round of the same call.
    nonce = secrets.token_urlsafe(16)
    return json.dumps({"v": _VERSION, "nonce": nonce, "state": state}, separators=(",", ":"))


def _unwrapped(text: str) -> tuple[str | None, str | None]:
    # The text was sealed by this server, so it is ours or an older version's, never forged.
    try:
        data = json.loads(text)
    except ValueError:
        return None, None
    if not isinstance(data, dict) or data.get("v") != _VERSION:
        return None, None
    nonce, state = data.get("nonce"), data.get("state")
    if not isinstance(nonce, str) or not isinstance(state, str):
        return None, None
    return nonce, state
