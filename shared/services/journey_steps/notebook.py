"""Step: the job seeker kept an offer in the notebook and got it scored."""

from __future__ import annotations

from shared.domain.failures import FailureClass
from shared.domain.journey import StepState, StepStatus
from shared.repositories.notebook import EntryFilter, NotebookRepository
from shared.services.journey import StepContext, StepProvider

# One bounded query: the most recently changed entries tell whether the last scoring failed.
_LOOK_AT = 10


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a kept offer has a score; failed when none has and the latest score request
    failed (its class and next action, as on the entry); in progress otherwise."""
    notebook = NotebookRepository(ctx.store)
    kept = sum(notebook.summary(ctx.uid).by_status.values())
    if kept == 0:
        return StepStatus(state=StepState.NOT_STARTED)
    scored = notebook.first_scored(ctx.uid)
    if scored is None or scored.score is None:
        detail: dict[str, object] = {"kept": kept, "scored": False}
        recent, _ = notebook.page_of(ctx.uid, EntryFilter(), sort="updated", limit=_LOOK_AT, cursor=None)
        requests = [e for e in recent if e.score_state is not None]
        last = max(requests, key=lambda e: e.score_state.at if e.score_state else e.updated_at, default=None)
        if last is not None and last.score_state is not None and last.score_state.state == "failed":
            failed = last.score_state
            return StepStatus(
                state=StepState.FAILED,
                detail={**detail, "entry_id": last.id, "message": failed.message},
                failure_class=_known(failed.failure_class),
                next_action=failed.next_action,
            )
        return StepStatus(state=StepState.IN_PROGRESS, detail=detail)
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


def _known(failure_class: str | None) -> FailureClass | None:
    """The entry's class as the closed taxonomy (None for one this version does not know)."""
    try:
        return FailureClass(str(failure_class))
    except ValueError:
        return None
