"""Confirmed deletes: `delete_project`, `delete_case_comment` and `delete_case_custom_attribute`
never act without a human's approval; nor does a bulk change of more cases than the operator's
``--bulk-confirm-over``, which goes through the same flow with a `Loss` worded as a change
(`CHANGE_WORDS`: "was not applied") and, within the threshold, runs without asking
(`Loss.approval_needed`).

Each deleting tool declares only its reader and its delete (`_confirmed_delete`), which
builds the rest of this flow. Before the tool's body runs, two resolvers (the SDK's
`Resolve` mechanism, which asks the client in both protocol eras: a live
``elicitation/create`` on 2025-11-25 sessions, an ``input_required`` round trip on
2026-07-28) prepare the approval:

1. the tool's *reader* reads the target from Datadog and describes what the delete would
   destroy, as a `Loss`: the project's key, name and case count (the approval covers the
   ids of its cases, not only their number); the comment's author, date and text; the
   custom attribute's key and value;
2. `ask` chooses how a human approves. When the operator allows elicitation (confirm mode
   ``elicit``, the default, or ``auto``) and the client declares form elicitation, the human
   is shown the loss and asked to type the project key or case key; otherwise nothing is
   asked.

The body then hands both to `settle`, which deletes only when:

- after an elicitation: the human accepted, typed the right key (ASCII case aside, nothing
  else folded), the target, read again just before deleting, still holds what the human was
  shown (the question's reference is a MAC of its exact state), and, on 2026-07-28, the
  answer was not used before (`_approvals`: each round trip's state carries a nonce that
  this delete spends);
- without one (confirm mode ``token``, or ``auto`` with a client that cannot elicit, both
  chosen by the operator): the call carries a `confirmation_token` that redeems for this
  tool, this target and its current state (see `_tokens`). A call without one deletes
  nothing and answers with the loss, a token and the instruction that a human must approve
  before the identical call is repeated with it.
- confirm mode ``elicit`` (the default) with a client that cannot elicit deletes nothing,
  ever; the refusal says how the operator can allow deletes.

Every refusal is a result with ``deleted: false`` and a message that says so in words ("The
project SEC was not deleted: ..."). A target that cannot be read is a tool error, and nothing
is deleted then either. Arguments a tool does not declare (``confirm: true``, ``force: true``,
even the names of the resolved parameters) are refused before any of this runs
(`_server.CaseServer.call_tool`), so they can change nothing.

The token flow proves that the second call names exactly what the first one showed, still in
the same state and within minutes; it cannot prove a person looked: the model itself could
call twice. It relies on the host asking a person before running a tool marked destructive
(and the preview tells the model to ask), which is why it is the operator's choice
(``--confirm-mode token`` or ``auto``) and never the default.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import string
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Final, Generic, Literal, TypeAlias, TypeVar

from mcp.server.elicitation import AcceptedElicitation, CancelledElicitation, DeclinedElicitation
from mcp.server.mcpserver.resolve import Elicit
from mcp.types import CallToolResult
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, Field

from case_mcp import telemetry
from case_mcp.config import ServerOptions
from case_mcp.server._state import ToolContext, state_of
from case_mcp.server.guardrails import _audit
from case_mcp.server.guardrails._approvals import approval_nonce
from case_mcp.server.guardrails._keys import derived_key
from case_mcp.server.guardrails._request_state import STATE_TTL
from case_mcp.server.tools._render import result
from case_mcp.server.tools._views import View, absent

if TYPE_CHECKING:
    from case_mcp.server.guardrails._tokens import TokenBook, TokenProblem

logger = logging.getLogger(__name__)

ConfirmationToken = Annotated[
    str | None,
    Field(
        max_length=1000,
        description="Leave out at first. If the answer holds a preview and a "
        "confirmation_token, show the user the preview; only if they approve, repeat the call "
        "with the same arguments plus this token. It works once and expires after minutes.",
    ),
]

# Hex digits of the question's reference: 48 bits, each guess of which costs a tool call.
_REFERENCE_LENGTH: Final = 12

# The revision from which elicitation rides an input_required round trip instead of a
# request sent back to the client during the call.
_ROUND_TRIP_VERSION: Final = "2026-07-28"

_TOKEN_PROBLEMS: Final[dict[TokenProblem, str]] = {
    "malformed": "the confirmation_token is not a token this server issued",
    "forged": "the confirmation_token's signature is wrong (it was altered, or signed by a "
    "server with another secret)",
    "other_tool": "the confirmation_token was issued for another tool",
    "other_target": "the confirmation_token was issued for another target; a token works only "
    "with the arguments it was issued for",
    "expired": "the confirmation_token has expired",
    "spent": "the confirmation_token was already used; each token works once",
    "changed": "it changed since the confirmation_token was issued, so that approval does not "
    "cover what it holds now",
}

NotConfirmed = Literal["declined", "cancelled", "wrong_key", "changed", "answer_spent"]


@dataclass(frozen=True)
class Wording:
    """How the flow names what a person approves in its messages: a delete (the default) or
    a bulk change.

    Attributes:
        action: The noun: "a person must approve this delete first".
        done: The past participle, "was not deleted"; also the name of the outcome's
            boolean field (``deleted``).
        acts: "this server deletes only after a person confirms".
        do_it: "Ask the user to delete it in Datadog".
        shown: "Show the user the preview of what would be lost".
        tool: What the client is trusted to ask about in token mode.
    """

    action: str = "delete"
    done: str = "deleted"
    acts: str = "deletes"
    do_it: str = "delete it"
    shown: str = "what would be lost"
    tool: str = "a destructive tool"


DELETE_WORDS: Final = Wording()
CHANGE_WORDS: Final = Wording(
    action="bulk change",
    done="applied",
    acts="applies bulk changes",
    do_it="make the change",
    shown="what would change",
    tool="a tool that changes data",
)


class TypedKey(BaseModel):
    """The elicitation form: the person types the key the question names."""

    key: str = Field(
        title="Key to confirm", description="Type the key named in the question to confirm."
    )


class NotAsked:
    """What `ask` resolves to when no person is asked through the client."""


P = TypeVar("P", bound=View)


class Deletion(View, Generic[P]):
    """What a delete did: deleted or not, why, and what is (or was) at stake."""

    deleted: bool = Field(description="True only when the target was deleted.")
    message: str = Field(description="What happened, in words, and what to do next.")
    preview: P | None = absent(description="What the delete destroys (or destroyed).")
    confirmation_token: str | None = absent(
        description="Set when a person must approve: after they approve the preview, repeat "
        "the call with the same arguments and this token.",
    )
    expires_at: datetime | None = absent(description="When confirmation_token expires.")


Answer: TypeAlias = AcceptedElicitation[Any] | DeclinedElicitation | CancelledElicitation
"""What `ask` resolved to: a person's answer, or (accepted) `NotAsked`."""


@dataclass(frozen=True)
class Loss(Generic[P]):
    """What one delete would destroy, read from Datadog during this call.

    Attributes:
        tool: The deleting tool's name.
        target: The target's ids (``project:<uuid>``); tokens are bound to it.
        key: What a person types to confirm: the project key or the case key.
        subject: The target as a sentence's subject: ``The project SEC``.
        question: What a person is shown: everything the delete destroys.
        preview: The same, as the data of the result.
        facts: Everything the approval covers, full comment text included; a token and an
            elicited answer hold only while a fresh read gives the same facts.
        audit_target: The target's identifiers for the audit log.
        absent: Set when there is nothing to delete: the message saying so.
        words: How messages name the action (`DELETE_WORDS`, `CHANGE_WORDS`).
        approval_needed: False when the operator lets this action run without a person's
            approval (a bulk change within ``--bulk-confirm-over``): nothing is asked.
    """

    tool: str
    target: str
    key: str
    subject: str
    question: str
    preview: P
    facts: Mapping[str, Any]
    audit_target: Mapping[str, str] = field(default_factory=dict)
    absent: str | None = None
    words: Wording = DELETE_WORDS
    approval_needed: bool = True

    @property
    def state(self) -> str:
        """A digest of the target's identity and facts."""
        canonical = json.dumps(
            {"tool": self.tool, "target": self.target, "facts": self.facts},
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
            default=str,
        )
        return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def can_elicit(ctx: ToolContext) -> bool:
    """Whether this call can put a form question to a person through the client."""
    capabilities = ctx.client_capabilities
    elicitation = capabilities.elicitation if capabilities is not None else None
    # The SDK's own test: a bare {} means form support; url-only does not.
    if elicitation is None or (elicitation.form is None and elicitation.url is not None):
        return False
    if _round_trip(ctx):
        return True
    # Older sessions ask during the call, which needs a channel back to the client.
    return bool(ctx.session.can_send_request)


async def ask(loss: Loss[Any], ctx: ToolContext) -> NotAsked | Elicit[TypedKey]:
    """The body of each tool's confirmation resolver: ask a person, or leave it to tokens."""
    options = state_of(ctx).options
    if (
        loss.absent is not None
        or not loss.approval_needed
        or options.confirm_mode == "token"
        or not can_elicit(ctx)
    ):
        return NotAsked()
    return Elicit(f"{loss.question}\n(Reference {reference(loss, options)}.)", TypedKey)


def reference(loss: Loss[Any], options: ServerOptions) -> str:
    """The tag of the question that pins a person's answer to the exact state they were shown.

    On a 2026-07-28 retry the SDK accepts an answer only for the question asked word for
    word, so a target that changed in anything the approval covers (`Loss.facts`, much of
    it never shown) must change the question. A keyed MAC, not a bare digest: with a digest
    anyone could search offline for other content with the same short tag.
    """
    key = derived_key(options.secret, "question reference")
    return hmac.digest(key, loss.state.encode(), hashlib.sha256).hex()[:_REFERENCE_LENGTH]


async def settle(
    ctx: ToolContext,
    loss: Loss[P],
    answer: Answer,
    token: str | None,
    *,
    outcome: Callable[..., View],
    arguments: Mapping[str, Any],
    reread: Callable[[], Awaitable[Loss[P]]],
    delete: Callable[[], Awaitable[str]],
) -> CallToolResult:
    """Delete if, and only if, a person approved this loss; say in words what happened.

    Args:
        ctx: The tool call's context.
        loss: What the delete destroys, as read by the tool's reader this call.
        answer: What the tool's confirmation resolver (`ask`) resolved to.
        token: The call's ``confirmation_token``.
        outcome: The tool's result view, whose boolean field is named `Wording.done`.
        arguments: The call's arguments, for the audit record's digest.
        reread: Reads the target again (after a person answered, time has passed).
        delete: Deletes the target; returns the message saying what was deleted.

    Raises:
        ToolError: The target cannot be read or deleted (from `reread` or `delete`).
    """
    words = loss.words
    if loss.absent is not None:
        return result(outcome(**{words.done: False}, message=loss.absent))
    if not loss.approval_needed:
        # Audited by the tool guard, as every write is.
        return result(outcome(**{words.done: True}, message=await delete(), preview=loss.preview))
    state = state_of(ctx)
    options = state.options
    flow = _Flow(options, state.audit, state.tokens, loss, outcome, arguments)
    data = answer.data if isinstance(answer, AcceptedElicitation) else None
    if isinstance(data, NotAsked):
        if options.confirm_mode == "elicit":
            return flow.refused(
                "elicitation_unavailable",
                f"this server {words.acts} only after a person confirms in the client's "
                "confirmation prompt (elicitation), and this client does not offer one. Ask "
                f"the user to {words.do_it} in Datadog, or from a client that supports "
                f"elicitation. To allow {words.action}s from clients without it, the operator "
                "can start the server with CASE_MCP_CONFIRM_MODE=token, which relies on the "
                f"client asking the user before it runs {words.tool}",
            )
        # A blank token is no token: the model gets the preview, as without one.
        return await flow.by_token(token if token and token.strip() else None, delete)
    if not _round_trip(ctx):
        # Asked during this very call (on 2026-07-28 the guard counts the question when
        # the call answers input_required, before any answer comes back).
        telemetry.confirmation(loss.tool, "asked", "elicitation")
    if isinstance(answer, DeclinedElicitation):
        return flow.not_confirmed("declined", "the user declined")
    if isinstance(answer, CancelledElicitation):
        return flow.not_confirmed("cancelled", "the user cancelled the confirmation")
    if not isinstance(data, TypedKey) or not _same_key(data.key, loss.key):
        return flow.not_confirmed(
            "wrong_key", f"the key typed to confirm was not {loss.key}, as the question asked"
        )
    if (await reread()).state != loss.state:
        return flow.not_confirmed(
            "changed",
            "it changed while the user was being asked, so they did not confirm what it "
            "holds now. Call again to show them",
        )
    if not _spend_answer(ctx, state.tokens):
        return flow.not_confirmed(
            "answer_spent",
            f"the user's answer was already used; each answer confirms one {words.action}. "
            "Call again to ask them",
        )
    message = await delete()
    flow.record("confirmed", "elicitation")
    return result(outcome(**{words.done: True}, message=message, preview=loss.preview))


def _spend_answer(ctx: ToolContext, book: TokenBook) -> bool:
    """Use up the person's answer to this question; False if it was used before."""
    if not _round_trip(ctx):
        # Asked during this very call, on a session: no answer can be sent twice.
        return True
    nonce = approval_nonce()
    # The SDK accepts a state for STATE_TTL after it was sealed, which was before now.
    return nonce is not None and book.spend(f"answer:{nonce}", until=book.clock() + STATE_TTL)


def _round_trip(ctx: ToolContext) -> bool:
    version = ctx.protocol_version
    return version is not None and is_version_at_least(version, _ROUND_TRIP_VERSION)


@dataclass(frozen=True)
class _Flow(Generic[P]):
    options: ServerOptions
    audit: _audit.AuditLog
    book: TokenBook
    loss: Loss[P]
    outcome: Callable[..., View]
    arguments: Mapping[str, Any]

    async def by_token(
        self, token: str | None, delete: Callable[[], Awaitable[str]]
    ) -> CallToolResult:
        from case_mcp.server.guardrails._tokens import TokenRejected

        loss = self.loss
        words = loss.words
        if token is None:
            issued = self.book.issue(
                self.options.secret,
                self.options.confirm_ttl,
                tool=loss.tool,
                target=loss.target,
                state=loss.state,
            )
            self.record("confirmation_requested", None)
            message = (
                f"{loss.subject} was not {words.done}: a person must approve this "
                f"{words.action} first. Show the user the preview of {words.shown}. Only if "
                f"they approve, call {loss.tool} again with the same arguments and this "
                f"confirmation_token; it works once, for {_duration(self.options.confirm_ttl)}."
            )
            return result(
                self.outcome(
                    **{words.done: False},
                    message=message,
                    preview=loss.preview,
                    confirmation_token=issued.token,
                    expires_at=issued.expires_at,
                )
            )
        try:
            self.book.redeem(
                self.options.secret, token, tool=loss.tool, target=loss.target, state=loss.state
            )
        except TokenRejected as rejected:
            return self.refused(
                f"token_{rejected.problem}",
                f"{_TOKEN_PROBLEMS[rejected.problem]}. Call {loss.tool} again without "
                f"confirmation_token for a fresh preview, and {words.do_it} only if the user "
                "approves it",
            )
        message = await delete()
        self.record("confirmed", "token")
        return result(self.outcome(**{words.done: True}, message=message, preview=loss.preview))

    def refused(self, reason: str, why: str) -> CallToolResult:
        self.record("refused", reason)
        return self._kept(why)

    def not_confirmed(self, reason: NotConfirmed, why: str) -> CallToolResult:
        self.record("not_confirmed", reason)
        return self._kept(why)

    def record(self, outcome: _audit.AuditOutcome, reason: str | None) -> None:
        self._report(outcome, reason)
        try:
            self.audit.record(
                tool=self.loss.tool,
                target=self.loss.audit_target,
                arguments=self.arguments,
                outcome=outcome,
                reason=reason,
            )
        except OSError:
            # As the audit guard does: the log was writable at start-up, and a delete that
            # happened must still be reported to the model as done.
            logger.error("Could not append to the audit log (%s, %s)", self.loss.tool, outcome)

    def _report(self, outcome: _audit.AuditOutcome, reason: str | None) -> None:
        """Count a person's part in this flow: asked for a token, approved, or not."""
        tool = self.loss.tool
        if outcome == "confirmation_requested":
            telemetry.confirmation(tool, "asked", "token")
        elif outcome == "confirmed":
            method: telemetry.ConfirmationMethod = "token" if reason == "token" else "elicitation"
            telemetry.confirmation(tool, "accepted", method)
        elif outcome == "not_confirmed":
            telemetry.confirmation(tool, "declined", "elicitation", reason)

    def _kept(self, why: str) -> CallToolResult:
        done = self.loss.words.done
        message = f"{self.loss.subject} was not {done}: {why}."
        return result(self.outcome(**{done: False}, message=message, preview=self.loss.preview))


# Only A-Z fold: casefold() and lower() also map look-alikes onto ASCII letters (the long s
# U+017F folds to "s", the Kelvin sign U+212A lowers to "k"), so "\u017fEC-26" would pass for
# SEC-26.
_ASCII_FOLD: Final = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)
_ASCII_SPACE: Final = " \t"


def _same_key(typed: str, key: str) -> bool:
    return typed.strip(_ASCII_SPACE).translate(_ASCII_FOLD) == key.translate(_ASCII_FOLD)


def _duration(seconds: float) -> str:
    if seconds >= 120 and seconds % 60 == 0:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds:.0f} seconds"
