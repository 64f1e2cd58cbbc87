"""``make load``: a bounded load test of ``career serve`` on 127.0.0.1.

The tool starts ``career serve`` on a free loopback port with a data folder of its own, loads
a board payload from the data kit (so matches are real), signs users up through the local
identity (sign-up, the code from the local outbox, verify, sign-in), then runs each level of
concurrent clients for a fixed time. Every client is one signed-in user with its own
connection, looping over a weighted mix of reads, writes and uploads
(docs/decisions/0128-bounded-load-on-loopback.md). The server is stopped by its PID at the end.

For each level it prints::

    BENCH load_rps <n> req/s (<clients> clients)
    BENCH load_p50_ms <n> ms (<clients> clients)
    BENCH load_p95_ms <n> ms (<clients> clients)
    BENCH load_p99_ms <n> ms (<clients> clients)
    BENCH load_errors <n> count (<clients> clients)

An error is a 5xx, a connection error or timeout, or a status the mix does not expect; a 4xx
the mix expects (a profile not generated yet, the document quota) is counted as a request.
The exit code is 1 when any level had an error, 2 when the stack could not be started.

It has no ``run()``, so ``make bench`` does not start a server for it.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from shared.adapters.local.outbox_mailer import OutboxMailer

REPO = Path(__file__).resolve().parent.parent
KIT = REPO.parent / "shared" / "data"
CAREER = Path(sys.executable).parent / "career"
CV = Path("resumes") / "swe-new-grad_deedy_two-column_1p.pdf"
BOARD = ("remotive", Path("job-sources") / "remotive" / "remote-jobs_35jobs_2026-07_utf8-bom.json")
URL_LINE = re.compile(r"Career assistant running at (http://127\.0\.0\.1:\d+)")
REQUEST_TIMEOUT_S = 30.0
DOCUMENTS_KEPT = 4  # a client deletes its oldest settled document beyond this many
SETTLED = frozenset({"EXTRACTED", "FAILED", "REJECTED"})
ROLES = ("Software Engineer", "Backend Engineer", "Data Engineer", "Platform Engineer", "SRE")


class LoadError(RuntimeError):
    """The stack could not be started or prepared."""


@dataclass
class Tally:
    """What one client saw: latencies of counted requests and the errors."""

    latencies_ms: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    routes: Counter[str] = field(default_factory=Counter)


@dataclass
class Client:
    """One signed-in user with its own connection, and what it has made so far."""

    http: httpx.Client
    rng: random.Random
    tally: Tally
    cv: bytes
    offers: list[str] = field(default_factory=list)
    entries: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    _notes: int = 0

    def call(self, method: str, url: str, expected: Sequence[int], **kwargs: Any) -> httpx.Response | None:
        """One request, timed; anything not in ``expected`` is an error (None is returned)."""
        started = time.perf_counter()
        try:
            response = self.http.request(method, url, **kwargs)
        except httpx.HTTPError as err:
            self.tally.errors.append(f"{method} {_route(url)}: {type(err).__name__}: {err}")
            return None
        self.tally.latencies_ms.append((time.perf_counter() - started) * 1000)
        self.tally.routes[f"{method} {_route(url)} {response.status_code}"] += 1
        if response.status_code not in expected:
            self.tally.errors.append(
                f"{method} {_route(url)}: {response.status_code} {response.text[:200]!r}"
            )
            return None
        return response


def _route(url: str) -> str:
    """The path without ids or the query, so error lines group."""
    path = httpx.URL(url).path
    if path.startswith("/_uploads/"):
        return "/_uploads/{signed}"
    return re.sub(r"/[A-Za-z0-9_-]{16,}", "/{id}", path)


# The mix. Each op is one user action; weights are relative.


def read_journey(c: Client) -> None:
    c.call("GET", "/api/journey", (200,))


def read_documents(c: Client) -> None:
    found = c.call("GET", "/api/documents", (200,))
    if found is not None:
        c.documents = [d["id"] for d in found.json()["documents"] if d["state"] in SETTLED]


def read_profiles(c: Client) -> None:
    c.call("GET", "/api/career-profiles", (200,))
    c.call("GET", "/api/career-profiles/latest", (200, 404))  # 404 until the first CV is read


def read_matches(c: Client) -> None:
    found = c.call("GET", "/api/matches?limit=10", (200,))
    if found is not None:
        c.offers = [m["offer_id"] for m in found.json()["matches"]]
    if c.offers:
        c.call("GET", f"/api/matches/{c.rng.choice(c.offers)}", (200,))


def read_notebook(c: Client) -> None:
    found = c.call("GET", "/api/notebook?limit=20", (200,))
    if found is not None:
        c.entries = [e["id"] for e in found.json()["entries"]]


def read_inputs(c: Client) -> None:
    c.call("GET", "/api/me/profile-inputs", (200, 404))  # 404 before the first PUT


def write_inputs(c: Client) -> None:
    inputs = {
        "target_roles": c.rng.sample(ROLES, 2),
        "remote_preference": c.rng.choice(("remote", "hybrid", "any")),
        "preferred_locations": ["Berlin", "Remote EU"],
        "salary_floor": {
            "amount": c.rng.randrange(50_000, 90_000, 1000),
            "currency": "EUR",
            "period": "year",
        },
    }
    c.call("PUT", "/api/me/profile-inputs", (200,), json=inputs)


def write_entry(c: Client) -> None:
    """Keep a matched offer, or a pasted posting while there are no matches."""
    if c.offers and c.rng.random() < 0.5:
        body: dict[str, Any] = {"offer_id": c.rng.choice(c.offers)}
    else:
        n = c.rng.randrange(1_000_000)
        body = {
            "posting": {
                "title": "Backend Engineer",
                "company": f"Load Test Co {n}",
                "url": f"https://jobs.example.com/{n}",
                "description": "Python, PostgreSQL, queues and on-call for a small team.",
            },
            "tags": ["load"],
        }
    saved = c.call("POST", "/api/notebook", (200, 201), json=body)
    if saved is not None:
        c.entries.append(saved.json()["id"])


def write_notes(c: Client) -> None:
    if not c.entries:
        write_entry(c)
        return
    c._notes += 1
    c.call("PATCH", f"/api/notebook/{c.rng.choice(c.entries)}", (200,), json={"notes": f"note {c._notes}"})


def upload(c: Client) -> None:
    """A CV: the document, the PUT to its signed URL, the confirmation; an old one goes."""
    oldest = c.documents.pop(0) if len(c.documents) >= DOCUMENTS_KEPT else None
    if oldest is not None and c.call("DELETE", f"/api/documents/{oldest}", (204, 404)) is None:
        return
    body = {"filename": "cv.pdf", "size": len(c.cv), "content_type": "application/pdf"}
    created = c.call("POST", "/api/documents", (201, 429), json=body)  # 429: the document quota
    if created is None or created.status_code == 429:
        return
    doc, signed = created.json()["document"], created.json()["upload"]
    if c.call(signed["method"], signed["url"], (200,), content=c.cv, headers=signed["headers"]) is None:
        return
    c.call("POST", f"/api/documents/{doc['id']}/confirm", (200,))


MIX: tuple[tuple[Callable[[Client], None], int], ...] = (
    (read_journey, 16),
    (read_documents, 12),
    (read_profiles, 8),
    (read_matches, 14),
    (read_notebook, 12),
    (read_inputs, 6),
    (write_inputs, 10),
    (write_entry, 8),
    (write_notes, 8),
    (upload, 2),
)


# What every client does first, as a user setting up does: inputs, a CV, a kept posting, the journey.
FIRST_VISIT: tuple[Callable[[Client], None], ...] = (write_inputs, upload, write_entry, read_journey)


# The stack


@dataclass(frozen=True)
class Stack:
    """The running ``career serve``."""

    url: str
    data_dir: Path
    log_path: Path

    def error_lines(self) -> list[str]:
        """The server's ERROR and CRITICAL log lines so far."""
        lines = self.log_path.read_text(errors="replace").splitlines()
        return [line for line in lines if re.search(r'"(ERROR|CRITICAL)"|^Traceback', line)]


@contextmanager
def career_serve(root: Path, secret: str | None = None) -> Iterator[Stack]:
    """``career serve`` on a free loopback port in its own session, stopped by its PID.

    Its data lives in ``root/data``; ``secret`` signs its dev tokens (a fresh one by default).
    """
    if not CAREER.exists():
        raise LoadError(f"{CAREER} is missing: run `make install` first")
    data_dir = root / "data"
    log_path = root / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CAREER_") and k != "PORT"}
    env.update(
        {
            "CAREER_ENVIRONMENT": "local",
            "CAREER_BACKEND": "local",
            "CAREER_DEV_TOKEN_SECRET": secret or secrets.token_urlsafe(48),
            "CAREER_LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    argv = [str(CAREER), "serve", "--port", "0", "--data-dir", str(data_dir), "--no-scheduler"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [*argv, "--no-default-sources"],
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        url = _wait_for_url(process, log_path, timeout_s=90)
        yield Stack(url, data_dir, log_path)
    finally:
        _stop(process)


def _wait_for_url(process: subprocess.Popen[bytes], log_path: Path, *, timeout_s: float) -> str:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = URL_LINE.search(log_path.read_text(errors="replace"))
        if found:
            with httpx.Client(timeout=5) as http:
                if http.get(f"{found.group(1)}/healthz").status_code == 200:
                    return found.group(1)
        if process.poll() is not None:
            break
        time.sleep(0.2)
    tail = "\n".join(log_path.read_text(errors="replace").splitlines()[-20:])
    raise LoadError(f"career serve did not start (exit {process.poll()}):\n{tail}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM its process group (its id is the PID), SIGKILL after a grace period."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=20)


def load_offers(stack: Stack) -> None:
    """A saved board through the crawl path, so matching has offers."""
    kind, payload = BOARD
    done = subprocess.run(
        [
            str(CAREER),
            "sources",
            "import",
            "--kind",
            kind,
            "--wait",
            "0",
            "--data-dir",
            str(stack.data_dir),
            str(KIT / payload),
        ],
        env={k: v for k, v in os.environ.items() if not k.startswith("CAREER_")}
        | {"CAREER_ENVIRONMENT": "local", "CAREER_BACKEND": "local"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    if done.returncode != 0:
        raise LoadError(f"career sources import failed:\n{done.stdout}{done.stderr}")


def sign_up(stack: Stack, n: int) -> str:
    """A verified account through the public auth routes; returns its ID token.

    Each user comes from an address of its own (the auth routes are rate limited per client).
    """
    email = f"load-{n}-{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(18)
    client_ip = {"X-Forwarded-For": f"192.0.2.{n % 250 + 1}"}
    outbox = OutboxMailer(stack.data_dir / "outbox")
    with httpx.Client(base_url=stack.url, timeout=REQUEST_TIMEOUT_S, headers=client_ip) as http:
        _expect(http.post("/api/auth/sign-up", json={"email": email, "password": password}), 202)
        code = _code_from(outbox, email, timeout_s=60)
        _expect(http.post("/api/auth/email:verify", json={"email": email, "code": code}), 200)
        signed_in = _expect(http.post("/api/auth/sign-in", json={"email": email, "password": password}), 200)
    token: str = signed_in.json()["id_token"]
    return token


def _expect(response: httpx.Response, status: int) -> httpx.Response:
    if response.status_code != status:
        raise LoadError(
            f"{response.request.method} {response.request.url.path}: {response.status_code} {response.text}"
        )
    return response


def _code_from(outbox: OutboxMailer, email: str, *, timeout_s: float) -> str:
    """The 6-digit code of the newest message to ``email`` (the mail task writes it)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        code = outbox.newest_code(email)
        if code is not None:
            return code
        time.sleep(0.1)
    raise LoadError(f"no verification code for {email} in the outbox after {timeout_s} s")


# The run


@dataclass(frozen=True)
class Level:
    """What a level measured."""

    clients: int
    seconds: float
    latencies_ms: list[float]
    errors: list[str]
    routes: Counter[str]

    @property
    def rps(self) -> float:
        return len(self.latencies_ms) / self.seconds

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile of the latencies (0 when there were none)."""
        if not self.latencies_ms:
            return 0.0
        ordered = sorted(self.latencies_ms)
        rank = math.ceil(p / 100 * len(ordered))
        return ordered[min(len(ordered), max(rank, 1)) - 1]

    def lines(self) -> list[str]:
        who = f"({self.clients} clients)"
        return [
            f"BENCH load_rps {self.rps:.1f} req/s {who}",
            f"BENCH load_p50_ms {self.percentile(50):.1f} ms {who}",
            f"BENCH load_p95_ms {self.percentile(95):.1f} ms {who}",
            f"BENCH load_p99_ms {self.percentile(99):.1f} ms {who}",
            f"BENCH load_errors {len(self.errors)} count {who}",
        ]


def run_level(stack: Stack, tokens: Sequence[str], cv: bytes, *, seconds: float, seed: int) -> Level:
    """``len(tokens)`` clients, each looping over the mix until the time is up."""
    ops = [op for op, _ in MIX]
    weights = [w for _, w in MIX]
    stop = threading.Event()
    start = threading.Barrier(len(tokens) + 1)
    tallies = [Tally() for _ in tokens]

    def client(i: int) -> None:
        headers = {"Authorization": f"Bearer {tokens[i]}"}
        with httpx.Client(base_url=stack.url, timeout=REQUEST_TIMEOUT_S, headers=headers) as http:
            c = Client(http, random.Random(seed * 1000 + i), tallies[i], cv)
            start.wait()
            for action in FIRST_VISIT:
                action(c)
            while not stop.is_set():
                c.rng.choices(ops, weights)[0](c)

    threads = [threading.Thread(target=client, args=(i,), name=f"load-{i}") for i in range(len(tokens))]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    stop.wait(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    return Level(
        clients=len(tokens),
        seconds=elapsed,
        latencies_ms=[ms for t in tallies for ms in t.latencies_ms],
        errors=[e for t in tallies for e in t.errors],
        routes=sum((t.routes for t in tallies), Counter()),
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Start the stack, run each level, print the BENCH lines; 1 on any error."""
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", default="16,32", help="comma-separated levels (default: 16,32)")
    parser.add_argument("--seconds", type=float, default=20.0, help="seconds per level (default: 20)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the clients' choices")
    args = parser.parse_args(argv)
    levels = [int(n) for n in args.clients.split(",")]
    if not (KIT / CV).is_file():
        print(f"the data kit is missing: {KIT / CV} (make load uploads a real CV from it)", file=sys.stderr)
        return 2
    cv = (KIT / CV).read_bytes()
    failed = False
    try:
        with tempfile.TemporaryDirectory(prefix="career-load-") as root, career_serve(Path(root)) as stack:
            print(f"# career serve at {stack.url}", flush=True)
            tokens = [sign_up(stack, n) for n in range(max(levels))]
            load_offers(stack)  # the store exists once the first account is written
            print(f"# {len(tokens)} users signed up and verified", flush=True)
            for level, clients in enumerate(levels, start=1):
                result = run_level(stack, tokens[:clients], cv, seconds=args.seconds, seed=args.seed + level)
                for line in result.lines():
                    print(line, flush=True)
                mix = ", ".join(f"{route} x{n}" for route, n in sorted(result.routes.items()))
                print(f"# {clients} clients: {mix}", flush=True)
                for error in result.errors[:10]:
                    print(f"# error: {error}", file=sys.stderr, flush=True)
                failed = failed or bool(result.errors)
            logged = stack.error_lines()
            print(f"# server log: {len(logged)} ERROR lines", flush=True)
            for line in logged[:5]:
                print(f"# {line[:300]}", flush=True)
    except LoadError as err:
        print(f"make load: {err}", file=sys.stderr)
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
