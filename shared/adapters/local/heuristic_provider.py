"""The offline profile provider: deterministic rules instead of an LLM.

Labelled ``provider: "heuristic"``, model ``heuristic-v1`` in every profile it makes, so it is
never passed off as an LLM. Same text and same reference date in, byte-identical draft out.
See docs/decisions/0061-heuristic-provider.md for what it does and does not recognise; the
rules live in shared/domain/cv/ (entry point: draft.py).
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from shared.domain.accounts import ProfileInputs
from shared.domain.profiles import ProfileDraft, TokenUsage
from shared.ports import Clock, ProviderResult

if TYPE_CHECKING:
    # The taxonomy and its automaton load with the first CV read, not with the provider.
    from shared.domain.skills import SkillMatcher

PROVIDER = "heuristic"
MODEL = "heuristic-v1"
RULES_VERSION = "heuristic-rules-v2"  # v2: German and French CVs, stated years, CV language


class HeuristicProfileProvider:
    """Builds a ProfileDraft from CV text with section rules and the skill taxonomy."""

    name = PROVIDER
    model = MODEL
    prompt_version = RULES_VERSION

    def __init__(self, clock: Clock, matcher: SkillMatcher | None = None) -> None:
        self._clock = clock
        # Resolved on first use: building the taxonomy matcher costs ~0.1 s, which a task that
        # fails before generating (unknown document) should not pay on a cold start.
        self._given_matcher = matcher

    @property
    def _matcher(self) -> SkillMatcher:
        from shared.domain.skills import default_matcher

        return self._given_matcher or default_matcher()

    def generate(self, cv_text: str, inputs: ProfileInputs | None = None) -> ProviderResult:
        """Read the CV; ``inputs`` are not needed (preferences are copied by the service)."""
        started = time.perf_counter()
        draft = self.draft(cv_text)
        latency = int((time.perf_counter() - started) * 1000)
        return ProviderResult(draft, PROVIDER, MODEL, RULES_VERSION, latency, TokenUsage())

    def draft(self, cv_text: str) -> ProfileDraft:
        """The deterministic draft for ``cv_text``."""
        from shared.domain.cv.draft import draft_profile  # the rules load on the first CV

        return draft_profile(cv_text, self._clock.now().date(), self._matcher)
