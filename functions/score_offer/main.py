"""Cloud Tasks target of the scoring queue: scores one notebook entry (Gemini, or the heuristic).

google-genai is imported on the first Gemini call, not here (see shared/adapters/gcp/gemini.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.scoring import ScoreTask
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.scoring import ScoringService

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the payload and score the entry (a cached score makes no call)."""
    payload = decode(ScoreTask, task.payload)
    record = container.make(ScoringService).run(payload, final_attempt=task.final_attempt)
    if record is None:
        return {"scored": False, "reason": "entry deleted"}
    return {"scored": True, "inputs_hash": record.inputs_hash, "total": record.total}


@functions_framework.http
def score_offer(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="score_offer", queue=channel_of(ScoreTask))
