"""The organisation around the cases: its users and projects.

`Catalog` is the base of the sandbox's `Store` (in `_store`): it owns the connection, the clock,
id generation and transactions, and the people and projects cases refer to (`_case_types`
adds case types and custom attribute configs). No HTTP here; methods take and return plain
values and raise `_errors` types.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, Final

from . import _rules
from ._errors import BadRequest, Conflict, NotFound

__all__ = ["USER_STATUSES", "Catalog", "decode_row", "timestamp"]

USER_STATUSES: Final = ("Active", "Pending", "Disabled")
# A project's settings as `_project_settings` keeps them: JSON, or NULL until first set.
_PROJECT_JSON: Final = ("settings", "columns_config", "enabled_custom_case_types")
_USER_SORTS: Final = {
    "name": "lower(coalesce(name, '')) {}, email {}",
    "email": "email {}, id {}",
    "created_at": "created_at {}, id {}",
    "modified_at": "modified_at {}, id {}",
    "status": "status {}, email {}",
}


def timestamp(moment: datetime) -> str:
    """A moment as the sandbox stores it: ISO-8601 UTC with microseconds and ``Z``."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def decode_row(
    row: sqlite3.Row, *json_columns: str, bool_columns: Sequence[str] = ()
) -> dict[str, Any]:
    """A row as a dict: JSON columns decoded, 0/1 columns as booleans."""
    record = dict(row)
    for column in json_columns:
        if record.get(column) is not None:
            record[column] = json.loads(record[column])
    for column in bool_columns:
        record[column] = bool(record[column])
    return record


class Catalog:
    """Users, projects, case types and custom attribute configs, in one SQLite database.

    Args:
        conn: An open sandbox database (see `_schema.open_database`), in autocommit mode.
        clock: The current time; `clock` may be swapped at run time (the seed scripts it).
        new_id: A fresh object id (a UUID string).
    """

    def __init__(
        self,
        conn: sqlite3.Connection,
        *,
        clock: Callable[[], datetime],
        new_id: Callable[[], str],
    ) -> None:
        self.conn = conn
        self.clock = clock
        self.new_id = new_id
        self._depth = 0

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """Run a block in one transaction: all of its writes, or (if it raises) none.

        Nested blocks become savepoints, so a method may call another, and a caller (the seed)
        may wrap many calls in one transaction.
        """
        depth = self._depth
        self.conn.execute("BEGIN IMMEDIATE" if depth == 0 else f"SAVEPOINT level{depth}")
        self._depth += 1
        try:
            yield
        except BaseException:
            if depth == 0:
                self.conn.execute("ROLLBACK")
            else:
                self.conn.execute(f"ROLLBACK TO level{depth}")
                self.conn.execute(f"RELEASE level{depth}")
            raise
        else:
            self.conn.execute("COMMIT" if depth == 0 else f"RELEASE level{depth}")
        finally:
            self._depth = depth

    def now(self) -> str:
        """The current time as stored."""
        return timestamp(self.clock())

    # Users ---------------------------------------------------------------------------------

    def create_user(
        self,
        *,
        email: str,
        name: str | None = None,
        handle: str | None = None,
        title: str | None = None,
        status: str = "Active",
        service_account: bool = False,
        user_id: str | None = None,
    ) -> dict[str, Any]:
        """Add a user of the organisation.

        Raises:
            BadRequest: Not an email address, or an unknown status.
            Conflict: A user with that email exists.
        """
        email = email.strip().lower()
        local, _, domain = email.partition("@")
        if not local or "." not in domain or " " in email:
            raise BadRequest(f"email {email!r} is not an email address such as jane@example.com")
        if status not in USER_STATUSES:
            raise BadRequest(f"user status {status!r} is not one of {', '.join(USER_STATUSES)}")
        user_id = user_id or self.new_id()
        with self.transaction():
            taken = self.conn.execute(
                "SELECT 1 FROM users WHERE email = ? COLLATE NOCASE", (email,)
            ).fetchone()
            if taken:
                raise Conflict(f"a user with email {email!r} already exists")
            now = self.now()
            self.conn.execute(
                "INSERT INTO users (id, email, handle, name, title, status, disabled,"
                " service_account, created_at, modified_at) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    user_id,
                    email,
                    handle or email,
                    name,
                    title,
                    status,
                    int(status == "Disabled"),
                    int(service_account),
                    now,
                    now,
                ),
            )
        return self.get_user(user_id)

    def get_user(self, user_id: str) -> dict[str, Any]:
        """One user.

        Raises:
            NotFound: No such user.
        """
        row = self.conn.execute("SELECT * FROM users WHERE id = ?", (user_id,)).fetchone()
        if row is None:
            raise NotFound("user not found")
        return decode_row(row, bool_columns=("disabled", "service_account"))

    def users_by_id(self, user_ids: Sequence[str | None]) -> dict[str, dict[str, Any]]:
        """The users with these ids (unknown ids and None are left out)."""
        wanted = sorted({user_id for user_id in user_ids if user_id})
        if not wanted:
            return {}
        rows = self.conn.execute(
            f"SELECT * FROM users WHERE id IN ({','.join('?' * len(wanted))})", wanted
        ).fetchall()
        return {
            row["id"]: decode_row(row, bool_columns=("disabled", "service_account")) for row in rows
        }

    def list_users(
        self,
        *,
        query: str | None = None,
        page_size: int = 10,
        page_number: int = 0,
        statuses: Sequence[str] = (),
        sort: str = "name",
        ascending: bool = True,
    ) -> tuple[list[dict[str, Any]], int]:
        """A page of users (pages count from 0, as in Datadog's users API) and how many match.

        Args:
            query: Text that the name, email or handle contains (case-insensitive).
            page_size: Users per page.
            page_number: The page, from 0.
            statuses: Keep only users of these statuses (Active, Pending, Disabled).
            sort: name, email, created_at, modified_at or status.
            ascending: The direction of `sort`.

        Raises:
            BadRequest: An unknown status or sort field.
        """
        conditions: list[str] = ["1=1"]
        params: list[Any] = []
        if query:
            like = "%" + _escape_like(query) + "%"
            conditions.append(
                "(coalesce(name, '') LIKE ? ESCAPE '\\' OR email LIKE ? ESCAPE '\\'"
                " OR handle LIKE ? ESCAPE '\\')"
            )
            params += [like, like, like]
        if statuses:
            unknown = [status for status in statuses if status not in USER_STATUSES]
            if unknown:
                raise BadRequest(
                    f"user status {unknown[0]!r} is not one of {', '.join(USER_STATUSES)}"
                )
            conditions.append(f"status IN ({','.join('?' * len(statuses))})")
            params += list(statuses)
        if sort not in _USER_SORTS:
            raise BadRequest(f"cannot sort users by {sort!r}; sort by {', '.join(_USER_SORTS)}")
        where = " AND ".join(conditions)
        direction = "ASC" if ascending else "DESC"
        total = self.conn.execute(f"SELECT count(*) FROM users WHERE {where}", params).fetchone()[0]
        rows = self.conn.execute(
            f"SELECT * FROM users WHERE {where} ORDER BY "
            f"{_USER_SORTS[sort].format(direction, direction)} LIMIT ? OFFSET ?",
            [*params, page_size, page_size * page_number],
        ).fetchall()
        users = [decode_row(row, bool_columns=("disabled", "service_account")) for row in rows]
        return users, total

    def count_users(self) -> int:
        """How many users the organisation has, in every status."""
        return int(self.conn.execute("SELECT count(*) FROM users").fetchone()[0])

    def disable_user(self, user_id: str) -> None:
        """Disable a user (Datadog's DELETE of a user); they stay assignee and author of cases.

        Raises:
            NotFound: No such user.
        """
        with self.transaction():
            self.get_user(user_id)
            self.conn.execute(
                "UPDATE users SET status = 'Disabled', disabled = 1, modified_at = ? WHERE id = ?",
                (self.now(), user_id),
            )

    # Projects ------------------------------------------------------------------------------

    def create_project(
        self, *, key: str, name: str, actor_id: str, project_id: str | None = None
    ) -> dict[str, Any]:
        """Add a project; its cases get keys ``<KEY>-1``, ``<KEY>-2``...

        Raises:
            BadRequest: An invalid key (see `_rules.check_project_key`) or an empty name.
            Conflict: A project with that key exists.
        """
        _rules.check_project_key(key)
        _rules.nonblank(name, "name")
        project_id = project_id or self.new_id()
        with self.transaction():
            if self.conn.execute("SELECT 1 FROM projects WHERE key = ?", (key,)).fetchone():
                raise Conflict(f"a project with key {key} already exists; choose another key")
            self.conn.execute(
                "INSERT INTO projects (id, key, name, created_at) VALUES (?,?,?,?)",
                (project_id, key, name, self.now()),
            )
        return self.get_project(project_id)

    def get_project(self, project_id: str) -> dict[str, Any]:
        """One project.

        Raises:
            NotFound: No such project.
        """
        row = self.conn.execute("SELECT * FROM projects WHERE id = ?", (project_id,)).fetchone()
        if row is None:
            raise NotFound("failed to get project: project not found")
        return decode_row(row, *_PROJECT_JSON, bool_columns=("restricted",))

    def get_projects(self) -> list[dict[str, Any]]:
        """Every project, oldest first."""
        rows = self.conn.execute("SELECT * FROM projects ORDER BY created_at, rowid").fetchall()
        return [decode_row(row, *_PROJECT_JSON, bool_columns=("restricted",)) for row in rows]

    def delete_project(self, project_id: str, *, actor_id: str) -> None:
        """Delete a project and every case in it.

        Raises:
            NotFound: No such project.
        """
        with self.transaction():
            self.get_project(project_id)
            self.conn.execute("DELETE FROM projects WHERE id = ?", (project_id,))
