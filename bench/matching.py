"""Matching benchmarks: quality, feature extraction, ranking 100,000 offers, incremental runs.

- ``BENCH ndcg10_<cv>`` / ``ndcg10_mean``: graded NDCG@10 per kit CV over the labelled postings
  (tests/data/match_labels.json, rubric in tests/data/README.md).
- ``BENCH offer_features_per_s``: full offer features (skills by the Aho-Corasick automaton,
  required vs nice-to-have, title words and families, seniority, places, pay) from clean text,
  warm taxonomy, computed by ``offers_features`` as matching computes the stale ones (every
  offer's skills first, then the rest of each record, decision 0096);
  ``offer_features_one_call_each_per_s`` the same postings by one ``offer_features`` call each,
  interleaved, and ``RATIO offer_features_batch_vs_one_call_each``;
  ``offer_features_previous_per_s`` the same postings through the extraction it
  replaced (tests/support/legacy_features.py, the word-set index), interleaved in the same run,
  and ``RATIO offer_features_vs_previous``. The line names the description reading that ran: the
  compiled reader when built (decision 0092), else Python; ``offer_features_pure_per_s`` the same
  postings with the Python reading, interleaved, and ``RATIO offer_features_native_vs_pure``;
  ``offer_description_us`` / ``offer_description_pure_us`` the description side alone (the parts
  and their skills, ``description_skills``), CPU microseconds per posting.
  ``RATIO offer_skills_automaton_vs_trie``: the skill reading of a description by the automaton
  over the regex trie, line by line. Extraction is
  timed in CPU seconds of this process (``time.process_time``): it is single-threaded CPU work,
  and on a shared machine wall time would mostly measure the other processes. Each figure is
  the median of 11 interleaved passes over the kit postings.
- ``BENCH offer_title_features_per_s``: the title side of offer features alone (gender tags,
  folding, title words, role families, seniority: ``read_title`` and ``folded_title_tokens``, as
  ``offer_features`` calls them) on the kit titles, in CPU seconds; nothing is cached by title (the
  rule automata are built once per process, as in production). ``offer_title_features_previous_per_s``
  the same titles through the per-rule regexes it replaced (tests/support/legacy_titles.py),
  interleaved, and ``RATIO offer_title_features_vs_previous``.
- ``RATIO match_vs_rapidfuzz_titles``: the production path over ``rapidfuzz.process.extract`` on
  the titles alone (both single-threaded, in CPU seconds of this process); medians of
  interleaved repetitions. The production path is what
  ``MatchingService`` runs once the store has answered: the feature cache's check of 100,000
  stored feature documents (written by ``OfferFeatureCache.save``, read back from the store),
  ``rank`` scoring every one from its stored form, then decoding and explaining the top K.
- ``BENCH match_e2e_100k_s``: feature extraction from clean text for 100,000 postings (CPU time
  on 10,000, scaled) plus that ranking, the 100,000 records live as in a matching run and the
  cyclic collector paused as a matching run pauses it (shared/services/collector.py).
  ``BENCH match_e2e_extract_us_per_posting`` is that extraction per posting, with the same
  extraction with the collector running beside it and how many full collections (each walking
  the 100,000 live records) landed in it and their CPU time: none or one, depending on how many
  objects the earlier steps left since the last one, which is why the paused figure is the
  one scaled.
- ``BENCH match_run_100k_s``: ``MatchingService.match_profile`` over 100,000 stored open offers,
  5% of them without cached features (a day's churn), as shipped (collector paused), and
  ``match_run_100k_collector_running_s`` the same run with the collector running, one run each
  (the paused one first, so the first touch of the store's memory counts against it);
  ``RATIO match_run_collector_running_vs_paused``.
- The cost of an incremental run with 1% changed offers next to a full run.
"""

from __future__ import annotations

import gc
import inspect
import statistics
import time
import tracemalloc
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import process

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.matching.features import (
    FeatureRecord,
    description_parts,
    description_reading,
    description_skills,
    folded_title_tokens,
    offer_features,
    offers_features,
    profile_features,
    title_weight,
    use_native_reading,
)
from shared.domain.matching.ranking import rank
from shared.domain.offers import JobOffer
from shared.domain.skills import default_index, default_matcher
from shared.domain.titles import read_title
from shared.repositories.offers import FEATURES, OFFERS, OfferFeatureCache, fresh_records
from shared.services.collector import collector_paused
from shared.services.matching import MatchingService
from shared.sources.registry import adapter
from shared.topology import TOPOLOGY
from tests.support import legacy_titles
from tests.support.legacy_features import legacy_index, legacy_offer_features
from tests.support.match_quality import AS_OF, CONTROL_CVS, TARGET_CVS, cv_profile, ndcg_by_cv

TOP_K = Settings().match_top_k

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


def _cpu_timed(fn: Callable[[], object]) -> float:
    start = time.process_time()
    fn()
    return time.process_time() - start


def _scaled(offers: list[JobOffer]) -> tuple[list[JobOffer], list[FeatureRecord]]:
    """100,000 offers and their features' stored form, from the kit's postings.

    Distinct ids and title variants, so no two rows are the same string or token set.
    """
    features = [offer_features(o).to_record() for o in offers]
    big_offers, big = [], []
    for i in range(N):
        base, record = offers[i % len(offers)], features[i % len(offers)]
        offer = base.model_copy(update={"external_id": f"{base.external_id}-{i}"})
        title = f"{record['title']} {WORDS[i % 10]} {WORDS[(i // 10) % 10]} {i // 100}"
        tokens = frozenset(record["title_tokens"]) | {WORDS[i % 10].lower(), str(i // 100)}
        big_offers.append(offer)
        big.append(
            record
            | {
                "offer_id": offer.id,
                "title": title,
                "title_tokens": sorted(tokens),
                "title_size": title_weight(tokens),
            }
        )
    return big_offers, big


def _save_open(store: SqliteDocumentStore, offers: Sequence[JobOffer]) -> None:
    """Store ``offers`` as open offers, in batches."""
    batch = store.batch()
    for n, o in enumerate(offers, start=1):
        batch.set(f"{OFFERS}/{o.id}", {**o.model_dump(mode="python"), "closed_at": None})
        if n % 400 == 0:
            batch.commit()
            batch = store.batch()
    batch.commit()


def _cpu_timed_collections(fn: Callable[[], object]) -> tuple[float, int, float]:
    """CPU seconds of ``fn``, and the full collections that ran meanwhile and their CPU seconds."""
    full: list[float] = []
    started = [0.0]

    def watch(phase: str, info: dict[str, int]) -> None:
        if info["generation"] != 2:
            return
        if phase == "start":
            started[0] = time.process_time()
        else:
            full.append(time.process_time() - started[0])

    gc.callbacks.append(watch)
    try:
        seconds = _cpu_timed(fn)
    finally:
        gc.callbacks.remove(watch)
    return seconds, len(full), sum(full)


def _matching_run(offers: list[JobOffer]) -> None:
    """Print the lines of a whole matching run over 100,000 stored offers, paused and running."""
    big_offers, big = _scaled(offers)
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    _save_open(store, big_offers)
    OfferFeatureCache(store).save(big)
    ids = [o.id for o in big_offers]
    del big_offers, big  # a run holds what it reads from the store, nothing of the bench's
    profile = cv_profile(KIT, "senior-swe_two-column_chromium_1p.pdf")
    store.set("users/bench/career_profiles/1", profile.model_dump(mode="python") | {"uid": "bench"})
    service = Container(Settings(), store=store, clock=ManualClock(AS_OF)).make(MatchingService)
    unpaused = inspect.unwrap(MatchingService.match_profile)
    stale = N // 20

    def churn(k: int) -> None:  # a day's changed offers: their cached features are gone
        batch = store.batch()
        for n, offer_id in enumerate(ids[k * stale : (k + 1) * stale], start=1):
            batch.delete(f"{FEATURES}/{offer_id}")
            if n % 400 == 0:
                batch.commit()
                batch = store.batch()
        batch.commit()

    churn(0)
    paused = _cpu_timed(lambda: service.match_profile("bench", 1))
    churn(1)
    running, count, collecting = _cpu_timed_collections(lambda: unpaused(service, "bench", 1))
    store.close()
    print(
        f"BENCH match_run_100k_s {paused:.1f} s (match_profile over {N} open offers, "
        f"{stale} without cached features; collector paused, as shipped)"
    )
    print(
        f"BENCH match_run_100k_collector_running_s {running:.1f} s "
        f"({count} full collections in it, {collecting:.1f} s CPU)"
    )
    print(f"RATIO match_run_collector_running_vs_paused {running / paused:.2f}")


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
    _save_open(store, many)
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


def _trie_skills(offer: JobOffer) -> set[str]:
    """The previous skill reading of offer features: the regex trie, line by line."""
    matcher = default_matcher()
    return {hit.name for line in offer.description_text.splitlines() for hit in matcher.find_skills(line)}


def _automaton_skills(offer: JobOffer) -> set[str]:
    index = default_index()
    return {name for part, _ in description_parts(offer.description_text) for name in index.scan_utf8(part)}


def _quality() -> None:
    scores = ndcg_by_cv(KIT, (*TARGET_CVS, *CONTROL_CVS))
    for name, value in scores.items():
        control = " (control)" if name in CONTROL_CVS else ""
        print(f"BENCH ndcg10_{name.split('_')[0]} {value:.3f}{control}")
    print(f"BENCH ndcg10_mean {statistics.mean(scores[n] for n in TARGET_CVS):.3f} (target CVs)")


EXTRACTION_PASSES = 11


def _pure_features(offers: list[JobOffer]) -> list[object]:
    """Offer features with the descriptions read in Python (the compiled reader turned off)."""
    use_native_reading(False)
    try:
        return list(offers_features(offers))
    finally:
        use_native_reading(True)


def _extraction(offers: list[JobOffer]) -> float:
    """Print extraction lines; return the seconds per offer of full offer features."""
    default_index(), default_matcher(), legacy_index()  # built once per process, as in production
    reading = description_reading()
    full, single, pure, previous, auto, trie, side, side_pure = [], [], [], [], [], [], [], []
    texts = [o.description_text for o in offers]
    # Each pass over the kit is some 10 ms: a median of many keeps a stray interruption of this
    # shared machine out of the figure.
    for _ in range(EXTRACTION_PASSES):
        full.append(_cpu_timed(lambda: offers_features(offers)))
        single.append(_cpu_timed(lambda: [offer_features(o) for o in offers]))
        pure.append(_cpu_timed(lambda: _pure_features(offers)))
        side.append(_cpu_timed(lambda: [description_skills(t) for t in texts]))
        use_native_reading(False)
        side_pure.append(_cpu_timed(lambda: [description_skills(t) for t in texts]))
        use_native_reading(True)
        previous.append(_cpu_timed(lambda: [legacy_offer_features(o) for o in offers]))
        auto.append(_cpu_timed(lambda: [_automaton_skills(o) for o in offers]))
        trie.append(_cpu_timed(lambda: [_trie_skills(o) for o in offers]))
    per_offer = statistics.median(full) / len(offers)
    kit = f"{len(offers)} kit postings"
    print(
        f"BENCH offer_features_per_s {1 / per_offer:.0f} offers/s "
        f"({kit}, {reading} reading, offers_features as matching computes them)"
    )
    print(
        f"BENCH offer_features_one_call_each_per_s {len(offers) / statistics.median(single):.0f} offers/s "
        f"(offer_features called once per posting)"
    )
    batch_ratio = statistics.median(single) / statistics.median(full)
    print(f"RATIO offer_features_batch_vs_one_call_each {batch_ratio:.2f}")
    print(f"BENCH offer_features_pure_per_s {len(offers) / statistics.median(pure):.0f} offers/s (Python)")
    print(f"RATIO offer_features_native_vs_pure {statistics.median(pure) / statistics.median(full):.2f}")
    us = 1e6 / len(texts)
    print(f"BENCH offer_description_us {statistics.median(side) * us:.1f} us/posting ({reading} reading)")
    print(f"BENCH offer_description_pure_us {statistics.median(side_pure) * us:.1f} us/posting (Python)")
    print(f"BENCH offer_features_previous_per_s {len(offers) / statistics.median(previous):.0f} offers/s")
    print(f"RATIO offer_features_vs_previous {statistics.median(previous) / statistics.median(full):.1f}")
    print(f"BENCH offer_skills_trie_per_s {len(offers) / statistics.median(trie):.0f} offers/s")
    print(f"BENCH offer_skills_automaton_per_s {len(offers) / statistics.median(auto):.0f} offers/s")
    print(f"RATIO offer_skills_automaton_vs_trie {statistics.median(trie) / statistics.median(auto):.1f}")
    return per_offer


def _title_side(title: str) -> object:
    reading = read_title(title)
    return folded_title_tokens(reading.folded), reading.families, reading.level


def _previous_title_side(title: str) -> object:
    folded = legacy_titles.fold_title(title)
    return (
        legacy_titles.folded_title_tokens(folded),
        legacy_titles.folded_title_families(folded),
        legacy_titles.title_level(title),
    )


def _title_extraction(offers: list[JobOffer]) -> None:
    """Print the title-side lines: the one-pass reading next to the per-rule regexes."""
    titles = [o.title for o in offers] * 4
    _title_side(titles[0])  # the rule automata, built once per process as in production
    new, previous = [], []
    for _ in range(5):
        new.append(_cpu_timed(lambda: [_title_side(t) for t in titles]))
        previous.append(_cpu_timed(lambda: [_previous_title_side(t) for t in titles]))
    per_title = statistics.median(new) / len(titles)
    print(
        f"BENCH offer_title_features_per_s {1 / per_title:.0f} titles/s "
        f"({per_title * 1e6:.1f} us/title, {len(offers)} kit titles x 4)"
    )
    new_s, previous_s = statistics.median(new), statistics.median(previous)
    print(f"BENCH offer_title_features_previous_per_s {len(titles) / previous_s:.0f} titles/s")
    print(f"RATIO offer_title_features_vs_previous {previous_s / new_s:.1f}")


def run() -> None:
    """Print the matching BENCH and RATIO lines."""
    _quality()
    offers = _kit_offers()
    per_offer = _extraction(offers)
    _title_extraction(offers)
    _ranking_100k(offers, per_offer)
    _matching_run(offers)
    _incremental(offers)


def _ranking_100k(offers: list[JobOffer], per_offer: float) -> None:
    """Print the lines of ranking 100,000 stored records and of the end-to-end estimate."""
    profile = profile_features(cv_profile(KIT, "senior-swe_two-column_chromium_1p.pdf"))
    big_offers, big = _scaled(offers)
    store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
    OfferFeatureCache(store).save(big)
    snaps = store.get_many([f"{FEATURES}/{o.id}" for o in big_offers])  # what the store answers
    titles = [r["title"] for r in big]
    query = "Senior Software Engineer"

    def production() -> object:
        cached = [r for r in fresh_records(big_offers, snaps) if r is not None]
        assert len(cached) == N
        return rank(profile, cached, as_of=AS_OF, top=TOP_K)

    ours, theirs, scoring = [], [], []
    for _ in range(3):
        ours.append(_cpu_timed(production))
        scoring.append(_cpu_timed(lambda: rank(profile, big, as_of=AS_OF, top=TOP_K)))
        theirs.append(_cpu_timed(lambda: process.extract(query, titles, limit=TOP_K)))
    o_med, s_med, t_med = statistics.median(ours), statistics.median(scoring), statistics.median(theirs)
    tracemalloc.start()
    production()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    sample = offers * (10_000 // len(offers) + 1)  # the same postings again: no cache between calls
    with collector_paused():  # as a matching run computes features (shared/services/collector.py)
        extract_10k = _cpu_timed(lambda: offers_features(sample[:10_000]))
    running, count, collecting = _cpu_timed_collections(lambda: offers_features(sample[:10_000]))
    print(f"BENCH match_100k_s {o_med:.3f} s (cache check of stored records, score, explain top {TOP_K})")
    print(f"BENCH match_100k_scoring_only_s {s_med:.3f} s (stored records in memory, no cache check)")
    print(f"BENCH rapidfuzz_titles_100k_s {t_med:.3f} s")
    print(f"BENCH match_offers_per_s {N / o_med:.0f} offers/s")
    print(f"BENCH match_100k_peak_alloc_mb {peak / 1e6:.1f} MB")
    print(f"RATIO match_vs_rapidfuzz_titles {o_med / t_med:.2f}")
    print(
        f"BENCH match_e2e_100k_s {extract_10k * 10 + o_med:.1f} s "
        f"(features from clean text: CPU time on 10,000 postings x 10, plus ranking; "
        f"{per_offer * 1e6:.0f} us/posting in the warm kit run)"
    )
    print(
        f"BENCH match_e2e_extract_us_per_posting {extract_10k / 10_000 * 1e6:.0f} us "
        f"(collector paused, as in a matching run; {running / 10_000 * 1e6:.0f} us with it running: "
        f"{count} full collections of the live records, {collecting:.2f} s CPU)"
    )
