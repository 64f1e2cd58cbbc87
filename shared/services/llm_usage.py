"""LLM usage for operators: calls and tokens per UTC day, by provider."""

from __future__ import annotations

from shared.ports import Clock
from shared.repositories.llm_usage import DayUsage, LlmUsageRepository


class LlmUsageService:
    """Sums what every user's scoring calls cost, day by day."""

    def __init__(self, usage: LlmUsageRepository, clock: Clock) -> None:
        self._usage = usage
        self._clock = clock

    def days(self, count: int) -> list[DayUsage]:
        """The last ``count`` UTC days, today first (days without calls count zero)."""
        return self._usage.days(self._clock.now().date(), count)
