"""Cloud Tasks target of the crawls queue: crawls one job source and upserts its offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework
from pydantic import ValidationError

from shared.domain.errors import InvalidInput
from shared.edge.events import Task, run_task
from shared.edge.logs import bind, configure
from shared.services.crawl_requests import CrawlTask
from shared.services.runs import RunService

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container

QUEUE = "crawls"


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Validate the payload and run the crawl; the run records any failure with its class."""
    try:
        request = CrawlTask.model_validate(task.payload)
    except ValidationError:
        raise InvalidInput("crawl task payload needs source_id and request_id") from None
    bind(source_id=request.source_id)
    run = container.make(RunService).crawl(request.source_id, request.request_id, trigger=request.trigger)
    bind(run_id=run.id)
    return {"run_id": run.id, "run_status": run.status.value}


@functions_framework.http
def crawl_source(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="crawl_source", queue=QUEUE)
