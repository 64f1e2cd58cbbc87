"""Step: offers were ranked against the job seeker's career profile."""

from __future__ import annotations

from shared.domain.failures import FailureClass
from shared.domain.journey import StepState, StepStatus
from shared.repositories.matches import Matches
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a match run exists; failed when matching was given up after the newest run."""
    matches = Matches(ctx.store)
    run = matches.latest_run(ctx.uid)
    failure = matches.last_failure(ctx.uid)
    if failure is not None and (run is None or run.created_at < failure.at):
        return StepStatus(
            state=StepState.FAILED,
            detail={"profile_version": failure.profile_version, "message": failure.message},
            failure_class=FailureClass(failure.failure_class),
        )
    if run is None:
        return StepStatus(state=StepState.NOT_STARTED)
    return StepStatus(
        state=StepState.DONE,
        detail={"profile_version": run.profile_version, "scored": run.scored, "run_id": run.id},
    )


STEP = StepProvider(
    key="matching",
    title="See your ranked offers",
    order=40,
    evaluate=evaluate,
    requires=("career_profile",),
)
