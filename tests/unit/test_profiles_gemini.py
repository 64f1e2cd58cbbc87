"""Profiles made by the Gemini provider, through the local Vertex stub, from the kit's CVs.

The stub answers with replies written by hand for three CVs (tests/data/gemini_replies.json):
real evidence quotes read from each PDF, plus skills a manipulated model might invent. None
of it is derived from this repository's own CV reading.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from shared.adapters.llm_profile import LlmProfileProvider
from shared.domain.profiles import CareerProfile
from shared.domain.text import normalise_space, quote_occurs
from tests.support.vertex_stub import VertexStub, stub_json, stub_llm
from tests.unit.cv_texts import READABLE, cv_text
from tests.unit.documents_world import UID, World, world
from tests.unit.profiles_world import profile_service, upload_cv

__all__ = ["world"]  # the fixture, imported for pytest

REPLIES: dict[str, Any] = {
    stem: entry
    for stem, entry in json.loads(
        (Path(__file__).resolve().parents[1] / "data" / "gemini_replies.json").read_text(encoding="utf-8")
    ).items()
    if not stem.startswith("_")
}
INVENTED = {"Quantum computing", "Rust"}


@pytest.fixture
def stub() -> Iterator[VertexStub]:
    with VertexStub() as s:
        yield s


@pytest.fixture
def gemini(stub: VertexStub) -> Iterator[LlmProfileProvider]:
    llm = stub_llm(stub)
    yield LlmProfileProvider(llm)
    llm.close()


def canned_reply(stem: str) -> dict[str, Any]:
    """The hand-written reply for one CV."""
    reply: dict[str, Any] = REPLIES[stem]["reply"]
    return reply


class TestGeminiOnKitCvs:
    @pytest.mark.parametrize("stem", sorted(REPLIES))
    def test_makes_a_valid_profile_with_only_evidenced_skills(
        self, world: World, shared_data: Path, stub: VertexStub, gemini: LlmProfileProvider, stem: str
    ) -> None:
        document = upload_cv(world, shared_data, stem)
        text = cv_text(shared_data, stem)
        stub.enqueue(stub_json(canned_reply(stem)))

        profile = profile_service(world, gemini).generate(UID, document.id).profile

        assert CareerProfile.model_validate(profile.model_dump()) == profile
        assert profile.provenance.provider == "gemini"
        assert profile.provenance.token_usage.total_tokens > 0
        normalised = normalise_space(text)
        assert all(quote_occurs(s.evidence, normalised) for s in profile.skills)
        assert sorted(profile.skill_names) == sorted(REPLIES[stem]["kept"])
        assert INVENTED.isdisjoint(profile.skill_names)

    def test_every_hand_written_reply_is_for_a_readable_kit_cv(self) -> None:
        assert set(REPLIES) <= set(READABLE)

    def test_sends_the_extracted_cv_text_between_delimiters(
        self, world: World, shared_data: Path, stub: VertexStub, gemini: LlmProfileProvider
    ) -> None:
        stem = "senior-swe_two-column_chromium_1p"
        document = upload_cv(world, shared_data, stem)
        stub.enqueue(stub_json(canned_reply(stem)))

        profile_service(world, gemini).generate(UID, document.id)

        assert f"<cv_text>\n{cv_text(shared_data, stem)}\n</cv_text>" in stub.generate_requests()[0].user_text


class TestGeminiCache:
    def test_a_second_generation_makes_no_request_to_the_stub(
        self, world: World, shared_data: Path, stub: VertexStub, gemini: LlmProfileProvider
    ) -> None:
        stem = "fullstack-dev_john-doe_latex_2p"
        document = upload_cv(world, shared_data, stem)
        stub.enqueue(stub_json(canned_reply(stem)))
        service = profile_service(world, gemini)
        first = service.generate(UID, document.id)

        second = service.generate(UID, document.id)

        assert len(stub.generate_requests()) == 1
        assert (first.created, second.created, second.profile.version) == (True, False, 1)
