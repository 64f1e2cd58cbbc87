"""Career profile generation, cache, refinement and history on the local backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from shared.adapters.local.heuristic_provider import HeuristicProfileProvider
from shared.domain.documents import DocumentState
from shared.domain.errors import Conflict, InvalidInput, NotFound, PermanentError
from shared.domain.failures import FailureClass
from shared.domain.journey import StepState
from shared.domain.profiles import CareerProfile, Corrections, TitleFix
from shared.messages import ProfileTask, channel_of
from shared.repositories.career_profiles import CareerProfiles
from shared.services.journey import JourneyService
from shared.services.profiles import Generated, Queued
from tests.unit.documents_world import OTHER, UID, World, world
from tests.unit.profiles_world import CountingProvider, profile_service, put_inputs, upload_cv

PROFILES = channel_of(ProfileTask)

__all__ = ["world"]  # the fixture, imported for pytest

FULLSTACK = "fullstack-dev_john-doe_latex_2p"


@pytest.fixture
def counting(world: World) -> CountingProvider:
    return CountingProvider(HeuristicProfileProvider(world.clock))


class TestGenerate:
    def test_makes_version_one_with_provenance(self, world: World, shared_data: Path) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)

        outcome = profile_service(world).generate(UID, document.id)

        p = outcome.profile
        assert (outcome.created, p.version, p.uid) == (True, 1, UID)
        assert p.provenance.source_document_ids == [document.id]
        assert p.provenance.source_sha256s == [document.sha256]
        assert (p.provenance.provider, p.provenance.model) == ("heuristic", "heuristic-v1")
        assert {"Java", "Spring Boot", "Angular"} <= set(p.skill_names)
        assert CareerProfiles(world.store).get(UID, 1).version == 1

    def test_uses_the_newest_extracted_document_by_default(self, world: World, shared_data: Path) -> None:
        upload_cv(world, shared_data, FULLSTACK)
        newest = upload_cv(world, shared_data, "frontend-dev_barry-allen_moderncv_1p")

        profile = profile_service(world).generate(UID).profile

        assert profile.provenance.source_document_ids == [newest.id]

    def test_announces_the_new_version_on_profile_events(self, world: World, shared_data: Path) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)

        profile_service(world).generate(UID, document.id)

        assert world.queue.pending("profile-events-match") == 1

    def test_copies_preferences_from_profile_inputs(self, world: World, shared_data: Path) -> None:
        put_inputs(world, ["Backend Engineer"])
        document = upload_cv(world, shared_data, FULLSTACK)

        prefs = profile_service(world).generate(UID, document.id).profile.preferences

        assert (prefs.target_roles, prefs.locations, str(prefs.remote)) == (
            ["Backend Engineer"],
            ["Madrid"],
            "hybrid",
        )


class TestCache:
    def test_same_inputs_return_the_existing_version_without_a_provider_call(
        self, world: World, shared_data: Path, counting: CountingProvider
    ) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        service = profile_service(world, counting)
        first = service.generate(UID, document.id)

        second = service.generate(UID, document.id)

        assert (second.created, second.profile.version, counting.calls) == (False, 1, 1)
        assert second.profile == first.profile

    def test_changed_inputs_make_a_new_version(
        self, world: World, shared_data: Path, counting: CountingProvider
    ) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        service = profile_service(world, counting)
        service.generate(UID, document.id)
        put_inputs(world, ["Platform Engineer"])

        second = service.generate(UID, document.id)

        assert (second.created, second.profile.version, counting.calls) == (True, 2, 2)
        assert second.profile.provenance.inputs_hash != service.get(UID, 1).provenance.inputs_hash

    def test_requesting_with_unchanged_inputs_answers_from_the_cache(
        self, world: World, shared_data: Path, counting: CountingProvider
    ) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        service = profile_service(world, counting)
        service.generate(UID, document.id)

        outcome = service.request_generation(UID)

        assert isinstance(outcome, Generated)
        assert outcome.profile.version == 1

    def test_requesting_new_inputs_queues_a_profile_task(self, world: World, shared_data: Path) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        pending = world.queue.pending(PROFILES)

        outcome = profile_service(world).request_generation(UID)

        assert isinstance(outcome, Queued)
        assert outcome.document_id == document.id
        assert world.queue.pending(PROFILES) == pending + 1


class TestNeverFromAnUnreadableCv:
    @pytest.mark.parametrize(
        ("stem", "failure"),
        [
            ("edge_scanned-image-only_no-text-layer_epson", FailureClass.PDF_NO_TEXT),
            ("teacher_ncsu-style_ENCRYPTED-pw-key_3p", FailureClass.PDF_ENCRYPTED),
        ],
    )
    def test_failed_extraction_gives_a_classed_failure_and_no_profile(
        self, world: World, shared_data: Path, counting: CountingProvider, stem: str, failure: FailureClass
    ) -> None:
        document = upload_cv(world, shared_data, stem)
        service = profile_service(world, counting)

        with pytest.raises(Conflict) as caught:
            service.generate(UID, document.id)

        assert document.state == DocumentState.FAILED
        assert caught.value.failure_class == failure
        assert counting.calls == 0
        with pytest.raises(NotFound):
            service.latest(UID)

    def test_no_extracted_document_is_not_found(self, world: World) -> None:
        with pytest.raises(NotFound):
            profile_service(world).generate(UID)

    def test_another_users_document_is_not_found(self, world: World, shared_data: Path) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)

        with pytest.raises(NotFound):
            profile_service(world).generate(OTHER, document.id)


class TestProviderFailure:
    def test_permanent_failure_is_recorded_and_the_journey_shows_it(
        self, world: World, shared_data: Path, counting: CountingProvider
    ) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        counting.fail = PermanentError("blocked", failure_class=FailureClass.LLM_BLOCKED)

        with pytest.raises(PermanentError):
            profile_service(world, counting).generate(UID, document.id)

        step = next(
            s for s in world.container.make(JourneyService).journey(UID).steps if s.key == "career_profile"
        )
        assert (step.state, step.failure_class) == (StepState.FAILED, FailureClass.LLM_BLOCKED)

    def test_journey_step_is_done_once_a_version_exists(self, world: World, shared_data: Path) -> None:
        document = upload_cv(world, shared_data, FULLSTACK)
        profile_service(world).generate(UID, document.id)

        step = next(
            s for s in world.container.make(JourneyService).journey(UID).steps if s.key == "career_profile"
        )

        assert (step.state, step.detail["version"]) == (StepState.DONE, 1)


class TestRefine:
    @pytest.fixture
    def first(self, world: World, shared_data: Path) -> CareerProfile:
        document = upload_cv(world, shared_data, FULLSTACK)
        return profile_service(world).generate(UID, document.id).profile

    def test_makes_the_next_version_from_the_corrections(self, world: World, first: CareerProfile) -> None:
        corrections = Corrections(
            add_skills=["k8s"],
            remove_skills=["Bootstrap"],
            fix_titles=[TitleFix(index=0, title="Senior Full Stack Developer")],
            feedback="I also led the team.",
        )

        refined = profile_service(world).refine(UID, 1, corrections).profile

        assert (refined.version, refined.provenance.parent_version) == (2, 1)
        assert "Kubernetes" in refined.skill_names
        assert "Bootstrap" not in refined.skill_names
        added = next(s for s in refined.skills if s.name == "Kubernetes")
        assert (added.source, added.evidence) == ("user", "")
        assert refined.work_history[0].title == "Senior Full Stack Developer"
        assert refined.feedback == ["I also led the team."]
        assert profile_service(world).get(UID, 1) == first

    def test_the_same_corrections_twice_make_one_version(self, world: World, first: CareerProfile) -> None:
        service = profile_service(world)
        corrections = Corrections(remove_skills=["Docker"])
        service.refine(UID, 1, corrections)

        again = service.refine(UID, 1, corrections)

        assert (again.created, again.profile.version) == (False, 2)

    def test_empty_corrections_are_refused(self, world: World, first: CareerProfile) -> None:
        with pytest.raises(InvalidInput):
            profile_service(world).refine(UID, 1, Corrections())

    def test_a_title_fix_out_of_range_is_refused(self, world: World, first: CareerProfile) -> None:
        with pytest.raises(InvalidInput):
            profile_service(world).refine(UID, 1, Corrections(fix_titles=[TitleFix(index=40, title="CTO")]))

    def test_diff_lists_skill_and_field_changes(self, world: World, first: CareerProfile) -> None:
        service = profile_service(world)
        service.refine(UID, 1, Corrections(add_skills=["Rust"], remove_skills=["Docker"], seniority="lead"))

        diff = service.diff(UID, 1, 2)

        assert (diff["skills_added"], diff["skills_removed"]) == (["Rust"], ["Docker"])
        assert diff["changed"]["seniority"] == {"from": first.seniority, "to": "lead"}
