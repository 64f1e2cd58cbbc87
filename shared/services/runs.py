"""Crawling one source: start its run, fetch the board, upsert offers, complete or fail the run.

Failures are recorded on the run with their class and the call returns normally: the
fetcher already retried 5xx/429 with backoff, so a task retry would only repeat that, and
the next scheduled crawl starts afresh. Only unexpected errors (bugs, store outages) are
raised, leaving the run RUNNING so the queue's retry resumes it; on the queue's final attempt
the run is marked FAILED/INTERNAL first and the error still raised, so it is dead-lettered.
A 304 answer completes the run with everything unchanged and no offer written.
"""

from __future__ import annotations

import logging

from shared.domain.errors import CareerError, Conflict
from shared.domain.failures import FailureClass
from shared.domain.job_sources import EXTERNAL, JobSource, Validators
from shared.domain.runs import Run, RunStats, RunStatus, Trigger
from shared.ports import HttpFetcher
from shared.repositories.runs import RunLedger
from shared.services.run_recorder import RunRecorder
from shared.services.sources import SourceService
from shared.sources import base
from shared.sources.registry import adapter

_log = logging.getLogger("career.runs")


class RunService:
    """Executes crawls and records their outcome."""

    def __init__(
        self, ledger: RunLedger, sources: SourceService, recorder: RunRecorder, fetcher: HttpFetcher
    ) -> None:
        self.ledger = ledger
        self.sources = sources
        self._recorder = recorder
        self._fetcher = fetcher

    def crawl(
        self,
        source_id: str,
        request_id: str,
        *,
        trigger: Trigger = "schedule",
        retry: bool = False,
        final_attempt: bool = True,
    ) -> Run:
        """Run this crawl request for the source, unless it already ran or another run is active.

        ``retry``: this delivery is the queue retrying an attempt that raised, so a RUNNING run
        of this very request is resumed (its attempt crashed) instead of acknowledged.
        """
        run = self.ledger.open(source_id, request_id, trigger).run
        if run.request_id != request_id:
            return run  # the source's active run belongs to another request
        if run.status == RunStatus.PENDING:
            run, moved = self.ledger.begin(run.id)
            if not moved:
                return run
        elif not (retry and run.status == RunStatus.RUNNING):
            return run  # a duplicate delivery of a run that is running or finished
        return self.execute(run, final_attempt=final_attempt)

    def execute(self, run: Run, *, final_attempt: bool = True) -> Run:
        """Fetch the board of a RUNNING run and record the outcome."""
        try:
            source = self.sources.get(run.source_id)
            if source.kind == EXTERNAL:
                return self.ledger.fail(
                    run.id, FailureClass.INVALID_INPUT, "external sources report by callback"
                )
            result = self._fetch(source)
            if result.not_modified:
                stats = RunStats(unchanged=source.offer_count, requests=result.requests, not_modified=True)
                return self.ledger.complete(run.id, stats, validators=source.validators, offer_count=None)
            fetched = len(result.offers)
            validators = _validators(result.validators) if result.complete else None
            return self._recorder.record(
                run,
                source,
                result.offers,
                complete=result.complete,
                fetched=fetched,
                requests=result.requests,
                validators=validators,
            )
        except CareerError as err:
            # With no network every source fails alike: the fetcher says so once; each run
            # still records its failure, logged quietly instead of once per source.
            offline = err.detail.get("offline") is True
            if err.transient and not offline and not final_attempt:
                # The queue's retries are for this (a store or board briefly down): the run
                # stays RUNNING and the retry resumes it, as for an unexpected error below.
                raise
            _log.log(
                logging.INFO if offline else logging.WARNING,
                "crawl of %s failed: %s",
                run.source_id,
                err.message,
                extra={"fields": {"failure_class": err.failure_class, "run_id": run.id}},
            )
            return self.ledger.fail(run.id, err.failure_class, err.message)
        except Exception as err:
            # Before the last attempt the run stays RUNNING, so the queue's retry resumes it
            # (a FAILED run would make the retry a no-op: never retried, never dead-lettered).
            if final_attempt:
                self.ledger.fail(run.id, FailureClass.INTERNAL, f"{err.__class__.__name__}: {err}")
            raise

    def import_payload(self, source_id: str, payload: bytes, request_id: str) -> Run:
        """Load a saved board payload through the crawl path: a run, the upsert, offer-events.

        The payload is the whole board as its API answers it, so offers it no longer lists
        close, as after a crawl. A payload that does not parse fails the run with its class.
        """
        started = self.ledger.open(source_id, request_id, "import")
        if started.run.request_id != request_id:
            raise Conflict(
                f"job source {source_id} has an active run {started.run.id}; try again when it ends",
                detail={"source_id": source_id, "run_id": started.run.id},
            )
        if started.run.status != RunStatus.PENDING:
            return started.run  # the same import again
        run, moved = self.ledger.begin(started.run.id)
        if not moved:
            return run
        try:
            source = self.sources.get(source_id)
            offers = adapter(source.kind).parse(payload, board=source.board, company=source.company)
        except CareerError as err:
            return self.ledger.fail(run.id, err.failure_class, err.message)
        return self._recorder.record(run, source, offers, complete=True, fetched=len(offers))

    def sweep(self) -> list[Run]:
        """Fail runs stuck past their lease with TIMEOUT."""
        return self.ledger.sweep()

    def _fetch(self, source: JobSource) -> base.FetchResult:
        polite = base.PoliteFetcher(
            self._fetcher,
            user_agent=source.terms.user_agent,
            max_requests_per_minute=source.terms.max_requests_per_minute,
        )
        conditional = None
        if source.validators is not None:
            conditional = base.Validators(source.validators.etag, source.validators.last_modified)
        return adapter(source.kind).fetch(
            polite, source.board, base_url=source.base_url, conditional=conditional, company=source.company
        )


def _validators(found: base.Validators | None) -> Validators | None:
    return Validators(etag=found.etag, last_modified=found.last_modified) if found else None
