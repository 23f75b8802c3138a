"""Client errors as tool errors a model can act on.

Only `ToolError` text reaches the model; anything else becomes the SDK's generic message. So
every tool body runs inside `reported(...)`, which turns each kind of failure into one short
paragraph: what happened, and what to do next. The text is built from trusted parts only:
our own words, the HTTP status, and the messages Datadog wrote.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from mcp.server.mcpserver.exceptions import ToolError

from case_mcp.errors import (
    APIError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InvalidRequestError,
    MalformedResponseError,
    NetworkError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
    RequestTimeoutError,
    ServerError,
)


@contextmanager
def reported(not_found: str) -> Iterator[None]:
    """Translate the client's exceptions raised inside the block into `ToolError`s.

    Args:
        not_found: What to tell the model on a 404: which id was not found, and which
            tool finds valid ones.
    """
    try:
        yield
    except NotFoundError as error:
        raise ToolError(not_found) from error
    except (BadRequestError, ConflictError) as error:
        said = "; ".join(error.messages) or "no reason given"
        raise ToolError(
            f"Datadog rejected the request: {said}. Fix that argument and retry."
        ) from error
    except InvalidRequestError as error:
        raise ToolError(f"{error} Fix that argument and retry.") from error
    except AuthenticationError as error:
        raise ToolError(
            "Datadog refused the credentials (401). The operator should check DD_API_KEY and "
            "DD_APP_KEY, and that DD_SITE is the organisation's site."
        ) from error
    except PermissionDeniedError as error:
        raise ToolError(
            "Datadog denied access (403): the credentials lack a Case Management permission "
            "(cases_read to read, cases_write to change). Retrying will not help."
        ) from error
    except RateLimitedError as error:
        wait = f"in {error.retry_after:.0f} seconds" if error.retry_after is not None else "shortly"
        raise ToolError(f"Datadog is rate-limiting these requests (429). Retry {wait}.") from error
    except ServerError as error:
        raise ToolError(
            f"Datadog failed to answer (HTTP {error.status}); this is not caused by your "
            "request. Retry in a moment."
        ) from error
    except RequestTimeoutError as error:
        raise ToolError("Datadog did not answer in time. Retry in a moment.") from error
    except NetworkError as error:
        raise ToolError(
            "Datadog could not be reached (network error). Retry in a moment."
        ) from error
    except MalformedResponseError as error:
        raise ToolError(
            "Datadog sent an answer that could not be read. Retry in a moment."
        ) from error
    except APIError as error:
        raise ToolError(f"Datadog answered with HTTP {error.status}.") from error
