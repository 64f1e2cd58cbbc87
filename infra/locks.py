"""Hash-pinned lock files, one per requirements set the function archives use.

A set is the core runtime dependencies plus the optional packages (``OPTIONAL_PACKAGES``)
one function names, so there are few: ``core``, ``pymupdf``, ``google-genai``, ``httpx``.
Each lock (``infra/locks/<set>.txt``) pins every distribution, transitive ones included, to
one version and the sha256 of every file of it; pip installs such a file in hash-checking
mode, so a deploy gets exactly the bytes that were locked. The lock's header keeps the
sha256 of the requirements it was compiled from: when pyproject.toml changes, the lock is
stale and ``make bundle`` refuses to build until ``make lock`` has rewritten it.

    python -m infra.locks update   # re-resolve every set (pip-compile; needs the registry)
    python -m infra.locks check    # every lock present and fresh (offline)
    python -m infra.locks audit    # pip-audit each lock, allowlist applied (needs the network)
"""

from __future__ import annotations

import argparse
import hashlib
import re
import subprocess
import sys
import tempfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from shared.topology import TOPOLOGY, Topology

LOCK_DIR = Path("infra") / "locks"
ALLOWLIST = LOCK_DIR / "audit-allowlist.txt"
_INPUT = re.compile(r"^# input sha256: ([0-9a-f]{64})$", re.MULTILINE)
_PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s\\;]+)", re.MULTILINE)
_HASH = re.compile(r"--hash=sha256:([0-9a-f]{64})")


class LockError(RuntimeError):
    """A lock is missing, stale or unreadable."""


@dataclass(frozen=True)
class Pin:
    """One locked distribution: normalised name, exact version, sha256 of each allowed file."""

    name: str
    version: str
    hashes: tuple[str, ...]


def set_name(packages: Collection[str]) -> str:
    """The requirements set of a function's optional packages: 'core' or the package names."""
    return "+".join(sorted(packages)) or "core"


def sets(topology: Topology = TOPOLOGY) -> dict[str, tuple[str, ...]]:
    """Every set the manifest's functions use, with its optional packages."""
    out = {set_name(f.packages): tuple(sorted(f.packages)) for f in topology.functions}
    return dict(sorted(out.items()))


def lock_path(root: Path, packages: Collection[str]) -> Path:
    """Where the lock of this set lives."""
    return root / LOCK_DIR / f"{set_name(packages)}.txt"


def input_digest(requirements_text: str) -> str:
    """sha256 of the unpinned requirements a lock was compiled from."""
    return hashlib.sha256(requirements_text.encode()).hexdigest()


def read_lock(root: Path, packages: Collection[str], requirements_text: str) -> str:
    """The lock's text, after checking it was compiled from ``requirements_text``."""
    path = lock_path(root, packages)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as err:
        raise LockError(f"{path} is missing: run `make lock`") from err
    found = _INPUT.search(text)
    if found is None or found.group(1) != input_digest(requirements_text):
        raise LockError(f"{path} is stale (pyproject.toml changed since it was locked): run `make lock`")
    return text


def pins(lock_text: str) -> list[Pin]:
    """The distributions a lock pins, in file order."""
    out: list[Pin] = []
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock_text)
    for block in blocks:
        match = _PIN.match(block.strip())
        if match:
            name = re.sub(r"[-_.]+", "-", match.group(1)).lower()
            out.append(Pin(name, match.group(2), tuple(_HASH.findall(block))))
    return out


def header(packages: Collection[str], requirements_text: str, topology: Topology = TOPOLOGY) -> str:
    """The lines a lock starts with (who uses it, what it was compiled from)."""
    users = [f.name for f in topology.functions if set_name(f.packages) == set_name(packages)]
    return (
        "# Locked by `make lock` (python -m infra.locks update); do not edit.\n"
        f"# Requirements set {set_name(packages)!r}, used by: {', '.join(users)}\n"
        f"# input sha256: {input_digest(requirements_text)}\n"
    )


def compile_lock(root: Path, packages: Collection[str], requirements_text: str, python: str) -> str:
    """Resolve ``requirements_text`` with pip-compile into a hash-pinned lock (needs the registry)."""
    with tempfile.TemporaryDirectory() as tmp:
        source, target = Path(tmp) / "requirements.in", Path(tmp) / "requirements.txt"
        source.write_text(requirements_text, encoding="utf-8")
        subprocess.run(
            [
                python,
                "-m",
                "piptools",
                "compile",
                "--quiet",
                "--generate-hashes",
                "--allow-unsafe",
                "--strip-extras",
                "--no-header",
                "--no-emit-index-url",
                "--no-emit-find-links",
                "--output-file",
                str(target),
                str(source),
            ],
            check=True,
            cwd=tmp,
        )
        body = target.read_text(encoding="utf-8").replace(str(source), "requirements.in")
    return header(packages, requirements_text) + body


# --------------------------------------------------------------------------- audit allowlist
@dataclass(frozen=True)
class Allowed:
    """An accepted advisory: its id, why, and until when the acceptance holds."""

    advisory: str
    until: date
    reason: str


def read_allowlist(text: str) -> list[Allowed]:
    """Lines ``<advisory id> <YYYY-MM-DD> <reason>``; '#' starts a comment."""
    out = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split(None, 2)
        if len(parts) < 3:
            raise LockError(f"allowlist line {number}: want '<advisory> <YYYY-MM-DD> <reason>', got {raw!r}")
        try:
            until = date.fromisoformat(parts[1])
        except ValueError as err:
            raise LockError(f"allowlist line {number}: {parts[1]!r} is not a date") from err
        out.append(Allowed(parts[0], until, parts[2]))
    return out


def active(allowed: Iterable[Allowed], today: date) -> list[str]:
    """Advisory ids still accepted today (expired entries fail the audit again)."""
    return [a.advisory for a in allowed if a.until >= today]


def audit_command(lock: Path, ignored: Sequence[str], python: str) -> list[str]:
    """The pip-audit call for one lock (hash-checked, no resolver: the lock is complete)."""
    cmd = [python, "-m", "pip_audit", "--requirement", str(lock), "--require-hashes", "--disable-pip"]
    cmd += ["--progress-spinner", "off", "--strict"]
    for advisory in ignored:
        cmd += ["--ignore-vuln", advisory]
    return cmd


def main(argv: Sequence[str] | None = None) -> int:
    """CLI: update, check or audit the locks."""
    from infra.bundle import requirements  # bundle imports this module

    parser = argparse.ArgumentParser(prog="python -m infra.locks", description=__doc__.split("\n")[0])
    parser.add_argument("action", choices=("update", "check", "audit"))
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1])
    args = parser.parse_args(argv)
    failed = 0
    for name, packages in sets().items():
        wanted = requirements(args.root, packages)
        path = lock_path(args.root, packages)
        if args.action == "update":
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(compile_lock(args.root, packages, wanted, sys.executable), encoding="utf-8")
            sys.stdout.write(f"locked {name}: {len(pins(path.read_text(encoding='utf-8')))} distributions\n")
        elif args.action == "check":
            try:
                read_lock(args.root, packages, wanted)
            except LockError as err:
                sys.stderr.write(f"locks: {err}\n")
                failed += 1
        else:
            allow = read_allowlist((args.root / ALLOWLIST).read_text(encoding="utf-8"))
            cmd = audit_command(path, active(allow, datetime.now(UTC).date()), sys.executable)
            failed += subprocess.run(cmd, check=False).returncode != 0
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
