"""Emulators and the emulated cloud from the command line.

python scripts/emulators.py start    start every emulator in the background; print the variables
python scripts/emulators.py status   what runs (from the PID files under .emulators/pids)
python scripts/emulators.py stop     stop them by PID (SIGTERM, then SIGKILL)
python scripts/emulators.py run      emulated cloud (`make run-emulated`): emulators, topics,
                                     push subscriptions with dead-letter policies and queues from
                                     the manifest, every function as its own functions-framework
                                     process behind one loopback gateway; Ctrl-C stops it all
"""

from __future__ import annotations

import argparse
import json
import os
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


def run() -> int:
    """The emulated cloud in the foreground until interrupted."""
    from shared.topology import TOPOLOGY
    from tests.emulators import functions, provision
    from tests.emulators.gateway import Gateway

    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    stack = EmulatorStack()
    gateway = Gateway({}).start()
    running: list[functions.RunningFunction] = []
    try:
        stack.start()
        _say(f"emulators ready in {stack.start_wall_s:.1f}s: {stack.timings()}")
        os.environ.update(stack.env())  # the provisioning clients read the standard variables
        env = {**stack.env(), "CAREER_FUNCTION_BASE_URL": gateway.url}
        env.setdefault("CAREER_TASKS_SERVICE_ACCOUNT", "tasks-invoker@demo-career.iam.gserviceaccount.com")
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
        for key, value in env.items():
            _say(f"export {key}={value}")
        for fn in running:
            _say(f"{fn.name:<22} {gateway.url}/{fn.name}  (pid {fn.process.pid})")
        _say("emulated cloud is up; Ctrl-C stops everything")
        while not done.is_set():
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        functions.stop_all(running)
        gateway.stop()
        stack.stop()
        _say("stopped")
    return 0


def main() -> int:
    """Parse the command and run it."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("command", choices=("start", "stop", "status", "run"))
    return {"start": start, "stop": stop, "status": status, "run": run}[parser.parse_args().command]()


if __name__ == "__main__":
    sys.exit(main())
