"""Step: offers were ranked against the job seeker's career profile."""

from __future__ import annotations

from shared.domain.journey import StepState, StepStatus
from shared.repositories.matches import Matches
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a match run exists; the newest run's counts as detail."""
    run = Matches(ctx.store).latest_run(ctx.uid)
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
