"""The sandbox's SQLite schema, and opening a database file that holds it.

A database records its schema version in ``PRAGMA user_version``. A file of another version
(or a SQLite file that is no sandbox at all) is refused with an error naming the file and what
to do, rather than migrated by guesswork: sandbox data is demo data, cheap to recreate.

Timestamps are ISO-8601 UTC text with microseconds and ``Z`` (``2025-12-30T13:49:47.542749Z``),
so they sort correctly as text and compare with ``<`` in SQL.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Final

from case_mcp.errors import ConfigurationError

__all__ = ["SCHEMA", "SCHEMA_VERSION", "TABLES", "DatabaseError", "open_database"]

SCHEMA_VERSION: Final = 4
"""Version 2 added ``cases_text``, the trigram index of case titles and descriptions; version 3
added ``cases.due_date``; version 4 the saved case views, the favourite projects, the
projects' settings, ``cases.security_resolved_reason``, ``case_watchers``,
``configurations`` (automation rules, notification rules, maintenance windows),
``incidents``, ``case_links`` and a case's Jira issue, ServiceNow ticket and notebook."""

# Children before parents, so deleting in this order never trips a foreign key.
TABLES: Final = (
    "case_links",
    "configurations",
    "case_watchers",
    "case_views",
    "project_favorites",
    "timeline_cells",
    "case_key_aliases",
    "case_attributes",
    "cases",
    "custom_attribute_configs",
    "case_types",
    "projects",
    "incidents",
    "users",
)

SCHEMA: Final = """
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL,
    handle TEXT NOT NULL,
    name TEXT,
    title TEXT,
    status TEXT NOT NULL,                 -- 'Active' | 'Pending' | 'Disabled'
    disabled INTEGER NOT NULL DEFAULT 0,
    service_account INTEGER NOT NULL DEFAULT 0,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX users_email ON users (email COLLATE NOCASE);
CREATE INDEX users_handle ON users (handle COLLATE NOCASE);

CREATE TABLE projects (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    restricted INTEGER NOT NULL DEFAULT 0,
    next_number INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    settings TEXT,                        -- JSON settings object; NULL: Datadog's defaults
    columns_config TEXT,                  -- JSON, as set by update_project; NULL: never set
    enabled_custom_case_types TEXT,       -- JSON list of case type ids; NULL: never set
    team_uuid TEXT
);

CREATE TABLE case_views (                 -- saved searches, each in one project
    id TEXT PRIMARY KEY,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    query TEXT NOT NULL,
    np_rule_id TEXT,
    created_by TEXT NOT NULL,
    modified_by TEXT,
    created_at TEXT NOT NULL,
    modified_at TEXT
);
CREATE INDEX case_views_project ON case_views (project_id, created_at);

CREATE TABLE project_favorites (          -- each user's favourite projects
    user_id TEXT NOT NULL,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, project_id)
);

CREATE TABLE case_types (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    emoji TEXT NOT NULL DEFAULT '',
    internal INTEGER NOT NULL DEFAULT 0,
    wire_type TEXT NOT NULL,              -- the value of a case's "type"
    statuses_config TEXT NOT NULL,        -- JSON, exactly Datadog's statuses_config object
    deleted_at TEXT
);

CREATE TABLE custom_attribute_configs (
    id TEXT PRIMARY KEY,
    case_type_id TEXT NOT NULL REFERENCES case_types (id),
    key TEXT NOT NULL,
    display_name TEXT NOT NULL,
    description TEXT,
    type TEXT NOT NULL,
    is_multi INTEGER NOT NULL,
    options TEXT,                         -- JSON list of strings for SELECT, else NULL
    UNIQUE (case_type_id, key)
);

CREATE TABLE cases (
    id TEXT PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    project_id TEXT NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    public_id INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    status TEXT NOT NULL,
    status_name TEXT NOT NULL,
    status_group TEXT NOT NULL,
    priority TEXT NOT NULL,
    priority_rank INTEGER NOT NULL,       -- P1=1 ... P5=5, NOT_DEFINED=6
    type_id TEXT NOT NULL,
    assignee_id TEXT,
    created_by TEXT NOT NULL,
    modified_by TEXT,
    created_at TEXT NOT NULL,
    modified_at TEXT,
    closed_at TEXT,
    archived_at TEXT,
    due_date TEXT,                        -- YYYY-MM-DD, or NULL when the case has none
    security_resolved_reason TEXT,        -- FALSE_POSITIVE, TRUE_POSITIVE, BENIGN_POSITIVE
    creation_source TEXT NOT NULL DEFAULT 'MANUAL',
    insights TEXT NOT NULL DEFAULT '[]',
    custom_attributes TEXT NOT NULL DEFAULT '{}',
    comment_count INTEGER NOT NULL DEFAULT 0,
    jira_issue TEXT,                      -- JSON {"status", "result"}, or NULL
    service_now_ticket TEXT,              -- JSON {"status", "result"}, or NULL
    notebook TEXT                         -- JSON {"id", "url"} of its investigation notebook
);
-- Search filters on these and sorts by created_at, priority or status; the sort indexes
-- match the ORDER BY of `Store.search_cases` column for column (directions included), so a
-- page of the newest or most urgent cases is read in index order, without sorting them all.
CREATE INDEX cases_project ON cases (project_id, created_at);
CREATE INDEX cases_status_group ON cases (status_group, created_at);
CREATE INDEX cases_status ON cases (status, created_at);
CREATE INDEX cases_created ON cases (created_at);
-- Covers the archived_at test that almost every search has, so counting matches scans this
-- small index instead of the table.
CREATE INDEX cases_live_created ON cases (archived_at, created_at);
CREATE INDEX cases_priority ON cases (priority_rank, created_at DESC);
CREATE INDEX cases_status_order ON cases (
    (CASE status_group WHEN 'SG_OPEN' THEN 1 WHEN 'SG_IN_PROGRESS' THEN 2 ELSE 3 END), created_at
);
CREATE INDEX cases_assignee ON cases (assignee_id, created_at);
CREATE INDEX cases_created_by ON cases (created_by, created_at);
CREATE INDEX cases_type ON cases (type_id, created_at);
CREATE INDEX cases_creation_source ON cases (creation_source);
CREATE INDEX cases_modified ON cases (modified_at);
CREATE INDEX cases_closed ON cases (closed_at);
CREATE INDEX cases_due ON cases (due_date);
CREATE INDEX cases_resolved_reason ON cases (security_resolved_reason);

-- Free-text search: every substring of three characters or more of a title or description
-- (trigrams, case folded), so a search reads the few matching cases instead of running LIKE
-- over every one. External content: the text stays in `cases` alone, and the triggers below
-- keep the index in step with every write, whoever makes it. Rows are matched by the
-- rowid of `cases`, which only VACUUM could renumber (the sandbox never runs it; after one,
-- INSERT INTO cases_text(cases_text) VALUES ('rebuild') rebuilds the index).
CREATE VIRTUAL TABLE cases_text USING fts5 (
    title, description, content = 'cases', content_rowid = 'rowid', tokenize = 'trigram'
);
CREATE TRIGGER cases_text_insert AFTER INSERT ON cases BEGIN
    INSERT INTO cases_text (rowid, title, description)
    VALUES (new.rowid, new.title, new.description);
END;
CREATE TRIGGER cases_text_delete AFTER DELETE ON cases BEGIN
    INSERT INTO cases_text (cases_text, rowid, title, description)
    VALUES ('delete', old.rowid, old.title, old.description);
END;
CREATE TRIGGER cases_text_update AFTER UPDATE OF title, description ON cases BEGIN
    INSERT INTO cases_text (cases_text, rowid, title, description)
    VALUES ('delete', old.rowid, old.title, old.description);
    INSERT INTO cases_text (rowid, title, description)
    VALUES (new.rowid, new.title, new.description);
END;

CREATE TABLE case_attributes (              -- the free-form "attributes" map of a case
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (case_id, key, value)
);
CREATE INDEX case_attributes_value ON case_attributes (key, value COLLATE NOCASE, case_id);

CREATE TABLE case_key_aliases (             -- a moved case's old keys
    key TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE
);
CREATE INDEX case_key_aliases_case ON case_key_aliases (case_id);

CREATE TABLE timeline_cells (
    id TEXT PRIMARY KEY,
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    type TEXT NOT NULL,
    author_id TEXT NOT NULL,
    content TEXT NOT NULL,                -- JSON object
    created_at TEXT NOT NULL,
    modified_at TEXT,
    deleted_at TEXT
);
CREATE UNIQUE INDEX timeline_cells_order ON timeline_cells (case_id, seq);

CREATE TABLE case_watchers (                -- who is notified of a case's changes
    case_id TEXT NOT NULL REFERENCES cases (id) ON DELETE CASCADE,
    user_id TEXT NOT NULL REFERENCES users (id),
    created_at TEXT NOT NULL,
    PRIMARY KEY (case_id, user_id)
);

-- What Datadog stores and acts on, and the sandbox only keeps: automation rules and
-- notification rules of a project, maintenance windows of the organisation.
CREATE TABLE configurations (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,                   -- 'rule' | 'notification_rule' | 'maintenance_window'
    project_id TEXT REFERENCES projects (id) ON DELETE CASCADE,  -- NULL: the organisation's
    attributes TEXT NOT NULL,             -- JSON object: the checked attributes
    created_by TEXT NOT NULL,
    modified_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    modified_at TEXT NOT NULL
);
CREATE INDEX configurations_listed ON configurations (kind, project_id, created_at);

CREATE TABLE incidents (                    -- the organisation's incidents, to link cases to
    id TEXT PRIMARY KEY,
    public_id INTEGER NOT NULL UNIQUE,
    title TEXT NOT NULL,
    severity TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- A directional link between two entities, at least one of them a case. The ends are not
-- foreign keys (an end may be an incident), so a deleted case's links go with it by trigger.
CREATE TABLE case_links (
    id TEXT PRIMARY KEY,
    parent_entity_type TEXT NOT NULL,
    parent_entity_id TEXT NOT NULL,
    child_entity_type TEXT NOT NULL,
    child_entity_id TEXT NOT NULL,
    relationship TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (parent_entity_id, child_entity_id, relationship)
);
CREATE INDEX case_links_child ON case_links (child_entity_id);
CREATE TRIGGER case_links_of_deleted_case AFTER DELETE ON cases BEGIN
    DELETE FROM case_links WHERE parent_entity_id = old.id OR child_entity_id = old.id;
END;
"""


class DatabaseError(ConfigurationError):
    """A sandbox database file that this version of case_mcp cannot use.

    Attributes:
        path: The file.
    """

    def __init__(self, message: str, *, path: str) -> None:
        super().__init__(message)
        self.path = path


def open_database(path: str | os.PathLike[str] | None) -> tuple[sqlite3.Connection, bool]:
    """Open (creating if needed) a sandbox database; say whether it was new.

    Args:
        path: A file, or None for a private in-memory database.

    Returns:
        The connection (autocommit: the store runs its own transactions) and True when the
        schema was just created, so the caller knows to seed it.

    Raises:
        DatabaseError: The file cannot be created or written (a missing directory, a
            directory, no permission), or is no SQLite database, another program's database,
            or a sandbox database of another schema version. The message starts with the path.
    """
    target = ":memory:" if path is None else os.fspath(path)
    if path is not None:
        _check_writable(target)
    # One connection per sandbox. It may be created in one thread and served from another
    # (uvicorn in a worker thread); requests run one at a time on the serving event loop.
    conn = sqlite3.connect(target, check_same_thread=False, isolation_level=None)
    conn.row_factory = sqlite3.Row
    try:
        created = _prepare(conn, target, in_memory=path is None)
    except BaseException:
        conn.close()
        raise
    return conn, created


def _check_writable(target: str) -> None:
    """Refuse, in words, a path SQLite would refuse with only "unable to open database file"."""
    if os.path.isdir(target):
        raise DatabaseError(
            f"{target} is a directory; give a file path, such as "
            f"{os.path.join(target, 'sandbox.db')}",
            path=target,
        )
    directory = os.path.dirname(os.path.abspath(target))
    if not os.path.isdir(directory):
        raise DatabaseError(
            f"{target} cannot be created: the directory {directory} does not exist (create "
            "it, or choose a file in a directory that does)",
            path=target,
        )
    try:
        # What SQLite is about to do (an empty file is an empty database to it), but with
        # the system's reason when it cannot be done.
        os.close(os.open(target, os.O_RDWR | os.O_CREAT, 0o644))
    except OSError as exc:
        raise _unwritable(target, exc.strerror or type(exc).__name__) from None


def _unwritable(target: str, reason: str) -> DatabaseError:
    return DatabaseError(
        f"{target} cannot be created or written ({reason}); choose a file in a directory you "
        "can write to",
        path=target,
    )


def _prepare(conn: sqlite3.Connection, target: str, *, in_memory: bool) -> bool:
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if not in_memory:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        tables = conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[
            0
        ]
    except sqlite3.DatabaseError as exc:
        if exc.sqlite_errorname != "SQLITE_NOTADB":
            # A writable file in a directory that refuses the write-ahead log beside it, or
            # a read-only file system.
            raise _unwritable(target, str(exc)) from exc
        raise DatabaseError(
            f"{target} is not a SQLite database ({exc}); point the sandbox at a new file "
            "or delete this one if it is an old sandbox file",
            path=target,
        ) from exc
    if version == SCHEMA_VERSION:
        return False
    if version == 0 and tables == 0:
        conn.executescript(f"BEGIN; {SCHEMA} PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")
        return True
    if version == 0:
        raise DatabaseError(
            f"{target} is a SQLite database of another program (it has tables but no sandbox "
            "schema version); give the sandbox a new file name",
            path=target,
        )
    raise DatabaseError(
        f"{target} holds sandbox data in schema version {version}, and this case_mcp reads "
        f"version {SCHEMA_VERSION}; delete the file (the sandbox recreates and seeds it) or "
        "use the case_mcp version that wrote it",
        path=target,
    )
