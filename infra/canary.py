"""A canary release over several services, run with the decisions of infra/release.py.

All changed services are tagged, smoked, shifted and watched together, and all roll back
together, so a change to ``shared/`` is never left half released.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from infra.release import (
    CANDIDATE_TAG,
    STAGES,
    CloudRun,
    ReleaseError,
    RevisionHealth,
    Smoke,
    Target,
    Verdict,
    candidate_of,
    judge,
    plan_revert,
    plan_rollback,
    plan_shift,
    plan_tagging,
    serving_revision,
)
from infra.signals import API_ERROR_RATIO


@dataclass
class Step:
    """One thing the release did, for the report."""

    action: str
    service: str
    detail: str = ""


@dataclass
class Outcome:
    """What a release did: promoted, rolled back, or nothing to do."""

    status: str  # "promoted" | "rolled_back" | "unchanged"
    reason: str = ""
    candidates: dict[str, str] = field(default_factory=dict)
    steps: list[Step] = field(default_factory=list)

    def as_dict(self) -> dict[str, object]:
        """JSON-ready form (the workflow uploads it as the release report)."""
        return {
            "status": self.status,
            "reason": self.reason,
            "candidates": self.candidates,
            "steps": [{"action": s.action, "service": s.service, "detail": s.detail} for s in self.steps],
        }


@dataclass
class Release:
    """Runs one canary release over several services (all shift together, all roll back together)."""

    run: CloudRun
    health: RevisionHealth
    smoke: Smoke
    stages: tuple[int, ...] = STAGES
    bake_s: int = 300
    poll_s: int = 30
    smoke_services: frozenset[str] | None = None  # None: smoke every service
    now: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = time.sleep

    def __call__(self, services: Sequence[str]) -> Outcome:
        """Promote every service's new revision, or put them all back as they were."""
        before: dict[str, tuple[Target, ...]] = {}
        candidates: dict[str, str] = {}
        outcome = Outcome("unchanged")
        for service in services:
            state = self.run.state(service)
            cand = candidate_of(state)
            if cand is None:
                outcome.steps.append(Step("unchanged", service, state.latest_ready or "no revision"))
                continue
            if serving_revision(state.traffic) is None:
                raise ReleaseError(f"{service}: no revision serves traffic; deploy it once with traffic")
            before[service], candidates[service] = state.traffic, cand
        outcome.candidates = candidates
        if not candidates:
            return outcome
        for service, cand in candidates.items():
            self._apply(outcome, "tag", service, plan_tagging(before[service], cand))
        for service in candidates:
            if self.smoke_services is not None and service not in self.smoke_services:
                continue
            url = self.run.tag_url(service, CANDIDATE_TAG)
            result = self.smoke(service, url)
            outcome.steps.append(Step("smoke", service, f"{'ok' if result.ok else 'failed'} {result.detail}"))
            if not result.ok:
                return self._roll_back(outcome, before, candidates, f"smoke failed on {service}")
        for percent in self.stages:
            for service, cand in candidates.items():
                self._apply(outcome, f"shift {percent}%", service, plan_shift(before[service], cand, percent))
            failing = self._bake(outcome, candidates)
            if failing:
                return self._roll_back(outcome, before, candidates, failing)
        outcome.status = "promoted"
        return outcome

    def _bake(self, outcome: Outcome, candidates: Mapping[str, str]) -> str:
        """Watch the candidates for ``bake_s``; the reason to roll back, or '' when all held up."""
        started = self.now()
        while True:
            for service, cand in candidates.items():
                reading = self.health.health(service, cand, max(self.poll_s, int(self.now() - started)))
                if judge(reading) is Verdict.FAILING:
                    detail = f"{reading.errors}/{reading.requests} 5xx on {cand}"
                    outcome.steps.append(Step("error-rate", service, detail))
                    return f"error rate above {API_ERROR_RATIO:.0%} on {service} ({detail})"
            if self.now() - started >= self.bake_s:
                return ""
            self.sleep(self.poll_s)

    def _roll_back(
        self,
        outcome: Outcome,
        before: Mapping[str, tuple[Target, ...]],
        candidates: Mapping[str, str],
        reason: str,
    ) -> Outcome:
        for service, cand in candidates.items():
            self._apply(outcome, "rollback", service, plan_rollback(before[service], cand))
        outcome.status, outcome.reason = "rolled_back", reason
        return outcome

    def _apply(self, outcome: Outcome, action: str, service: str, targets: Sequence[Target]) -> None:
        self.run.set_traffic(service, targets)
        outcome.steps.append(Step(action, service, describe(targets)))


def describe(targets: Sequence[Target]) -> str:
    """``api-0002=10%(candidate), api-0001=90%(previous)``."""
    return ", ".join(f"{t.revision}={t.percent}%" + (f"({t.tag})" if t.tag else "") for t in targets)


def revert(run: CloudRun, service: str) -> tuple[Target, ...]:
    """Manual rollback after a finished release: all traffic back on the ``previous`` revision."""
    targets = plan_revert(run.state(service).traffic)
    run.set_traffic(service, targets)
    return targets
