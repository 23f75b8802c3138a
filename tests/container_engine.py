"""Podman for the container image's tests: the engine, a stand-in base image, the image of
manifests/container/Dockerfile, and a running container of it.

The machines that run the tests reach PyPI and Debian's packages but no container registry,
so the Dockerfile's base (``python:3.11-slim``) cannot be pulled. `python_base()` builds a
stand-in from Debian 12's packages with mmdebstrap: Python 3.11 in a virtual environment at
/usr/local, so ``python`` and ``pip`` are where the official image has them. It is built once
per machine (about three minutes, most of it downloading) and kept in Podman's store; the
Dockerfile takes it through its ``PYTHON_IMAGE`` argument. Where podman, runc or mmdebstrap
is missing the tests are skipped and say why, unless ``REQUIRE_CONTAINER_TESTS`` is set (CI
sets it), which turns the skip into a failure.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import ssl
import subprocess
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import httpx2
import pytest

ROOT: Final = Path(__file__).resolve().parents[1]
DOCKERFILE: Final = ROOT / "manifests" / "container" / "Dockerfile"
CONF: Final = Path(__file__).parent / "container" / "containers.conf"
# What the stand-in base is made of; its tag carries a digest of this, so a changed recipe
# builds a new base instead of reusing an old one.
BASE_RECIPE: Final = (
    "mmdebstrap",
    "--variant=minbase",
    "--include=python3,python3-venv,ca-certificates",
    '--customize-hook=chroot "$1" python3 -m venv /usr/local',
    "bookworm",
)
BASE_NAME: Final = "localhost/case-mcp-test-python"
BASE_TIMEOUT: Final = 900.0
BUILD_TIMEOUT: Final = 600.0
START_TIMEOUT: Final = 60.0
# Where the build finds the host's CA bundle, for a TLS-inspecting proxy between it and PyPI.
BUILD_CA: Final = "/run/case-mcp-build-ca.pem"


def podman_or_skip() -> str:
    """The podman executable, when it and what the tests need are installed; else skip (or fail)."""
    tools = {
        "podman": "podman (apt-get install podman)",
        "runc": "runc (apt-get install runc)",
        "mmdebstrap": "mmdebstrap, to build the base image (apt-get install mmdebstrap)",
    }
    missing = [needed for name, needed in tools.items() if shutil.which(name) is None]
    podman = shutil.which("podman")
    if missing or podman is None:
        reason = f"the container tests need {', '.join(missing)}"
        if os.environ.get("REQUIRE_CONTAINER_TESTS"):
            pytest.fail(reason)
        pytest.skip(reason)
    return podman


def podman(
    *args: str, timeout: float = 60.0, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run podman with the tests' settings; a failure raises with podman's output if `check`."""
    completed = subprocess.run(
        [podman_or_skip(), *args],
        env={**os.environ, "CONTAINERS_CONF": str(CONF)},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    if check and completed.returncode != 0:
        raise AssertionError(
            f"podman {' '.join(args)} exited {completed.returncode}:\n"
            + (completed.stdout + completed.stderr)[-4000:]
        )
    return completed


def python_base() -> str:
    """The stand-in for python:3.11-slim, built the first time it is asked for."""
    digest = hashlib.sha256("\0".join(BASE_RECIPE).encode()).hexdigest()[:12]
    image = f"{BASE_NAME}:{digest}"
    podman_or_skip()
    if podman("image", "exists", image, check=False).returncode == 0:
        return image
    with tempfile.TemporaryDirectory() as folder:
        tarball = Path(folder) / "base.tar"
        made = subprocess.run(
            [*BASE_RECIPE, str(tarball)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=BASE_TIMEOUT,
            check=False,
        )
        if made.returncode != 0:
            raise AssertionError(f"mmdebstrap exited {made.returncode}:\n{made.stderr[-4000:]}")
        podman("import", str(tarball), image, timeout=BASE_TIMEOUT)
    return image


def build_image(tag: str) -> str:
    """Build the Dockerfile from the repository's root on the stand-in base, tagged `tag`.

    The docker format keeps the HEALTHCHECK (the OCI format has none); the host's CA bundle
    is mounted for pip, which trusts only its own otherwise.
    """
    arguments = ["--build-arg", f"PYTHON_IMAGE={python_base()}"]
    ca_bundle = ssl.get_default_verify_paths().cafile
    if ca_bundle is not None and Path(ca_bundle).is_file():
        arguments += ["--volume", f"{ca_bundle}:{BUILD_CA}:ro"]
        arguments += ["--build-arg", f"PIP_CERT={BUILD_CA}"]
    if index := os.environ.get("PIP_INDEX_URL"):
        arguments += ["--build-arg", f"PIP_INDEX_URL={index}"]
    podman(
        *("build", "--format", "docker", "--layers=false", "--file", str(DOCKERFILE)),
        *(*arguments, "--tag", tag, str(ROOT)),
        timeout=BUILD_TIMEOUT,
    )
    return tag


@dataclass
class Container:
    """A running container and the loopback address its port 8000 is published on."""

    name: str
    base: str

    def stop(self) -> int:
        """Stop it as an orchestrator does (SIGTERM, then SIGKILL after 20 s); its exit code."""
        podman("stop", "--time", "20", self.name)
        state = podman("inspect", "--format", "{{.State.ExitCode}}", self.name)
        return int(state.stdout.strip())

    def logs(self) -> str:
        completed = podman("logs", self.name)
        return completed.stdout + completed.stderr


@contextmanager
def running(
    image: str, port: int, variables: Mapping[str, str], *command: str
) -> Iterator[Container]:
    """A container of `image` running `command`, hardened as the Kubernetes pod runs it
    (read-only root, no capabilities, no privilege gain), its port 8000 on 127.0.0.1:`port`.

    Raises:
        TimeoutError: It did not answer ``/healthz`` in time (its log is in the message).
    """
    name = f"case-mcp-test-{os.getpid()}-{port}"
    environment = [option for item in variables.items() for option in ("--env", "=".join(item))]
    podman(
        *("run", "--detach", "--name", name, "--publish", f"127.0.0.1:{port}:8000"),
        *("--read-only", "--cap-drop=ALL", "--security-opt=no-new-privileges"),
        # Podman runs Docker's HEALTHCHECK on systemd timers, which a machine without systemd
        # lacks; the tests run the check themselves (`podman healthcheck run`).
        "--health-interval=disable",
        *(*environment, image, *command),
    )
    container = Container(name, f"http://127.0.0.1:{port}")
    try:
        _wait_until_alive(container)
        yield container
    finally:
        podman("rm", "--force", "--time", "0", name)


def _wait_until_alive(container: Container) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    with httpx2.Client(timeout=2.0) as http:
        while time.monotonic() < deadline:
            try:
                if http.get(f"{container.base}/healthz").status_code == 200:
                    return
            except httpx2.TransportError:
                pass
            # The server starts in another process: there is no event to wait on but its port.
            time.sleep(0.2)
    raise TimeoutError(f"the container did not answer /healthz:\n{container.logs()[-4000:]}")
