"""``python -m infra.deploy``: the deploy workflow's release steps (logic in infra/release.py).

    promote   smoke every changed function's tagged revision, shift 10% then 100%, roll back
              on a failed smoke or a candidate error rate above the alert's limit
    rollback  put a function's traffic back on the revision tagged ``previous``
    status    print each function's traffic split

The smoke check of the ``api`` function runs ``--smoke-command`` (``{url}`` is the tagged URL)
and of other public functions a GET of ``/healthz``; private functions are judged by their
error rate alone. Exit status: 0 promoted or unchanged, 1 rolled back, 2 could not run.
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from infra.canary import Release, describe, revert
from infra.names import service_name
from infra.release import ReleaseError, SmokeResult
from shared.topology import TOPOLOGY

JOURNEY_FUNCTION = "api"


def command_smoke(template: str, timeout_s: int) -> Callable[[str], SmokeResult]:
    """Run the smoke command for the API (``{url}`` replaced); its exit status is the verdict."""

    def smoke(url: str) -> SmokeResult:
        argv = [part.replace("{url}", url) for part in shlex.split(template)]
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, check=False)
        except subprocess.TimeoutExpired:
            return SmokeResult(False, f"timed out after {timeout_s}s")
        tail = (done.stdout + done.stderr).strip().splitlines()[-1:] or [""]
        return SmokeResult(done.returncode == 0, f"exit {done.returncode}: {tail[0][:200]}")

    return smoke


def healthz(url: str) -> SmokeResult:
    """GET <url>/healthz must answer 200."""
    try:
        with urllib.request.urlopen(f"{url.rstrip('/')}/healthz", timeout=30) as response:  # noqa: S310
            return SmokeResult(response.status == 200, f"healthz {response.status}")
    except OSError as err:
        return SmokeResult(False, f"healthz: {err}")


def _functions(names: str) -> list[str]:
    known = [f.name for f in TOPOLOGY.functions]
    if names == "all":
        return known
    wanted = [n.strip() for n in names.split(",") if n.strip()]
    unknown = sorted(set(wanted) - set(known))
    if unknown:
        raise SystemExit(f"deploy: unknown functions {unknown}; the manifest has {known}")
    return wanted


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point."""
    parser = argparse.ArgumentParser(prog="python -m infra.deploy", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("promote", "rollback", "status"))
    parser.add_argument("--project", required=True)
    parser.add_argument("--region", required=True)
    parser.add_argument("--functions", default="all", help="comma-separated manifest names, or all")
    parser.add_argument("--smoke-command", default="career smoke --base-url {url} --identity firebase")
    parser.add_argument("--smoke-timeout", type=int, default=600)
    parser.add_argument("--bake", type=int, default=300, help="seconds to watch after each shift")
    parser.add_argument("--report", type=Path, default=None, help="write the release report here")
    args = parser.parse_args(argv)

    functions = _functions(args.functions)  # a typo fails before any credentials are loaded
    from infra.cloudrun import MonitoringHealth, RestCloudRun

    run = RestCloudRun(args.project, args.region)
    if args.action == "status":
        for fn in functions:
            state = run.state(service_name(fn))
            sys.stdout.write(f"{state.service}\tlatest={state.latest_ready}\t{describe(state.traffic)}\n")
        return 0
    if args.action == "rollback":
        for fn in functions:
            targets = revert(run, service_name(fn))
            sys.stdout.write(f"{service_name(fn)} -> {targets[0].revision}\n")
        return 0

    journey = command_smoke(args.smoke_command, args.smoke_timeout)
    public = {service_name(f.name): f.name for f in TOPOLOGY.functions if f.public}

    def smoke(service: str, url: str) -> SmokeResult:
        return journey(url) if public.get(service) == JOURNEY_FUNCTION else healthz(url)

    release = Release(
        run, MonitoringHealth(args.project), smoke, bake_s=args.bake, smoke_services=frozenset(public)
    )
    try:
        outcome = release([service_name(fn) for fn in functions])
    except ReleaseError as err:
        sys.stderr.write(f"deploy: {err}\n")
        return 2
    report = json.dumps(outcome.as_dict(), indent=2)
    if args.report:
        args.report.write_text(report + "\n", encoding="utf-8")
    sys.stdout.write(report + "\n")
    return 1 if outcome.status == "rolled_back" else 0


if __name__ == "__main__":
    raise SystemExit(main())
