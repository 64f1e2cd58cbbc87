"""Step 3: a career profile was generated from the extracted CV."""

from __future__ import annotations

from shared.domain.failures import FailureClass
from shared.domain.journey import StepState, StepStatus
from shared.services.journey import StepContext, StepProvider
from shared.services.profile_versions import state_path


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a version exists; failed when the last generation failed; else waiting on the CV."""
    snap = ctx.store.get(state_path(ctx.uid))
    data = snap.data if snap is not None else {}
    failure = data.get("last_failure")
    if data.get("latest_version"):
        detail = {"version": data["latest_version"], "provider": data.get("provider")}
        if failure:
            detail["last_failure"] = failure.get("failure_class")
        return StepStatus(state=StepState.DONE, detail=detail)
    if failure:
        return StepStatus(
            state=StepState.FAILED,
            detail={"document_id": failure.get("document_id"), "message": failure.get("message")},
            failure_class=FailureClass(failure["failure_class"]),
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
