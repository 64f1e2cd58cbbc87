"""Step 1: the job seeker stated target roles and preferences."""

from __future__ import annotations

from shared.domain.journey import StepState, StepStatus
from shared.repositories.accounts import Accounts
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once profile inputs exist."""
    inputs = Accounts(ctx.store).inputs(ctx.uid)
    if inputs is None:
        return StepStatus(state=StepState.NOT_STARTED)
    return StepStatus(
        state=StepState.DONE,
        detail={
            "target_roles": len(inputs.target_roles),
            "updated_at": inputs.updated_at.isoformat(),
        },
    )


STEP = StepProvider(
    key="profile_inputs",
    title="Tell us what you are looking for",
    order=10,
    evaluate=evaluate,
)
