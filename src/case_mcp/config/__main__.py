"""``python -m case_mcp.config FILE...``: make the configuration tables in each FILE again."""

from __future__ import annotations

import sys
from pathlib import Path

from case_mcp.config import SECTIONS, refreshed


def main(paths: list[str]) -> int:
    """Rewrite the generated tables of each file in `paths`; 2 without a file."""
    if not paths:
        print("usage: python -m case_mcp.config README.md docs/configuration.md", file=sys.stderr)
        return 2
    for path in map(Path, paths):
        text = path.read_text(encoding="utf-8")
        path.write_text(refreshed(text, SECTIONS), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
