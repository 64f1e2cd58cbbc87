"""Career profiles offline: skill matcher speed and heuristic provider latency on the kit's CVs.

- ``skill_matcher_build_ms``: compiling the taxonomy into its two regexes (once per process).
- ``skill_scan_mb_per_s``: ``find_skills`` throughput over the kit's extracted CV text; the
  RATIO compares it with a plain alternation of the same aliases (no trie), the obvious
  alternative, on the same text.
- ``heuristic_profile_ms``: median time of one heuristic draft per CV (what a local profile costs).
"""

from __future__ import annotations

import functools
import re
import statistics
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
RESUMES = REPO.parent / "shared" / "data" / "resumes"
ROUNDS = 7


def _texts() -> list[str]:
    from shared.adapters.pdf_text import PyMuPdfExtractor

    extractor = PyMuPdfExtractor()
    out = []
    for path in sorted(RESUMES.glob("*.pdf")):
        try:
            out.append(extractor.extract(path.read_bytes(), max_pages=50, max_chars=200_000).text)
        except Exception:  # noqa: S112 - the unreadable kit files are not part of this benchmark
            continue
    return out


def _seconds(fn: Callable[[], object]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def _median_s(fn: Callable[[], object], rounds: int = ROUNDS) -> float:
    return statistics.median(_seconds(fn) for _ in range(rounds))


def run() -> None:
    """Print the matcher and provider figures."""
    if not RESUMES.is_dir():
        print(f"BENCH profiles SKIPPED (no test data kit at {RESUMES})")
        return
    from shared.adapters.local.clock import ManualClock
    from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
    from shared.domain.skills import SkillMatcher, taxonomy_entries

    texts = _texts()
    corpus = "\n".join(texts)
    entries = list(taxonomy_entries())
    start = time.perf_counter()
    matcher = SkillMatcher(entries)
    print(f"BENCH skill_matcher_build_ms {(time.perf_counter() - start) * 1000:.1f} ms")

    aliases = sorted({a for e in entries for a in [e["name"], *e.get("aliases", [])]}, key=len, reverse=True)
    plain = re.compile(r"(?<![\w.+#])(?:" + "|".join(re.escape(a) for a in aliases) + r")(?![\w+#])", re.I)
    trie_runs, plain_runs = [], []
    for _ in range(ROUNDS):  # interleaved, so load on the machine hits both alike
        trie_runs.append(_seconds(lambda: matcher.find_skills(corpus)))
        plain_runs.append(_seconds(lambda: list(plain.finditer(corpus))))
    trie_s, plain_s = statistics.median(trie_runs), statistics.median(plain_runs)
    mb = len(corpus.encode()) / 1e6
    print(f"BENCH skill_scan_mb_per_s {mb / trie_s:.2f} MB/s")
    print(f"RATIO skill_scan_trie_vs_plain_alternation {plain_s / trie_s:.2f}")

    provider = HeuristicProfileProvider(ManualClock())
    per_cv = [_median_s(functools.partial(provider.draft, t)) * 1000 for t in texts]
    print(f"BENCH heuristic_profile_ms {statistics.median(per_cv):.1f} ms")
    print(f"BENCH heuristic_profile_max_ms {max(per_cv):.1f} ms")
