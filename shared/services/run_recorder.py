"""Recording what a run found: upsert its offers, announce the changed ones, complete the run.

Shared by crawls (RunService) and scraper callbacks (RunCallbacks); it never fetches.
"""

from __future__ import annotations

from collections.abc import Sequence

from shared.channels import publish
from shared.channels.offer_events import OffersChanged
from shared.domain.job_sources import JobSource, Validators
from shared.domain.offers import JobOffer
from shared.domain.runs import Run
from shared.ports import Clock, Publisher
from shared.repositories.runs import RunLedger
from shared.services.offer_upsert import OfferUpsert


class RunRecorder:
    """Writes a run's offers and outcome."""

    def __init__(self, upsert: OfferUpsert, ledger: RunLedger, publisher: Publisher, clock: Clock) -> None:
        self._upsert = upsert
        self._ledger = ledger
        self._publisher = publisher
        self._clock = clock

    def record(
        self,
        run: Run,
        source: JobSource,
        offers: Sequence[JobOffer],
        *,
        complete: bool,
        fetched: int,
        requests: int = 0,
        validators: Validators | None = None,
    ) -> Run:
        """Upsert a run's offers, announce the changed ones, and complete the run."""
        outcome = self._upsert.apply(
            offers,
            source_id=source.id,
            run_id=run.id,
            complete=complete,
            now=self._clock.now(),
            attribution=source.terms.attribution,
            fetched=fetched,
        )
        if outcome.changed_ids:
            # Published before the run completes: a crash in between re-runs an idempotent match.
            publish(
                self._publisher,
                OffersChanged(run_id=run.id, source_id=source.id, offer_ids=outcome.changed_ids),
                attributes={"source_id": source.id, "run_id": run.id},
            )
        stats = outcome.stats.model_copy(update={"requests": requests})
        return self._ledger.complete(run.id, stats, validators=validators, offer_count=outcome.open_count)
