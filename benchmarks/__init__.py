"""The case_mcp benchmark harness: ``python -m benchmarks [--quick] [--update]``.

Every figure is measured on this machine, side by side with the floor the MCP SDK sets (a
one-tool server in `floor_server`), and written as JSON; BENCHMARKS.md records one run. Only
the deterministic figures (definition and answer sizes) are CI budgets, in
tests/test_budgets.py; timings are never tests.
"""
