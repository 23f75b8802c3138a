"""Each setting is declared once: its variable is named by its declaration, not copied about."""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import case_mcp
from case_mcp.config import SECTIONS

PACKAGE = Path(case_mcp.__file__).parent


def test_each_variable_is_named_in_at_most_two_modules() -> None:
    """A variable's name is in its declaration and at most one other module; the rest ask the
    settings for it, so renaming one is one edit."""
    modules: dict[str, set[str]] = defaultdict(set)
    for path in PACKAGE.rglob("*.py"):
        for name in re.findall(r"CASE_MCP_[A-Z_]+", path.read_text(encoding="utf-8")):
            modules[name].add(str(path.relative_to(PACKAGE)))

    copied = {name: sorted(found) for name, found in modules.items() if len(found) > 2}

    assert copied == {}


def test_each_variable_belongs_to_one_option() -> None:
    """No two options read the same variable, and no flag is given to two options."""
    options = [option for section in SECTIONS for option in section.options()]
    variables = [option.variable for option in options]
    flags = [option.flag for option in options if option.flag]

    assert len(set(variables)) == len(variables)
    assert len(set(flags)) == len(flags)
