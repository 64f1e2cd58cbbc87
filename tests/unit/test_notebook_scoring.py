"""Notebook scoring: evidence rules, the gate cap, the wrong-offer refusal, the cache, the budget,
staleness, and the whole offline loop (POST :score -> scoring queue -> score_offer -> history)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from shared.adapters.local.clock import ManualClock
from shared.config import Settings
from shared.domain.errors import PermanentError
from shared.domain.failures import FailureClass
from shared.domain.matching.explanation import Audit, Component, Explanation, Gate
from shared.domain.scoring.rubric import GATED_CAP, Quote, RubricReply, SubScore, check_reply, explanation_of
from shared.messages import OffersChanged, ProfileVersionCreated, publish
from shared.services.journey import JourneyService
from tests.unit.notebook_world import OFFERS, UID, NotebookWorld, make_offer, with_budget, world

__all__ = ["world"]  # the fixture, imported for pytest

CV = (
    "Jane Roe\nSkills\nPython and PostgreSQL in production\n"
    "Experience\nBackend Engineer at Initech, 2019 - Present"
)
POSTING = "You will build APIs.\nRequirements:\n5 years of Python\nRemote within the EU."
HASH = "a" * 64


def _sub(name: str, *quotes: tuple[str, str], score: int = 80) -> SubScore:
    return SubScore(
        name=name,  # type: ignore[arg-type]
        score=score,
        rationale="because",
        evidence=[Quote(text=t, source=s) for t, s in quotes],  # type: ignore[arg-type]
    )


def _reply(**overrides: object) -> RubricReply:
    fields: dict[str, object] = {
        "offer_content_hash": HASH,
        "sub_scores": [
            _sub("skills_experience", ("Python and   PostgreSQL\nin production", "cv")),
            _sub("seniority", ("Backend Engineer at Initech", "cv")),
            _sub("domain", ("You will build APIs.", "posting")),
            _sub("logistics", ("Remote within the EU.", "posting")),
        ],
        "strengths": ["Python"],
        "gaps": [],
        "summary": "Good fit.",
    }
    fields.update(overrides)
    return RubricReply.model_validate(fields)


def _deterministic(*failed: str) -> Explanation:
    audit = Audit(
        profile_uid="u",
        profile_version=1,
        offer_id="o",
        offer_content_hash=HASH,
        computed_at=datetime.now(UTC),
    )
    gates = [
        Gate(
            gate=g, passed=g not in failed, reason="outside the preferred locations" if g in failed else "ok"
        )
        for g in ("location", "salary", "language")
    ]
    return Explanation(
        kind="deterministic",
        version="match-v2",
        total=62.0,
        excluded=bool(failed),
        components=[Component(feature="skills", weight=35, value=1, contribution=35)],
        gates=gates,
        summary="x",
        audit=audit,
    )


class TestEvidenceRules:
    def test_a_quote_holds_after_whitespace_normalisation(self) -> None:
        checked = check_reply(_reply(), offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        assert (checked.kept, checked.dropped) == (4, 0)
        assert checked.sub_scores[0].kept[0].text == "Python and PostgreSQL in production"

    def test_a_paraphrase_is_dropped_counted_and_its_sub_score_flagged(self) -> None:
        reply = _reply(
            sub_scores=[
                _sub("skills_experience", ("Expert in Python and Kubernetes", "cv")),
                _sub("seniority", ("Backend Engineer at Initech", "cv")),
                _sub("domain", ("You will build APIs.", "posting")),
                _sub("logistics", ("Remote within the EU.", "posting")),
            ]
        )

        checked = check_reply(reply, offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        assert checked.dropped == 1
        assert [s.name for s in checked.sub_scores if s.flagged] == ["skills_experience"]

    def test_a_quote_under_twelve_characters_is_dropped(self) -> None:
        reply = _reply(
            sub_scores=[
                _sub("skills_experience", ("Python", "cv"), ("Python and PostgreSQL", "cv")),
                _sub("seniority", ("Backend Engineer at Initech", "cv")),
                _sub("domain", ("You will build APIs.", "posting")),
                _sub("logistics", ("Remote within the EU.", "posting")),
            ]
        )

        checked = check_reply(reply, offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        assert (checked.sub_scores[0].dropped, checked.sub_scores[0].flagged) == (1, False)

    def test_a_posting_line_cited_as_cv_evidence_is_dropped(self) -> None:
        reply = _reply(
            sub_scores=[
                _sub("skills_experience", ("5 years of Python", "cv")),
                _sub("seniority", ("Backend Engineer at Initech", "cv")),
                _sub("domain", ("You will build APIs.", "posting")),
                _sub("logistics", ("Remote within the EU.", "posting")),
            ]
        )

        checked = check_reply(reply, offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        assert checked.sub_scores[0].flagged

    def test_a_reply_for_another_offer_is_refused(self) -> None:
        with pytest.raises(PermanentError) as caught:
            check_reply(
                _reply(offer_content_hash="b" * 64), offer_content_hash=HASH, cv_text=CV, posting_text=POSTING
            )

        assert caught.value.failure_class == FailureClass.LLM_INVALID_OUTPUT

    def test_a_reply_missing_a_dimension_is_refused(self) -> None:
        reply = _reply(sub_scores=[_sub("skills_experience", ("Backend Engineer at Initech", "cv"))])

        with pytest.raises(PermanentError):
            check_reply(reply, offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

    def test_scores_are_clamped(self) -> None:
        reply = _reply(
            sub_scores=[
                _sub("skills_experience", ("Backend Engineer at Initech", "cv"), score=250),
                _sub("seniority", ("Backend Engineer at Initech", "cv"), score=-5),
                _sub("domain", ("You will build APIs.", "posting")),
                _sub("logistics", ("Remote within the EU.", "posting")),
            ]
        )

        checked = check_reply(reply, offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        assert [s.score for s in checked.sub_scores[:2]] == [100, 0]


class TestGateCap:
    def test_a_failed_gate_caps_the_combined_score_and_says_why(self) -> None:
        checked = check_reply(_reply(), offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)
        deterministic = _deterministic("location")

        llm = explanation_of(checked, deterministic, version="score-v1", audit=deterministic.audit)

        assert llm.cap is not None
        assert (llm.total, llm.cap.uncapped, llm.excluded) == (GATED_CAP, 80.0, True)
        assert "location: outside the preferred locations" in llm.cap.reason
        assert llm.gates == deterministic.gates

    def test_without_a_failed_gate_nothing_is_capped(self) -> None:
        checked = check_reply(_reply(), offer_content_hash=HASH, cv_text=CV, posting_text=POSTING)

        llm = explanation_of(checked, _deterministic(), version="score-v1", audit=_deterministic().audit)

        assert (llm.total, llm.cap) == (80.0, None)


def score(world: NotebookWorld, entry_id: str, uid: str = UID) -> tuple[int, dict[str, object]]:
    response = world.client.post(f"/notebook/{entry_id}:score", headers=world.auth(uid))
    return response.status_code, response.get_json()


class TestOfflineLoop:
    def test_a_queued_score_lands_in_the_history_with_its_audit(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]

        status, body = score(world, entry_id)
        world.run_tasks()

        assert (status, body["status"]) == (202, "queued")
        history = world.client.get(f"/notebook/{entry_id}/scores", headers=world.auth()).get_json()["scores"]
        [record] = history
        assert (record["llm"]["kind"], record["deterministic"]["kind"]) == ("llm", "deterministic")
        audit = record["llm"]["audit"]
        assert (audit["provider"], audit["model"], audit["prompt_version"]) == (
            "heuristic",
            "heuristic-v1",
            "score-heuristic-v1",
        )
        assert audit["inputs_hash"] == record["inputs_hash"] == body["inputs_hash"]
        assert [c["feature"] for c in record["llm"]["components"]] == [
            "skills_experience",
            "seniority",
            "domain",
            "logistics",
        ]
        assert record["llm"]["checks"]["quotes_dropped"] == 0
        entry = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()
        assert (entry["score"]["total"], entry["stale"], entry["score_state"]["state"]) == (
            record["total"],
            False,
            "done",
        )

    def test_scoring_before_any_profile_is_a_conflict_and_calls_nothing(self, world: NotebookWorld) -> None:
        entry_id = world.save("nb-user-3", offer_id=OFFERS[0].id).get_json()["id"]

        response = world.client.post(f"/notebook/{entry_id}:score", headers=world.auth("nb-user-3"))

        assert response.status_code == 409
        assert "no career profile" in response.get_json()["detail"]
        assert world.provider.calls == 0

    def test_unchanged_inputs_are_answered_from_the_cache_with_no_call(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        score(world, entry_id)
        world.run_tasks()

        status, body = score(world, entry_id)
        world.run_tasks()

        assert status == 200
        assert body["entry_id"] == entry_id
        assert world.provider.calls == 1

    def test_a_new_profile_version_makes_the_score_stale_until_rescored(
        self, tmp_path: Path, settings: Settings, clock: ManualClock
    ) -> None:
        manual = NotebookWorld(
            tmp_path, Settings(**{**settings.model_dump(), "notebook_auto_rescore": False}), clock
        )
        try:
            entry_id = manual.save(offer_id=OFFERS[0].id).get_json()["id"]
            score(manual, entry_id)
            manual.run_tasks()
            manual.put_profile(UID, 2, skills=("Python", "Go"))
            manual.clock.advance(minutes=5)
            publish(manual.queue, ProfileVersionCreated(uid=UID, version=2))
            manual.run_tasks()

            stale = manual.client.get("/notebook?stale=true", headers=manual.auth()).get_json()["entries"]
            status, _ = score(manual, entry_id)
            manual.run_tasks()

            assert [e["id"] for e in stale] == [entry_id]
            assert status == 202
            history = manual.client.get(f"/notebook/{entry_id}/scores", headers=manual.auth()).get_json()[
                "scores"
            ]
            assert [r["profile_version"] for r in history] == [2, 1]
            assert (
                manual.client.get(f"/notebook/{entry_id}", headers=manual.auth()).get_json()["stale"] is False
            )
        finally:
            manual.close()

    def test_a_changed_offer_refreshes_the_snapshot_and_is_rescored_within_budget(
        self, world: NotebookWorld
    ) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        score(world, entry_id)
        world.run_tasks()
        changed = make_offer(1, "Staff Backend Engineer", "Python and Go, on call.", remote_policy="remote")
        world.put_offer(changed)
        world.clock.advance(minutes=5)

        publish(world.queue, OffersChanged(run_id="r2", source_id="lever-acme", offer_ids=[changed.id]))
        world.run_tasks()

        entry = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()
        history = world.client.get(f"/notebook/{entry_id}/scores", headers=world.auth()).get_json()["scores"]
        assert entry["snapshot"]["title"] == "Staff Backend Engineer"
        assert [r["offer_content_hash"] for r in history] == [changed.content_hash, OFFERS[0].content_hash]
        assert (entry["stale"], world.provider.calls) == (False, 2)

    def test_scores_filter_and_sort_the_list(self, world: NotebookWorld) -> None:
        ids = [world.save(offer_id=o.id).get_json()["id"] for o in OFFERS[:3]]
        for entry_id in ids:
            score(world, entry_id)
        world.run_tasks()

        best = world.client.get("/notebook?sort=score", headers=world.auth()).get_json()["entries"]
        totals = [e["score"]["total"] for e in best]
        floor = world.client.get(
            f"/notebook?sort=score&min_score={totals[1]}", headers=world.auth()
        ).get_json()

        assert totals == sorted(totals, reverse=True)
        assert [e["id"] for e in floor["entries"]] == [e["id"] for e in best[:2]]


class TestBudget:
    @pytest.fixture
    def tight(self, tmp_path: Path, settings: Settings, clock: ManualClock) -> Iterator[NotebookWorld]:
        w = NotebookWorld(tmp_path, with_budget(settings, 1), clock)
        yield w
        w.close()

    def test_past_the_daily_budget_a_request_is_429_with_the_reset_time(self, tight: NotebookWorld) -> None:
        first, second = (tight.save(offer_id=o.id).get_json()["id"] for o in OFFERS[:2])
        score(tight, first)
        tight.run_tasks()

        response = tight.client.post(f"/notebook/{second}:score", headers=tight.auth())

        body = response.get_json()
        assert (response.status_code, body["failure_class"]) == (429, "LLM_BUDGET_EXCEEDED")
        assert body["reset_at"] == "2026-01-02T00:00:00+00:00"
        assert int(response.headers["Retry-After"]) > 0
        assert tight.provider.calls == 1

    def test_the_budget_resets_the_next_day_and_a_cached_score_costs_nothing(
        self, tight: NotebookWorld
    ) -> None:
        first, second = (tight.save(offer_id=o.id).get_json()["id"] for o in OFFERS[:2])
        score(tight, first)
        tight.run_tasks()

        cached, _ = score(tight, first)
        tight.clock.advance(days=1)
        next_day, _ = score(tight, second)

        assert (cached, next_day) == (200, 202)

    def test_automatic_rescoring_stops_at_the_remaining_budget(
        self, tmp_path: Path, settings: Settings, clock: ManualClock
    ) -> None:
        w = NotebookWorld(tmp_path, with_budget(settings, 3), clock)
        try:
            ids = [w.save(offer_id=o.id).get_json()["id"] for o in OFFERS[:2]]
            for entry_id in ids:
                score(w, entry_id)
            w.run_tasks()
            w.put_profile(UID, 2)
            w.clock.advance(minutes=5)

            publish(w.queue, ProfileVersionCreated(uid=UID, version=2))
            w.run_tasks()

            stale = w.client.get("/notebook?stale=true", headers=w.auth()).get_json()["entries"]
            assert (w.provider.calls, len(stale)) == (3, 1)
        finally:
            w.close()

    def test_calls_and_tokens_are_recorded_per_day(self, world: NotebookWorld) -> None:
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        score(world, entry_id)
        world.run_tasks()

        day = world.store.get("llm_usage_days/2026-01-01")

        assert day is not None
        assert (day.data["calls"], day.data["by_provider"]) == (1, {"heuristic": 1})


class TestJourney:
    def _step(self, world: NotebookWorld) -> dict[str, object]:
        journey = world.container.make(JourneyService).journey(UID)
        [step] = [s for s in journey.steps if s.key == "notebook"]
        return step.model_dump(mode="json")

    def test_the_notebook_step_follows_the_first_save_and_the_first_score(self, world: NotebookWorld) -> None:
        before = self._step(world)
        entry_id = world.save(offer_id=OFFERS[0].id).get_json()["id"]
        saved = self._step(world)
        score(world, entry_id)
        world.run_tasks()

        done = self._step(world)

        assert before["state"] == "blocked"  # no match run yet, nothing kept
        assert (saved["state"], saved["detail"]) == ("in_progress", {"kept": 1, "scored": False})
        assert (done["state"], done["detail"]["provider"]) == ("done", "heuristic")
