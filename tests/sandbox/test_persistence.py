"""State in a database file: kept across restarts, and refused when it is not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from case_mcp.errors import ConfigurationError
from case_mcp.sandbox import Sandbox

STANDARD = "00000000-0000-0000-0000-000000000001"


def open_case(sandbox: Sandbox) -> str:
    store, actor = sandbox.store, sandbox.ACTOR_ID
    store.create_case_type(name="Standard", wire_type="STANDARD", type_id=STANDARD)
    project = store.create_project(key="SEC", name="Security", actor_id=actor)
    case = store.create_case(
        title="Leaked token", type_id=STANDARD, project_id=project["id"], actor_id=actor
    )
    store.comment_case(case["id"], "Rotated.", actor_id=actor)
    return str(case["id"])


def test_a_file_keeps_the_state_across_a_restart(tmp_path: Path) -> None:
    """A reopened file has the cases and comments of the last run, and is not seeded again."""
    path = tmp_path / "sandbox.db"
    with Sandbox(db_path=path, seed=False) as first:
        case_id = open_case(first)
        before = first.store.get_case(case_id)

    with Sandbox(db_path=path) as second:
        assert second.store.get_case("SEC-1") == before
        assert [cell["type"] for cell in second.store.list_case_timeline(case_id)] == [
            "COMMENT",
            "CASE_CREATED",
        ]
        assert second.store.count_users() == 1


def test_a_file_is_written_ahead_logged(tmp_path: Path) -> None:
    """Files use WAL, so a reader never blocks the writer."""
    with Sandbox(db_path=tmp_path / "wal.db", seed=False) as sandbox:
        mode = sandbox.store.conn.execute("PRAGMA journal_mode").fetchone()[0]

    assert mode == "wal"


def test_an_interrupted_first_population_is_redone(tmp_path: Path) -> None:
    """A file with the schema but no users (a crash while seeding) is populated on open."""
    path = tmp_path / "half.db"
    with Sandbox(db_path=path, seed=False) as sandbox:
        sandbox.store.conn.execute("DELETE FROM users")

    with Sandbox(db_path=path, seed=False) as reopened:
        assert reopened.store.count_users() == 1


def test_a_file_of_another_schema_version_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """The error names the file, both versions and the way out."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE cases (id TEXT)")
        conn.execute("PRAGMA user_version = 99")

    with pytest.raises(ConfigurationError) as raised:
        Sandbox(db_path=path)

    assert str(raised.value) == (
        f"{path} holds sandbox data in schema version 99, and this case_mcp reads version 4; "
        "delete the file (the sandbox recreates and seeds it) or use the case_mcp version that "
        "wrote it"
    )


def test_another_programs_database_is_refused(tmp_path: Path) -> None:
    """A SQLite file with tables but no sandbox version is left alone."""
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (body TEXT)")

    with pytest.raises(ConfigurationError, match="another program"):
        Sandbox(db_path=path)


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    """Arbitrary bytes are not mistaken for a sandbox."""
    path = tmp_path / "notes.txt"
    path.write_text("shopping list\n" * 100)

    with pytest.raises(ConfigurationError, match="is not a SQLite database"):
        Sandbox(db_path=path)
