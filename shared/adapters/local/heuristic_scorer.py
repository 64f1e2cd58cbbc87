"""The offline score provider: rubric replies derived from the deterministic explanation.

Labelled ``provider: "heuristic"``, model ``heuristic-v1`` in every score it makes, so it is
never passed off as an LLM. The rules live in shared/domain/scoring/heuristic.py.
"""

from __future__ import annotations

import time

from shared.domain.scoring.heuristic import MODEL, RULES_VERSION, rubric_from
from shared.ports import LlmUsage, ScoreInput, ScoreOutput

PROVIDER = "heuristic"


class HeuristicScoreProvider:
    """Same inputs, same reply; no network, no tokens."""

    name = PROVIDER
    model = MODEL
    prompt_version = RULES_VERSION

    def score(self, request: ScoreInput) -> ScoreOutput:
        """The rubric reply of the rules for this pair."""
        started = time.perf_counter()
        reply = rubric_from(
            request.deterministic,
            cv_text=request.cv_text,
            posting_text=request.posting_text,
            title=request.facts.title,
            offer_content_hash=request.offer_content_hash,
        )
        latency = int((time.perf_counter() - started) * 1000)
        return ScoreOutput(reply, PROVIDER, MODEL, RULES_VERSION, latency, LlmUsage())
