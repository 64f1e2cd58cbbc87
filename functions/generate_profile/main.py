"""Cloud Tasks target of the profiles queue: generates a career profile for one extracted CV.

google-genai is imported on the first Gemini call, not here (see shared/adapters/gcp/gemini.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework
from pydantic import BaseModel, ConfigDict, ValidationError

from shared.domain.errors import InvalidInput
from shared.edge.events import Task, run_task
from shared.edge.logs import configure
from shared.services.profiles import PROFILE_QUEUE, ProfileService

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


class ProfileTask(BaseModel):
    """The task payload the extraction step enqueues."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    uid: str
    document_id: str


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Validate the payload and generate (or find the cached) profile."""
    try:
        payload = ProfileTask.model_validate(task.payload)
    except ValidationError:
        raise InvalidInput("profile task payload needs uid and document_id") from None
    outcome = container.make(ProfileService).generate(payload.uid, payload.document_id)
    return {"version": outcome.profile.version, "created": outcome.created}


@functions_framework.http
def generate_profile(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="generate_profile", queue=PROFILE_QUEUE)
