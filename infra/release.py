"""Canary releases of the gen2 functions' Cloud Run services, and their rollback.

``pulumi up`` on staging and prod deploys each changed function as a new revision that serves
no traffic (``all_traffic_on_latest_revision`` is off there, infra/components/functions.py).
This module then, for every service whose newest ready revision is not serving yet:

1. tags the candidate (``candidate``) at 0% and the serving revision (``previous``), and runs
   the smoke check against the candidate's tagged URL;
2. shifts traffic in stages (10%, then 100%), watching the candidate's own 5xx ratio against
   the limit of the error-rate alert for ``bake_s`` seconds after each shift;
3. puts every service back on the traffic it had before (exactly) as soon as a smoke check
   fails or a candidate's error ratio crosses the limit.

The decisions (``plan_*``, ``judge``) are pure functions over ``Target`` lists; the Cloud Run
and Cloud Monitoring calls sit behind the ``CloudRun`` and ``RevisionHealth`` ports
(infra/cloudrun.py implements them over the REST APIs; tests use fakes). infra/canary.py runs
a release with these decisions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from infra.signals import API_ERROR_RATIO

CANDIDATE_TAG = "candidate"
PREVIOUS_TAG = "previous"
STAGES = (10, 100)  # percent of traffic on the candidate after each shift
MIN_REQUESTS = 20  # below this many requests a ratio says nothing either way


@dataclass(frozen=True)
class Target:
    """One traffic target: a revision, its share of traffic and an optional tag."""

    revision: str
    percent: int
    tag: str | None = None


@dataclass(frozen=True)
class ServiceState:
    """What Cloud Run says about one service."""

    service: str
    latest_ready: str | None
    traffic: tuple[Target, ...]


@dataclass(frozen=True)
class Health:
    """Requests a revision answered during a window, and how many of them were 5xx."""

    requests: int
    errors: int


@dataclass(frozen=True)
class SmokeResult:
    """Outcome of the smoke check against one tagged URL."""

    ok: bool
    detail: str = ""


class Verdict(StrEnum):
    """What a health reading says about a candidate."""

    HEALTHY = "healthy"
    FAILING = "failing"
    QUIET = "quiet"  # too few requests to judge


class CloudRun(Protocol):
    """The few Cloud Run Admin calls a release needs."""

    def state(self, service: str) -> ServiceState: ...
    def set_traffic(self, service: str, targets: Sequence[Target]) -> None: ...
    def tag_url(self, service: str, tag: str) -> str: ...


class RevisionHealth(Protocol):
    """Request and 5xx counts of one revision over the last ``window_s`` seconds."""

    def health(self, service: str, revision: str, window_s: int) -> Health: ...


Smoke = Callable[[str, str], SmokeResult]  # (service, tagged URL) -> result


class ReleaseError(RuntimeError):
    """A release cannot start (bad traffic state, nothing to compare against)."""


# --------------------------------------------------------------------------- decisions
def serving_revision(traffic: Sequence[Target]) -> str | None:
    """The revision taking the largest share of traffic (the stable one), if any takes some."""
    live = [t for t in traffic if t.percent > 0]
    return max(live, key=lambda t: t.percent).revision if live else None


def candidate_of(state: ServiceState) -> str | None:
    """The newest ready revision when it is not serving traffic yet; None when nothing is new."""
    if state.latest_ready is None:
        return None
    if any(t.revision == state.latest_ready and t.percent > 0 for t in state.traffic):
        return None
    return state.latest_ready


def _check(traffic: Sequence[Target]) -> None:
    total = sum(t.percent for t in traffic)
    if total != 100 or any(t.percent < 0 for t in traffic):
        raise ReleaseError(f"traffic must add up to 100%, got {[(t.revision, t.percent) for t in traffic]}")


def plan_tagging(previous: Sequence[Target], candidate: str) -> tuple[Target, ...]:
    """The current split, untouched, plus the candidate at 0% under the ``candidate`` tag.

    Our own tags move to the new revisions; tags set by someone else stay where they are.
    """
    _check(previous)
    stable = serving_revision(previous)
    kept = [
        Target(t.revision, t.percent, None if t.tag in (CANDIDATE_TAG, PREVIOUS_TAG) else t.tag)
        for t in previous
        if t.revision != candidate and (t.percent > 0 or t.tag not in (CANDIDATE_TAG, PREVIOUS_TAG, None))
    ]
    tagged = [Target(t.revision, t.percent, PREVIOUS_TAG if t.revision == stable else t.tag) for t in kept]
    return _merge([*tagged, Target(candidate, 0, CANDIDATE_TAG)])


def plan_shift(previous: Sequence[Target], candidate: str, percent: int) -> tuple[Target, ...]:
    """``percent`` of traffic on the candidate; the rest keeps the previous split's proportions."""
    if not 0 <= percent <= 100:
        raise ReleaseError(f"a traffic share is 0..100, not {percent}")
    base = plan_tagging(previous, candidate)
    others = [t for t in base if t.revision != candidate]
    rest = 100 - percent
    live = [t for t in others if t.percent > 0]
    shares = _apportion([t.percent for t in live], rest)
    scaled = {t.revision: s for t, s in zip(live, shares, strict=True)}
    out = [Target(t.revision, scaled.get(t.revision, 0), t.tag) for t in others]
    return _merge([*out, Target(candidate, percent, CANDIDATE_TAG)])


def plan_rollback(previous: Sequence[Target], candidate: str) -> tuple[Target, ...]:
    """The split from before the release; the candidate stays reachable by its tag.

    Shares and foreign tags are restored exactly; an older revision's ``candidate`` tag is
    dropped (a tag names one revision, and it now names this candidate).
    """
    _check(previous)
    kept = [
        Target(t.revision, t.percent, None if t.tag == CANDIDATE_TAG else t.tag)
        for t in previous
        if t.revision != candidate
    ]
    kept = [t for t in kept if t.percent > 0 or t.tag is not None]
    return _merge([*kept, Target(candidate, 0, CANDIDATE_TAG)])


def plan_revert(traffic: Sequence[Target]) -> tuple[Target, ...]:
    """After a finished release: all traffic back on the revision tagged ``previous``."""
    previous = next((t.revision for t in traffic if t.tag == PREVIOUS_TAG), None)
    if previous is None:
        raise ReleaseError("no revision is tagged 'previous': nothing to roll back to")
    current = serving_revision(traffic)
    out = [Target(previous, 100, PREVIOUS_TAG)]
    if current and current != previous:
        out.append(Target(current, 0, CANDIDATE_TAG))
    foreign = [t for t in traffic if t.tag and t.tag not in (CANDIDATE_TAG, PREVIOUS_TAG)]
    out += [Target(t.revision, 0, t.tag) for t in foreign]  # others' tags keep their URLs
    return _merge(out)


def judge(health: Health, limit: float = API_ERROR_RATIO, min_requests: int = MIN_REQUESTS) -> Verdict:
    """FAILING above the error-rate alert's ratio; QUIET when too few requests came in to say.

    Below ``min_requests`` the errors are held against the floor instead: 2 failures out of 3
    requests fail a canary even though 3 requests are too few to call it healthy.
    """
    if health.requests < min_requests:
        return Verdict.FAILING if health.errors > limit * min_requests else Verdict.QUIET
    return Verdict.FAILING if health.errors / health.requests > limit else Verdict.HEALTHY


def _apportion(weights: Sequence[int], total: int) -> list[int]:
    """Split ``total`` in proportion to ``weights`` as integers that add up to ``total``."""
    whole = sum(weights)
    if not weights:
        return []
    if whole == 0:
        return [total] + [0] * (len(weights) - 1)
    raw = [w * total / whole for w in weights]
    out = [int(r) for r in raw]
    by_remainder = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in by_remainder[: total - sum(out)]:
        out[i] += 1
    return out


def _merge(targets: Sequence[Target]) -> tuple[Target, ...]:
    """One target per revision (shares added, first tag kept), in a stable order."""
    merged: dict[str, Target] = {}
    for t in targets:
        seen = merged.get(t.revision)
        merged[t.revision] = Target(t.revision, seen.percent + t.percent, seen.tag or t.tag) if seen else t
    return tuple(merged.values())
