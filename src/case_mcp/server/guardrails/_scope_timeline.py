"""A scoped case's timeline, with what it says about projects outside the scope taken out.

A case moved into the scope from another project carries that project in its history: the
PROJECT_CHANGE cell names the project it left (id, key, name) and the key the case had there,
and the CASE_CREATED cell the key the case was created with; a CASE_LINK_CHANGE cell names
both cases of a link by key and title. Under a scope, each project outside it becomes
`OUTSIDE_PROJECT`, a case key of such a project is left out, and a linked case of such a
project becomes `OUTSIDE_CASE`, so the model learns that the case came from, or is linked
to, something outside the scope, nothing more. A project is inside
only when its key is one of the scope's: anything else (no key, an unknown shape) is outside.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any, Final

from case_mcp.models import CellContent, TimelineCell

__all__ = ["OUTSIDE_CASE", "OUTSIDE_PROJECT", "confine"]

OUTSIDE_PROJECT: Final = "a project outside this server's scope"
OUTSIDE_CASE: Final = "a case outside this server's scope"


def confine(cell: TimelineCell, keys: frozenset[str]) -> TimelineCell:
    """The cell, with every project outside the scope `keys` (upper case) taken out."""
    content = cell.attributes.cell_content
    if content is None or not content.model_extra:
        return cell
    change = dict(content.model_extra)
    if change.get("field") == "project":
        for side in ("from", "to"):
            if change.get(side) is not None and not _scoped_project(change[side], keys):
                change[side] = OUTSIDE_PROJECT
    elif change.get("field") == "link":
        for side in ("from", "to"):
            if isinstance(change.get(side), Mapping):
                change[side] = _confined_link(change[side], keys)
    elif change.get("field") == "case" and isinstance(change.get("to"), Mapping):
        created: Mapping[str, Any] = change["to"]
        if "key" in created and not _scoped_case_key(created["key"], keys):
            change["to"] = {name: value for name, value in created.items() if name != "key"}
    if change == content.model_extra:
        return cell
    confined = CellContent.model_validate({**content.model_dump(exclude_unset=True), **change})
    text = cell.attributes.content
    if text is not None:  # the same content as a JSON string, as Datadog also sends it
        text = json.dumps(confined.model_dump(mode="json", exclude_unset=True))
    attributes = cell.attributes.model_copy(update={"cell_content": confined, "content": text})
    return cell.model_copy(update={"attributes": attributes})


def _confined_link(link: Mapping[str, Any], keys: frozenset[str]) -> dict[str, Any]:
    """A link with each case end outside the scope (by the key it had) made `OUTSIDE_CASE`."""
    confined = dict(link)
    for end in ("parent", "child"):
        shown = link.get(end)
        is_case = not isinstance(shown, Mapping) or shown.get("type") == "CASE"
        if is_case and not (
            isinstance(shown, Mapping) and _scoped_case_key(shown.get("key"), keys)
        ):
            confined[end] = OUTSIDE_CASE
    return confined


def _scoped_project(project: Any, keys: frozenset[str]) -> bool:
    return isinstance(project, Mapping) and str(project.get("key") or "").upper() in keys


def _scoped_case_key(key: Any, keys: frozenset[str]) -> bool:
    return isinstance(key, str) and key.rpartition("-")[0].upper() in keys
