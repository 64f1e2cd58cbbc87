"""Largest contentful paint of the matches page with 200 results, in headless Chromium.

The world is made through the product's own services on a fresh local data folder: the kit's
saved boards go through the crawl path (``RunService.import_payload``), a kit CV becomes a
heuristic career profile (``CareerProfiles.add``), and ``MatchingService.match_profile``
ranks every offer and stores the top ``match_top_k`` (200) results. Then ``career serve``
(started here, stopped by its PID) serves the built app, and Debian's chromium loads
``/matches`` cold, signed in with a dev token, once per sample. The figure is the LCP entry's
start time (from navigation start) once the first page of results has painted.
"""

from __future__ import annotations

import json
import secrets
import statistics
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from bench.load import career_serve
from shared.adapters.local.clock import SystemClock
from shared.adapters.local.dev_tokens import DevTokenIdentity
from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.profiles import CareerProfile, Preferences, Provenance
from shared.repositories.career_profiles import CareerProfiles
from shared.services.matching import MatchingService
from shared.services.runs import RunService
from shared.services.sources import SourceService, SourceSpec

REPO = Path(__file__).resolve().parents[1]
KIT = REPO.parent / "shared" / "data"
DIST = REPO / "web" / "dist"
UID = "bench-matches"
CV = "resumes/swe-new-grad_deedy_two-column_1p.pdf"
BOARDS = (
    ("remotive", "job-sources/remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"),
    ("remoteok", "job-sources/remoteok/api_97jobs_2026-03.json"),
    ("arbeitnow", "job-sources/arbeitnow/job-board-api_100jobs_2026-02-15.json"),
    ("greenhouse", "job-sources/greenhouse/anthropic_board-jobs_content-true_4jobs.json"),
    ("lever", "job-sources/lever/spotify_postings_mode-json_4postings.json"),
    ("lever", "job-sources/lever/leverdemo_postings_mode-json_6postings.json"),
    ("ashby", "job-sources/ashby/ramp_posting-api_job-board_4jobs.json"),
)
COPIES = 2
SAMPLES = 5
TARGET_MS = 1500.0
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
# Installed before any page script: keeps the latest LCP entry (the browser reports larger
# candidates as they paint) where the bench can read it.
_OBSERVE_LCP = """
window.__lcp = null;
new PerformanceObserver((list) => {
  const entries = list.getEntries();
  const last = entries[entries.length - 1];
  const el = last.element;
  window.__lcp = {
    t: last.startTime,
    size: last.size,
    tag: el ? el.tagName : null,
    text: el ? el.textContent.slice(0, 40) : null,
  };
}).observe({ type: "largest-contentful-paint", buffered: true });
"""


@dataclass(frozen=True)
class Lcp:
    """The LCP figures of one run."""

    samples_ms: list[float]
    results: int
    shown: int
    element: str

    @property
    def median_ms(self) -> float:
        """The median sample."""
        return statistics.median(self.samples_ms)


def seed(data_dir: Path, secret: str) -> int:
    """Offers from the kit's boards, a profile from a kit CV, and its ranked matches; returns how many."""
    settings = Settings(backend="local", environment="local", data_dir=data_dir, dev_token_secret=secret)
    container = Container(settings)
    try:
        sources, runs = container.make(SourceService), container.make(RunService)
        # Each board twice, as two companies' boards: enough open offers that 200 pass the gates.
        for n, (kind, payload) in enumerate(BOARDS * COPIES):
            source, _ = sources.save(SourceSpec(kind=kind, board=f"bench-{n}", enabled=False))
            runs.import_payload(source.id, (KIT / payload).read_bytes(), f"bench-lcp-{n}")
        now = SystemClock().now()
        text = PyMuPdfExtractor().extract((KIT / CV).read_bytes(), max_pages=50, max_chars=200_000).text
        draft = HeuristicProfileProvider(SystemClock()).generate(text).draft
        provenance = Provenance(
            source_document_ids=["bench"],
            source_sha256s=[],
            inputs_hash="bench-lcp",
            provider="heuristic",
            model="heuristic-v1",
            prompt_version="heuristic-rules-v2",
            created_at=now,
        )

        def build(version: int) -> CareerProfile:
            return CareerProfile.from_draft(
                draft, uid=UID, version=version, preferences=Preferences(), provenance=provenance
            )

        container.make(CareerProfiles).add(UID, "bench-lcp", build, now)
        container.make(MatchingService).match_profile(UID)
        return _visible(container.make(MatchingService))
    finally:
        container.close()


def _visible(matching: MatchingService) -> int:
    """Results the page lists by default (not excluded), every page of them."""
    count, cursor = 0, None
    while True:
        page = matching.list_matches(UID, limit=100, cursor=cursor)
        count += len(page.items)
        cursor = page.next_cursor
        if cursor is None:
            return count


@contextmanager
def serve(root: Path, secret: str) -> Iterator[str]:
    """``career serve`` on the seeded folder (``root/data``), stopped by its PID: its URL."""
    with career_serve(root, secret) as stack:
        yield stack.url


def measure(samples: int = SAMPLES) -> Lcp:
    """Seed, serve, and load /matches cold ``samples`` times."""
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise RuntimeError("chromium is not installed: `apt-get install -y chromium` (make test does it)")
    if not (DIST / "index.html").is_file():
        raise RuntimeError(f"{DIST} is not built: run `make install`")
    secret = secrets.token_urlsafe(48)
    with tempfile.TemporaryDirectory(prefix="bench-lcp-") as tmp:
        root = Path(tmp)
        results = seed(root / "data", secret)
        token = DevTokenIdentity(secret, environment="local").mint(
            UID, email=f"{UID}@example.com", ttl_s=3600
        )
        session = {"mode": "local", "token": token, "uid": UID, "email": f"{UID}@example.com", "role": "user"}
        with serve(root, secret) as url, sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
            try:
                times, shown, element = [], 0, ""
                for _ in range(samples):
                    context = browser.new_context(viewport={"width": 1280, "height": 900})
                    context.add_init_script(
                        f"localStorage.setItem('career.session', {json.dumps(json.dumps(session))});"
                        + _OBSERVE_LCP
                    )
                    page = context.new_page()
                    page.goto(url + "/matches")
                    page.get_by_test_id("match").nth(0).wait_for(timeout=60_000)
                    page.wait_for_load_state("networkidle")
                    # two frames after the list: its paint has been reported
                    page.evaluate(
                        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
                    )
                    lcp = page.evaluate("() => window.__lcp")
                    shown = page.get_by_test_id("match").count()
                    times.append(float(lcp["t"]))
                    element = f"{lcp['tag']} {lcp['text']!r} ({lcp['size']} px²)"
                    context.close()
            finally:
                browser.close()
    return Lcp(times, results, shown, element)
