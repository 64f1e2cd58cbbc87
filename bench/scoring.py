"""Notebook scoring benchmarks, on the production path (the scoring task through the service).

BENCH score_heuristic_ms: median time of one scoring task (ScoringService.run: store reads,
  deterministic explanation, offline rubric, checks, transactional write) over kit postings.
BENCH score_cache_hit_llm_calls: provider calls made when every one of those tasks runs again
  on unchanged inputs (target 0).
BENCH score_prompt_tokens: estimated tokens (4 characters a token) of the whole Gemini prompt,
  system and user turns, for the 3-page kit CV and the kit's longest posting (target < 6000);
  score_prompt_tokens_whole_texts is the same pair sent without section selection, for scale.
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.file_blobs import FileBlobStore
from shared.adapters.local.heuristic_scorer import HeuristicScoreProvider
from shared.adapters.local.sqlite_queue import SqliteDeliveryQueue
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.adapters.pdf_text import PyMuPdfExtractor
from shared.bootstrap import Container
from shared.channels.scoring import ScoreTask
from shared.config import Settings
from shared.domain.offers import JobOffer
from shared.domain.scoring.prompt import SYSTEM_PROMPT, PostingFacts, estimate_tokens, user_prompt
from shared.ports import ScoreInput, ScoreOutput
from shared.services.notebook import NotebookService, SaveRequest
from shared.services.scoring import ScoringService, inputs_key
from shared.sources.registry import adapter
from shared.topology import TOPOLOGY
from tests.support.match_quality import AS_OF, cv_profile

KIT = Path(__file__).resolve().parents[2] / "shared" / "data"
CV = "devops-architect_awesome-cv_3p.pdf"
PAYLOADS = (
    ("greenhouse", "anthropic", "greenhouse/anthropic_board-jobs_content-true_4jobs.json"),
    ("lever", "spotify", "lever/spotify_postings_mode-json_4postings.json"),
    ("ashby", "ramp", "ashby/ramp_posting-api_job-board_4jobs.json"),
    ("remotive", "all", "remotive/remote-jobs_35jobs_2026-07_utf8-bom.json"),
)


class Counting:
    """Counts the calls passed to the offline provider."""

    def __init__(self) -> None:
        self._inner = HeuristicScoreProvider()
        self.name, self.model, self.prompt_version = (
            self._inner.name,
            self._inner.model,
            self._inner.prompt_version,
        )
        self.calls = 0

    def score(self, request: ScoreInput) -> ScoreOutput:
        self.calls += 1
        return self._inner.score(request)


def _offers() -> list[JobOffer]:
    out: list[JobOffer] = []
    for kind, board, path in PAYLOADS:
        out += adapter(kind).parse((KIT / "job-sources" / path).read_bytes(), board=board)
    return [o for o in out if o.description_text]


def _cv_text() -> str:
    return (
        PyMuPdfExtractor().extract((KIT / "resumes" / CV).read_bytes(), max_pages=50, max_chars=200_000).text
    )


def run() -> None:
    """Print the scoring BENCH lines."""
    import tempfile

    offers = _offers()
    profile = cv_profile(KIT, CV).model_copy(update={"uid": "bench"})
    with tempfile.TemporaryDirectory() as tmp:
        clock = ManualClock(AS_OF)
        store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
        queue = SqliteDeliveryQueue(":memory:", topology=TOPOLOGY, clock=clock)
        texts = FileBlobStore(
            Path(tmp), "text", signing_secret=b"s", base_url="http://127.0.0.1:9", clock=clock
        )
        provider = Counting()
        settings = Settings(environment="test", data_dir=Path(tmp), llm_daily_budget=10_000)
        container = Container(
            settings, store=store, texts=texts, delivery=queue, tasks=queue, publisher=queue, clock=clock,
            score_provider=provider,
        )  # fmt: skip
        store.set(f"users/bench/career_profiles/{profile.version}", profile.model_dump(mode="python"))
        notebook, scoring = container.make(NotebookService), container.make(ScoringService)
        tasks: list[ScoreTask] = []
        for offer in offers:
            store.set(f"job_offers/{offer.id}", {**offer.model_dump(mode="python"), "closed_at": None})
            entry = notebook.save("bench", SaveRequest(offer_id=offer.id)).entry
            tasks.append(
                ScoreTask(uid="bench", entry_id=entry.id, inputs_hash=inputs_key(profile, offer, provider))
            )
        timings = []
        for task in tasks:
            started = time.perf_counter()
            scoring.run(task)
            timings.append((time.perf_counter() - started) * 1000)
        print(f"BENCH score_heuristic_ms {statistics.median(timings):.2f} ms", flush=True)
        before = provider.calls
        for task in tasks:
            scoring.run(task)
        print(f"BENCH score_cache_hit_llm_calls {provider.calls - before} calls", flush=True)
        queue.close()
        store.close()
    cv = _cv_text()
    longest = max(offers, key=lambda o: len(o.description_text))
    facts = PostingFacts(longest.title, longest.company, "", longest.remote_policy, "")
    prompt = SYSTEM_PROMPT + user_prompt(
        cv, longest.description_text, facts, "remote any", longest.content_hash
    )
    whole = SYSTEM_PROMPT + cv + longest.description_text
    print(f"BENCH score_prompt_tokens {estimate_tokens(prompt)} tokens", flush=True)
    print(f"BENCH score_prompt_tokens_whole_texts {estimate_tokens(whole)} tokens", flush=True)
    print(f"# cv {len(cv)} chars, longest posting {len(longest.description_text)} chars ({longest.title})")


if __name__ == "__main__":
    run()
