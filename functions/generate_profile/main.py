"""Cloud Tasks target of the profiles queue: generates a career profile for one extracted CV.

google-genai is imported on the first Gemini call, not here (see shared/adapters/gcp/gemini.py).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.profiles import ProfileTask
from shared.edge.events import Task, run_task
from shared.edge.framework import harden
from shared.edge.logs import configure
from shared.services.profiles import ProfileService

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the ProfileTask and generate (or find the cached) profile."""
    payload = decode(ProfileTask, task.payload)
    outcome = container.make(ProfileService).generate(payload.uid, payload.document_id)
    return {"version": outcome.profile.version, "created": outcome.created}


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.http
def generate_profile(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="generate_profile", queue=channel_of(ProfileTask))
