"""Step: offers were ranked against the job seeker's career profile."""

from __future__ import annotations

from shared.domain.journey import StepState, StepStatus
from shared.ports import Order, Query
from shared.services.journey import StepContext, StepProvider
from shared.services.matching import runs_collection


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a match run exists; the newest run's counts as detail."""
    runs = ctx.store.query(
        Query(runs_collection(ctx.uid), order_by=(Order("created_at", descending=True),), limit=1)
    )
    if not runs:
        return StepStatus(state=StepState.NOT_STARTED)
    run = runs[0].data
    return StepStatus(
        state=StepState.DONE,
        detail={"profile_version": run["profile_version"], "scored": run["scored"], "run_id": run["id"]},
    )


STEP = StepProvider(
    key="matching",
    title="See your ranked offers",
    order=40,
    evaluate=evaluate,
    requires=("career_profile",),
)
