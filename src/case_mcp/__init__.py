"""case_mcp: Datadog Case Management for AI assistants, over the Model Context Protocol."""

from importlib.metadata import version as _version

__version__ = _version("case-mcp")

__all__ = ["__version__"]
