"""Step 3: a career profile was generated from the extracted CV."""

from __future__ import annotations

from typing import Any

from shared.domain.failures import FailureClass
from shared.domain.journey import StepState, StepStatus
from shared.repositories.career_profiles import CareerProfiles
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a version exists; failed when the last generation failed; else waiting on the CV."""
    state = CareerProfiles(ctx.store).state(ctx.uid)
    failure = state.last_failure if state is not None else None
    if state is not None and state.latest_version:
        detail: dict[str, Any] = {"version": state.latest_version, "provider": state.provider}
        if failure:
            detail["last_failure"] = failure.failure_class
        return StepStatus(state=StepState.DONE, detail=detail)
    if failure:
        return StepStatus(
            state=StepState.FAILED,
            detail={"document_id": failure.document_id, "message": failure.message},
            failure_class=FailureClass(failure.failure_class),
        )
    documents = ctx.earlier.get("documents")
    if documents is not None and documents.state == StepState.DONE:
        return StepStatus(state=StepState.IN_PROGRESS)  # the profile task is queued or running
    return StepStatus(state=StepState.NOT_STARTED)


STEP = StepProvider(
    key="career_profile",
    title="Review your career profile",
    order=30,
    evaluate=evaluate,
    requires=("documents",),
)
