"""Matching benchmarks: rank 100,000 offers against one profile, next to rapidfuzz on titles.

RATIO match_vs_rapidfuzz_titles: our full matcher (every feature, gates, explanations of the top
10) over ``rapidfuzz.process.extract`` on the titles alone, same offers, same run, interleaved
repetitions, median of each (target <= 3).
Also: ranking throughput, peak memory of a ranking, feature extraction throughput, and the
cost (time, writes) of an incremental run with 1% changed offers next to a full run.
"""

from __future__ import annotations

import dataclasses
import statistics
import time
import tracemalloc
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from rapidfuzz import process

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.matching.features import OfferFeatures, offer_features, profile_features
from shared.domain.matching.ranking import rank
from shared.domain.offers import JobOffer
from shared.services.matching import MatchingService
from shared.sources.registry import adapter
from shared.topology import TOPOLOGY
from tests.support.match_quality import AS_OF, cv_profile

KIT = Path(__file__).resolve().parents[2] / "shared" / "data"
PAYLOADS = (
    "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json",
    "remoteok/api_97jobs_2026-03.json",
    "arbeitnow/job-board-api_100jobs_2026-02-15.json",
    "greenhouse/anthropic_board-jobs_content-true_4jobs.json",
    "lever/spotify_postings_mode-json_4postings.json",
    "lever/leverdemo_postings_mode-json_6postings.json",
    "ashby/ramp_posting-api_job-board_4jobs.json",
)
N = 100_000
WORDS = ("Platform", "Payments", "Growth", "Core", "Search", "Mobile", "Infra", "EMEA", "Cloud", "Data")


def _kit_offers() -> list[JobOffer]:
    offers: list[JobOffer] = []
    for rel in PAYLOADS:
        kind = rel.split("/", 1)[0]
        offers += adapter(kind).parse((KIT / "job-sources" / rel).read_bytes(), board=kind)
    return offers


def _timed(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _scaled(features: list[OfferFeatures]) -> list[OfferFeatures]:
    # Distinct ids and title variants, so no two rows are the same string or token set.
    out = []
    for i in range(N):
        base = features[i % len(features)]
        title = f"{base.title} {WORDS[i % 10]} {WORDS[(i // 10) % 10]} {i // 100}"
        out.append(
            dataclasses.replace(
                base,
                offer_id=f"{base.offer_id}-{i}",
                title=title,
                title_tokens=base.title_tokens | {WORDS[i % 10].lower(), str(i // 100)},
            )
        )
    return out


def _incremental(offers: list[JobOffer]) -> None:
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    service = Container(Settings(), store=store, clock=ManualClock(AS_OF)).make(MatchingService)
    many = [
        JobOffer.create(
            **{**o.model_dump(exclude={"content_hash", "fingerprint"}), "external_id": f"{o.external_id}-{i}"}
        )
        for i in range(8)
        for o in offers
    ]
    profile = cv_profile(KIT, "senior-swe_two-column_chromium_1p.pdf")
    store.set("users/bench/career_profiles/1", profile.model_dump(mode="python") | {"uid": "bench"})
    batch = store.batch()
    for n, o in enumerate(many, start=1):
        batch.set(f"job_offers/{o.id}", {**o.model_dump(mode="python"), "closed_at": None})
        if n % 400 == 0:
            batch.commit()
            batch = store.batch()
    batch.commit()
    service.match_profile("bench", 1)  # warm: features computed and cached, results stored
    writes = store.writes
    full = _timed(lambda: service.match_profile("bench", 1))
    full_writes = store.writes - writes
    changed = many[::100]
    for o in changed:
        fields = o.model_dump(exclude={"content_hash", "fingerprint"})
        fresh = JobOffer.create(
            **{**fields, "description_text": o.description_text + "\nPython and Kubernetes."}
        )
        store.set(f"job_offers/{o.id}", {**fresh.model_dump(mode="python"), "closed_at": None})
    writes = store.writes
    incremental = _timed(lambda: service.match_offers([o.id for o in changed]))
    inc_writes = store.writes - writes
    print(f"BENCH match_full_run_s {full:.3f} s ({len(many)} offers, {full_writes} writes)")
    print(f"BENCH match_incremental_1pct_s {incremental:.3f} s ({len(changed)} offers, {inc_writes} writes)")
    print(f"RATIO match_incremental_vs_full {incremental / full:.3f}")


def run() -> None:
    """Print the matching BENCH and RATIO lines."""
    offers = _kit_offers()
    start = time.perf_counter()
    features = [offer_features(o) for o in offers]
    print(f"BENCH offer_features_per_s {len(offers) / (time.perf_counter() - start):.0f} offers/s")
    profile = profile_features(cv_profile(KIT, "senior-swe_two-column_chromium_1p.pdf"))
    big = _scaled(features)
    titles = [o.title for o in big]
    query = "Senior Software Engineer"
    ours, theirs = [], []
    for _ in range(5):
        ours.append(_timed(lambda: rank(profile, big, as_of=AS_OF, top=10)))
        theirs.append(_timed(lambda: process.extract(query, titles, limit=10)))
    o_med, t_med = statistics.median(ours), statistics.median(theirs)
    tracemalloc.start()
    rank(profile, big, as_of=datetime.now(UTC), top=10)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(f"BENCH match_100k_s {o_med:.3f} s")
    print(f"BENCH rapidfuzz_titles_100k_s {t_med:.3f} s")
    print(f"BENCH match_offers_per_s {N / o_med:.0f} offers/s")
    print(f"BENCH match_100k_peak_alloc_mb {peak / 1e6:.1f} MB")
    print(f"RATIO match_vs_rapidfuzz_titles {o_med / t_med:.2f}")
    _incremental(offers)
