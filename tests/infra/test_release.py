"""Canary release decisions and the release runner, on fakes of the Cloud Run and health ports."""

from __future__ import annotations

import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from infra.canary import Release, revert
from infra.cloudrun import parse_state, traffic_body
from infra.deploy import command_smoke, main
from infra.release import (
    CANDIDATE_TAG,
    PREVIOUS_TAG,
    Health,
    ReleaseError,
    ServiceState,
    SmokeResult,
    Target,
    Verdict,
    candidate_of,
    judge,
    plan_revert,
    plan_rollback,
    plan_shift,
    plan_tagging,
)
from infra.signals import API_ERROR_RATIO

STABLE = (Target("api-0001", 100),)


def share(targets: Sequence[Target], revision: str) -> int:
    return sum(t.percent for t in targets if t.revision == revision)


def tag_of(targets: Sequence[Target], revision: str) -> str | None:
    return next(t.tag for t in targets if t.revision == revision)


class TestDecisions:
    def test_a_new_ready_revision_without_traffic_is_the_candidate(self) -> None:
        assert candidate_of(ServiceState("api", "api-0002", STABLE)) == "api-0002"

    def test_nothing_to_release_when_the_newest_revision_already_serves(self) -> None:
        assert candidate_of(ServiceState("api", "api-0001", STABLE)) is None
        assert candidate_of(ServiceState("api", None, STABLE)) is None

    def test_tagging_gives_the_candidate_no_traffic_and_tags_both_sides(self) -> None:
        targets = plan_tagging(STABLE, "api-0002")
        assert share(targets, "api-0002") == 0
        assert share(targets, "api-0001") == 100
        assert tag_of(targets, "api-0002") == CANDIDATE_TAG
        assert tag_of(targets, "api-0001") == PREVIOUS_TAG

    def test_tagging_moves_our_tags_off_older_revisions_but_keeps_foreign_tags(self) -> None:
        before = (
            Target("api-0002", 100, CANDIDATE_TAG),
            Target("api-0001", 0, PREVIOUS_TAG),
            Target("api-0000", 0, "blue"),
        )
        targets = plan_tagging(before, "api-0003")
        assert [t.revision for t in targets if t.tag == CANDIDATE_TAG] == ["api-0003"]
        assert [t.revision for t in targets if t.tag == PREVIOUS_TAG] == ["api-0002"]
        assert tag_of(targets, "api-0000") == "blue"
        assert "api-0001" not in {t.revision for t in targets}

    @pytest.mark.parametrize("percent", [10, 50, 100])
    def test_a_shift_puts_exactly_that_share_on_the_candidate(self, percent: int) -> None:
        targets = plan_shift(STABLE, "api-0002", percent)
        assert share(targets, "api-0002") == percent
        assert sum(t.percent for t in targets) == 100

    def test_a_shift_keeps_the_proportions_of_an_existing_split(self) -> None:
        before = (Target("api-0001", 75), Target("api-0000", 25))
        targets = plan_shift(before, "api-0002", 10)
        assert share(targets, "api-0001") + share(targets, "api-0000") == 90
        assert share(targets, "api-0001") > share(targets, "api-0000") > 0

    def test_rollback_restores_the_exact_previous_split_and_keeps_the_candidate_reachable(self) -> None:
        before = (Target("api-0001", 75), Target("api-0000", 25, "blue"))
        targets = plan_rollback(before, "api-0002")
        assert share(targets, "api-0001") == 75
        assert share(targets, "api-0000") == 25
        assert share(targets, "api-0002") == 0
        assert tag_of(targets, "api-0002") == CANDIDATE_TAG

    def test_rollback_leaves_one_candidate_tag_when_an_older_candidate_was_tagged(self) -> None:
        before = (Target("api-0002", 100, PREVIOUS_TAG), Target("api-0001", 0, CANDIDATE_TAG))
        targets = plan_rollback(before, "api-0003")
        assert [t.revision for t in targets if t.tag == CANDIDATE_TAG] == ["api-0003"]
        assert share(targets, "api-0002") == 100

    def test_a_split_that_does_not_add_up_is_refused(self) -> None:
        with pytest.raises(ReleaseError, match="100%"):
            plan_tagging((Target("api-0001", 60),), "api-0002")

    def test_revert_after_a_release_goes_back_to_the_previous_tag(self) -> None:
        after = (Target("api-0002", 100, CANDIDATE_TAG), Target("api-0001", 0, PREVIOUS_TAG))
        targets = plan_revert(after)
        assert share(targets, "api-0001") == 100
        assert share(targets, "api-0002") == 0

    def test_revert_without_a_previous_revision_is_refused(self) -> None:
        with pytest.raises(ReleaseError, match="previous"):
            plan_revert(STABLE)


class TestJudge:
    def test_an_error_ratio_above_the_alert_limit_fails(self) -> None:
        assert judge(Health(requests=100, errors=int(100 * API_ERROR_RATIO) + 1)) is Verdict.FAILING

    def test_an_error_ratio_at_or_below_the_limit_is_healthy(self) -> None:
        assert judge(Health(requests=100, errors=int(100 * API_ERROR_RATIO))) is Verdict.HEALTHY

    def test_little_traffic_without_errors_is_quiet_not_healthy(self) -> None:
        assert judge(Health(requests=3, errors=0)) is Verdict.QUIET

    def test_errors_on_little_traffic_still_fail(self) -> None:
        assert judge(Health(requests=3, errors=3)) is Verdict.FAILING


# --------------------------------------------------------------------------- fakes of the ports
@dataclass
class FakeCloudRun:
    """Services with revisions and traffic; records every traffic change."""

    states: dict[str, ServiceState]
    changes: list[tuple[str, tuple[Target, ...]]] = field(default_factory=list)

    def state(self, service: str) -> ServiceState:
        return self.states[service]

    def set_traffic(self, service: str, targets: Sequence[Target]) -> None:
        assert sum(t.percent for t in targets) == 100
        old = self.states[service]
        self.states[service] = ServiceState(service, old.latest_ready, tuple(targets))
        self.changes.append((service, tuple(targets)))

    def tag_url(self, service: str, tag: str) -> str:
        revision = next(t.revision for t in self.states[service].traffic if t.tag == tag)
        return f"https://{tag}---{service}.example/{revision}"

    def share(self, service: str, revision: str) -> int:
        return share(self.states[service].traffic, revision)


@dataclass
class FakeHealth:
    """Health readings per revision; a reading appears once the clock passes its time."""

    clock: FakeClock
    failing_at: dict[str, float] = field(default_factory=dict)  # revision -> time errors start
    asked: list[str] = field(default_factory=list)

    def health(self, service: str, revision: str, window_s: int) -> Health:
        self.asked.append(revision)
        start = self.failing_at.get(revision)
        if start is not None and self.clock.t >= start:
            return Health(requests=200, errors=40)
        return Health(requests=200, errors=1)


@dataclass
class FakeClock:
    t: float = 0.0

    def now(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.t += seconds


def two_services() -> FakeCloudRun:
    return FakeCloudRun(
        {
            "api": ServiceState("api", "api-0002", (Target("api-0001", 100),)),
            "ops": ServiceState("ops", "ops-0007", (Target("ops-0007", 100),)),  # unchanged
            "match-offers": ServiceState("match-offers", "mo-0003", (Target("mo-0002", 100),)),
        }
    )


def release(run: FakeCloudRun, clock: FakeClock, health: FakeHealth, smoke: object = None) -> Release:
    smoked: list[tuple[str, str]] = []

    def passing(service: str, url: str) -> SmokeResult:
        smoked.append((service, url))
        return SmokeResult(True, "journey ok")

    r = Release(
        run,
        health,
        smoke or passing,  # type: ignore[arg-type]
        bake_s=300,
        poll_s=30,
        smoke_services=frozenset({"api", "ops"}),
        now=clock.now,
        sleep=clock.sleep,
    )
    r.smoked = smoked  # type: ignore[attr-defined]
    return r


class TestRelease:
    def test_a_healthy_candidate_is_smoked_on_its_tag_then_shifted_10_then_100(self) -> None:
        run, clock = two_services(), FakeClock()
        r = release(run, clock, FakeHealth(clock))
        outcome = r(["api", "ops", "match-offers"])
        assert outcome.status == "promoted"
        assert outcome.candidates == {"api": "api-0002", "match-offers": "mo-0003"}
        assert r.smoked == [("api", "https://candidate---api.example/api-0002")]  # type: ignore[attr-defined]
        api_shares = [share(t, "api-0002") for s, t in run.changes if s == "api"]
        assert api_shares == [0, 10, 100]
        assert run.share("api", "api-0002") == 100
        assert run.share("match-offers", "mo-0003") == 100
        assert tag_of(run.states["api"].traffic, "api-0001") == PREVIOUS_TAG
        assert not [s for s, _ in run.changes if s == "ops"]
        assert clock.t >= 2 * 300  # baked after each of the two shifts

    def test_a_failed_smoke_rolls_everything_back_before_any_traffic_moves(self) -> None:
        run, clock = two_services(), FakeClock()

        def failing(service: str, url: str) -> SmokeResult:
            return SmokeResult(False, "EXTRACTED never reached")

        outcome = release(run, clock, FakeHealth(clock), failing)(["api", "match-offers"])
        assert outcome.status == "rolled_back"
        assert "smoke failed on api" in outcome.reason
        assert all(share(t, "api-0002") == 0 for s, t in run.changes if s == "api")
        assert run.share("api", "api-0001") == 100
        assert run.share("match-offers", "mo-0002") == 100

    def test_an_error_rate_above_the_alert_limit_during_the_canary_rolls_back(self) -> None:
        run, clock = two_services(), FakeClock()
        health = FakeHealth(clock, failing_at={"mo-0003": 60})
        outcome = release(run, clock, health)(["api", "match-offers"])
        assert outcome.status == "rolled_back"
        assert "match-offers" in outcome.reason
        assert max(share(t, "mo-0003") for s, t in run.changes if s == "match-offers") == 10
        assert run.share("match-offers", "mo-0002") == 100
        assert run.share("api", "api-0001") == 100  # all services shift and roll back together
        assert clock.t < 300  # caught while baking the 10% stage

    def test_an_error_rate_after_full_traffic_still_rolls_back(self) -> None:
        run, clock = two_services(), FakeClock()
        outcome = release(run, clock, FakeHealth(clock, failing_at={"api-0002": 400}))(["api"])
        assert outcome.status == "rolled_back"
        assert run.share("api", "api-0001") == 100
        assert [a.action for a in outcome.steps][-1] == "rollback"

    def test_nothing_changed_means_no_traffic_call_and_no_smoke(self) -> None:
        run, clock = two_services(), FakeClock()
        r = release(run, clock, FakeHealth(clock))
        outcome = r(["ops"])
        assert outcome.status == "unchanged"
        assert run.changes == []
        assert r.smoked == []  # type: ignore[attr-defined]

    def test_a_service_serving_nothing_cannot_be_canaried(self) -> None:
        run = FakeCloudRun({"api": ServiceState("api", "api-0002", (Target("api-0001", 0, "x"),))})
        clock = FakeClock()
        with pytest.raises(ReleaseError, match="no revision serves traffic"):
            release(run, clock, FakeHealth(clock))(["api"])

    def test_manual_revert_after_a_promotion_restores_the_previous_revision(self) -> None:
        run, clock = two_services(), FakeClock()
        release(run, clock, FakeHealth(clock))(["api"])
        revert(run, "api")
        assert run.share("api", "api-0001") == 100


class TestCloudRunJson:
    def test_latest_traffic_resolves_to_the_latest_ready_revision(self) -> None:
        body = {
            "latestReadyRevision": "projects/p/locations/r/services/api/revisions/api-0002",
            "traffic": [{"type": "TRAFFIC_TARGET_ALLOCATION_TYPE_LATEST", "percent": 100}],
        }
        state = parse_state("api", body)
        assert state.latest_ready == "api-0002"
        assert state.traffic == (Target("api-0002", 100),)

    def test_traffic_round_trips_through_the_rest_shape(self) -> None:
        targets = (Target("api-0002", 10, CANDIDATE_TAG), Target("api-0001", 90, PREVIOUS_TAG))
        body = {"latestReadyRevision": "api-0002", "traffic": traffic_body(targets)}
        assert parse_state("api", body).traffic == targets


class TestDeployCommand:
    def test_the_smoke_command_gets_the_tagged_url_and_its_exit_status_is_the_verdict(
        self, tmp_path: Path
    ) -> None:
        seen = tmp_path / "url.txt"
        script = f"import sys, pathlib; pathlib.Path({str(seen)!r}).write_text(sys.argv[1]); sys.exit(0)"
        passing = command_smoke(f"{sys.executable} -c {shlex.quote(script)} {{url}}", timeout_s=60)

        result = passing("https://candidate---api.example")

        assert result.ok
        assert seen.read_text() == "https://candidate---api.example"

    def test_a_failing_smoke_command_fails_with_its_last_line(self) -> None:
        script = "import sys; print('upload_extracted failed'); sys.exit(1)"
        failing = command_smoke(f"{sys.executable} -c {shlex.quote(script)}", timeout_s=60)

        result = failing("https://x.example")

        assert not result.ok
        assert "exit 1" in result.detail
        assert "upload_extracted failed" in result.detail

    def test_unknown_function_names_are_refused(self) -> None:
        with pytest.raises(SystemExit, match="unknown functions"):
            main(["status", "--project", "p", "--region", "r", "--functions", "api,nope"])
