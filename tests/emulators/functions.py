"""Run functions as their own functions-framework processes against the emulators.

Each function of the manifest (or a test function under tests/functions/) gets a process on
127.0.0.1 with CAREER_BACKEND=gcp and the emulator variables, exactly as Cloud Functions
would run it: one entry point per process, the source file loaded by functions-framework.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from shared.topology import TOPOLOGY, FunctionSpec
from tests.emulators.catalog import child_env, http
from tests.emulators.process import LOG_DIR, PID_DIR, REPO, ManagedProcess, free_port

TEST_FUNCTIONS = REPO / "tests" / "functions"


@dataclass
class RunningFunction:
    """One function process."""

    name: str
    port: int
    process: ManagedProcess

    @property
    def url(self) -> str:
        """Where the function answers (its root path)."""
        return f"http://127.0.0.1:{self.port}/"


def signature_type(spec: FunctionSpec) -> str:
    """Pub/Sub push functions take CloudEvents; HTTP and task functions take plain requests."""
    return "cloudevent" if spec.trigger == "push" else "http"


def start_function(
    name: str,
    env: Mapping[str, str],
    *,
    target: str | None = None,
    source: Path | None = None,
    signature: str | None = None,
    log_dir: Path = LOG_DIR,
    pid_dir: Path = PID_DIR,
) -> RunningFunction:
    """Start ``name`` (a manifest function unless ``source`` is given); returns once spawned."""
    spec = TOPOLOGY.function(name) if source is None else None
    entry = target or (spec.entry_point if spec else name)
    path = source or REPO / "functions" / name / "main.py"
    kind = signature or (signature_type(spec) if spec else "http")
    port = free_port()
    argv = [
        sys.executable, "-m", "functions_framework", "--target", entry, "--source", str(path),
        "--signature-type", kind, "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    extra = {"CAREER_BACKEND": "gcp", "CAREER_ENVIRONMENT": "test", "PYTHONPATH": str(REPO), **env}
    process = ManagedProcess(f"fn-{name}", argv, child_env(extra), log_dir=log_dir, pid_dir=pid_dir).start()
    return RunningFunction(name, port, process)


# functions-framework answers this path itself (404 for HTTP functions, 405 for CloudEvent
# ones) without calling the function: a probe there leaves no failed invocation in the logs.
PROBE_PATH = "robots.txt"


def wait_ready(functions: list[RunningFunction], timeout_s: float = 60.0) -> None:
    """Wait until every function's server answers HTTP, without invoking the function."""
    for fn in functions:
        probe = f"{fn.url}{PROBE_PATH}"
        fn.process.wait_ready(lambda u=probe: http("GET", u, timeout=2)[0] > 0, timeout_s=timeout_s)  # type: ignore[misc]


def stop_all(functions: list[RunningFunction]) -> None:
    """Stop every function process by PID (all signalled first, so their grace periods overlap)."""
    for fn in functions:
        fn.process.terminate()
    for fn in functions:
        fn.process.stop()
