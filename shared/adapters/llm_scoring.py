"""A score provider on any StructuredLLM (Gemini in production): the versioned rubric prompt."""

from __future__ import annotations

from shared.domain.scoring.prompt import PROMPT_VERSION, SYSTEM_PROMPT, user_prompt
from shared.domain.scoring.rubric import RubricReply
from shared.ports import ScoreInput, ScoreOutput, StructuredLLM


class LlmScoreProvider:
    """One structured-output call per pair; the service checks the reply before using it."""

    prompt_version = PROMPT_VERSION

    def __init__(self, llm: StructuredLLM, *, name: str = "gemini") -> None:
        self._llm = llm
        self.name = name
        self.model = llm.model

    def score(self, request: ScoreInput) -> ScoreOutput:
        """Ask the model for the rubric reply of this pair."""
        prompt = user_prompt(
            request.cv_text,
            request.posting_text,
            request.facts,
            request.preferences,
            request.offer_content_hash,
        )
        reply = self._llm.generate(SYSTEM_PROMPT, prompt, RubricReply)
        return ScoreOutput(
            reply.parsed, self.name, reply.model, PROMPT_VERSION, reply.latency_ms, reply.usage
        )
