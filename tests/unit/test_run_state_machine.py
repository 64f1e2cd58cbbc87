"""Property tests: the run lifecycle holds under duplicated and reordered deliveries."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from shared.adapters.local.clock import ManualClock
from shared.adapters.local.sqlite_store import SqliteDocumentStore
from shared.bootstrap import Container
from shared.config import Settings
from shared.domain.errors import Conflict
from shared.domain.failures import FailureClass
from shared.domain.runs import Run, RunStats, RunStatus
from shared.ports import Filter, HttpResponse, Op, Query
from shared.repositories.runs import RUNS, RunLedger
from shared.services.run_callbacks import CallbackIn, RunCallbacks
from shared.services.runs import RunService
from shared.services.sources import SourceService, SourceSpec
from shared.topology import TOPOLOGY
from tests.support.recording import RecordingPublisher

T0 = datetime(2026, 1, 1, tzinfo=UTC)
_NEXT = {
    "start": RunStatus.RUNNING,
    "complete": RunStatus.COMPLETED,
    "fail": RunStatus.FAILED,
}
_LEGAL = {
    (RunStatus.PENDING, RunStatus.RUNNING),
    (RunStatus.PENDING, RunStatus.FAILED),
    (RunStatus.RUNNING, RunStatus.COMPLETED),
    (RunStatus.RUNNING, RunStatus.FAILED),
}


class TestRunModel:
    @given(st.lists(st.sampled_from(["start", "complete", "fail"]), max_size=12))
    def test_only_legal_moves_happen_and_a_finished_run_never_changes(self, ops: list[str]) -> None:
        run = Run.new(
            source_id="s", request_id="r", trigger="schedule", now=T0, start_within=timedelta(hours=1)
        )
        for i, op in enumerate(ops):
            now = T0 + timedelta(minutes=i)
            before = run
            legal = (before.status, _NEXT[op]) in _LEGAL
            try:
                if op == "start":
                    run = run.start(now, lease=timedelta(minutes=15))
                elif op == "complete":
                    run = run.complete(now, RunStats(fetched=1, new=1))
                else:
                    run = run.fail(now, FailureClass.TIMEOUT, "lease")
            except Conflict:
                assert not legal
                assert run == before
            else:
                assert legal
                assert run.status == _NEXT[op]
            if before.status.terminal:
                assert run == before


class StaticFetcher:
    """Our HttpFetcher port answering one fixed Greenhouse board."""

    def __init__(self, payload: bytes) -> None:
        self.payload = payload
        self.calls = 0

    def get(
        self, url: str, *, headers: Mapping[str, str] | None = None, params: Mapping[str, str] | None = None
    ) -> HttpResponse:
        self.calls += 1
        return HttpResponse(200, {}, self.payload, url)


BOARD = json.dumps(
    {
        "jobs": [
            {
                "id": i,
                "title": f"Engineer {i}",
                "absolute_url": f"https://b.example/{i}",
                "content": "<p>x</p>",
                "location": {"name": "Berlin"},
            }
            for i in range(3)
        ]
    }
).encode()


@dataclass(frozen=True)
class Delivery:
    """One delivery of work: a crawl task, an operator request, a callback, or time passing."""

    kind: str
    key: str = ""
    variant: int = 0


deliveries = st.one_of(
    st.builds(Delivery, st.just("crawl"), st.sampled_from(["r1", "r2", "r3"])),
    st.builds(Delivery, st.just("open-external"), st.sampled_from(["e1", "e2"])),
    st.builds(Delivery, st.just("callback"), st.sampled_from(["cb1", "cb2"]), st.integers(0, 1)),
    st.builds(Delivery, st.just("sweep"), st.sampled_from(["5", "20", "90"])),
)


@st.composite
def duplicated_and_reordered(draw: st.DrawFn) -> list[Delivery]:
    base = draw(st.lists(deliveries, min_size=1, max_size=10))
    dupes = draw(st.lists(st.sampled_from(base), max_size=5))
    return list(draw(st.permutations(base + dupes)))


def callback_body(key: str, variant: int) -> CallbackIn:
    offers = [{"external_id": f"x{variant}", "title": "Analyst", "url": "https://acme.example/x"}]
    return CallbackIn.model_validate({"callback_id": key, "offers": offers})


class TestDeliveries:
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(duplicated_and_reordered())
    def test_one_active_run_per_source_and_finished_runs_stay_finished(self, plan: list[Delivery]) -> None:
        store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
        clock = ManualClock()
        fetcher = StaticFetcher(BOARD)
        wiring = Container(
            Settings(), store=store, clock=clock, publisher=RecordingPublisher(), fetcher=fetcher
        )
        runs = wiring.make(RunService)
        callbacks = wiring.make(RunCallbacks)
        sources = wiring.make(SourceService)
        sources.save(SourceSpec(id="crawled", kind="greenhouse", board="acme"))
        sources.save(SourceSpec(id="scraped", kind="external", board="acme"))
        finished: dict[str, Run] = {}
        answers: dict[tuple[str, str, int], Run] = {}
        try:
            for delivery in plan:
                self.deliver(delivery, runs, callbacks, clock, answers)
                clock.advance(seconds=1)
                self.check(store, runs, finished)
        finally:
            store.close()

    def deliver(
        self,
        d: Delivery,
        runs: RunService,
        callbacks: RunCallbacks,
        clock: ManualClock,
        answers: dict[tuple[str, str, int], Run],
    ) -> None:
        if d.kind == "crawl":
            runs.crawl("crawled", d.key)
        elif d.kind == "open-external":
            runs.ledger.open("scraped", d.key, "operator")
        elif d.kind == "sweep":
            clock.advance(minutes=int(d.key))
            runs.sweep()
        else:
            target = runs.sources.get("scraped").last_run_id
            if target is None:
                return
            key = (target, d.key, d.variant)
            try:
                run = callbacks.complete(target, callback_body(d.key, d.variant))
            except Conflict:
                assert runs.ledger.get(target).status.terminal or runs.ledger.get(target).callback_id != d.key
                return
            if key in answers:
                assert run == answers[key]  # a replay answers exactly what the first delivery did
            if run.status.terminal:
                answers[key] = run

    def check(self, store: SqliteDocumentStore, runs: RunService, finished: dict[str, Run]) -> None:
        for source_id in ("crawled", "scraped"):
            docs = [s.data for s in store.query(Query(RUNS, (Filter("source_id", Op.EQ, source_id),)))]
            active = [d["id"] for d in docs if d["status"] in ("PENDING", "RUNNING")]
            assert len(active) <= 1
            assert runs.sources.get(source_id).active_run_id in (active[0] if active else None, None)
            for doc in docs:
                run = Run.model_validate(doc)
                if run.id in finished:
                    assert run == finished[run.id]
                elif run.status.terminal:
                    finished[run.id] = run
        crawled = [
            Run.model_validate(s.data)
            for s in store.query(Query(RUNS, (Filter("source_id", Op.EQ, "crawled"),)))
        ]
        assert all(r.status != RunStatus.RUNNING for r in crawled)  # a crawl finishes within its delivery


class TestConflictingCallbacks:
    @pytest.mark.parametrize("second", [("cb1", 1), ("cb2", 0)])
    def test_a_different_callback_on_a_finished_run_conflicts(self, second: tuple[str, int]) -> None:
        store = SqliteDocumentStore(":memory:", indexes=TOPOLOGY.indexes)
        clock = ManualClock()
        wiring = Container(Settings(), store=store, clock=clock, publisher=RecordingPublisher())
        wiring.make(SourceService).save(SourceSpec(id="scraped", kind="external", board="acme"))
        callbacks = wiring.make(RunCallbacks)
        run = wiring.make(RunLedger).open("scraped", "e1", "operator").run
        callbacks.complete(run.id, callback_body("cb1", 0))

        with pytest.raises(Conflict):
            callbacks.complete(run.id, callback_body(*second))
        store.close()
