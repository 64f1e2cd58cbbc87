"""Notebook scoring: queue a score, compute it in the task, cache it, keep the budget, go stale.

- The inputs hash covers the profile version, the offer's content hash, the provider's prompt
  version and model: a hash already scored answers from the store with 0 provider calls.
- Each user has a daily budget of provider calls (``settings.llm_daily_budget``, UTC days).
  Past it a request is 429 LLM_BUDGET_EXCEEDED with the reset time; every call is recorded
  with its tokens.
- The reply is checked (right offer, verbatim quotes) before it is stored; the deterministic
  explanation is computed beside it and its failed gates cap the combined score.
- A new profile version or a changed offer marks the affected scores stale and, when the
  user's budget allows (``settings.notebook_auto_rescore``), queues their re-scoring.
"""

from __future__ import annotations

import contextlib
import hashlib
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from shared.channels import enqueue
from shared.channels.scoring import ScoreTask
from shared.config import Settings
from shared.domain.errors import Conflict, NotFound, PermanentError, RateLimited, TransientError
from shared.domain.failures import FailureClass
from shared.domain.notebook import NotebookEntry, ScoreSummary, ScoringState, Snapshot
from shared.domain.offers import JobOffer
from shared.ports import Clock, ScoreInput, ScoreOutput, ScoreProvider, TaskQueue
from shared.repositories.career_profiles import CareerProfiles
from shared.repositories.cv_texts import CvTexts
from shared.repositories.llm_usage import CallRecord, LlmUsageRepository
from shared.repositories.notebook import NotebookRepository
from shared.repositories.offers import Offers

if TYPE_CHECKING:
    # The matcher, the prompt, the rubric and the score record load when a pair is scored or
    # its inputs hashed (make_pair, build_record, inputs_key): a task for a deleted entry or a
    # refresh that marks nothing stale does neither (docs/decisions/0090-cold-start-budget.md).
    from shared.domain.matching.explanation import Explanation
    from shared.domain.profiles import CareerProfile
    from shared.domain.scoring.record import ScoreRecord

_DEDUP_WINDOW_S = 600  # one queued score per inputs per ten minutes (double clicks)


@dataclass(frozen=True)
class ScoreQueued:
    """A score handed to the scoring queue."""

    entry_id: str
    task: str
    inputs_hash: str


@dataclass(frozen=True)
class Pair:
    """A (profile, offer) pair made ready for the provider."""

    profile: CareerProfile
    offer: JobOffer
    request: ScoreInput
    at: datetime


@dataclass(frozen=True)
class Inputs:
    """Everything one score is computed from."""

    profile: CareerProfile
    offer: JobOffer
    key: str


class ScoringService:
    """Scores notebook entries through the score provider (Gemini or the offline heuristic)."""

    def __init__(
        self,
        notebook: NotebookRepository,
        offers: Offers,
        profiles: CareerProfiles,
        cv_texts: CvTexts,
        usage: LlmUsageRepository,
        tasks: TaskQueue,
        clock: Clock,
        score_provider: ScoreProvider,
        settings: Settings,
    ) -> None:
        self._notebook = notebook
        self._offers = offers
        self._profiles = profiles
        self._cv_texts = cv_texts
        self._usage = usage
        self._tasks = tasks
        self._clock = clock
        self._provider = score_provider
        self._budget = settings.llm_daily_budget
        self._auto = settings.notebook_auto_rescore

    # ------------------------------------------------------------------ requests
    def request(self, uid: str, entry_id: str) -> ScoreRecord | ScoreQueued:
        """POST :score: the stored score of unchanged inputs, else a queued task (budget allowing)."""
        entry = self._notebook.get(uid, entry_id)
        inputs = self._inputs(entry)
        cached = self._notebook.score(uid, entry_id, inputs.key)
        if cached is not None:
            return cached
        self._check_budget(uid)
        return self._enqueue(entry, inputs.key, "request")

    def history(
        self, uid: str, entry_id: str, *, limit: int, cursor: str | None
    ) -> tuple[list[ScoreRecord], str | None]:
        """Every score of one entry, newest first (404 for another user's)."""
        self._notebook.get(uid, entry_id)
        return self._notebook.scores(uid, entry_id, limit=limit, cursor=cursor)

    # ------------------------------------------------------------------ the task
    def run(self, task: ScoreTask, *, final_attempt: bool = False) -> ScoreRecord | None:
        """Compute the score of one entry (the cached one when its inputs are unchanged)."""
        entry = self._notebook.find(task.uid, task.entry_id)
        if entry is None:
            return None  # deleted since it was queued: nothing to score
        inputs = self._inputs(entry)
        cached = self._notebook.score(task.uid, task.entry_id, inputs.key)
        if cached is not None:
            return cached
        try:
            self._check_budget(task.uid)
            return self._compute(entry, inputs)
        except PermanentError as err:
            self._settle(entry, err)
            raise
        except TransientError as err:
            if final_attempt:
                self._settle(entry, err)
            raise

    # ------------------------------------------------------------------ staleness
    def refresh_for_profile(self, uid: str, version: int) -> int:
        """Mark the user's scores made from an older profile version stale; returns how many."""
        marked, allowance = 0, dict[str, int]()
        for entry in list(self._notebook.scored(uid)):
            if entry.score is not None and entry.score.profile_version < version:
                self._mark_stale(entry, None, allowance)
                marked += 1
        return marked

    def refresh_for_offers(self, offer_ids: list[str]) -> int:
        """Refresh the snapshots of kept offers that changed; mark their scores stale."""
        refs = self._notebook.refs_for_offers(offer_ids)
        current = self._offers.find_many([r.offer_id for r in refs])
        marked, allowance = 0, dict[str, int]()
        for ref in refs:
            stored = current.get(ref.offer_id)
            entry = self._notebook.find(ref.uid, ref.entry_id)
            if stored is None or entry is None or stored.offer.content_hash == entry.snapshot.content_hash:
                continue
            from shared.services.notebook import snapshot_of

            self._mark_stale(entry, snapshot_of(stored.offer), allowance)
            marked += 1
        return marked

    # ------------------------------------------------------------------ internals
    def _mark_stale(self, entry: NotebookEntry, snapshot: Snapshot | None, allowance: dict[str, int]) -> None:
        """Mark stale (and refresh the snapshot); re-queue while the user's budget has room.

        ``allowance`` counts what this pass may still queue per user, so one event never queues
        more re-scores than the budget's remaining calls. A score already made from the current
        inputs (a redelivered or late event: the re-score ran first) is not stale.
        """
        at = self._clock.now()
        try:
            key: str | None = self._inputs(entry).key
        except Conflict:
            key = None  # no profile any more: stale, and nothing to score against

        def change(e: NotebookEntry) -> NotebookEntry:
            stale = e.score is not None and e.score.inputs_hash != key
            update: dict[str, Any] = {"stale": stale, "updated_at": at}
            if snapshot is not None:
                update["snapshot"] = snapshot
            return e.model_copy(update=update)

        fresh = self._notebook.update(entry.uid, entry.id, change)
        if not (fresh.stale and self._auto) or key is None:
            return
        uid = fresh.uid
        if uid not in allowance:
            allowance[uid] = self._budget - self._usage.calls_on(uid, at.date())
        if allowance[uid] <= 0:
            return
        allowance[uid] -= 1
        self._enqueue(fresh, key, "refresh")

    def _inputs(self, entry: NotebookEntry) -> Inputs:
        try:
            profile = self._profiles.latest(entry.uid)
        except NotFound:
            raise Conflict(
                "no career profile yet: upload a CV before scoring", detail={"entry_id": entry.id}
            ) from None
        offer = self._offer_of(entry)
        return Inputs(profile, offer, inputs_key(profile, offer, self._provider))

    def _offer_of(self, entry: NotebookEntry) -> JobOffer:
        if entry.offer_id:
            stored = self._offers.find(entry.offer_id)
            if stored is not None:
                return stored.offer
        return offer_from_snapshot(entry)

    def _compute(self, entry: NotebookEntry, inputs: Inputs) -> ScoreRecord:
        now = self._clock.now()
        pair = make_pair(inputs.profile, inputs.offer, self._cv_texts.cv_text(inputs.profile), now)
        try:
            output = self._provider.score(pair.request)
        except PermanentError as err:  # the call was made and refused: it counts
            self._count(entry.uid, now, outcome=str(err.failure_class))
            raise
        self._count(entry.uid, now, outcome="ok", output=output)
        record = build_record(entry.id, pair, output, inputs.key)
        summary = ScoreSummary(
            total=record.total,
            provider=record.provider,
            model=record.model,
            inputs_hash=record.inputs_hash,
            profile_version=record.profile_version,
            offer_content_hash=record.offer_content_hash,
            computed_at=now,
            capped=record.llm.cap is not None,
        )
        done = ScoringState(state="done", at=now)
        self._notebook.add_score(
            record, lambda e: e.model_copy(update={"score": summary, "stale": False, "score_state": done})
        )
        return record

    def _count(self, uid: str, at: datetime, *, outcome: str, output: ScoreOutput | None = None) -> None:
        self._usage.record(
            CallRecord(
                uid=uid,
                purpose="notebook_score",
                provider=output.provider if output else self._provider.name,
                model=output.model if output else self._provider.model,
                input_tokens=output.usage.input_tokens if output else 0,
                output_tokens=output.usage.output_tokens if output else 0,
                latency_ms=output.latency_ms if output else 0,
                outcome=outcome,
                at=at,
            )
        )

    def _settle(self, entry: NotebookEntry, err: PermanentError | TransientError) -> None:
        state = ScoringState(
            state="failed",
            at=self._clock.now(),
            failure_class=str(err.failure_class),
            message=err.message[:300],
        )
        with contextlib.suppress(NotFound):
            self._notebook.update(entry.uid, entry.id, lambda e: e.model_copy(update={"score_state": state}))

    def _check_budget(self, uid: str) -> None:
        now = self._clock.now()
        used = self._usage.calls_on(uid, now.date())
        if used >= self._budget:
            reset = datetime.combine(now.date() + timedelta(days=1), time(), tzinfo=now.tzinfo)
            err = RateLimited(
                f"daily LLM budget of {self._budget} calls used up; it resets at {reset.isoformat()}",
                retry_after_s=max(1, int((reset - now).total_seconds())),
            )
            err.failure_class = FailureClass.LLM_BUDGET_EXCEEDED
            err.detail.update({"budget": self._budget, "used": used, "reset_at": reset.isoformat()})
            raise err

    def _enqueue(self, entry: NotebookEntry, key: str, reason: str) -> ScoreQueued:
        now = self._clock.now()
        window = int(now.timestamp()) // _DEDUP_WINDOW_S
        owner = hashlib.sha256(entry.uid.encode()).hexdigest()[:12]
        payload = ScoreTask(uid=entry.uid, entry_id=entry.id, inputs_hash=key, reason=reason)  # type: ignore[arg-type]
        name = f"score-{owner}-{entry.id}-{key[:16]}-{window}"
        last = entry.score_state
        if last is not None and last.state == "failed":
            # The failed task's name stays spent (queues keep it to deduplicate): a retry of the
            # same inputs in the same window needs its own, or it would be dropped as a duplicate.
            name += f"-retry-{int(last.at.timestamp())}"
        task = enqueue(self._tasks, payload, name=name)
        queued = ScoringState(state="queued", at=now, task=task)
        self._notebook.update(entry.uid, entry.id, lambda e: e.model_copy(update={"score_state": queued}))
        return ScoreQueued(entry.id, task, key)


def make_pair(profile: CareerProfile, offer: JobOffer, cv_text: str | None, now: datetime) -> Pair:
    """The provider's input for a pair: CV text (or the profile's own), posting, facts, gates."""
    from shared.domain.matching.features import offer_features, profile_features
    from shared.domain.matching.scoring import explain, score
    from shared.domain.scoring.prompt import PostingFacts, preferences_text, profile_text

    cv = cv_text or profile_text(profile)
    pf, of = profile_features(profile), offer_features(offer)
    deterministic = explain(pf, of, score(pf, of, now.timestamp()), now)
    places = (loc.raw or ", ".join(filter(None, (loc.city, loc.country))) for loc in offer.locations)
    facts = PostingFacts(
        title=offer.title,
        company=offer.company,
        locations="; ".join(places),
        remote_policy=offer.remote_policy,
        salary=_salary_text(offer),
    )
    request = ScoreInput(
        cv, offer.description_text, facts, preferences_text(profile), offer.content_hash, deterministic
    )
    return Pair(profile, offer, request, now)


def build_record(entry_id: str, pair: Pair, output: ScoreOutput, key: str) -> ScoreRecord:
    """Check the reply (right offer, quotes) and make the record with both explanations."""
    from shared.domain.matching.explanation import Audit
    from shared.domain.scoring.record import ScoreRecord
    from shared.domain.scoring.rubric import check_reply, explanation_of

    request, offer, profile = pair.request, pair.offer, pair.profile
    checked = check_reply(
        output.reply,
        offer_content_hash=offer.content_hash,
        cv_text=request.cv_text,
        posting_text=request.posting_text,
    )
    audit = Audit(
        profile_uid=profile.uid,
        profile_version=profile.version,
        offer_id=offer.id,
        offer_content_hash=offer.content_hash,
        computed_at=pair.at,
        provider=output.provider,
        model=output.model,
        prompt_version=output.prompt_version,
        inputs_hash=key,
        latency_ms=output.latency_ms,
        input_tokens=output.usage.input_tokens,
        output_tokens=output.usage.output_tokens,
    )
    llm = explanation_of(checked, request.deterministic, version=output.prompt_version, audit=audit)
    return ScoreRecord(
        entry_id=entry_id,
        uid=profile.uid,
        inputs_hash=key,
        total=llm.total,
        llm=llm,
        deterministic=_audited(request.deterministic, key),
        profile_version=profile.version,
        offer_content_hash=offer.content_hash,
        provider=output.provider,
        model=output.model,
        prompt_version=output.prompt_version,
        computed_at=pair.at,
    )


def score_pair(
    provider: ScoreProvider, profile: CareerProfile, offer: JobOffer, cv_text: str | None, now: datetime
) -> ScoreRecord:
    """Score one pair without storing anything (the CLI and calibration)."""
    pair = make_pair(profile, offer, cv_text, now)
    return build_record("cli", pair, provider.score(pair.request), inputs_key(profile, offer, provider))


def inputs_key(profile: CareerProfile, offer: JobOffer, provider: ScoreProvider) -> str:
    """The inputs hash of a pair for this provider."""
    from shared.domain.scoring.record import inputs_hash

    return inputs_hash(
        profile_version=profile.version,
        offer_content_hash=offer.content_hash,
        prompt_version=provider.prompt_version,
        model=provider.model,
    )


def offer_from_snapshot(entry: NotebookEntry) -> JobOffer:
    """The offer an entry's snapshot describes (pasted postings, closed or unknown offers)."""
    s = entry.snapshot
    offer = JobOffer.create(
        source_kind="notebook",
        board=entry.uid,
        external_id=entry.id,
        title=s.title,
        company=s.company,
        locations=list(s.locations),
        remote_policy=s.remote_policy,
        salary=s.salary,
        description_text=s.description_text,
        url=s.url,
        language=s.language,
    )
    return offer.model_copy(update={"content_hash": s.content_hash})


def _salary_text(offer: JobOffer) -> str:
    s = offer.salary
    if s is None:
        return ""
    low = f"{s.min:,.0f}" if s.min is not None else ""
    high = f"{s.max:,.0f}" if s.max is not None else ""
    return f"{low}-{high} {s.currency or ''} per {s.period}".strip()


def _audited(deterministic: Explanation, key: str) -> Explanation:
    from shared.domain.matching.scoring import RULESET_VERSION

    audit = deterministic.audit.model_copy(
        update={
            "provider": "deterministic",
            "model": RULESET_VERSION,
            "prompt_version": RULESET_VERSION,
            "inputs_hash": key,
        }
    )
    return deterministic.model_copy(update={"audit": audit})
