"""Cloud Tasks target of the crawls queue: crawls one job source and upserts its offers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import functions_framework

from shared.channels import channel_of, decode
from shared.channels.crawls import CrawlTask
from shared.edge.events import Task, run_task
from shared.edge.framework import harden
from shared.edge.logs import bind, configure
from shared.services.runs import RunService

if TYPE_CHECKING:
    import flask

    from shared.bootstrap import Container


def handle(task: Task, container: Container) -> dict[str, Any]:
    """Decode the CrawlTask and run the crawl; the run records any failure with its class."""
    request = decode(CrawlTask, task.payload)
    bind(source_id=request.source_id)
    run = container.make(RunService).crawl(
        request.source_id,
        request.request_id,
        trigger=request.trigger,
        retry=task.retry_count > 0,
        final_attempt=task.final_attempt,
    )
    bind(run_id=run.id)
    return {"run_id": run.id, "run_status": run.status.value}


# The framework's own 404/405/308/500 answers become problem+json (see shared/edge/framework.py).
harden()


@functions_framework.http
def crawl_source(request: flask.Request) -> flask.Response:
    """Entry point: run the task with the queue's retry rules."""
    configure()
    return run_task(request, handle, function="crawl_source", queue=channel_of(CrawlTask))
