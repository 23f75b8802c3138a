"""Timeline cells: the comments (and, for other cell types, the events) of a case."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from case_mcp.models._base import DatadogModel
from case_mcp.models.user import UserRef

__all__ = [
    "Author",
    "CellContent",
    "TimelineCell",
    "TimelineCellAttributes",
    "TimelineCellType",
]

TimelineCellType = Literal["COMMENT"]
"""The cell types Datadog documents; others arrive too and parse as plain strings."""


class Author(DatadogModel):
    """Who wrote a timeline cell or created a case (Datadog's ``author`` / ``created_by_author``).

    Attributes:
        type: ``USER`` for people; other author kinds parse too.
        content: The user summary, when the author is a user.
    """

    type: str | None = None
    content: UserRef | None = None


class CellContent(DatadogModel):
    """What a cell holds: the comment text for ``COMMENT`` cells."""

    message: str | None = None


class TimelineCellAttributes(DatadogModel):
    """The attributes of a timeline cell.

    Attributes:
        type: The cell type; Datadog documents ``COMMENT`` (see `TimelineCellType`).
        author: Who wrote the cell.
        cell_content: The structured content; ``message`` for comments.
        content: The same content as a JSON string, as Datadog also sends it.
    """

    type: str | None = None
    author: Author | None = None
    cell_content: CellContent | None = None
    content: str | None = None
    created_at: datetime | None = None
    modified_at: datetime | None = None
    deleted_at: datetime | None = None


class TimelineCell(DatadogModel):
    """One cell of a case's timeline, such as a comment."""

    id: str
    type: str = "timeline_cell"
    attributes: TimelineCellAttributes = Field(default_factory=TimelineCellAttributes)

    @property
    def message(self) -> str | None:
        """The comment text of a ``COMMENT`` cell, None for cells without one."""
        content = self.attributes.cell_content
        return content.message if content is not None else None

    @property
    def author(self) -> UserRef | None:
        """The user who wrote the cell, when a user did."""
        author = self.attributes.author
        return author.content if author is not None else None
