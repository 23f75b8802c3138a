"""Request paths that remember which operation they call.

``/api/v2/cases/SEC-1/title`` and ``/api/v2/cases/SEC-2/title`` are one operation, with one
of Datadog's rate-limit buckets behind it: the session keys what it learns about buckets by
the path's template (``/api/v2/cases/{case_id}/title``), which `api_path` keeps on the path.
"""

from __future__ import annotations

from urllib.parse import quote

from case_mcp.errors import InvalidRequestError

__all__ = ["APIPath", "api_path", "template_of"]


class APIPath(str):
    """A quoted request path, and the template it was made from (`template`)."""

    template: str

    def __new__(cls, template: str, path: str) -> APIPath:
        made = super().__new__(cls, path)
        made.template = template
        return made


def api_path(template: str, **segments: str) -> APIPath:
    """Fill `template`'s ``{name}`` with URL-quoted segments, so no id can add to the path."""
    quoted = {}
    for name, segment in segments.items():
        if not segment:
            raise InvalidRequestError("an id or key in the request path must not be empty")
        # quote() leaves dots alone, and "." or ".." would be resolved away by the URL parser.
        quoted[name] = "%2E" * len(segment) if set(segment) == {"."} else quote(segment, safe="")
    return APIPath(template, template.format(**quoted))


def template_of(path: str) -> str:
    """The template of a path `api_path` made; any other path is its own template."""
    return path.template if isinstance(path, APIPath) else path
