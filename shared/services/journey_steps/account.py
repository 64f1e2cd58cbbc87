"""Step 0: the account exists and its e-mail address is verified."""

from __future__ import annotations

from shared.domain.journey import StepState, StepStatus
from shared.repositories.accounts import Accounts
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once the account's e-mail is verified; in progress while a code is awaited."""
    user = Accounts(ctx.store).user(ctx.uid)
    if user is None:
        return StepStatus(state=StepState.NOT_STARTED)
    if not user.email_verified:
        return StepStatus(state=StepState.IN_PROGRESS, detail={"email": user.masked_email})
    return StepStatus(state=StepState.DONE, detail={"email": user.masked_email})


STEP = StepProvider(
    key="account",
    title="Verify your e-mail address",
    order=0,
    evaluate=evaluate,
)
