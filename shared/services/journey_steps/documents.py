"""Step 2: the job seeker uploaded a CV and its text was extracted."""

from __future__ import annotations

from shared.domain.documents import DocumentState
from shared.domain.journey import StepState, StepStatus
from shared.repositories.documents import Documents
from shared.services.journey import StepContext, StepProvider

# One bounded query: the newest documents decide the step.
_LOOK_AT = 10
_IN_PROGRESS = {DocumentState.PENDING_UPLOAD, DocumentState.UPLOADED, DocumentState.EXTRACTING}


def evaluate(ctx: StepContext) -> StepStatus:
    """Done once a document is EXTRACTED; otherwise the state of the newest document."""
    docs = Documents(ctx.store).newest(ctx.uid, limit=_LOOK_AT)
    if not docs:
        return StepStatus(state=StepState.NOT_STARTED)
    extracted = next((d for d in docs if d.state == DocumentState.EXTRACTED), None)
    if extracted is not None:
        return StepStatus(
            state=StepState.DONE,
            detail={
                "document_id": extracted.id,
                "pages": extracted.pages,
                "language": extracted.language,
                "documents": len(docs),
            },
        )
    newest = docs[0]
    detail = {"document_id": newest.id, "document_state": str(newest.state)}
    if newest.state in _IN_PROGRESS:
        return StepStatus(state=StepState.IN_PROGRESS, detail=detail)
    return StepStatus(
        state=StepState.FAILED,
        detail={**detail, "message": newest.failure_message},
        failure_class=newest.failure_class,
    )


STEP = StepProvider(
    key="documents",
    title="Upload your CV",
    order=20,
    evaluate=evaluate,
)
