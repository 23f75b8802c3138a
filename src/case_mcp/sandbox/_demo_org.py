"""The demo organisation's content, as data: its people, case types, projects and cases.

Demo Org (``@demo-org.example``) is a small online shop's engineering organisation: SRE,
platform, data, payments, web and security people; a former contractor whose account gets
disabled; an invitee who never logged in. It uses Datadog's five built-in case types and a
custom Postmortem type, with custom attributes of every kind, and files its work in four
projects. `CASES` holds 65 cases opened between September and November 2026, in that order:
outages and monitor alerts, security signals and vulnerability reports, change requests in
every status, postmortems and Error Tracking issues. `_seed` turns them into histories.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Final, NamedTuple

from ._rules import DEFAULT_STATUSES_CONFIG

__all__ = [
    "CASES",
    "CASE_TYPES",
    "COMMENTS",
    "CUSTOM_ATTRIBUTES",
    "DOMAIN",
    "PROJECTS",
    "TEAMS",
    "USERS",
    "Case",
    "CaseType",
    "object_id",
]

_NAMESPACE: Final = uuid.uuid5(uuid.NAMESPACE_DNS, "demo-org.example")
DOMAIN: Final = "demo-org.example"
_WIKI: Final = f"https://wiki.{DOMAIN}"
_RUNBOOKS: Final = f"https://runbooks.{DOMAIN}"


def object_id(name: str) -> str:
    """The id of a seeded object, from a name such as ``case:12`` (the same on every run)."""
    return str(uuid.uuid5(_NAMESPACE, name))


# alias: (name, title, status). Emails are first.last@; Datadog makes a person's handle the email.
USERS: Final = {
    "maya": ("Maya Chen", "Incident Commander, SRE Lead", "Active"),
    "sofia": ("Sofia Alvarez", "Site Reliability Engineer", "Active"),
    "priya": ("Priya Raman", "Platform Engineer", "Active"),
    "ben": ("Ben Carter", "Engineering Manager, Platform", "Active"),
    "grace": ("Grace Liu", "Database Reliability Engineer", "Active"),
    "lucas": ("Lucas Moreau", "Backend Engineer, Payments", "Active"),
    "aiko": ("Aiko Tanaka", "Frontend Engineer, Web Platform", "Active"),
    "daniel": ("Daniel Okafor", "Security Engineer", "Active"),
    "tomasz": ("Tomasz Nowak", "Security Analyst", "Active"),
    "omar": ("Omar Haddad", "SRE Contractor", "Active"),  # disabled when his contract ends
    "jordan": ("", "", "Pending"),  # invited, never logged in: Datadog shows no name
}
# A case's team (its team: attribute) answers it: the first member takes unassigned work, the
# others comment and hand over. Omar (disabled) and Jordan (pending) take no new work.
TEAMS: Final = {
    "sre": ("maya", "sofia"),
    "platform": ("ben", "priya"),
    "data": ("grace", "maya"),
    "payments": ("lucas", "ben"),
    "web": ("aiko", "ben"),
    "security": ("daniel", "tomasz"),
}

_CHANGE_REQUEST_STATUSES: Final = {
    "open": {"status_options": [{"name": "Open"}], "default": "Open"},
    "in_progress": {
        "status_options": [
            {"name": "Pending Approval"},
            {"name": "Approved"},
            {"name": "Implementing"},
        ],
        "default": "Pending Approval",
    },
    "closed": {
        "status_options": [{"name": "Completed"}, {"name": "Cancelled"}, {"name": "Declined"}],
        "default": "Completed",
    },
}


class CaseType(NamedTuple):
    id: str
    name: str
    description: str
    wire_type: str
    statuses: Mapping[str, Any] = DEFAULT_STATUSES_CONFIG
    emoji: str = ""
    internal: bool = True


# Datadog's built-in case types exactly as GET /api/v2/cases/types lists them, and one custom
# type. The wire types STANDARD and ERROR_TRACKING_ISSUE are recorded in Datadog's answers;
# EVENT_MANAGEMENT, SECURITY and CHANGE_REQUEST are our best guess.
# fmt: off
CASE_TYPES: Final = {
    "STD": CaseType("00000000-0000-0000-0000-000000000001", "Standard",
                    "General tasks and investigations", "STANDARD"),
    "EVT": CaseType("00000000-0000-0000-0000-000000000002", "Event Management",
                    "Triage and investigate correlated alerts and events", "EVENT_MANAGEMENT"),
    "SEC": CaseType("00000000-0000-0000-0000-000000000003", "Security",
                    "Used By Datadog Security products and for general security workflows",
                    "SECURITY"),
    "CHG": CaseType("00000000-0000-0000-0000-000000000004", "Change Request",
                    "Request and track approvals", "CHANGE_REQUEST", _CHANGE_REQUEST_STATUSES),
    "ERR": CaseType("00000000-0000-0000-0000-000000000005", "Error Tracking",
                    "Triage and investigate errors", "ERROR_TRACKING_ISSUE"),
    "PM": CaseType(object_id("case-type:postmortem"), "Postmortem",
                   "Blameless reviews of incidents and their follow-up actions", "TUNKNOWN",
                   emoji="\N{MEMO}", internal=False),
}

# (case type, key, display name, type, is_multi, SELECT options): every type, single and multi.
CUSTOM_ATTRIBUTES: Final = (
    ("STD", "aws_region", "AWS region", "SELECT", False,
     ("us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-1")),
    ("STD", "runbook_url", "Runbook", "URL", False, ()),
    ("STD", "impact_users", "Users impacted", "NUMBER", False, ()),
    ("STD", "components", "Components", "TEXT", True, ()),
    ("EVT", "monitor_ids", "Monitor IDs", "NUMBER", True, ()),
    ("EVT", "alert_count", "Correlated alerts", "NUMBER", False, ()),
    ("SEC", "cve_ids", "CVE IDs", "TEXT", True, ()),
    ("SEC", "cvss_score", "CVSS score", "NUMBER", False, ()),
    ("SEC", "affected_hosts", "Affected hosts", "TEXT", True, ()),
    ("SEC", "attack_techniques", "ATT&CK tactics", "SELECT", True,
     ("initial-access", "credential-access", "privilege-escalation", "persistence",
      "discovery", "lateral-movement", "exfiltration", "impact")),
    ("SEC", "evidence_urls", "Evidence", "URL", True, ()),
    ("CHG", "change_window", "Change window", "TEXT", False, ()),
    ("CHG", "risk_level", "Risk", "SELECT", False, ("low", "medium", "high")),
    ("CHG", "rollback_plan_url", "Rollback plan", "URL", False, ()),
    ("CHG", "affected_services", "Affected services", "TEXT", True, ()),
    ("PM", "incident_url", "Incident document", "URL", False, ()),
    ("PM", "action_items", "Action items", "TEXT", True, ()),
)
# fmt: on

PROJECTS: Final = {
    "SEC": "Security Investigations",
    "OPS": "Operations",
    "APP": "Web Platform",
    "ET": "Error Tracking",
}


class Case(NamedTuple):
    project: str  # a key of PROJECTS
    type: str  # a key of CASE_TYPES
    priority: str
    status: str  # the status name it ends in
    assignee: str | None  # a key of USERS
    tags: str  # its attributes, as "name:value name:value"
    title: str
    description: str = ""
    custom: Mapping[str, Any] | None = None  # custom attribute values by key
    source: str = ""  # its creation source, when not its type's usual one
    was: str = ""  # the title it was opened with, when renamed later
    moved_from: str = ""  # the project it was filed in first
    archived: bool = False
    note: str = ""  # its last comment, when no stock comment fits


# The cases, in the order they were opened: about one a day from 1 September 2026.
# fmt: off
CASES: Final = (
    Case("OPS", "STD", "P2", "Closed", "sofia",
         "service:api-gateway env:prod team:sre region:us-east-1",
         "TLS handshake failures on api-gateway in us-east-1",
         "Synthetic checks from three locations report intermittent TLS handshake timeouts "
         "against api.demo-org.example. Only the us-east-1 load balancers are affected; "
         "eu-west-1 is clean. Started around 07:40 UTC.",
         {"aws_region": "us-east-1", "runbook_url": f"{_RUNBOOKS}/api-gateway/tls",
          "components": ["api-gateway", "nlb-us-east-1"], "impact_users": 3400}),
    Case("SEC", "SEC", "P2", "Closed", "daniel", "service:iam env:prod team:security",
         "Access key of ci-deployer used from an unfamiliar ASN",
         "Cloud SIEM flagged the long-lived access key of the ci-deployer IAM user calling "
         "sts:GetCallerIdentity and s3:ListBuckets from an ASN we have never seen. The key "
         "should only be used from the CI runners' NAT gateways.",
         {"attack_techniques": ["credential-access", "discovery"],
          "evidence_urls": [f"{_WIKI}/security/ir/2026-09-ci-deployer"]},
         source="SECURITY_SIGNAL"),
    Case("APP", "STD", "P3", "Closed", "aiko", "service:web-frontend env:prod team:web",
         "Safari users stuck on the spinner after login",
         "Support forwarded 14 tickets from Safari 17 users who never leave the post-login "
         "spinner. The session cookie is set but the redirect to /app never happens. Chrome "
         "and Firefox are fine.",
         archived=True),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "lucas", "service:payments-worker",
         "TypeError: Cannot read properties of undefined (reading 'currency')"),
    Case("OPS", "CHG", "P3", "Completed", "grace", "service:orders-db env:prod team:data",
         "Upgrade orders-db from PostgreSQL 14 to 16",
         "Major version upgrade of the orders database through logical replication to a new "
         "16.4 cluster, then a switchover in the Sunday maintenance window. Expected write "
         "downtime is under 60 seconds.",
         {"change_window": "Sun 2026-09-06 02:00-04:00 UTC", "risk_level": "high",
          "rollback_plan_url": f"{_WIKI}/data/orders-db-pg16-rollback",
          "affected_services": ["checkout-api", "orders-service"]}),
    Case("OPS", "EVT", "P3", "Closed", "sofia",
         "service:kafka-ingest env:prod team:sre region:eu-west-1",
         "Consumer lag above 500k on the kafka-ingest events topic",
         "Lag on the events topic has grown steadily since 03:00 UTC. The consumer group has "
         "all partitions assigned, but throughput halved after the broker restart.",
         {"monitor_ids": [148213377, 148213390], "alert_count": 9}, archived=True),
    Case("SEC", "SEC", "P1", "Closed", "tomasz", "service:web-frontend env:prod team:security",
         "Credential stuffing against /login from rotating residential proxies",
         "Failed logins jumped from about 200 to 45,000 per hour, spread over thousands of "
         "residential IPs with identical user agents. Eleven accounts logged in successfully "
         "from the same sources.",
         {"attack_techniques": ["credential-access", "initial-access"],
          "affected_hosts": ["web-frontend-7c9f", "web-frontend-b41d"]},
         source="SECURITY_SIGNAL"),
    Case("OPS", "PM", "P3", "Closed", "maya", "service:api-gateway team:sre",
         "Postmortem: api-gateway TLS handshake failures in us-east-1",
         "Review of the TLS handshake failures: an expired intermediate certificate on two of "
         "six load balancer nodes, missed because expiry checks only covered the leaf.",
         {"incident_url": f"{_WIKI}/postmortems/2026-09-api-gateway-tls",
          "action_items": ["Check full chain expiry", "Alert 30 days before expiry"]}),
    Case("APP", "STD", "P4", "Closed", "aiko", "service:cdn-edge env:prod team:web",
         "Broken product images on category pages for EU users",
         "Category pages show broken image placeholders for visitors routed to the Frankfurt "
         "edge. Direct requests to the origin return the images fine."),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "lucas", "service:checkout-api",
         "NullPointerException in CartTotals.applyDiscount"),
    Case("SEC", "SEC", "P3", "Closed", "daniel", "service:base-images team:security",
         "CVE-2026-41022 in the OpenSSL 3.0 base image",
         "The weekly image scan found CVE-2026-41022 (OpenSSL 3.0.13, remote DoS in the "
         "certificate parser) in our debian-slim base image, used by 23 services.",
         {"cve_ids": ["CVE-2026-41022"], "cvss_score": 7.5,
          "affected_hosts": ["build-base-debian-slim", "build-base-python311"]}),
    Case("OPS", "CHG", "P4", "Cancelled", "priya", "service:k8s-prod-eu env:prod team:platform",
         "Rotate kubelet serving certificates on prod-eu",
         "Manual rotation of the kubelet serving certificates on all 64 prod-eu nodes, one "
         "node pool at a time.",
         {"risk_level": "medium", "affected_services": ["k8s-prod-eu"]},
         note="Cancelled: the 1.30 upgrade turns on automatic rotation, so this is moot."),
    Case("OPS", "EVT", "P1", "Closed", "maya",
         "service:checkout-api env:prod team:payments region:us-east-1",
         "Elevated 5xx on checkout-api after deploy 2026.09.14",
         "The checkout-api error-rate monitor fired: 5xx rose from 0.2% to 7.8% of POST "
         "/v1/checkout within five minutes of the 2026.09.14 deploy. Payments fail for "
         "roughly one customer in twelve.",
         {"monitor_ids": [148213402, 148213405, 151000321], "alert_count": 23}),
    Case("OPS", "PM", "P2", "Closed", "lucas", "service:checkout-api team:payments",
         "Postmortem: checkout-api 5xx after deploy 2026.09.14",
         "Review of the checkout outage: a new retry policy tripled calls to the fraud "
         "service, which shed load and failed payments. Time to mitigate was 38 minutes.",
         {"incident_url": f"{_WIKI}/postmortems/2026-09-checkout-5xx",
          "action_items": ["Canary checkout deploys", "Retry budget in the HTTP client",
                           "Fraud service load test"]}),
    Case("SEC", "SEC", "P2", "Closed", "tomasz",
         "service:s3 env:prod team:security region:eu-west-1",
         "Public read ACL on s3://demo-org-exports-eu",
         "The posture scan found a public-read ACL on the bucket that holds nightly CSV "
         "exports for the EU analytics partner. Access logs need checking for anonymous "
         "reads.",
         {"evidence_urls": [f"{_WIKI}/security/ir/2026-09-exports-eu-acl"]}),
    Case("APP", "CHG", "P3", "Completed", "aiko", "service:cdn-edge env:prod team:web",
         "Enable HTTP/3 on the marketing site CDN",
         "Turn on HTTP/3 for www.demo-org.example after two weeks on staging showed a 9% "
         "faster LCP on mobile.",
         {"change_window": "Thu 2026-09-17 10:00-11:00 UTC", "risk_level": "low"}),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "aiko", "service:web-frontend",
         "ChunkLoadError: Loading chunk 4711 failed"),
    Case("OPS", "STD", "P3", "Closed", "grace", "service:orders-db env:prod team:data",
         "Replica lag spikes on orders-db-replica-2 during nightly ETL",
         "Replica 2 falls up to 40 minutes behind between 01:00 and 02:30 UTC while the ETL "
         "runs its large scans. The pooler routes checkout's reads to it.",
         {"components": ["orders-db-replica-2", "pgbouncer"],
          "runbook_url": f"{_RUNBOOKS}/orders-db/replica-lag"}),
    Case("SEC", "SEC", "P4", "Closed", "tomasz", "service:corp-email team:security",
         "Phishing report: fake DocuSign invoice sent to finance",
         "Three people in finance reported an email asking them to sign an invoice through a "
         "look-alike DocuSign domain registered two days ago."),
    Case("OPS", "EVT", "P2", "Closed", "sofia",
         "service:notification-service env:prod team:sre region:eu-west-1",
         "Email delivery delayed: SES sending quota at 95%",
         "The notification-service queue is growing because SES throttles sends; the daily "
         "quota is almost used up by the marketing campaign that started this morning.",
         {"monitor_ids": [149877120], "alert_count": 4}),
    Case("OPS", "CHG", "P2", "Declined", "ben", "service:api-gateway env:prod team:platform",
         "Raise api-gateway worker connections from 4096 to 16384",
         "Proposed after the TLS incident, to leave more headroom per node during failovers.",
         {"risk_level": "medium", "affected_services": ["api-gateway"]},
         note="Declined until a load test shows the nodes can take 16k connections."),
    Case("APP", "STD", "P3", "Closed", "aiko", "service:search-api env:prod team:web",
         "Search results missing items added in the last hour",
         "Merchants report that new products take more than an hour to show up in search. "
         "The indexer's queue depth is normal, but its last successful commit is 70 minutes "
         "old."),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "grace", "service:orders-service",
         "psycopg.errors.DeadlockDetected in OrderRepository.reserve_stock"),
    Case("SEC", "SEC", "P1", "Closed", "daniel",
         "service:payments-worker env:prod team:security",
         "Stripe live key committed to the payments-worker repository",
         "Secret scanning found a Stripe live secret key in a commit pushed 25 minutes ago "
         "to a feature branch. The repository is private but mirrored to the CI cache.",
         {"evidence_urls": [f"{_WIKI}/security/ir/2026-09-stripe-key"],
          "attack_techniques": ["credential-access"]}),
    Case("OPS", "STD", "P5", "Closed", "omar", "service:grafana team:sre",
         "Grafana dashboards load slowly for the on-call view",
         "The on-call overview dashboard takes 20 seconds to render; most of it is spent in "
         "three panels that query 90 days of data.",
         archived=True),
    Case("OPS", "CHG", "P3", "Completed", "priya",
         "service:k8s-prod-us env:prod team:platform",
         "Upgrade prod-us Kubernetes control plane to 1.30",
         "Control plane upgrade from 1.29 to 1.30, followed by the node pools over two days. "
         "Deprecated API usage was cleared last week.",
         {"change_window": "Tue 2026-09-29 09:00-12:00 UTC", "risk_level": "medium",
          "rollback_plan_url": f"{_WIKI}/platform/k8s-130-rollback"}),
    Case("OPS", "EVT", "P3", "Closed", "sofia",
         "service:cdn-edge env:prod team:sre region:ap-southeast-1",
         "Origin shield 502s for static assets in ap-southeast-1",
         "The CDN reports 502s from the origin shield in Singapore for about 3% of static "
         "asset requests. Other regions are clean.",
         {"monitor_ids": [150012876], "alert_count": 6}),
    Case("APP", "STD", "P2", "Closed", "lucas", "service:checkout-api env:prod team:payments",
         "Double charges reported for Apple Pay orders",
         "Nine customers were charged twice for one Apple Pay order since yesterday. All of "
         "those orders went through the retry path after a client timeout.",
         {"impact_users": 9, "components": ["checkout-api", "apple-pay-adapter"]},
         was="Apple Pay charges look wrong"),
    Case("OPS", "PM", "P3", "Closed", "daniel", "service:payments-worker team:security",
         "Postmortem: Stripe live key committed to a repository",
         "Review of the leaked key: rotation took 40 minutes because the runbook pointed to a "
         "retired dashboard. No misuse of the key was found.",
         {"action_items": ["Pre-commit secret scanning", "Update the key rotation runbook"]}),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "lucas", "service:payments-worker",
         "stripe.error.RateLimitError: Too many requests in refund batch"),
    Case("OPS", "STD", "P3", "Closed", "omar", "service:ci-runners team:platform",
         "CI runners out of disk on the monorepo pipeline",
         "Builds fail with 'no space left on device' on about a third of the runners; the "
         "Docker layer cache is never pruned.",
         archived=True),
    Case("SEC", "SEC", "P3", "Closed", "tomasz", "service:vpn team:security",
         "Impossible travel alert for a VPN login (Lisbon, then Singapore)",
         "A VPN session from Singapore started 50 minutes after a session from Lisbon for the "
         "same employee.",
         source="SECURITY_SIGNAL"),
    Case("OPS", "CHG", "P4", "Completed", "grace", "service:orders-db env:prod team:data",
         "Add index on orders(customer_id, created_at)",
         "Create the index concurrently to speed up the order history page, whose query now "
         "scans 40 million rows for large customers.",
         {"risk_level": "low", "affected_services": ["orders-service"]}),
    Case("APP", "EVT", "P2", "Closed", "aiko", "service:web-frontend env:prod team:web",
         "Core Web Vitals: LCP p75 above 4s on product pages",
         "RUM shows LCP p75 on product pages went from 2.1 s to 4.3 s over two days, on "
         "mobile only.",
         {"monitor_ids": [150877001], "alert_count": 2}),
    Case("OPS", "STD", "P2", "Closed", "sofia",
         "service:dns env:prod team:sre region:eu-west-1",
         "Intermittent NXDOMAIN for internal service names in eu-west-1",
         "Pods in eu-west-1 occasionally fail to resolve *.svc.internal names; retries "
         "succeed. It correlates with CoreDNS pods restarting.",
         {"aws_region": "eu-west-1", "components": ["coredns", "node-local-dns"]}),
    Case("SEC", "SEC", "P2", "Closed", "daniel", "service:identity env:prod team:security",
         "Suspicious OAuth app requesting mail.read for several employees",
         "Five employees got a consent prompt from an unverified OAuth app named 'Docs "
         "Viewer Pro' asking for mail.read and offline access. Two of them accepted.",
         {"attack_techniques": ["initial-access", "persistence"]},
         was="Weird OAuth consent prompt", moved_from="OPS"),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "aiko", "service:web-frontend",
         "Uncaught RangeError: Invalid time value in formatDeliveryDate"),
    Case("OPS", "CHG", "P3", "Completed", "grace", "service:etl env:prod team:data",
         "Move nightly ETL from the cron host to Airflow",
         "Run the nightly ETL as an Airflow DAG with retries and alerting, and retire "
         "cron-01.",
         {"risk_level": "medium", "affected_services": ["etl", "orders-db"]}),
    Case("OPS", "EVT", "P4", "Closed", "maya", "service:kafka-ingest env:staging team:sre",
         "Staging Kafka broker disk usage above 85%",
         "Broker 2 in staging is at 87% disk; retention on the load-test topics is 30 days.",
         {"monitor_ids": [151230044], "alert_count": 1}),
    Case("APP", "STD", "P3", "In Progress", "aiko", "service:web-frontend env:prod team:web",
         "Accessibility audit: checkout form fails WCAG 2.2 focus order",
         "The external audit found that keyboard focus jumps from the card number to the "
         "newsletter checkbox, and that screen readers do not announce error messages."),
    Case("SEC", "SEC", "P3", "In Progress", "daniel", "service:base-images team:security",
         "CVE-2026-43870 in libexpat: rebuild affected images",
         "libexpat 2.6.2 in the python and node base images is vulnerable to CVE-2026-43870. "
         "Rebuilding the base images and redeploying the 31 services that use them.",
         {"cve_ids": ["CVE-2026-43870"], "cvss_score": 8.1,
          "affected_hosts": ["build-base-python311", "build-base-node20"]}),
    Case("OPS", "STD", "P4", "Open", None, "service:alerting team:sre",
         "Alert fatigue: 40% of September pages auto-resolved",
         "Of 212 pages in September, 86 resolved on their own within ten minutes. Most come "
         "from six monitors with thresholds set during the migration."),
    Case("OPS", "CHG", "P2", "Cancelled", "ben",
         "service:payments-worker env:prod team:payments",
         "Switch payments-worker to Stripe API version 2026-10-01",
         "Pin the new Stripe API version in payments-worker; the refund object changes shape.",
         {"risk_level": "high", "affected_services": ["payments-worker", "checkout-api"]},
         note="Cancelled: it falls inside the payments change freeze. Will refile in January."),
    Case("SEC", "SEC", "P2", "In Progress", "tomasz",
         "service:k8s-prod-eu env:prod team:security",
         "Crypto-miner signature on a build pod in prod-eu",
         "Workload protection matched a known miner binary started by a build pod in the "
         "data-tools namespace. The pod's image was pulled from a public registry.",
         {"affected_hosts": ["ip-10-42-17-9.eu-west-1.compute.internal"],
          "attack_techniques": ["impact", "initial-access"]},
         source="SECURITY_SIGNAL"),
    Case("APP", "STD", "P5", "Open", None, "service:web-frontend team:web",
         "Dark mode: low contrast on disabled buttons",
         "Disabled buttons in dark mode have a 2.1:1 contrast ratio; WCAG asks for 3:1 for UI "
         "components."),
    Case("OPS", "PM", "P3", "In Progress", "maya", "service:checkout-api team:sre",
         "Postmortem: double charges on Apple Pay orders",
         "Review of the double charges: the retry path did not reuse the idempotency key.",
         {"incident_url": f"{_WIKI}/postmortems/2026-10-apple-pay-double-charge"}),
    Case("OPS", "EVT", "P2", "In Progress", "sofia",
         "service:search-api env:prod team:sre region:us-east-1",
         "search-api p99 latency above 1.5s",
         "p99 latency of search-api doubled since Monday; p50 is unchanged. The slow requests "
         "all hit the facet aggregation path.",
         {"monitor_ids": [151877302, 151877310], "alert_count": 5}),
    Case("SEC", "SEC", "P4", "Open", None, "service:identity team:security",
         "Review third-party access of the former analytics vendor",
         "The analytics contract ended in September. Their SSO app, API keys and the shared "
         "S3 prefix still need to be removed."),
    Case("OPS", "CHG", "P3", "Implementing", "priya",
         "service:k8s-prod-eu env:prod team:platform",
         "Upgrade prod-eu Kubernetes control plane to 1.30",
         "Same procedure as prod-us last month. The node pools follow over two days.",
         {"change_window": "Sun 2026-10-25 09:00-13:00 UTC", "risk_level": "medium",
          "rollback_plan_url": f"{_WIKI}/platform/k8s-130-rollback"}),
    Case("OPS", "STD", "P1", "In Progress", "maya",
         "service:orders-db env:prod team:data region:us-east-1",
         "Orders DB storage at 91%: autovacuum cannot keep up",
         "Free storage on the orders-db primary dropped 6% in two days. Dead tuples on "
         "order_events keep growing because the hourly export job's lock cancels autovacuum.",
         {"aws_region": "us-east-1", "components": ["orders-db"], "impact_users": 0}),
    Case("APP", "CHG", "P4", "Pending Approval", "aiko", "service:cdn-edge env:prod team:web",
         "Turn on the new image CDN for 50% of traffic",
         "Route half of the image traffic to the new image CDN, which serves AVIF and WebP.",
         {"risk_level": "low", "affected_services": ["web-frontend", "cdn-edge"]}),
    Case("ET", "ERR", "NOT_DEFINED", "In Progress", "lucas", "service:checkout-api",
         "TimeoutError: fraud-score call exceeded 2000 ms"),
    Case("SEC", "SEC", "P3", "Open", "tomasz", "service:corp-email team:security",
         "DMARC reports show spoofed mail from demo-org.example",
         "Aggregate DMARC reports list 4,000 messages a day from unknown senders in our name. "
         "The policy is still p=none."),
    Case("OPS", "CHG", "P3", "Approved", "grace", "service:orders-db env:prod team:data",
         "Rotate the orders-db superuser password and update Vault",
         "Rotate the postgres superuser password and move the application roles to Vault "
         "dynamic credentials.",
         {"risk_level": "medium", "change_window": "Wed 2026-11-04 21:00-22:00 UTC"}),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "lucas", "service:payments-worker",
         "KeyError: 'billing_address' in InvoiceRenderer"),
    Case("OPS", "EVT", "P3", "Open", None, "service:notification-service env:prod team:sre",
         "Push notification failures above 2% (APNs 410)",
         "APNs answers 410 Unregistered for 2.4% of pushes; the device token cleanup job has "
         "not run since the migration."),
    Case("APP", "STD", "P2", "In Progress", "aiko", "service:search-api env:prod team:web",
         "Search autocomplete returns results from other locales",
         "German users see English and French product names in autocomplete since Friday's "
         "index rebuild."),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "aiko", "service:web-frontend",
         "TypeError: window.ApplePaySession is not a constructor"),
    Case("OPS", "CHG", "P3", "Open", "ben", "service:ci-runners team:platform",
         "Replace self-hosted CI runners with autoscaling spot pools",
         "Move the monorepo pipeline to autoscaling spot runner pools; estimated to halve CI "
         "cost and queue time.",
         {"risk_level": "medium", "affected_services": ["ci-runners"]}),
    Case("SEC", "SEC", "NOT_DEFINED", "Open", None, "service:iam team:security",
         "New IAM user created outside Terraform: tmp-debug",
         "CloudTrail shows iam:CreateUser for tmp-debug with an access key, made from the "
         "console by a platform engineer's SSO role.",
         source="SECURITY_SIGNAL"),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "grace", "service:orders-service",
         "sqlalchemy.exc.OperationalError: server closed the connection unexpectedly"),
    Case("OPS", "STD", "P3", "Open", "sofia", "service:api-gateway env:staging team:sre",
         "Staging api-gateway returns 429 to the load-test runner",
         "The Black Friday rehearsal load test is throttled after 2,000 requests per second; "
         "the staging rate limit was copied from production's per-client limit."),
    Case("ET", "ERR", "NOT_DEFINED", "Closed", "lucas", "service:checkout-api",
         "ValueError: invalid literal for int() with base 10: 'NaN' in ShippingQuote"),
    Case("ET", "ERR", "NOT_DEFINED", "Open", None, "service:notification-service",
         "ConnectionResetError in APNsClient.send"),
    Case("OPS", "EVT", "P2", "Open", "maya", "service:checkout-api env:prod team:payments",
         "Checkout conversion down 18% against last week",
         "The business metrics monitor shows checkout conversion at 2.9%, against 3.5% for "
         "the same hours last week. No errors or latency changes so far.",
         {"monitor_ids": [152001877], "alert_count": 3}),
)
# fmt: on

# Comments by kind of case and moment; {service}, {env} and {region} come from its attributes.
_INCIDENT: Final = {
    "triage": (
        "Acknowledged, looking at the {service} dashboards and the last deploys now.",
        "Reproduced from the synthetic test location; {service} traces show the time going "
        "into upstream calls.",
        "Paged the owning team; {service} on-call is joining the bridge.",
        "Support confirms customer impact: a handful of tickets in the last 30 minutes.",
    ),
    "progress": (
        "Narrowed it down to one availability zone in {region}. Draining those nodes.",
        "Rolled {service} back to the previous build in {env}; the error rate is recovering.",
        "Mitigation has held for an hour. Keeping this open until we have the root cause.",
        "Root cause: a config change doubled the retry count, which amplified a small "
        "upstream blip.",
        "Added a temporary monitor on the leading indicator so we see it before customers do.",
    ),
    "resolve": (
        "Fix deployed and verified in {env}. Follow-ups are linked in the postmortem. Closing.",
        "No recurrence in 24 hours after the fix. Closing; action items are in the backlog.",
        "Resolved: dashboards are back to baseline and the monitor has been green since "
        "this morning.",
    ),
}
_SECURITY: Final = {
    "triage": (
        "Triaging. Pulled the audit logs for the principal and the resources involved.",
        "Scoped the blast radius: only {service} is involved so far.",
        "Asked the owners of {service} not to touch the affected resources until we have "
        "snapshots.",
    ),
    "progress": (
        "Credentials rotated and the old ones revoked. Watching for any further use.",
        "No evidence of data access beyond what the signal shows. Rebuilding the timeline.",
        "Contained: the workload is isolated and its image is quarantined for forensics.",
        "Detection rule tuned to catch the variant we saw here.",
    ),
    "resolve": (
        "Closing: indicators are on the blocklist, detection is tuned, lessons are in the "
        "security log.",
        "Confirmed benign with the user. Closing as a false positive and tuning the rule.",
        "Remediated and verified by a rescan. Closing.",
    ),
}
_CHANGE: Final = {
    "triage": (
        "Plan looks good. Post in #changes before starting and keep the rollback plan handy.",
        "Dry run in staging passed with no errors in the logs.",
    ),
    "progress": (
        "Approved by platform on-call. Scheduled for the next maintenance window.",
        "Starting the change now; the {service} dashboards are up on the bridge.",
        "Halfway through: the first batch is done and no alerts fired.",
    ),
    "resolve": (
        "Completed within the window. No errors and latency is unchanged.",
        "Done and verified. Closing the change.",
    ),
}
_ERROR: Final = {
    "triage": (
        "About 1.2k occurrences in the last 24 hours, all from {service}.",
        "Started with the latest release of {service}; looking at the diff.",
    ),
    "progress": ("Fix is in review: it handles the missing value and adds a regression test.",),
    "resolve": (
        "The fix shipped in today's release and there are no new occurrences. Closing.",
        "Resolved: the error stopped after the dependency upgrade.",
    ),
}
_POSTMORTEM: Final = {
    "triage": ("Draft timeline is in the doc. Please add anything I missed before the review.",),
    "progress": (
        "Review held. Every action item has an owner and a due date.",
        "Two action items are done; the alert tuning one is still open.",
    ),
    "resolve": ("All action items are done. Closing the postmortem.",),
}
COMMENTS: Final = {
    "STD": _INCIDENT,
    "EVT": _INCIDENT,
    "SEC": _SECURITY,
    "CHG": _CHANGE,
    "ERR": _ERROR,
    "PM": _POSTMORTEM,
}
