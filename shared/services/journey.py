"""The journey: step providers, one module per step.

Each area adds its step as one module in ``shared.services.journey_steps`` defining
``STEP = StepProvider(...)`` and names it in that package's ``STEPS``. A provider reads only
the caller's own data, through repositories, and does a
bounded number of reads (one get, or one limited query).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from shared.domain.journey import Journey, JourneyStep, StepState, StepStatus, blocked_unless
from shared.ports import Clock, DocumentStore


@dataclass(frozen=True)
class StepContext:
    """What a provider may look at: the caller, the store, the time, the earlier steps."""

    uid: str
    store: DocumentStore
    clock: Clock
    earlier: Mapping[str, JourneyStep]


@dataclass(frozen=True)
class StepProvider:
    """One journey step: where it sits (``order``), what it needs, how to evaluate it."""

    key: str
    title: str
    order: int
    evaluate: Callable[[StepContext], StepStatus]
    requires: tuple[str, ...] = field(default=())


class JourneyService:
    """Evaluates every registered step for one user, in order."""

    def __init__(
        self,
        store: DocumentStore,
        clock: Clock,
        providers: Sequence[StepProvider] | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        chosen = journey_steps() if providers is None else tuple(providers)
        self._providers = tuple(sorted(chosen, key=lambda p: (p.order, p.key)))
        _check_requirements(self._providers)

    def journey(self, uid: str) -> Journey:
        """The caller's journey."""
        done: dict[str, JourneyStep] = {}
        steps: list[JourneyStep] = []
        for provider in self._providers:
            status = provider.evaluate(StepContext(uid, self._store, self._clock, dict(done)))
            ready = all(done[r].state == StepState.DONE for r in provider.requires)
            status = blocked_unless(ready, status).with_next_action()
            step = JourneyStep(
                key=provider.key,
                title=provider.title,
                requires=list(provider.requires),
                **status.model_dump(),
            )
            done[provider.key] = step
            steps.append(step)
        return Journey.of(steps)


def journey_steps() -> tuple[StepProvider, ...]:
    """The journey's steps (imported on first use: only GET /journey needs them)."""
    from shared.services.journey_steps import STEPS

    return STEPS


def _check_requirements(providers: Sequence[StepProvider]) -> None:
    # A step may only depend on steps evaluated before it; anything else is a wiring bug.
    seen: set[str] = set()
    for p in providers:
        if p.key in seen:
            raise ValueError(f"journey step {p.key!r} is registered twice")
        missing = [r for r in p.requires if r not in seen]
        if missing:
            raise ValueError(f"journey step {p.key!r} requires {missing} which come later or not at all")
        seen.add(p.key)
