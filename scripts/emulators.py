"""Emulators and the emulated cloud from the command line.

python scripts/emulators.py start    start every emulator in the background; print the variables
python scripts/emulators.py status   what runs (from the PID files under .emulators/pids)
python scripts/emulators.py stop     stop them by PID (SIGTERM, then SIGKILL)
python scripts/emulators.py run      emulated cloud (`make run-emulated`): emulators, topics,
                                     push subscriptions with dead-letter policies and queues from
                                     the manifest, every function as its own functions-framework
                                     process behind one loopback gateway, the buckets of the
                                     settings, a throwaway signing key for upload URLs; the
                                     variables go to .emulators/emulated.env; Ctrl-C stops it all
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.emulators.process import PID_DIR, STATE_DIR, recorded_status, stop_recorded  # noqa: E402
from tests.emulators.stack import EmulatorStack  # noqa: E402

ENV_FILE = STATE_DIR / "env.json"
EMULATED_ENV = STATE_DIR / "emulated.env"  # `. .emulators/emulated.env` in another terminal


def _say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def start() -> int:
    """Start the emulators detached; write and print their variables."""
    stack = EmulatorStack()
    stack.start()
    env = stack.env()
    ENV_FILE.write_text(json.dumps(env, indent=2))
    _say(f"# emulators ready in {stack.start_wall_s:.1f}s: {stack.timings()}")
    for name, why in sorted(stack.unavailable.items()):
        _say(f"# !!! {name} unavailable: {why}")
    for key, value in env.items():
        _say(f"export {key}={value}")
    return 0


def status() -> int:
    """One line per recorded process."""
    files = sorted(PID_DIR.glob("*.json")) if PID_DIR.is_dir() else []
    if not files:
        _say("nothing recorded as running")
    for pid_file in files:
        name, pid, running = recorded_status(pid_file)
        _say(f"{name:<24} pid {pid:<8} {'running' if running else 'gone'}")
    return 0


def stop() -> int:
    """Stop every recorded process by PID."""
    for pid_file in sorted(PID_DIR.glob("*.json")) if PID_DIR.is_dir() else []:
        _say(stop_recorded(pid_file))
    ENV_FILE.unlink(missing_ok=True)
    return 0


def run(env_file: Path = EMULATED_ENV) -> int:
    """The emulated cloud in the foreground until interrupted (SIGINT or SIGTERM)."""
    from shared.config import Settings
    from shared.topology import TOPOLOGY
    from tests.emulators import functions, provision
    from tests.emulators.gateway import Gateway
    from tests.emulators.signer import write_signer

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    # Everything this run writes for itself (the throwaway signing key) lives here, removed on stop.
    run_dir = STATE_DIR / "run" / f"run-{os.getpid()}"
    stack = EmulatorStack()
    gateway = Gateway({}).start()
    running: list[functions.RunningFunction] = []
    try:
        signer = write_signer(run_dir)
        stack.start()
        _say(f"emulators ready in {stack.start_wall_s:.1f}s: {stack.timings()}")
        for name, why in sorted(stack.unavailable.items()):
            _say(f"!!! {name} unavailable: {why}")
        os.environ.update(stack.env())  # the provisioning clients read the standard variables
        env = {**stack.env(), "CAREER_FUNCTION_BASE_URL": gateway.url}
        env.setdefault("CAREER_TASKS_SERVICE_ACCOUNT", "tasks-invoker@demo-career.iam.gserviceaccount.com")
        # The api function signs upload URLs with this key, read as Application Default Credentials.
        env["GOOGLE_APPLICATION_CREDENTIALS"] = str(signer)
        if stack.has("gcs"):
            buckets = provision.provision_buckets(Settings(backend="gcp"))
            _say(f"buckets: {', '.join(buckets)}")
        for spec in TOPOLOGY.functions:
            # Appended one by one: if a later start fails, the earlier ones are still stopped.
            running.append(functions.start_function(spec.name, env))
        functions.wait_ready(running)
        for fn in running:
            gateway.routes[fn.name] = fn.url
        if stack.has("pubsub"):
            provision.provision_pubsub(lambda name: f"{gateway.url}/{name}")
        if stack.has("tasks"):
            provision.provision_queues(stack.endpoint("tasks").hostport)
        exports = {**stack.env(), "API_URL": f"{gateway.url}/api", "OPS_URL": f"{gateway.url}/ops"}
        env_file.parent.mkdir(parents=True, exist_ok=True)
        env_file.write_text("".join(f"export {k}={v}\n" for k, v in exports.items()))
        for key, value in exports.items():
            _say(f"export {key}={value}")
        for name, item in stack.running.items():
            _say(f"{name:<22} {item.endpoint.url}  (pid {item.process.pid})")
        for fn in running:
            _say(f"{fn.name:<22} {gateway.url}/{fn.name}  (pid {fn.process.pid})")
        _say(f"variables written to {env_file}; in another terminal: . {_shown(env_file)}")
        _say("emulated cloud is up; Ctrl-C stops everything")
        while not done.is_set():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        functions.stop_all(running)
        gateway.stop()
        stack.stop()
        env_file.unlink(missing_ok=True)
        shutil.rmtree(run_dir, ignore_errors=True)
        _say("stopped")
    return 0


def _shown(path: Path) -> str:
    """``path`` relative to the current folder when it is below it (what a user would type)."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main() -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("start", "stop", "status", "run"))
    parser.add_argument(
        "--env-file",
        type=Path,
        default=EMULATED_ENV,
        help="run: where to write the shell variables of the running cloud (removed on stop)",
    )
    args = parser.parse_args()
    if args.command == "run":
        return run(args.env_file)
    return {"start": start, "stop": stop, "status": status}[args.command]()


if __name__ == "__main__":
    sys.exit(main())
