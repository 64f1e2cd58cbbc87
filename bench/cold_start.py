"""Cold start of every function: process start to first answered request, against a floor.

For each function of the topology manifest that has a main.py, and each of its cases
(bench/_cold_cases.py says which request and why):

- time: ``functions-framework --target ... --source ...`` is spawned in its own process group
  on a free loopback port; the clock runs from just before Popen until the first answer to the
  case's request, which is re-sent every few milliseconds until the server accepts it. Median
  of ``RUNS``; the function and its floor run alternately so machine noise hits both alike.
  The CPU time of the server's process tree (master and worker, reaped) is reported too: on a
  shared machine it is far steadier than wall time.
- floor: the same measurement for a generated function file that imports functions-framework
  plus the libraries the request really needs and answers the same route with a constant.
- heavy modules: in a fresh interpreter, the function's app is built with
  ``functions_framework.create_app`` and serves the same request through ``test_client()``;
  the heavy SDK modules then in ``sys.modules`` are reported.

- instructions: where valgrind is installed, one more cold start of the function and one of its
  floor run under ``valgrind --tool=cachegrind --cache-sim=no`` (the same functions-framework
  server, the same first request, then stopped), twice, keeping the lower count; the
  instructions on the path to the answer (the master until it forks, then the worker until it
  exits) do not depend on the machine's load, so this is the ratio to read when wall and CPU
  times swing.

Prints ``BENCH cold_start_<case>_s``, ``BENCH cold_start_floor_<case>_s``,
``RATIO cold_start_<case>_vs_floor`` (budget 1.3, DESIGN.md), the same three for CPU time
(``cold_start_cpu_...``) and for instructions (``cold_start_instructions_...``, in millions),
and ``BENCH heavy_modules_<case>``.

``python -m bench.cold_start NAME ...`` measures only the named functions or cases.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench._cold_cases import HEAVY, PROJECT, USER, Case, Request, cases
from infra.bytecode import compile_tree

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
RUNS = 3
BUDGET = 1.3
DEADLINE_S = 60.0
VALGRIND_DEADLINE_S = 600.0  # a cold start under cachegrind runs some 30x slower
DEV_SECRET = "bench-dev-token-secret-0123456789abcdef"  # noqa: S105 - test environment only

# Runs in a fresh interpreter: build the app as functions-framework does, serve the request(s)
# in-process, report statuses and which heavy modules the function has loaded by then.
_PROBE = """
import base64, json, sys
import functions_framework
spec = json.loads(sys.argv[1])
client = functions_framework.create_app(spec["target"], spec["source"], spec["signature"]).test_client()
statuses = []
for r in spec["requests"]:
    resp = client.open(r["path"], method=r["method"], headers=r["headers"], data=base64.b64decode(r["body"]))
    statuses.append([resp.status_code, resp.get_data(as_text=True)[:400]])
print(json.dumps({"statuses": statuses, "heavy": [m for m in spec["heavy"] if m in sys.modules]}))
"""


def run(only: frozenset[str] = frozenset()) -> None:
    """Measure every function's cold start against its floor and print the figures.

    ``only``: function or case names to measure (all when empty).
    """
    from shared.topology import TOPOLOGY

    table = cases()
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("# cold_start_instructions SKIPPED: valgrind is not installed (instruction counts need it)")
    failed: list[str] = []
    # Deployed archives ship hash-checked bytecode (infra/bytecode.py), so a cold instance
    # imports our modules rather than compiling them: measure that, as installed packages are.
    compiled = compile_tree(REPO)
    print(f"# {compiled} project sources precompiled to hash-checked bytecode, as `make bundle` ships them")
    with tempfile.TemporaryDirectory(prefix="cold-start-") as tmp:
        work = Path(tmp)
        bare = Case("bare", "bare", Request("GET", "/healthz"), 200, "gcp", (), "bare functions-framework")
        floor = _floor_file(work, bare, "http")
        runs = [_cold(bare, _env(bare, work), "floor", floor, "http", n, work) for n in range(RUNS)]
        print(f"BENCH cold_start_floor_bare_s {statistics.median(w for w, _ in runs):.3f} s")
        for spec in TOPOLOGY.functions:
            main = REPO / spec.source / "main.py"
            if not main.is_file():
                continue
            if only and spec.name not in only and not any(c.name in only for c in table.get(spec.name, ())):
                continue
            if spec.name not in table:
                print(f"BENCH cold_start_{spec.name} SKIPPED (no request in bench/_cold_cases.py)")
                continue
            signature = "cloudevent" if spec.trigger == "push" else "http"
            for case in table[spec.name]:
                if only and spec.name not in only and case.name not in only:
                    continue
                try:
                    _measure(case, spec.entry_point, main, signature, work, valgrind)
                except Exception as err:  # one broken function must not hide the others' figures
                    print(f"BENCH cold_start_{case.name} FAILED: {str(err)[:2000]}", flush=True)
                    failed.append(case.name)
    if failed:
        raise RuntimeError(f"cold start not measured for {', '.join(failed)}")


def _measure(case: Case, target: str, main: Path, signature: str, work: Path, valgrind: str | None) -> None:
    data = work / case.name
    data.mkdir()
    env = _env(case, data)
    if case.setup:
        _probe(env, target, main, signature, case.setup)
    probe = _probe(env, target, main, signature, (case.request,))
    status, text = probe["statuses"][0]
    if status != case.expect:
        raise RuntimeError(f"{case.name}: expected {case.expect}, got {status}: {text}")
    floor = _floor_file(work, case, signature)
    ours, base = [], []
    for n in range(1, RUNS + 1):
        ours.append(_cold(case, env, target, main, signature, n, work))
        base.append(_cold(case, env, "floor", floor, signature, n, work))
    print(f"# {case.name}: {case.what}; floor imports {', '.join(case.floor) or 'nothing'}")
    over = []
    for label, i in (("", 0), ("cpu_", 1)):
        mine, bare = statistics.median(r[i] for r in ours), statistics.median(r[i] for r in base)
        print(f"BENCH cold_start_{label}{case.name}_s {mine:.3f} s")
        print(f"BENCH cold_start_{label}floor_{case.name}_s {bare:.3f} s")
        print(f"RATIO cold_start_{label}{case.name}_vs_floor {mine / bare:.2f}")
        if mine / bare > BUDGET:
            over.append(f"{label or 'wall_'}ratio {mine / bare:.2f}")
    if valgrind is not None:
        # The lower of two runs: the count repeats to 0.1 M, but a process that has to compile
        # a source whose bytecode is stale (an edit during the run) pays for it once.
        mine_i = min(_instructions(valgrind, case, env, target, main, signature, work, n) for n in (1, 2))
        bare_i = min(_instructions(valgrind, case, env, "floor", floor, signature, work, n) for n in (1, 2))
        print(f"BENCH cold_start_instructions_{case.name} {mine_i / 1e6:.1f} Minstr")
        print(f"BENCH cold_start_instructions_floor_{case.name} {bare_i / 1e6:.1f} Minstr")
        print(f"RATIO cold_start_instructions_{case.name}_vs_floor {mine_i / bare_i:.2f}")
        if mine_i / bare_i > BUDGET:
            over.append(f"instructions ratio {mine_i / bare_i:.2f}")
    print(f"BENCH heavy_modules_{case.name} {','.join(probe['heavy']) or 'none'}")
    unneeded = [m for m in probe["heavy"] if m not in case.heavy_allowed]
    if over or unneeded:
        print(f"# {case.name}: OVER BUDGET ({', '.join(over) or 'ratios ok'}; unneeded heavy {unneeded})")
    sys.stdout.flush()


def _env(case: Case, data: Path) -> dict[str, str]:
    """The environment of a production instance, minus anything pointing at emulators."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREER_") and "EMULATOR" not in k}
    env.pop("GOOGLE_CLOUD_PROJECT", None)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH", "")) if p)
    env |= {"CAREER_BACKEND": case.backend, "CAREER_PROJECT_ID": PROJECT, "CAREER_LLM_PROVIDER": "heuristic"}
    if case.backend == "local":
        env |= {
            "CAREER_ENVIRONMENT": "test",
            "CAREER_DATA_DIR": str(data),
            "CAREER_DEV_TOKEN_SECRET": DEV_SECRET,
        }
    else:
        env["CAREER_ENVIRONMENT"] = "prod"
    return env


def _headers(request: Request) -> dict[str, str]:
    headers = {"Content-Type": request.content_type} if request.body is not None else {}
    if request.role is not None:
        from shared.adapters.local.dev_tokens import DevTokenIdentity
        from shared.ports import Role

        token = DevTokenIdentity(DEV_SECRET, environment="test").mint(USER, role=Role(request.role))
        headers["Authorization"] = f"Bearer {token}"
    return headers


def _probe(
    env: dict[str, str], target: str, main: Path, signature: str, requests: tuple[Request, ...]
) -> dict[str, Any]:
    """Serve ``requests`` in a fresh interpreter; their statuses and the heavy modules loaded."""
    spec = {
        "target": target,
        "source": str(main),
        "signature": signature,
        "heavy": list(HEAVY),
        "requests": [
            {
                "method": r.method,
                "path": r.path,
                "headers": _headers(r),
                "body": base64.b64encode(r.payload(0)).decode(),
            }
            for r in requests
        ],
    }
    argv = [sys.executable, "-c", _PROBE, json.dumps(spec)]
    out = subprocess.run(argv, env=env, cwd=REPO, capture_output=True, text=True, timeout=120, check=False)
    if out.returncode != 0:
        raise RuntimeError(f"probe of {main} failed:\n{out.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def _cold(
    case: Case, env: dict[str, str], target: str, source: Path, signature: str, n: int, work: Path
) -> tuple[float, float]:
    """Wall seconds from spawning the server to its first answer, and the tree's CPU seconds."""
    port = _free_port()
    body = case.request.payload(1000 + n)
    headers = _headers(case.request)
    argv = _server_argv(target, source, signature, port)
    log_path = work / f"{case.name}-{target}-{n}.log"
    with log_path.open("wb") as log:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=REPO, stdout=log, stderr=log, start_new_session=True)
        try:
            status = _first_answer(proc, port, case.request, body, headers)
            elapsed = time.perf_counter() - start
        finally:
            cpu = _stop(proc)
    if status != case.expect:
        raise RuntimeError(
            f"{case.name}: {target} answered {status}, not {case.expect}:\n{log_path.read_text()}"
        )
    return elapsed, cpu


def _instructions(
    valgrind: str,
    case: Case,
    env: dict[str, str],
    target: str,
    source: Path,
    signature: str,
    work: Path,
    n: int = 1,
) -> int:
    """Instructions one cold start executes, from exec to exit, under cachegrind.

    The server is started as in ``_cold`` but inside valgrind (which follows gunicorn's fork of
    its worker: one counts file per process), answers the case's first request, and is stopped.
    """
    port = _free_port()
    out = work / f"cg-{case.name}-{target}-{n}"
    out.mkdir()
    argv = [
        valgrind,
        "--tool=cachegrind",
        "--cache-sim=no",
        f"--cachegrind-out-file={out}/cg.%p",
        f"--log-file={out}/valgrind.%p.log",
        sys.executable,
        *_server_argv(target, source, signature, port),
    ]
    log_path = out / "server.log"
    fixed = env | {"PYTHONHASHSEED": "0"}  # the same set and dict orders in every run
    with log_path.open("wb") as log:
        proc = subprocess.Popen(argv, env=fixed, cwd=REPO, stdout=log, stderr=log, start_new_session=True)
        try:
            status = _first_answer(
                proc,
                port,
                case.request,
                case.request.payload(2000),
                _headers(case.request),
                VALGRIND_DEADLINE_S,
            )
        finally:
            _stop(proc, grace_s=VALGRIND_DEADLINE_S)
    if status != case.expect:
        raise RuntimeError(f"{case.name}: {target} under valgrind answered {status}:\n{log_path.read_text()}")
    # A forked process starts from its parent's counts, so the worker's file holds the whole
    # path to the answer: the master up to the fork (start, imports, app), then the worker.
    # The master's own file adds only its idle loop after the fork.
    workers = [path for path in out.glob("cg.*") if path.name != f"cg.{proc.pid}"]
    if len(workers) > 1:
        raise RuntimeError(f"{case.name}: expected one worker process, valgrind saw {len(workers)}")
    counted = workers or list(out.glob(f"cg.{proc.pid}"))
    if not counted:
        raise RuntimeError(f"{case.name}: valgrind wrote no counts:\n{log_path.read_text()[-2000:]}")
    return _summary(counted[0])


def _server_argv(target: str, source: Path, signature: str, port: int) -> list[str]:
    """The functions-framework command line serving ``target`` on 127.0.0.1:``port``."""
    return [
        str(BIN / "functions-framework"),
        "--target",
        target,
        "--source",
        str(source),
        "--signature-type",
        signature,
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
    ]


def _summary(path: Path) -> int:
    """The instruction count (Ir) of one cachegrind output file."""
    found = re.search(r"^summary:\s+(\d+)", path.read_text(), re.MULTILINE)
    if found is None:
        raise RuntimeError(f"no summary line in {path}")
    return int(found.group(1))


def _first_answer(
    proc: subprocess.Popen[bytes],
    port: int,
    request: Request,
    body: bytes,
    headers: dict[str, str],
    limit_s: float = DEADLINE_S,
) -> int:
    deadline = time.perf_counter() + limit_s
    while time.perf_counter() < deadline:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=limit_s)
        try:
            conn.request(request.method, request.path, body=body or None, headers=headers)
            response = conn.getresponse()
            response.read()
            return response.status
        except (ConnectionRefusedError, ConnectionResetError):
            if proc.poll() is not None:
                raise RuntimeError(f"server exited ({proc.returncode}) before answering") from None
            time.sleep(0.002)  # not listening yet
        finally:
            conn.close()
    raise RuntimeError(f"no answer within {DEADLINE_S} s")


def _stop(proc: subprocess.Popen[bytes], grace_s: float = 10.0) -> float:
    """Stop the server's group by its PID; the CPU seconds of the reaped tree."""
    if proc.returncode is not None:  # it died before answering (already reaped by poll)
        return 0.0
    # gunicorn's master reaps its worker before exiting, so wait4 on the master sees both.
    os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + grace_s
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            return usage.ru_utime + usage.ru_stime
        if time.monotonic() > deadline:
            os.killpg(proc.pid, signal.SIGKILL)
            deadline = time.monotonic() + grace_s
        time.sleep(0.005)


def _floor_file(work: Path, case: Case, signature: str) -> Path:
    """A function file importing the framework and the case's floor, answering with a constant.

    Where pydantic is in the floor, the file also does the least any request does with it:
    settings read from the environment into a one-field BaseSettings, and the request's JSON
    validated into a one-field model. Importing pydantic alone does not load its schema
    machinery (~40 ms), which the first model of any request builds.
    """
    lines = [f'"""Cold-start floor for {case.name}."""', "import functions_framework"]
    lines += [f"import {module}  # noqa: F401" for module in case.floor]
    use = "    _Settings(); _In.model_validate({})" if "pydantic" in case.floor else "    pass"
    if "pydantic" in case.floor:
        lines += [
            "",
            "class _In(pydantic.BaseModel):",
            "    n: int = 0",
            "",
            "class _Settings(pydantic_settings.BaseSettings):",
            "    backend: str = 'local'",
        ]
    if signature == "cloudevent":
        lines += ["", "@functions_framework.cloud_event", "def floor(cloud_event):", use, "    return None"]
    else:
        lines += ["", "@functions_framework.http", "def floor(request):", use, '    return {"status": "ok"}']
    path = work / f"floor_{case.name}.py"
    path.write_text("\n".join(lines) + "\n")
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


if __name__ == "__main__":
    run(frozenset(sys.argv[1:]))
