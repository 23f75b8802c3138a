"""manifests/kubernetes/ and the container file: valid Kubernetes objects, hardened, consistent."""

from __future__ import annotations

import copy
import re
from importlib.metadata import distribution
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from case_mcp.cli import command_line_parser
from case_mcp.config import TelemetryOptions

ROOT = Path(__file__).resolve().parents[2]
KUBERNETES = ROOT / "manifests" / "kubernetes"
TELEMETRY = ROOT / "manifests" / "kubernetes-otel"
CONTAINER = ROOT / "manifests" / "container"
CONFIGURATION = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
# The oldest Kubernetes minor still commonly run, and the newest the validator ships schemas for.
VERSIONS = ("1.29", kubernetes_validate.latest_version())
SECRETS = ("CASE_MCP_HTTP_TOKENS", "CASE_MCP_SECRET", "DD_API_KEY", "DD_APP_KEY")
PODS = {"app.kubernetes.io/name": "case-mcp"}


def documents(name: str) -> list[dict[str, Any]]:
    text = (KUBERNETES / name).read_text(encoding="utf-8")
    return [document for document in yaml.safe_load_all(text) if document]


def manifest(kind: str) -> dict[str, Any]:
    """The one object of this kind among the manifests."""
    found = [
        document
        for path in sorted(KUBERNETES.glob("*.yaml"))
        for document in documents(path.name)
        if document["kind"] == kind
    ]
    assert len(found) == 1, kind
    return found[0]


def objects() -> list[tuple[str, dict[str, Any]]]:
    """Every Kubernetes object in the folder (the kustomization is kustomize's, not the API's)."""
    return [
        (path.name, document)
        for path in sorted(KUBERNETES.glob("*.yaml"))
        if path.name != "kustomization.yaml"
        for document in documents(path.name)
    ]


def container() -> dict[str, Any]:
    (only,) = manifest("Deployment")["spec"]["template"]["spec"]["containers"]
    result: dict[str, Any] = only
    return result


def dockerfile() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (INSTRUCTION, arguments), continuation lines joined."""
    text = (CONTAINER / "Dockerfile").read_text(encoding="utf-8")
    logical = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in logical.splitlines()]
    return [
        (line.split(maxsplit=1)[0].upper(), line.split(maxsplit=1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def instructions(name: str) -> list[str]:
    return [arguments for instruction, arguments in dockerfile() if instruction == name]


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize(
    ("filename", "document"), objects(), ids=[f"{n}:{d['kind']}" for n, d in objects()]
)
def test_each_object_validates_strictly_against_the_kubernetes_schemas(
    filename: str, document: dict[str, Any], version: str
) -> None:
    """Every object passes the API schema of old and new Kubernetes, unknown fields refused."""
    kubernetes_validate.validate(document, version, strict=True)


def test_the_validator_refuses_a_misspelt_field() -> None:
    """The check above has teeth: a typo in a Deployment fails strict validation."""
    broken = copy.deepcopy(manifest("Deployment"))
    broken["spec"]["template"]["spec"]["containers"][0]["securityContext"]["readOnlyRootFS"] = True

    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, VERSIONS[-1], strict=True)


def test_the_kustomization_applies_every_object_but_the_secret_example() -> None:
    """`kubectl apply -k` creates everything, and never overwrites the real Secret."""
    (kustomization,) = documents("kustomization.yaml")
    applied = sorted(kustomization["resources"])

    assert applied == sorted({name for name, _ in objects()} - {"secret.example.yaml"})
    assert kustomization["namespace"] == manifest("Namespace")["metadata"]["name"]
    assert [image["name"] for image in kustomization["images"]] == [
        container()["image"].rsplit(":", 1)[0]
    ]


def test_the_deployment_runs_two_or_more_locked_down_replicas() -> None:
    """Non-root, read-only root filesystem, no privilege escalation, every capability dropped."""
    pod = manifest("Deployment")["spec"]["template"]["spec"]

    assert manifest("Deployment")["spec"]["replicas"] >= 2
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert container()["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "privileged": False,
        "readOnlyRootFilesystem": True,
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
    }


def test_the_deployment_probes_liveness_and_readiness_on_the_health_endpoints() -> None:
    """The kubelet restarts on /healthz and routes traffic on /readyz, on the named port."""
    probes = {
        name: (container()[name]["httpGet"]["path"], container()[name]["httpGet"]["port"])
        for name in ("startupProbe", "livenessProbe", "readinessProbe")
    }

    assert probes == {
        "startupProbe": ("/healthz", "http"),
        "livenessProbe": ("/healthz", "http"),
        "readinessProbe": ("/readyz", "http"),
    }
    assert container()["ports"] == [{"name": "http", "containerPort": 8000, "protocol": "TCP"}]


def test_the_deployment_requests_and_limits_cpu_and_memory() -> None:
    """The scheduler and the autoscaler both need requests; limits cap a runaway replica."""
    resources = container()["resources"]

    assert set(resources) == {"requests", "limits"}
    assert all(set(resources[kind]) == {"cpu", "memory"} for kind in resources)


def test_the_deployment_serves_streamable_http_on_all_interfaces() -> None:
    """The container runs `serve --transport http` on 0.0.0.0:8000, the port it declares."""
    assert container()["args"] == [
        "serve",
        "--transport",
        "http",
        "--host",
        "0.0.0.0",
        "--port",
        "8000",
    ]


def test_the_case_mcp_command_accepts_the_deployments_arguments() -> None:
    """The container's arguments are what `case-mcp` parses as an HTTP service on 0.0.0.0:8000."""
    args = command_line_parser().parse_args(container()["args"])

    assert (args.command, args.transport, args.host, args.port) == (
        "serve",
        "http",
        "0.0.0.0",
        8000,
    )


def test_every_variable_the_pods_get_is_one_the_docs_describe() -> None:
    """Each variable the Deployment or the ConfigMap sets is in the configuration tables."""
    names = [entry["name"] for entry in container()["env"]] + list(manifest("ConfigMap")["data"])

    assert [name for name in names if f"| `{name}`" not in CONFIGURATION] == []


def test_the_deployment_takes_every_credential_from_the_secret() -> None:
    """Datadog keys, the shared secret and the bot tokens come from one Secret, by reference."""
    references = {
        entry["name"]: entry["valueFrom"]["secretKeyRef"]
        for entry in container()["env"]
        if "valueFrom" in entry
    }

    assert references == {name: {"name": "case-mcp", "key": name} for name in SECRETS}
    assert all("value" not in entry for entry in container()["env"])


def test_the_secret_example_holds_only_placeholders_for_those_keys() -> None:
    """The example names every referenced key, with values that cannot pass for real ones."""
    secret = manifest("Secret")

    assert secret["metadata"]["name"] == "case-mcp"
    assert sorted(secret["stringData"]) == sorted(SECRETS)
    assert all(value.startswith("REPLACE-ME") for value in secret["stringData"].values())


def test_the_configmap_feeds_the_deployment_only_settings_that_are_not_secret() -> None:
    """Site and allowed hosts come from the ConfigMap; no key or token is kept there."""
    config = manifest("ConfigMap")

    assert container()["envFrom"] == [{"configMapRef": {"name": config["metadata"]["name"]}}]
    assert sorted(config["data"]) == ["CASE_MCP_ALLOWED_HOSTS", "DD_SITE"]
    assert "case-mcp.case-mcp.svc.cluster.local:8000" in config["data"]["CASE_MCP_ALLOWED_HOSTS"]


def test_the_service_autoscaler_and_budget_point_at_the_deployment() -> None:
    """The Service routes to the pods' named port; the autoscaler keeps two replicas or more."""
    deployment = manifest("Deployment")
    service = manifest("Service")
    autoscaler = manifest("HorizontalPodAutoscaler")

    assert deployment["spec"]["selector"]["matchLabels"] == PODS
    assert PODS.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()
    assert service["spec"]["selector"] == PODS
    assert [port["targetPort"] for port in service["spec"]["ports"]] == ["http"]
    assert manifest("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == PODS
    assert autoscaler["spec"]["scaleTargetRef"] == {
        "apiVersion": deployment["apiVersion"],
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert 2 <= autoscaler["spec"]["minReplicas"] < autoscaler["spec"]["maxReplicas"]


def test_the_container_file_builds_on_python_slim_and_runs_as_the_deployments_user() -> None:
    """python:3.11-slim, the numeric non-root user the pod expects, the port the pod declares."""
    pod = manifest("Deployment")["spec"]["template"]["spec"]["securityContext"]

    assert "PYTHON_IMAGE=python:3.11-slim" in instructions("ARG")
    assert [base.split()[0] for base in instructions("FROM")] == ["${PYTHON_IMAGE}"] * 2
    assert instructions("USER") == [f"{pod['runAsUser']}:{pod['runAsGroup']}"]
    assert instructions("EXPOSE") == [str(container()["ports"][0]["containerPort"])]


def test_the_container_runs_the_installed_command_with_the_deployments_arguments() -> None:
    """The entry point is the package's console script; its default command is the pod's."""
    scripts = {entry.name for entry in distribution("case-mcp").entry_points}
    (entrypoint,) = instructions("ENTRYPOINT")
    (command,) = instructions("CMD")

    assert yaml.safe_load(entrypoint) == ["case-mcp"]
    assert "case-mcp" in scripts
    assert yaml.safe_load(command) == container()["args"]
    assert any('pip install "$(echo /wheels/*.whl)[otel]"' in run for run in instructions("RUN"))


def test_the_container_file_copies_only_files_the_build_context_sends() -> None:
    """Each source the build copies exists and is let through the build's ignore file."""
    sources = [
        source
        for arguments in instructions("COPY")
        if not arguments.startswith("--from")
        for source in arguments.split()[:-1]
    ]
    ignore = (CONTAINER / "Dockerfile.dockerignore").read_text(encoding="utf-8")

    assert sources == ["pyproject.toml", "README.md", "LICENSE", "src"]
    assert all((ROOT / source).exists() for source in sources)
    assert all(f"!{source}" in ignore for source in sources)


def test_the_deployment_page_explains_how_to_deploy() -> None:
    """The deployment page's Kubernetes section names the build, the Secret and the apply."""
    section = DEPLOYMENT.split("## Kubernetes", 1)[1].split("\n## ", 1)[0]

    assert "docker build -f manifests/container/Dockerfile" in section
    assert "kubectl apply -k manifests/kubernetes" in section
    assert "kubectl -n case-mcp create secret generic case-mcp" in section


def with_telemetry() -> dict[str, Any]:
    """The Deployment as `kubectl apply -k manifests/kubernetes-otel` makes it: the patch's
    env entries first, then the base's others (strategic merge by name, as kustomize does)."""
    (patch,) = yaml.safe_load_all((TELEMETRY / "deployment.patch.yaml").read_text("utf-8"))
    (added,) = patch["spec"]["template"]["spec"]["containers"]
    deployment = copy.deepcopy(manifest("Deployment"))
    (base,) = deployment["spec"]["template"]["spec"]["containers"]
    assert (patch["kind"], patch["metadata"]["name"], added["name"]) == (
        "Deployment",
        deployment["metadata"]["name"],
        base["name"],
    )
    names = {entry["name"] for entry in added["env"]}
    base["env"] = added["env"] + [entry for entry in base["env"] if entry["name"] not in names]
    result: dict[str, Any] = deployment
    return result


def test_the_telemetry_overlay_is_the_kustomization_plus_one_deployment_patch() -> None:
    """manifests/kubernetes-otel applies everything of manifests/kubernetes and patches only
    the Deployment's environment; the patched Deployment still validates strictly."""
    (kustomization,) = yaml.safe_load_all((TELEMETRY / "kustomization.yaml").read_text("utf-8"))
    deployment = with_telemetry()

    assert kustomization["resources"] == ["../kubernetes"]
    assert [patch["path"] for patch in kustomization["patches"]] == ["deployment.patch.yaml"]
    for version in VERSIONS:
        kubernetes_validate.validate(deployment, version, strict=True)


def test_the_telemetry_overlay_sends_to_the_agent_on_the_pods_node() -> None:
    """The endpoint is the node's IP from the downward API on port 4318, every $(VAR) it and
    the resource attributes use is defined before them, and those variables turn traces and
    metrics on; no credential is added."""
    (container,) = with_telemetry()["spec"]["template"]["spec"]["containers"]
    env = container["env"]
    values = {entry["name"]: entry.get("value") for entry in env}
    fields = {
        entry["name"]: entry["valueFrom"]["fieldRef"]["fieldPath"]
        for entry in env
        if "fieldRef" in entry.get("valueFrom", {})
    }
    order = [entry["name"] for entry in env]
    referenced = {name: re.findall(r"\$\((\w+)\)", value or "") for name, value in values.items()}

    assert fields["HOST_IP"] == "status.hostIP"
    assert values["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://$(HOST_IP):4318"
    assert all(
        order.index(used) < order.index(name) for name, uses in referenced.items() for used in uses
    )
    options = TelemetryOptions.model_validate(
        {
            name: value.replace("$(HOST_IP)", "10.0.0.7")
            for name, value in values.items()
            if name.startswith("OTEL_") and value is not None
        }
    )
    assert (options.traces, options.metrics) == (True, True)
    assert options.service_name == "case-mcp"
    secret_references = [entry for entry in env if "secretKeyRef" in entry.get("valueFrom", {})]
    assert sorted(entry["name"] for entry in secret_references) == sorted(SECRETS)
    assert "kubectl apply -k manifests/kubernetes-otel" in DEPLOYMENT
