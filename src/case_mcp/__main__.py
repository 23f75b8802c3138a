"""`python -m case_mcp`: the same as the `case-mcp` command."""

from case_mcp.cli import main

raise SystemExit(main())
