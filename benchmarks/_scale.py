"""The sandbox at scale: Store.search_cases over 1k, 10k and 100k cases.

Synthetic cases are copies of the demo organisation's cases (so every column holds a value
the store itself wrote) with fresh ids, keys and creation times, bulk-inserted through SQL
into a sandbox database file; their attributes are copied too. The schema's triggers index
their text for free-text search as they are inserted, as they do for the store's own writes.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from case_mcp.sandbox import Sandbox

from ._stats import summary

QUERIES = (
    "",
    "status:open",
    "priority:p1",
    "handshake",
    '"consumer lag"',
    "service:api-gateway env:prod",
    "team:sre -status_group:closed",
    "project:SEC -status_group:closed assignee:none",
    "created_at:>=now-7d priority:(p1 OR p2)",
    "key:SEC-*",
)
WORDS = ("latency", "timeout", "disk", "replica", "quota", "token", "cert", "queue", "retry")


def _grow(path: Path, target: int) -> int:
    """Add synthetic cases to the file at `path` until it holds `target`; say how many now."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        have = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        templates = [dict(row) for row in conn.execute("SELECT * FROM cases ORDER BY key")]
        attributes: dict[str, list[tuple[str, str]]] = {}
        for row in conn.execute("SELECT case_id, key, value FROM case_attributes"):
            attributes.setdefault(row[0], []).append((row[1], row[2]))
        templates = [t for t in templates if not t["key"].startswith("BEN")][:100]
        next_public = conn.execute("SELECT max(public_id) FROM cases").fetchone()[0] + 1
        columns = list(templates[0])
        insert = (
            f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"
        )
        start = datetime(2026, 1, 1, tzinfo=UTC)
        conn.execute("BEGIN")
        for number in range(have, target):
            template = templates[number % len(templates)]
            case_id = f"00000000-0000-4000-8000-{number:012d}"
            created = start + timedelta(minutes=7 * number)
            row = {
                **template,
                "id": case_id,
                "key": f"{template['key'].split('-')[0]}-{100000 + number}",
                "public_id": next_public + number,
                "title": f"{template['title']} ({WORDS[number % len(WORDS)]} {number})",
                "created_at": created.isoformat().replace("+00:00", "Z"),
                "archived_at": None,
            }
            conn.execute(insert, [row[column] for column in columns])
            conn.executemany(
                "INSERT INTO case_attributes (case_id, key, value) VALUES (?, ?, ?)",
                [(case_id, key, value) for key, value in attributes.get(template["id"], [])],
            )
        conn.execute("COMMIT")
        count: int = conn.execute("SELECT count(*) FROM cases").fetchone()[0]
        return count
    finally:
        conn.close()


def search_at_scale(sizes: tuple[int, ...], repeats: int) -> dict[str, Any]:
    """p50/p95 of a fixed query mix (page size 25) at each size, and per-query medians."""
    results = []
    with tempfile.TemporaryDirectory(prefix="case-mcp-scale-") as folder:
        path = Path(folder) / "sandbox.db"
        Sandbox(db_path=path).close()
        for size in sizes:
            started = time.perf_counter()
            count = _grow(path, size)
            build_s = time.perf_counter() - started
            with Sandbox(db_path=path, rate_limit=None) as sandbox:
                store = sandbox.store
                for query in QUERIES:  # one untimed pass warms SQLite's page cache
                    store.search_cases(query=query, page_size=25)
                samples: list[float] = []
                per_query: dict[str, list[float]] = {query: [] for query in QUERIES}
                for _ in range(repeats):
                    for query in QUERIES:
                        started = time.perf_counter()
                        store.search_cases(query=query, page_size=25)
                        elapsed = time.perf_counter() - started
                        samples.append(elapsed)
                        per_query[query].append(elapsed)
            results.append(
                {
                    "cases": count,
                    "build_s": round(build_s, 2),
                    **summary(samples),
                    "per_query_p50_ms": {
                        query or "(all)": summary(values)["p50_ms"]
                        for query, values in per_query.items()
                    },
                }
            )
    return {"queries": list(QUERIES), "page_size": 25, "sizes": results}
