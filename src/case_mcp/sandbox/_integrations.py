"""A case's Jira issue, ServiceNow ticket and investigation notebook: one rule per operation.

Datadog creates the Jira issue and the ServiceNow ticket in the background (202 Accepted) and
shows them on the case when done (``jira_issue`` / ``service_now_ticket``, each ``{"status",
"result"}``). The sandbox has no Jira or ServiceNow to wait for: it makes them at once, with
keys and links that are the same on every run: Jira issues on the demo organisation's site
(`_link_rules.JIRA_SITE`) in the Jira project of the case's project key, numbered from 101
(``SEC-101``); ServiceNow incidents numbered from INC0010001 on the instance named. A case
holds one of each, and one notebook; each change writes its timeline cell (JIRA_ISSUE_CHANGE,
SERVICENOW_TICKET_CHANGE, NOTEBOOK_CHANGE).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping
from typing import Any, Final

from . import _link_rules, _rules
from ._errors import Conflict
from ._links import CaseLinks

__all__ = ["CaseIntegrations"]

_FIRST_ISSUE: Final = 101
_FIRST_TICKET: Final = 10_001
_FIRST_NOTEBOOK: Final = 7_340_001
_NOTEBOOKS: Final = "https://app.datadoghq.com/notebook"
_SYS_IDS: Final = uuid.uuid5(uuid.NAMESPACE_DNS, "service-now.com")
_ISSUE_NUMBER: Final = re.compile(r"-(\d+)$")


class CaseIntegrations(CaseLinks):
    """What a case is tracked by elsewhere: Jira, ServiceNow, a notebook."""

    def _records(self, rows: Any) -> list[dict[str, Any]]:
        records = super()._records(rows)
        incidents = self.incident_ids_of([record["id"] for record in records])
        for record in records:
            record["incidents"] = incidents[record["id"]]
            for column in ("jira_issue", "service_now_ticket", "notebook"):
                if isinstance(record.get(column), str):
                    record[column] = json.loads(record[column])
        return records

    def _set(self, case_id: str, column: str, kind: str, old: Any, new: Any, actor_id: str) -> None:
        self.conn.execute(
            f"UPDATE cases SET {column} = ?, modified_at = ?, modified_by = ? WHERE id = ?",
            (json.dumps(new) if new is not None else None, self.now(), actor_id, case_id),
        )
        self._add_cell(case_id, kind, {"field": column, "from": old, "to": new}, actor_id)

    def _existing(self, case_ref: str, column: str) -> tuple[str, Any]:
        row = self._case_row(case_ref)
        value = row[column]
        return row["id"], json.loads(value) if value is not None else None

    # Jira ----------------------------------------------------------------------------------

    def create_case_jira_issue(
        self,
        case_ref: str,
        *,
        issue_type_id: str,
        jira_account_id: str,
        project_id: str,
        fields: Mapping[str, Any] | None = None,
        actor_id: str,
    ) -> dict[str, Any]:
        """Create the case's Jira issue; returns the case.

        Raises:
            NotFound: No such case.
            BadRequest: A blank account, project or issue type id.
            Conflict: The case has a Jira issue already.
        """
        for name, value in (
            ("issue_type_id", issue_type_id),
            ("jira_account_id", jira_account_id),
            ("project_id", project_id),
        ):
            _rules.nonblank(value, name)
        with self.transaction():
            case_id, old = self._existing(case_ref, "jira_issue")
            if old is not None:
                raise Conflict(
                    "the case already has a Jira issue; unlink it before creating another"
                )
            project_key = self._case_row(case_id)["key"].rsplit("-", 1)[0]
            number = max([_FIRST_ISSUE - 1, *self._issue_numbers(project_key)])
            key = f"{project_key}-{number + 1}"
            count = self.conn.execute(
                "SELECT count(*) FROM cases WHERE jira_issue IS NOT NULL"
            ).fetchone()[0]
            result = {
                "issue_id": str(10_000 + count + 1),
                "issue_key": key,
                "issue_url": f"{_link_rules.JIRA_SITE}/browse/{key}",
                "project_key": project_key,
            }
            self._set(
                case_id,
                "jira_issue",
                "JIRA_ISSUE_CHANGE",
                None,
                {"status": "COMPLETED", "result": result},
                actor_id,
            )
        return self.get_case(case_id)

    def _issue_numbers(self, project_key: str) -> list[int]:
        numbers = []
        for (value,) in self.conn.execute(
            "SELECT jira_issue FROM cases WHERE jira_issue IS NOT NULL"
        ):
            result = json.loads(value).get("result") or {}
            found = _ISSUE_NUMBER.search(str(result.get("issue_key", "")))
            if result.get("project_key") == project_key and found:
                numbers.append(int(found.group(1)))
        return numbers

    def link_jira_issue_to_case(
        self, case_ref: str, jira_issue_url: str, *, actor_id: str
    ) -> dict[str, Any]:
        """Link an existing Jira issue by its URL, in place of the case's current one (a PATCH
        of the relationship replaces it).

        Raises:
            BadRequest: The URL is not a Jira issue's.
            NotFound: No such case.
            Conflict: The issue is linked to a case already, this one or another.
        """
        result = _link_rules.jira_issue_of_url(jira_issue_url)
        with self.transaction():
            case_id, old = self._existing(case_ref, "jira_issue")
            holder = self._case_with_issue(result["issue_url"])
            if holder is not None:
                raise Conflict(
                    f"the Jira issue {result['issue_key']} is linked to case {holder} already"
                )
            new = {"status": "COMPLETED", "result": result}
            self._set(case_id, "jira_issue", "JIRA_ISSUE_CHANGE", old, new, actor_id)
        return self.get_case(case_id)

    def _case_with_issue(self, issue_url: str) -> str | None:
        for key, value in self.conn.execute(
            "SELECT key, jira_issue FROM cases WHERE jira_issue IS NOT NULL"
        ):
            if (json.loads(value).get("result") or {}).get("issue_url") == issue_url:
                return str(key)
        return None

    def unlink_jira_issue(self, case_ref: str, *, actor_id: str) -> None:
        """Remove the case's Jira issue (the issue itself stays in Jira); a case with none is
        left as it is, as a repeated delete removes nothing more.

        Raises:
            NotFound: No such case.
        """
        with self.transaction():
            case_id, old = self._existing(case_ref, "jira_issue")
            if old is not None:
                self._set(case_id, "jira_issue", "JIRA_ISSUE_CHANGE", old, None, actor_id)

    # ServiceNow and notebooks --------------------------------------------------------------

    def create_case_service_now_ticket(
        self,
        case_ref: str,
        *,
        instance_name: str,
        assignment_group: str | None = None,
        actor_id: str,
    ) -> dict[str, Any]:
        """Create the case's ServiceNow incident on an instance; returns the case.

        Raises:
            BadRequest: Not a ServiceNow instance name.
            NotFound: No such case.
            Conflict: The case has a ServiceNow ticket already.
        """
        instance = _link_rules.check_instance_name(instance_name)
        with self.transaction():
            case_id, old = self._existing(case_ref, "service_now_ticket")
            if old is not None:
                raise Conflict("the case already has a ServiceNow ticket")
            count = self.conn.execute(
                "SELECT count(*) FROM cases WHERE service_now_ticket IS NOT NULL"
            ).fetchone()[0]
            number = f"INC{_FIRST_TICKET + count:07d}"
            sys_id = uuid.uuid5(_SYS_IDS, f"{instance}/{number}").hex
            link = (
                f"https://{instance}.service-now.com/nav_to.do?uri=incident.do%3Fsys_id%3D{sys_id}"
            )
            result = {"sys_target_link": link}
            new = {"status": "COMPLETED", "result": result}
            self._set(
                case_id, "service_now_ticket", "SERVICENOW_TICKET_CHANGE", None, new, actor_id
            )
        return self.get_case(case_id)

    def create_case_notebook(self, case_ref: str, *, actor_id: str) -> dict[str, Any]:
        """Open the case's investigation notebook; returns the case.

        Raises:
            NotFound: No such case.
            Conflict: The case has a notebook already.
        """
        with self.transaction():
            case_id, old = self._existing(case_ref, "notebook")
            if old is not None:
                raise Conflict("the case already has an investigation notebook")
            count = self.conn.execute(
                "SELECT count(*) FROM cases WHERE notebook IS NOT NULL"
            ).fetchone()[0]
            notebook_id = str(_FIRST_NOTEBOOK + count)
            new = {"id": notebook_id, "url": f"{_NOTEBOOKS}/{notebook_id}"}
            self._set(case_id, "notebook", "NOTEBOOK_CHANGE", None, new, actor_id)
        return self.get_case(case_id)
