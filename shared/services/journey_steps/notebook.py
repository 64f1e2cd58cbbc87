"""Step: the job seeker kept an offer in the notebook and got it scored."""

from __future__ import annotations

from shared.domain.journey import StepState, StepStatus
from shared.repositories.notebook import NotebookRepository
from shared.services.journey import StepContext, StepProvider


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a kept offer has a score; in progress while offers are kept but none scored."""
    notebook = NotebookRepository(ctx.store)
    kept = sum(notebook.summary(ctx.uid).by_status.values())
    if kept == 0:
        return StepStatus(state=StepState.NOT_STARTED)
    scored = notebook.first_scored(ctx.uid)
    if scored is None or scored.score is None:
        return StepStatus(state=StepState.IN_PROGRESS, detail={"kept": kept, "scored": False})
    return StepStatus(
        state=StepState.DONE,
        detail={"kept": kept, "scored": True, "entry_id": scored.id, "provider": scored.score.provider},
    )


STEP = StepProvider(
    key="notebook",
    title="Keep offers in your notebook and score them",
    order=50,
    evaluate=evaluate,
    requires=("matching",),
)
