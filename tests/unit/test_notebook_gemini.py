"""The Gemini scoring path against the local Vertex stub, through the scoring queue and its function.

The canned replies below are written by hand for the world's profile (its skills and past
title, rendered as CV text) and its first offer; nothing in them is computed by the scorer.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.llm_scoring import LlmScoreProvider
from shared.adapters.local.clock import ManualClock
from shared.config import Settings
from shared.messages import ScoreTask, channel_of
from shared.services.operations import DeadLetterService
from tests.support.vertex_stub import VertexStub, stub_error, stub_json, stub_llm
from tests.unit.notebook_world import OFFERS, UID, NotebookWorld


def reply_for(content_hash: str) -> dict[str, Any]:
    return {
        "offer_content_hash": content_hash,
        "sub_scores": [
            {
                "name": "skills_experience",
                "score": 85,
                "rationale": "Python, PostgreSQL and Docker are all on the CV.",
                "evidence": [
                    {"text": "PostgreSQL: used PostgreSQL", "source": "cv"},
                    {"text": "Python, PostgreSQL and Docker every day.", "source": "posting"},
                ],
            },
            {
                "name": "seniority",
                "score": 70,
                "rationale": "A senior software engineer for a senior role.",
                "evidence": [{"text": "Software Engineer, Initech", "source": "cv"}],
            },
            {
                "name": "domain",
                "score": 60,
                "rationale": "Payments background.",
                "evidence": [{"text": "Ten years in fintech payments", "source": "cv"}],
            },
            {
                "name": "logistics",
                "score": 90,
                "rationale": "Remote, as preferred.",
                "evidence": [{"text": "Remote within the EU", "source": "posting"}],
            },
        ],
        "strengths": ["Python", "PostgreSQL"],
        "gaps": ["No payments work shown"],
        "summary": "A strong backend match.",
    }


@pytest.fixture
def stub() -> Iterator[VertexStub]:
    with VertexStub() as s:
        yield s


@pytest.fixture
def world(
    tmp_path: Path, settings: Settings, clock: ManualClock, stub: VertexStub
) -> Iterator[NotebookWorld]:
    llm = stub_llm(stub)
    w = NotebookWorld(tmp_path, settings, clock, provider=LlmScoreProvider(llm))
    yield w
    w.close()
    llm.close()


def _queue_score(world: NotebookWorld) -> str:
    entry_id: str = world.save(offer_id=OFFERS[0].id).get_json()["id"]
    assert world.client.post(f"/notebook/{entry_id}:score", headers=world.auth()).status_code == 202
    return entry_id


def _entry(world: NotebookWorld, entry_id: str) -> dict[str, Any]:
    data: dict[str, Any] = world.client.get(f"/notebook/{entry_id}", headers=world.auth()).get_json()
    return data


def _scores(world: NotebookWorld, entry_id: str) -> list[dict[str, Any]]:
    data = world.client.get(f"/notebook/{entry_id}/scores", headers=world.auth()).get_json()
    return list(data["scores"])


class TestGeminiScore:
    def test_the_request_is_deterministic_structured_and_delimited(
        self, world: NotebookWorld, stub: VertexStub
    ) -> None:
        stub.enqueue(stub_json(reply_for(OFFERS[0].content_hash)))
        _queue_score(world)

        world.run_tasks()

        [request] = stub.generate_requests()
        config = request.body["generationConfig"]
        assert (config["temperature"], config["responseMimeType"]) == (0, "application/json")
        assert isinstance(config["seed"], int)
        assert {"offer_content_hash", "sub_scores"} <= set(config["responseSchema"]["properties"])
        assert "untrusted" in request.system_text
        assert f'<posting_text offer="{OFFERS[0].content_hash}">' in request.user_text
        assert "<cv_text>" in request.user_text

    def test_quotes_are_checked_and_the_call_is_recorded(
        self, world: NotebookWorld, stub: VertexStub
    ) -> None:
        stub.enqueue(stub_json(reply_for(OFFERS[0].content_hash)))
        entry_id = _queue_score(world)

        world.run_tasks()

        [record] = _scores(world, entry_id)
        llm = record["llm"]
        assert record["total"] == 79.25  # 45*.85 + 20*.70 + 15*.60 + 20*.90
        assert llm["checks"] == {"quotes_kept": 3, "quotes_dropped": 2, "flagged": ["domain", "logistics"]}
        assert (llm["audit"]["provider"], llm["audit"]["model"]) == ("gemini", "gemini-stub-001")
        assert (llm["audit"]["input_tokens"], llm["audit"]["output_tokens"]) == (1200, 300)
        day = world.store.get("llm_usage_days/2026-01-01")
        assert day is not None
        assert (day.data["calls"], day.data["input_tokens"], day.data["output_tokens"]) == (1, 1200, 300)

    def test_a_reply_for_another_offer_is_refused_and_nothing_is_stored(
        self, world: NotebookWorld, stub: VertexStub
    ) -> None:
        stub.enqueue(stub_json(reply_for(OFFERS[1].content_hash)))
        entry_id = _queue_score(world)

        world.run_tasks()

        state = _entry(world, entry_id)["score_state"]
        assert (state["state"], state["failure_class"]) == ("failed", "LLM_INVALID_OUTPUT")
        assert _scores(world, entry_id) == []
        assert len(stub.generate_requests()) == 1  # permanent: never retried


class TestRetries:
    def test_429_and_503_are_retried_by_the_queue_until_a_reply_lands(
        self, world: NotebookWorld, stub: VertexStub
    ) -> None:
        # Each task attempt makes three calls (the adapter's own retries): two attempts fail.
        stub.enqueue(
            *[stub_error(429)] * 3, *[stub_error(503)] * 3, stub_json(reply_for(OFFERS[0].content_hash))
        )
        entry_id = _queue_score(world)

        world.run_tasks()

        assert len(stub.generate_requests()) == 7
        assert _entry(world, entry_id)["score_state"]["state"] == "done"
        assert len(_scores(world, entry_id)) == 1
        assert world.container.make(DeadLetterService).list().items == []

    def test_the_last_attempt_dead_letters_the_task_and_a_replay_finishes_it(
        self, world: NotebookWorld, stub: VertexStub
    ) -> None:
        entry_id = _queue_score(world)  # the stub answers 500 to everything by default

        world.run_tasks()
        letters = world.container.make(DeadLetterService).list().items
        failed = _entry(world, entry_id)["score_state"]
        stub.enqueue(stub_json(reply_for(OFFERS[0].content_hash)))
        world.container.make(DeadLetterService).replay(letters[0].id)
        world.run_tasks()

        assert [(d.origin, d.failure_class, d.attempts) for d in letters] == [
            (channel_of(ScoreTask), "LLM_UNAVAILABLE", 5)
        ]
        assert (failed["state"], failed["failure_class"]) == ("failed", "LLM_UNAVAILABLE")
        assert _entry(world, entry_id)["score_state"]["state"] == "done"
        assert [r["llm"]["audit"]["provider"] for r in _scores(world, entry_id)] == ["gemini"]
        assert _scores(world, entry_id)[0]["uid"] == UID
